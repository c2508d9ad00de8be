package gitea

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// branch is one item of GET /repos/{owner}/{repo}/branches (Gitea's Branch entity): the fields
// forgegraph reads.
type branch struct {
	Name   string `json:"name"`
	Commit *struct {
		ID string `json:"id"`
	} `json:"commit"`
	Protected *bool `json:"protected"`
}

// tag is one item of GET /repos/{owner}/{repo}/tags (Gitea's Tag entity): the fields forgegraph
// reads. Its id is the tag object's; the commit is what it points to.
type tag struct {
	Name   string `json:"name"`
	Commit *struct {
		SHA string `json:"sha"`
	} `json:"commit"`
}

func convertBranch(b *branch) providers.Ref {
	r := providers.Ref{Name: b.Name, IsProtected: b.Protected}
	if b.Commit != nil {
		r.CommitSHA = providers.NonEmpty(b.Commit.ID)
	}
	return r
}

func convertTag(t *tag) providers.Ref {
	r := providers.Ref{Name: t.Name}
	if t.Commit != nil {
		r.CommitSHA = providers.NonEmpty(t.Commit.SHA)
	}
	return r
}

// Refs reads page (from 0) of repo's branches (GET /repos/{owner}/{repo}/branches) or tags
// (.../tags) in Gitea's order, 100 per page, read as upstream pages of 50 (Gitea's default MAX_RESPONSE_ITEMS, or the lower cap
// the server is seen to have). Total is X-Total-Count; branches say whether they are protected,
// tags never do. An empty repository has none. Errors are KindNotFound when the credential cannot
// see the repository, KindBadInput for a path that is not owner/name, KindBadResponse for answers
// that do not page as documented, and the rest errors.
func (s *Source) Refs(ctx context.Context, token string, repo *providers.Repository, kind providers.RefKind, page int) (providers.ListPage[providers.Ref], error) {
	out := providers.ListPage[providers.Ref]{Total: -1, LastIndex: -1}
	if (kind != providers.Branches && kind != providers.Tags) || page < 0 {
		return out, s.errorf(providers.KindInternal, "refs %q page %d", kind, page)
	}
	path, err := s.repoPath(repo.NameWithOwner)
	if err != nil {
		return out, err
	}
	path += "/" + string(kind)
	if kind == providers.Branches {
		p, err := readSub[branch](ctx, s, token, path, page)
		if err != nil {
			return out, err
		}
		return listPage(p, convertBranch), nil
	}
	p, err := readSub[tag](ctx, s, token, path, page)
	if err != nil {
		return out, err
	}
	return listPage(p, convertTag), nil
}

// pageMeta is what the headers of one answer of a Gitea list endpoint (page from 1, limit) say.
type pageMeta struct {
	// n is the number of items in the answer.
	n int
	// total is X-Total-Count, -1 when absent.
	total int
	// next reports a Link rel="next"; hasLink whether a Link header came at all (branches send
	// one, tags and topics do not).
	next, hasLink bool
}

// readMeta reads the paging headers of an answer holding n items.
func readMeta(h http.Header, n int) pageMeta {
	m := pageMeta{n: n, total: -1}
	if t, ok := rest.HeaderInt(h, "X-Total-Count"); ok && t >= 0 {
		m.total = t
	}
	links := wire.ParseLinks(h.Values("Link")...)
	m.hasLink, m.next = links.Present, links.Next
	return m
}

// short reports whether the answer, page (1-based) of limit, holds fewer items than the list has
// there: the server cut the page to its MAX_RESPONSE_ITEMS, below the limit asked. X-Total-Count
// decides when present, else Link rel="next" (a page followed by another must be full).
func (m pageMeta) short(page, limit int) bool {
	if m.total >= 0 {
		return m.n < min(limit, max(0, m.total-(page-1)*limit))
	}
	return m.next && m.n < limit
}

// more reports whether the list goes on after the answer, page (1-based) of limit.
func (m pageMeta) more(page, limit int) bool {
	switch {
	case m.total >= 0:
		return page*limit < m.total
	case m.hasLink:
		return m.next
	default:
		return m.n == limit
	}
}

// subPage is forgegraph's page of a list under a repository, in wire items.
type subPage[W any] struct {
	items []W
	more  bool
	// total is X-Total-Count, -1 when absent.
	total int
}

// listPage returns p as a providers.ListPage of items (p's items converted), LastIndex from the
// total when known.
func listPage[W, T any](p subPage[W], conv func(*W) T) providers.ListPage[T] {
	out := providers.ListPage[T]{Items: make([]T, len(p.items)), More: p.more, Total: p.total, LastIndex: -1}
	for k := range p.items {
		out.Items[k] = conv(&p.items[k])
	}
	if p.total >= 0 {
		out.LastIndex = max(0, (p.total+providers.PageSize-1)/providers.PageSize-1)
	}
	return out
}

// readSub reads forgegraph's page i (providers.PageSize items) of the bare-array list at path
// (GET /repos/{owner}/{repo}/branches or /tags): upstream pages of the source's current limit (50,
// Gitea's default MAX_RESPONSE_ITEMS), as many as one page holds, stopping at the list's end. When
// an answer shows the server cuts pages below the limit, the limit is lowered as the list's is
// (see learnSubLimit) and the page read again, once. Errors are the rest errors and
// KindBadResponse for answers that do not page as documented.
func readSub[W any](ctx context.Context, s *Source, token, path string, i int) (subPage[W], error) {
	if i < 0 {
		return subPage[W]{}, s.errorf(providers.KindInternal, "negative page index %d", i)
	}
	for attempt := 0; ; attempt++ {
		limit := int(s.limit.Load())
		p, capped, err := readSubOnce[W](ctx, s, token, path, i, limit)
		if err != nil || !capped {
			return p, err
		}
		if attempt > 0 {
			return subPage[W]{}, s.errorf(providers.KindBadResponse,
				"pages of %d items of %s came back short twice: the list changed while it was read, or the server does not page as documented", limit, path)
		}
		if err := learnSubLimit[W](ctx, s, token, path, limit); err != nil {
			return subPage[W]{}, err
		}
	}
}

// fetchSub reads page (1-based) of limit items of the list at path.
func fetchSub[W any](ctx context.Context, s *Source, token, path string, page, limit int) ([]W, pageMeta, error) {
	q := url.Values{"page": {strconv.Itoa(page)}, "limit": {strconv.Itoa(limit)}}
	var items []W
	resp, err := s.client.GetJSON(ctx, token, path, q, &items)
	if err != nil {
		return nil, pageMeta{}, err
	}
	if len(items) > limit {
		return nil, pageMeta{}, s.errorf(providers.KindBadResponse, "page %d of %s has %d items, more than the %d asked for", page, path, len(items), limit)
	}
	return items, readMeta(resp.Header, len(items)), nil
}

// readSubOnce reads forgegraph's page i from upstream pages of limit; capped reports an upstream
// page shorter than the list there (the caller learns the cap and reads again).
func readSubOnce[W any](ctx context.Context, s *Source, token, path string, i, limit int) (subPage[W], bool, error) {
	per := providers.PageSize / limit
	out := subPage[W]{total: -1}
	for k := 0; k < per; k++ {
		n := i*per + k + 1
		items, m, err := fetchSub[W](ctx, s, token, path, n, limit)
		if err != nil {
			return subPage[W]{}, false, err
		}
		if m.short(n, limit) {
			return subPage[W]{}, true, nil
		}
		out.items = append(out.items, items...)
		out.total, out.more = m.total, m.more(n, limit)
		if !out.more {
			break
		}
	}
	if out.more && len(out.items) < providers.PageSize {
		return subPage[W]{}, false, s.errorf(providers.KindBadResponse, "page %d of %s has %d items but says another page follows", i, path, len(out.items))
	}
	return out, false, nil
}

// learnSubLimit reads the first page of limit of the list at path (where a cap cannot shift the
// offset) to find the server's MAX_RESPONSE_ITEMS, and keeps as the source's limit the largest
// divisor of providers.PageSize at most that cap. A first page that is not short contradicts the
// earlier short page: a KindBadResponse error.
func learnSubLimit[W any](ctx context.Context, s *Source, token, path string, limit int) error {
	items, m, err := fetchSub[W](ctx, s, token, path, 1, limit)
	if err != nil {
		return err
	}
	got := len(items)
	if got == 0 || !m.short(1, limit) {
		return s.errorf(providers.KindBadResponse, "a page of %s came back shorter than the list but the first page is not: the server does not page as documented", path)
	}
	d := got
	for providers.PageSize%d != 0 {
		d--
	}
	s.limit.Store(int32(d))
	return nil
}
