package providers

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Privacy is the privacy a filter keeps: PUBLIC or PRIVATE (GitLab's internal counts as PRIVATE).
// The zero value keeps both.
type Privacy string

// The privacies of the contract's RepositoryPrivacy enum.
const (
	PrivacyPublic  Privacy = "PUBLIC"
	PrivacyPrivate Privacy = "PRIVATE"
)

// Affiliation is how the credential's user reaches a repository. The zero value means the forge's
// converter did not know it; such a repository matches no affiliation filter.
type Affiliation string

// The affiliations of the contract's RepositoryAffiliation enum.
const (
	// AffOwner: in the viewer's own account, namespace or personal workspace (CodeArts: created by
	// the viewer).
	AffOwner Affiliation = "OWNER"
	// AffCollaborator: another user's repository the viewer was added to.
	AffCollaborator Affiliation = "COLLABORATOR"
	// AffOrganizationMember: in an organization, group or workspace the viewer belongs to (CodeArts:
	// in a project, created by someone else).
	AffOrganizationMember Affiliation = "ORGANIZATION_MEMBER"
)

// AllAffiliations lists every affiliation, in the key's canonical order.
var AllAffiliations = []Affiliation{AffCollaborator, AffOrganizationMember, AffOwner}

// MaxFilterQuery is the longest Filter.Query accepted, in characters (after trimming).
const MaxFilterQuery = 256

// Filter narrows a list. Every field's zero value keeps everything, so the zero Filter is the
// unfiltered list; fields combine with AND.
type Filter struct {
	// Query keeps repositories whose NameWithOwner contains it, ignoring case; "" keeps all.
	Query string
	// Privacy keeps public or private repositories; "" keeps both.
	Privacy Privacy
	// Affiliations keeps repositories whose Affiliation is in the set; nil keeps all, an empty
	// non-nil set keeps none (the GraphQL layer refuses it as bad input).
	Affiliations []Affiliation
	// IsFork, when not nil, keeps repositories whose IsFork equals it (unknown counts as false).
	IsFork *bool
	// IsArchived, when not nil, keeps repositories whose IsArchived equals it (unknown counts as
	// false: Bitbucket's repositories are never archived).
	IsArchived *bool
}

// IsZero reports whether f keeps every repository: the unfiltered list, whose keys, streams and
// upstream requests are those of a Query without a filter. Affiliations holding all three values
// keep everything too, but are a different key; the GraphQL layer canonicalises them to nil.
func (f Filter) IsZero() bool {
	return f.Query == "" && f.Privacy == "" && f.Affiliations == nil && f.IsFork == nil && f.IsArchived == nil
}

// Wants reports whether f's affiliation set lets a through (true when the set is nil).
func (f Filter) Wants(a Affiliation) bool {
	return f.Affiliations == nil || slices.Contains(f.Affiliations, a)
}

// Match reports whether r passes every part of f. It is the exact predicate, applied locally on top
// of whatever a forge filtered natively.
func (f Filter) Match(r *Repository) bool {
	if f.Query != "" && !containsFold(r.NameWithOwner, f.Query) {
		return false
	}
	switch f.Privacy {
	case PrivacyPublic:
		if r.IsPrivate {
			return false
		}
	case PrivacyPrivate:
		if !r.IsPrivate {
			return false
		}
	}
	if f.Affiliations != nil && !slices.Contains(f.Affiliations, r.Affiliation) {
		return false
	}
	if f.IsFork != nil && *f.IsFork != (r.IsFork != nil && *r.IsFork) {
		return false
	}
	if f.IsArchived != nil && *f.IsArchived != (r.IsArchived != nil && *r.IsArchived) {
		return false
	}
	return true
}

// containsFold reports whether s contains sub, ignoring case (Unicode simple folding).
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// Key is f's canonical form: "" for the zero Filter (so unfiltered keys stay as they were), else
// the set parts in a fixed order, the query quoted, the affiliations sorted and deduplicated.
func (f Filter) Key() string {
	if f.IsZero() {
		return ""
	}
	var b strings.Builder
	if f.Query != "" {
		b.WriteString("q=")
		b.WriteString(strconv.Quote(strings.ToLower(f.Query)))
		b.WriteByte(',')
	}
	if f.Privacy != "" {
		b.WriteString("privacy=" + string(f.Privacy) + ",")
	}
	if f.Affiliations != nil {
		as := make([]string, len(f.Affiliations))
		for i, a := range f.Affiliations {
			as[i] = string(a)
		}
		slices.Sort(as)
		b.WriteString("aff=" + strconv.Quote(strings.Join(slices.Compact(as), "+")) + ",")
	}
	for _, t := range []struct {
		name string
		v    *bool
	}{{"fork", f.IsFork}, {"archived", f.IsArchived}} {
		if t.v != nil {
			b.WriteString(t.name + "=" + strconv.FormatBool(*t.v) + ",")
		}
	}
	return strings.TrimSuffix(b.String(), ",")
}

// MarshalGQL writes p as a GraphQL enum value.
func (p Privacy) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(p))) }

// UnmarshalGQL reads a RepositoryPrivacy enum value; another value is a KindBadInput error.
func (p *Privacy) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if Privacy(s) != PrivacyPublic && Privacy(s) != PrivacyPrivate {
		return Errorf(KindBadInput, "", "%v is not a RepositoryPrivacy: use PUBLIC or PRIVATE", v)
	}
	*p = Privacy(s)
	return nil
}

// MarshalGQL writes a as a GraphQL enum value.
func (a Affiliation) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(a))) }

// UnmarshalGQL reads a RepositoryAffiliation enum value; another value is a KindBadInput error.
func (a *Affiliation) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if !slices.Contains(AllAffiliations, Affiliation(s)) {
		return Errorf(KindBadInput, "", "%v is not a RepositoryAffiliation: use OWNER, COLLABORATOR or ORGANIZATION_MEMBER", v)
	}
	*a = Affiliation(s)
	return nil
}

// FilterStreams returns q's filtered streams over inner, the streams a source returned for q: each
// becomes one stream of the repositories of its whole list that pass q.Filter.Match, in q.Order,
// with an exact Total. The whole list is read once per credential and stream (its ID holds the
// filter, so a source that narrows natively is read narrowed) and kept by l, bounded by l.Max; the
// exact predicate is applied here whatever the forge did, so a source may narrow natively to any
// superset of the answer, or not at all. With the zero filter inner comes back unchanged: the
// unfiltered path costs what it did. l must not be nil.
func FilterStreams(l *Local, q Query, inner []Stream) []Stream {
	if q.Filter.IsZero() {
		return inner
	}
	out := make([]Stream, len(inner))
	for i, st := range inner {
		out[i] = l.Filtered(st.Source(), st.Key(), q, "filtered|"+st.ID(), ReadStream(st))
	}
	return out
}

// ReadStream reads st whole, page after page from page 0 until a page says no more follows; it
// fails with KindBadResponse once the list holds more than max repositories, and with st's error
// when a page cannot be read.
func ReadStream(st Stream) ReadAll {
	return func(ctx context.Context, max int) ([]Repository, error) {
		var all []Repository
		for i := 0; ; i++ {
			p, err := st.FetchPage(ctx, i, "")
			if err != nil {
				return nil, AsError(err, st.Source())
			}
			all = append(all, p.Items...)
			if len(all) > max {
				return nil, Errorf(KindBadResponse, st.Source(), "a filtered list reads the whole list, and it has more than %d repositories: narrow the filter, raise MAX_REPOSITORIES_PER_SOURCE or list without filters", max)
			}
			if !p.More {
				return all, nil
			}
		}
	}
}
