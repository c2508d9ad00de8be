package providers

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// PageSize is the number of repositories in one upstream page: the unit of fetching and caching.
const PageSize = 100

// ErrNotModified is returned by Stream.FetchPage when it was given an ETag and the forge answered
// 304 Not Modified: the caller's copy of the page is still current.
var ErrNotModified = errors.New("not modified")

// Query says which list a source is asked for.
type Query struct {
	// Token is the request's credential for this source; "" makes the source fail with KindUnauth.
	Token string
	// Order is the order of the list; it must be Valid.
	Order Order
	// Providers limits the list to repositories on these forges; nil means all. Sources that front
	// one forge never receive a set without their forge.
	Providers []Provider
	// Owner is the owner whose repositories are listed (Query.repositoryOwner); the zero value is
	// the viewer's own list. Sources without OwnerFinder refuse a non-zero one (KindNotSupported).
	Owner OwnerRef
	// Filter narrows the list (filter.go); the zero Filter is the unfiltered list. Sources may
	// narrow natively with it; the exact predicate Filter.Match is always applied on top (see
	// FilterStreams), so a source that ignores it is still exact.
	Filter Filter
}

// Key is q's canonical identity without its credential: every field of Query but Token, written
// in one fixed form ("order=PUSHED:DESC;providers=*"; the provider set sorted, "*" for nil, "" for
// an empty set; then ";owner=KIND:\"login\"" when an owner is listed, and ";filter=" and
// Filter.Key when the filter is not zero). It is the one identity of "what was asked": StreamID
// builds stream ids and page
// cache keys from it (with the credential's hash), and the GraphQL layer binds cursors to the Key
// of the list's query (with the credential set). Token is left out on purpose: a credential is
// never part of a key, only its keyed hash is. A field added to Query must be added here; a test
// changes each field alone and fails when the key stays the same.
func (q Query) Key() string {
	var b strings.Builder
	b.WriteString("order=")
	b.WriteString(q.Order.String())
	b.WriteString(";providers=")
	if q.Providers == nil {
		b.WriteString("*")
	} else {
		ps := make([]string, len(q.Providers))
		for i, p := range q.Providers {
			ps[i] = string(p)
		}
		slices.Sort(ps)
		b.WriteString(strings.Join(slices.Compact(ps), ","))
	}
	if !q.Owner.IsZero() || q.Owner.Kind != "" {
		// Quoted, so no login can spell another field; absent for the viewer's list, whose key
		// (and so its cursors and cached pages) stays as it was.
		b.WriteString(";owner=" + string(q.Owner.Kind) + ":" + strconv.Quote(q.Owner.Login))
	}
	if fk := q.Filter.Key(); fk != "" {
		// Only a filter that narrows is written: the unfiltered key is the one it always was.
		b.WriteString(";filter=")
		b.WriteString(fk)
	}
	return b.String()
}

// Allows reports whether q's provider filter lets p through.
func (q Query) Allows(p Provider) bool {
	if q.Providers == nil {
		return true
	}
	for _, x := range q.Providers {
		if x == p {
			return true
		}
	}
	return false
}

// Check returns nil when q can be listed, else a KindInternal error for source: q's order is
// built by the server from validated enum values, so an invalid one is a server bug, never the
// client's input (it would otherwise reach clients as BAD_USER_INPUT). Every source calls it first
// in Streams.
func (q Query) Check(source string) error {
	if !q.Order.Valid() {
		return Errorf(KindInternal, source, "invalid order %q reached the source", q.Order.String())
	}
	return nil
}

// CheckPageIndex returns nil for a page index a stream may be asked for (0 up to last; last < 0
// means no upper bound), else a KindInternal error for source: page indexes come from the server's
// own positions and cursors, which are sealed, so a bad one is a server bug.
func CheckPageIndex(source string, i, last int) error {
	if i < 0 || (last >= 0 && i > last) {
		return Errorf(KindInternal, source, "page index %d is outside the stream's pages", i)
	}
	return nil
}

// Page is one upstream page of a stream: PageSize items, fewer only on the last page.
type Page struct {
	Items []Repository `json:"items"`
	// More reports whether another page follows.
	More bool `json:"more"`
	// Total is the exact length of the whole list when the forge said it with this page, else -1.
	Total int `json:"total"`
	// LastIndex is the index of the last page when the forge said it (a Link rel="last"), else -1.
	LastIndex int `json:"lastIndex"`
	// ETag is the forge's entity tag for this page, "" when it sent none.
	ETag string `json:"etag,omitempty"`
}

// Source is one configured upstream: a forge (GitHub, GitLab, ...) or an aggregator (OpenHands).
type Source interface {
	// Name is the source's configuration name: github, gitlab, bitbucket, codearts or openhands.
	Name() string
	// Providers lists the forges whose repositories the source can return.
	Providers() []Provider
	// Streams returns the ordered lists that together make q's list on this source: one for most
	// forges, one per workspace for Bitbucket. Errors are *Error values.
	Streams(ctx context.Context, q Query) ([]Stream, error)
	// Repository fetches one repository by its global ID; a repository the credential cannot see is
	// a KindNotFound error.
	Repository(ctx context.Context, token string, id GlobalID) (*Repository, error)
}

// Stream is one ordered list of repositories of one source for one query, read by page index.
type Stream interface {
	// ID identifies the list across requests and replicas: source, stream key, credential hash,
	// order and filter. It never holds a token. Build it with StreamID.
	ID() string
	// Key identifies the stream among its source's streams: "" for a source's only stream, the
	// workspace for Bitbucket. It is stable across credentials and orders.
	Key() string
	// Source is the name of the source the stream belongs to.
	Source() string
	// FetchPage returns page i (0-based) of PageSize items. Every page but the last is full. When
	// etag is not "" and the page still has that tag, it returns ErrNotModified.
	FetchPage(ctx context.Context, i int, etag string) (Page, error)
}

// StreamID builds a Stream's ID from its parts: the source, the stream's key, the hash of q's
// credential and q.Key(), so two queries that differ in any field get different streams (and cached
// pages).
func StreamID(source, key string, q Query) string {
	return source + "|" + key + "|" + HashToken(q.Token) + "|" + q.Key()
}
