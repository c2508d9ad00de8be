package wire

import (
	"strings"
	"time"
)

// zonedLayouts are the forms of times that carry their zone: RFC 3339 (GitHub's "…Z", GitLab's
// "….000Z", Bitbucket's "….123456+00:00", CodeArts v4's "….000+08:00"), an offset without its
// colon, and a space instead of the "T". time.Parse accepts a fractional second after the seconds
// even when the layout has none.
var zonedLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
}

// zonelessLayouts are the forms of times without a zone (CodeArts v2's "2019-10-15 11:00:11",
// Python's isoformat of a naive datetime as OpenHands may pass it on).
var zonelessLayouts = []string{
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
}

// Time parses a forge's timestamp to UTC. Surrounding spaces are ignored. A time that carries its
// zone keeps it; a zone-less time is read in zoneless, and is refused when zoneless is nil (for a
// forge that documents zoned times only, a zone-less one is not trusted). It returns nil for "",
// for text in none of the forms, and for impossible dates: an unreadable time is treated as
// absent, never as an error, as a repository without a time is still a repository.
func Time(s string, zoneless *time.Location) *time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			t = t.UTC()
			return &t
		}
	}
	if zoneless == nil {
		return nil
	}
	for _, l := range zonelessLayouts {
		if t, err := time.ParseInLocation(l, s, zoneless); err == nil {
			t = t.UTC()
			return &t
		}
	}
	return nil
}

// TimePtr is Time for a JSON field that may be absent or null: nil s gives nil.
func TimePtr(s *string, zoneless *time.Location) *time.Time {
	if s == nil {
		return nil
	}
	return Time(*s, zoneless)
}
