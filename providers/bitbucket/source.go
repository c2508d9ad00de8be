package bitbucket

import (
	"context"
	"errors"
	"net/url"
	"strconv"

	"github.com/forgegraph/forgegraph/providers"
)

// Name returns "bitbucket".
func (s *Source) Name() string { return SourceName }

// Providers returns [BITBUCKET].
func (s *Source) Providers() []providers.Provider { return []providers.Provider{providers.Bitbucket} }

// Streams returns one stream per workspace of the credential, in slug order, each keyed by the
// workspace slug; none when q's provider filter excludes Bitbucket or the credential has no
// workspace. PUSHED, UPDATED (both Bitbucket's updated_on) and CREATED (created_on) are paged
// natively, 100 per upstream page; FULL_NAME is sorted locally per workspace through Config.Local.
// Errors are *providers.Error: KindBadInput for an invalid order, KindUnauth without a token or
// for a rejected one, KindBadResponse when the credential is in more than MaxWorkspaces workspaces,
// and the rest kinds of a failed workspace listing.
func (s *Source) Streams(ctx context.Context, q providers.Query) ([]providers.Stream, error) {
	if !q.Order.Valid() {
		return nil, providers.Errorf(providers.KindBadInput, SourceName, "invalid order %q", q.Order.String())
	}
	if !q.Allows(providers.Bitbucket) {
		return nil, nil
	}
	workspaces, err := s.listWorkspaces(ctx, q.Token)
	if err != nil {
		return nil, err
	}
	streams := make([]providers.Stream, 0, len(workspaces))
	for _, ws := range workspaces {
		if sort, ok := nativeSort(q.Order); ok {
			streams = append(streams, &stream{s: s, ws: ws, q: q, sort: sort, id: providers.StreamID(SourceName, ws, q)})
			continue
		}
		streams = append(streams, s.local.Stream(SourceName, ws, q, "repositories/"+ws, s.readAll(q.Token, ws), nil))
	}
	return streams, nil
}

// nativeSort returns Bitbucket's sort parameter for o, and false when Bitbucket cannot give the
// list in o (FULL_NAME: forgegraph compares lower-cased full paths).
func nativeSort(o providers.Order) (string, bool) {
	var field string
	switch o.Sort {
	case providers.SortPushed, providers.SortUpdated:
		field = "updated_on"
	case providers.SortCreated:
		field = "created_on"
	default:
		return "", false
	}
	if o.Direction == providers.Desc {
		field = "-" + field
	}
	return field, true
}

// repositoriesPath is the path of a workspace's repository list, or of one repository when slug is
// given: each name is checked (Bitbucket's slug characters or a {uuid}) and escapes with
// url.PathEscape ("{uuid}" becomes "%7Buuid%7D"). A refused name is a KindBadInput error.
func (s *Source) repositoriesPath(names ...string) (string, error) {
	return s.client.Path("/repositories", names...)
}

// stream is one workspace's repositories in a native order.
type stream struct {
	s    *Source
	ws   string
	q    providers.Query
	sort string
	id   string // providers.StreamID, computed once
}

// ID implements providers.Stream.
func (st *stream) ID() string { return st.id }

// Key returns the workspace slug.
func (st *stream) Key() string { return st.ws }

// Source returns "bitbucket".
func (st *stream) Source() string { return SourceName }

// FetchPage returns page i: Bitbucket's page i+1 of 100 repositories. Total is the envelope's size
// when Bitbucket sends it, else -1; More is whether it sent a next link. A 404 for a page after
// the first is the end of the list (Bitbucket's "Invalid page") and gives an empty last page. With
// etag, a 304 answer gives providers.ErrNotModified. Other errors are *providers.Error values.
func (st *stream) FetchPage(ctx context.Context, i int, etag string) (providers.Page, error) {
	if i < 0 {
		return providers.Page{}, providers.Errorf(providers.KindBadInput, SourceName, "negative page index %d", i)
	}
	q := url.Values{
		"role":    {"member"},
		"sort":    {st.sort},
		"pagelen": {strconv.Itoa(providers.PageSize)},
		"page":    {strconv.Itoa(i + 1)},
	}
	path, err := st.s.repositoriesPath(st.ws)
	if err != nil {
		return providers.Page{}, err
	}
	resp, err := st.s.client.Get(ctx, st.q.Token, path, q, etag)
	if err != nil {
		if i > 0 && providers.KindOf(err) == providers.KindNotFound {
			return providers.Page{Total: -1, LastIndex: -1}, nil
		}
		return providers.Page{}, err
	}
	if resp.NotModified {
		return providers.Page{}, providers.ErrNotModified
	}
	var body paginated[repository]
	if err := st.s.client.Decode(ctx, resp.Body, &body); err != nil {
		return providers.Page{}, err
	}
	items, err := st.s.convertRepositories(body.Values)
	if err != nil {
		return providers.Page{}, err
	}
	more := body.Next != ""
	if len(items) > providers.PageSize || (more && len(items) != providers.PageSize) {
		return providers.Page{}, st.s.errorf(providers.KindBadResponse, nil,
			"page of %d repositories where %d were asked for", len(items), providers.PageSize)
	}
	total := -1
	if body.Size != nil {
		total = *body.Size
	}
	return providers.Page{Items: items, More: more, Total: total, LastIndex: -1, ETag: resp.Header.Get("ETag")}, nil
}

// readAll returns the reader of workspace ws's whole list for the local sort. It reads pages of
// 100 by number, sorted by created_on so that repositories updated during the read do not move
// between pages, until a page without next; it stops early once the list is longer than max (the
// Local then fails) and drops duplicates.
func (s *Source) readAll(token, ws string) providers.ReadAll {
	return func(ctx context.Context, max int) ([]providers.Repository, error) {
		path, err := s.repositoriesPath(ws)
		if err != nil {
			return nil, err
		}
		var out []providers.Repository
		seen := map[string]bool{}
		for page := 1; ; page++ {
			q := url.Values{
				"role":    {"member"},
				"sort":    {"created_on"},
				"pagelen": {strconv.Itoa(providers.PageSize)},
				"page":    {strconv.Itoa(page)},
			}
			resp, err := s.client.Get(ctx, token, path, q, "")
			if err != nil {
				if page > 1 && providers.KindOf(err) == providers.KindNotFound {
					break
				}
				return nil, err
			}
			var body paginated[repository]
			if err := s.client.Decode(ctx, resp.Body, &body); err != nil {
				return nil, err
			}
			items, err := s.convertRepositories(body.Values)
			if err != nil {
				return nil, err
			}
			for _, r := range items {
				if !seen[r.ForgeID] {
					seen[r.ForgeID] = true
					out = append(out, r)
				}
			}
			if body.Next == "" || len(body.Values) == 0 || len(out) > max {
				break
			}
		}
		return out, nil
	}
}

// Repository fetches one repository with GET /2.0/repositories/{workspace}/{repo_slug}, from the
// path in id. An id whose path is not "workspace/slug" made of Bitbucket's slug characters
// (letters, digits, "-", "_", "."; never "." or "..") or {uuid}s is a KindBadInput error, before any
// request. An id of another provider, a repository that does not exist or that the credential may
// not see (Bitbucket's 403 for private repositories) is KindNotFound; other errors are the
// *providers.Error kinds of rest.
func (s *Source) Repository(ctx context.Context, token string, id providers.GlobalID) (*providers.Repository, error) {
	if id.Provider != providers.Bitbucket {
		return nil, s.errorf(providers.KindNotFound, nil, "no Bitbucket repository %q", id.NameWithOwner)
	}
	path, err := s.lookupPath(id) // write.go: by {uuid} when the id has one
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Get(ctx, token, path, nil, "")
	if err != nil {
		var e *providers.Error
		if errors.As(err, &e) && e.Kind == providers.KindForbidden {
			c := *e
			c.Kind = providers.KindNotFound
			return nil, &c
		}
		return nil, err
	}
	var w repository
	if err := s.client.Decode(ctx, resp.Body, &w); err != nil {
		return nil, err
	}
	r, err := convertRepository(&w)
	if err != nil {
		return nil, s.errorf(providers.KindBadResponse, err, "unexpected repository object")
	}
	return &r, nil
}
