package bitbucket

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/forgegraph/forgegraph/providers"
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
		return nil, s.errorf(providers.KindUnauth, nil, "no token: set the server's token for bitbucket or send it in the request's header")
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

// readWorkspaces reads every page of GET /2.0/user/workspaces, and fails (KindBadResponse) once
// there are more than MaxWorkspaces. Pages are asked by number from the
// configured base (never by following the body's next URL), 100 at a time, sorted by slug (the one
// sort Bitbucket supports there); next only says whether another page follows.
func (s *Source) readWorkspaces(ctx context.Context, token string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for page := 1; ; page++ {
		q := url.Values{
			"sort":    {"slug"},
			"pagelen": {strconv.Itoa(providers.PageSize)},
			"page":    {strconv.Itoa(page)},
		}
		resp, err := s.client.Get(ctx, token, "/user/workspaces", q, "")
		if err != nil {
			return nil, err
		}
		var body paginated[workspaceAccess]
		if err := s.client.Decode(ctx, resp.Body, &body); err != nil {
			return nil, err
		}
		for _, v := range body.Values {
			// A slug that cannot be a path segment is skipped: it would never list anything.
			slug := v.slug()
			if _, err := s.repositoriesPath(slug); err == nil && !seen[slug] {
				seen[slug] = true
				out = append(out, slug)
			}
		}
		if len(out) > MaxWorkspaces {
			// Counted as the pages come: more pages would not change the answer.
			return nil, s.errorf(providers.KindBadResponse, nil, "the credential is in more than %d workspaces, the most forgegraph merges "+
				"(one list per workspace): leave the workspaces you do not need or use a token of an account in fewer; "+
				"the other forges are still listed (provider: GITHUB, say, asks only that forge)", MaxWorkspaces)
		}
		if body.Next == "" || len(body.Values) == 0 {
			break
		}
	}
	slices.Sort(out)
	return out, nil
}
