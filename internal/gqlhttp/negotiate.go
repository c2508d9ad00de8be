package gqlhttp

import (
	"mime"
	"strconv"
	"strings"
)

// The response media types this package serves.
const (
	// MediaTypeGraphQLResponse is the GraphQL over HTTP spec's response type: its status codes say
	// whether the request was executed.
	MediaTypeGraphQLResponse = "application/graphql-response+json"
	// MediaTypeJSON is the legacy response type: every well-formed request is answered 200.
	MediaTypeJSON = "application/json"
)

// mediaRange is one element of an Accept header.
type mediaRange struct {
	typ, sub string
	q        float64
}

// parseAccept reads the media ranges of Accept header values. ok is false when values hold
// something that is not a media range.
func parseAccept(values []string) (ranges []mediaRange, ok bool) {
	ok = true
	for _, v := range values {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			mr, good := parseRange(part)
			if !good {
				ok = false
				continue
			}
			ranges = append(ranges, mr)
		}
	}
	return ranges, ok
}

func parseRange(s string) (mediaRange, bool) {
	mt, params, err := mime.ParseMediaType(s)
	if err != nil {
		return mediaRange{}, false
	}
	if mt == "*" {
		mt = "*/*" // a bare "*" (sent by some old clients) means any type
	}
	typ, sub, found := strings.Cut(mt, "/")
	if !found || typ == "" || sub == "" || (typ == "*" && sub != "*") {
		return mediaRange{}, false
	}
	q := 1.0
	if qs, has := params["q"]; has {
		f, err := strconv.ParseFloat(qs, 64)
		if err != nil || f < 0 || f > 1 {
			return mediaRange{}, false
		}
		q = f
	}
	return mediaRange{typ: typ, sub: sub, q: q}, true
}

// match returns the quality the ranges give to media type typ/sub and how specifically they name
// it (2: exactly, 1: typ/*, 0: */*, -1: not at all). The most specific range decides (RFC 9110
// section 12.5.1).
func match(ranges []mediaRange, typ, sub string) (q float64, specificity int) {
	specificity = -1
	for _, r := range ranges {
		s := -1
		switch {
		case r.typ == typ && r.sub == sub:
			s = 2
		case r.typ == typ && r.sub == "*":
			s = 1
		case r.typ == "*" && r.sub == "*":
			s = 0
		}
		if s > specificity {
			specificity, q = s, r.q
		}
	}
	return q, specificity
}

// Negotiate picks the response media type for the request's Accept header values: the acceptable
// type with the highest quality, then the one named most specifically. When both are named
// explicitly with the same quality the spec's application/graphql-response+json wins; a missing
// Accept header, "*/*" or "application/*" get application/json, which every client reads (the
// graphql-http audit asks for this). ok is false when neither type is acceptable (HTTP 406).
func Negotiate(accept []string) (mediaType string, ok bool) {
	ranges, valid := parseAccept(accept)
	if len(ranges) == 0 {
		if valid {
			return MediaTypeJSON, true // no Accept header (or an empty one)
		}
		return "", false
	}
	gq, gs := match(ranges, "application", "graphql-response+json")
	jq, js := match(ranges, "application", "json")
	gOK, jOK := gs >= 0 && gq > 0, js >= 0 && jq > 0
	switch {
	case gOK && jOK:
		if gq != jq {
			return pick(gq > jq), true
		}
		if gs != js {
			return pick(gs > js), true
		}
		return pick(gs == 2), true
	case gOK:
		return MediaTypeGraphQLResponse, true
	case jOK:
		return MediaTypeJSON, true
	}
	return "", false
}

func pick(graphQLResponse bool) string {
	if graphQLResponse {
		return MediaTypeGraphQLResponse
	}
	return MediaTypeJSON
}
