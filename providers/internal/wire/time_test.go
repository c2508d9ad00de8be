package wire

import (
	"testing"
	"time"
)

func TestTime(t *testing.T) {
	utc8 := time.FixedZone("UTC+8", 8*60*60)
	cases := []struct {
		in       string
		zoneless *time.Location
		want     string // RFC 3339 in UTC, "" for nil
	}{
		{"2011-01-26T19:06:43Z", nil, "2011-01-26T19:06:43Z"},
		{"2013-09-30T13:46:02.000Z", nil, "2013-09-30T13:46:02Z"},
		{"2024-03-01T10:20:30.123456+00:00", nil, "2024-03-01T10:20:30.123456Z"},
		{"2024-03-01T10:20:30+05:30", nil, "2024-03-01T04:50:30Z"},
		{"2025-06-19T19:30:41.123+0800", nil, "2025-06-19T11:30:41.123Z"},
		{"2024-01-01 00:00:00+00:00", nil, "2024-01-01T00:00:00Z"},
		{"  2024-01-01T00:00:00Z ", nil, "2024-01-01T00:00:00Z"},
		{"2019-10-15 11:00:11", nil, ""},
		{"2019-10-15 11:00:11", utc8, "2019-10-15T03:00:11Z"},
		{"2019-10-15T11:00:11.5", utc8, "2019-10-15T03:00:11.5Z"},
		{"2024-01-01T00:00:00", time.UTC, "2024-01-01T00:00:00Z"},
		{"2024-03-01T10:20:30+05:30", utc8, "2024-03-01T04:50:30Z"},
		{"", utc8, ""},
		{"   ", utc8, ""},
		{"yesterday", utc8, ""},
		{"2024-03-01", utc8, ""},
		{"2019-13-45 11:00:11", utc8, ""},
	}
	for _, c := range cases {
		got := Time(c.in, c.zoneless)
		switch {
		case c.want == "" && got != nil:
			t.Errorf("Time(%q, %v) = %v, want nil", c.in, c.zoneless, got)
		case c.want == "":
		case got == nil:
			t.Errorf("Time(%q, %v) = nil, want %s", c.in, c.zoneless, c.want)
		case got.Format(time.RFC3339Nano) != c.want || got.Location() != time.UTC:
			t.Errorf("Time(%q, %v) = %v, want %s in UTC", c.in, c.zoneless, got, c.want)
		}
	}
	if TimePtr(nil, time.UTC) != nil {
		t.Error("TimePtr(nil) is not nil")
	}
	s := "2011-01-26T19:06:43Z"
	if got := TimePtr(&s, nil); got == nil || got.Format(time.RFC3339) != s {
		t.Errorf("TimePtr(%q) = %v", s, got)
	}
}
