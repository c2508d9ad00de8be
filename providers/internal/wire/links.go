package wire

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/tomnomnom/linkheader"
)

// Links is what a list answer's Link header says about paging. No URL of it is ever requested:
// forgegraph builds every page URL from the configured base and reads only page numbers here.
type Links struct {
	// Present is true when at least one non-empty Link value was given (the forge sent the header).
	Present bool
	// Next is true when a link has rel="next".
	Next bool
	// Last is the page number (from 1) in the page query parameter of the rel="last" link; 0 when
	// there is no such link or its page is missing, not a number or below 1.
	Last int
	// LastQuery is the whole query of the rel="last" link (nil without one), for a forge that must
	// check more than its page number (OpenHands checks per_page).
	LastQuery url.Values
}

// ParseLinks reads Link header values (each may hold several comma-separated links; pass
// http.Header.Values("Link")). Relation types are compared case-insensitively and a rel holding
// several space-separated types counts for each, as RFC 8288 says. When several links are "last",
// the first one counts.
func ParseLinks(values ...string) Links {
	var l Links
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			l.Present = true
		}
	}
	lastSeen := false
	for _, link := range linkheader.ParseMultiple(values) {
		for _, rel := range strings.Fields(strings.ToLower(link.Rel)) {
			switch rel {
			case "next":
				l.Next = true
			case "last":
				if lastSeen {
					continue
				}
				lastSeen = true
				if u, err := url.Parse(link.URL); err == nil {
					l.LastQuery = u.Query()
					if n, err := strconv.Atoi(l.LastQuery.Get("page")); err == nil && n >= 1 {
						l.Last = n
					}
				}
			}
		}
	}
	return l
}
