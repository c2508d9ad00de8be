package bitbucket

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/internal/wire"
)

// workspaceWait bounds how long a replica waits for another replica's listing of the same
// credential's workspaces before listing them itself.
const workspaceWait = 5 * time.Second

// MaxWorkspaces is the most workspaces one credential may be in. Each workspace is a stream of the
// merged list and a cursor names every stream (at most providers.MaxStreams); the bound leaves room
// for the other sources' streams, so a list never has more streams than a cursor can name. A
// credential in more workspaces gets a clear error for Bitbucket (the other forges still list)
// before any cursor is issued.
const MaxWorkspaces = providers.MaxStreams - 16

// listWorkspaces returns the slugs of the workspaces token can access, sorted and without
// duplicates: from the cache when it was listed in the last WorkspaceTTL, else from GET
// /2.0/user/workspaces, once for all concurrent callers with the same credential. Errors are
// *providers.Error values and are not cached.
func (s *Source) listWorkspaces(ctx context.Context, token string) ([]string, error) {
	if token == "" {
		return nil, s.client.NoToken()
	}
	key := "workspaces|" + providers.HashToken(token)
	// The list is a user's data: the cache keeps it for the credential (sealed with it when the
	// cache leaves the process).
	if v, ok := s.workspaces.Get(ctx, SourceName, token, key); ok {
		return v, nil
	}
	// A listing that began before the credential was invalidated is not joined after it.
	ch := s.group.DoChan(key+"|g"+s.workspaces.Generation(ctx, SourceName, token), func() (any, error) {
		// One listing serves every waiter (and replicas sharing the cache wait for one another's),
		// so it must not end when the first caller leaves. A flight that starts just after another
		// one ended finds its answer in the cache.
		return s.workspaces.GetOrMake(context.WithoutCancel(ctx), SourceName, token, key, workspaceWait, WorkspaceTTL,
			func(ctx context.Context) ([]string, error) { return s.readWorkspaces(ctx, token) })
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.([]string), nil
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, s.errorf(providers.KindTimeout, nil, "no answer in time")
		}
		return nil, s.errorf(providers.KindUnavailable, nil, "request canceled")
	}
}

// readWorkspaces reads every page of GET /2.0/user/workspaces with wire.ReadAll's stop rule, and
// fails (KindBadResponse) once there are more than MaxWorkspaces. Pages are asked by number from the
// configured base (never by following the body's next URL), 100 at a time, sorted by slug (the one
// sort Bitbucket supports there); next only says whether another page follows.
func (s *Source) readWorkspaces(ctx context.Context, token string) ([]string, error) {
	out, err := wire.ReadAll(ctx, wire.Read[string]{
		Source: SourceName, Max: MaxWorkspaces, PageSize: providers.PageSize,
		Key: func(slug string) string { return slug },
		TooMany: func() error {
			return s.errorf(providers.KindBadResponse, nil, "the credential is in more than %d workspaces, the most forgegraph merges "+
				"(one list per workspace): leave the workspaces you do not need or use a token of an account in fewer; "+
				"the other forges are still listed (provider: GITHUB, say, asks only that forge)", MaxWorkspaces)
		},
		Fetch: func(ctx context.Context, n int) (wire.Page[string], error) {
			q := url.Values{
				"sort":    {"slug"},
				"pagelen": {strconv.Itoa(providers.PageSize)},
				"page":    {strconv.Itoa(n)},
			}
			resp, err := s.client.Get(ctx, token, "/user/workspaces", q, "")
			if err != nil {
				return wire.Page[string]{}, err
			}
			var body paginated[workspaceAccess]
			if err := s.client.Decode(ctx, resp.Body, &body); err != nil {
				return wire.Page[string]{}, err
			}
			p := wire.Page[string]{More: body.Next != "", Total: -1}
			for _, v := range body.Values {
				p.Items = append(p.Items, v.slug())
			}
			return p, nil
		},
	})
	if err != nil {
		return nil, err
	}
	// A slug that cannot be a path segment is dropped: it would never list anything.
	out = slices.DeleteFunc(out, func(slug string) bool { return !s.validWorkspace(slug) })
	slices.Sort(out)
	return out, nil
}

// validWorkspace reports whether slug can be a path segment of a repository list.
func (s *Source) validWorkspace(slug string) bool {
	_, err := s.repositoriesPath(slug)
	return err == nil
}
