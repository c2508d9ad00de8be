package server_test

import (
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// ownerOf is the data of a repositoryOwner answer.
type ownerOf struct {
	RepositoryOwner *struct {
		Typename    string `json:"__typename"`
		ID          string
		Provider    string
		Login       string
		Name        *string
		Description *string
		URL         *string
		AvatarURL   *string
	}
}

const ownerQuery = `query($p: Provider!, $login: String!) { repositoryOwner(provider: $p, login: $login) {
  __typename id provider login url avatarUrl ... on User { name } ... on Organization { name description } } }`

// ownerPage is one page of an owner's repositories.
type ownerPage struct {
	Node *struct {
		Repositories struct {
			TotalCount int
			Edges      []struct {
				Cursor string
				Node   struct{ ForgeID, NameWithOwner string }
			}
			PageInfo struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			}
		}
	}
}

// ownerPageQuery pages an owner's repositories through node(id), so one query serves User and
// Organization alike.
const ownerPageQuery = `query($id: ID!, $sort: RepositorySort, $dir: OrderDirection, $first: Int, $after: String, $last: Int, $before: String,
    $query: String, $privacy: RepositoryPrivacy, $isFork: Boolean, $isArchived: Boolean) {
  node(id: $id) { ... on RepositoryOwner { repositories(sort: $sort, direction: $dir, first: $first, after: $after, last: $last, before: $before,
    query: $query, privacy: $privacy, isFork: $isFork, isArchived: $isArchived) {
    totalCount edges { cursor node { nameWithOwner } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }`

// walkOwner pages through owner id's repositories in sort and dir, forward or backward, with
// random page sizes, with the filter arguments in filter (nil: none), and returns the full paths in
// list order and the totalCount of the first page.
func walkOwner(t *testing.T, ts *httptest.Server, rng *rand.Rand, id, sort, dir string, backward bool, filter map[string]any) ([]string, int) {
	t.Helper()
	var out []string
	var cursor *string
	total := -1
	for page := 0; page < 200; page++ {
		n := 1 + rng.IntN(40)
		vars := map[string]any{"id": id, "sort": sort, "dir": dir, "first": n, "after": cursor}
		if backward {
			vars = map[string]any{"id": id, "sort": sort, "dir": dir, "last": n, "before": cursor}
		}
		for k, v := range filter {
			vars[k] = v
		}
		r := post(t, ts, ownerPageQuery, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("%s %s %s page %d: %+v", id, sort, dir, page, r.Errors)
		}
		p := decodeData[ownerPage](t, r)
		if p.Node == nil {
			t.Fatalf("node(%s) is null", id)
		}
		c := p.Node.Repositories
		if total < 0 {
			total = c.TotalCount
		}
		var names []string
		for _, e := range c.Edges {
			names = append(names, e.Node.NameWithOwner)
		}
		if backward {
			out = append(names, out...)
			if !c.PageInfo.HasPreviousPage {
				return out, total
			}
			cursor = c.PageInfo.StartCursor
		} else {
			out = append(out, names...)
			if !c.PageInfo.HasNextPage {
				return out, total
			}
			cursor = c.PageInfo.EndCursor
		}
		if len(c.Edges) == 0 {
			t.Fatalf("page %d is empty but says more follow", page)
		}
	}
	t.Fatalf("walk of %s did not end", id)
	return nil, 0
}

// TestOwnersEachForge: on GitHub, GitLab, Bitbucket and Gitea, a user and an organization (group,
// workspace) resolve to User and Organization with their forge's fields; their global ids resolve
// through node(id); and their repositories walk exactly (each once, in order, exact totalCount) in
// every sort, forward and backward, with random page sizes: natively where the forge sorts, from
// the whole list where it does not (Gitea's owner lists, FULL_NAME on GitLab and Bitbucket).
func TestOwnersEachForge(t *testing.T) {
	s := newOwnerStack(t)
	rng := rand.New(rand.NewPCG(1, 2))
	type owner struct {
		p          providers.Provider
		login      string
		typename   string
		withPublic bool // private repositories are listed too
		under      func(ownerPath string) bool
	}
	exact := func(l string) func(string) bool { return func(o string) bool { return strings.EqualFold(o, l) } }
	cases := []owner{
		{providers.GitHub, "alice", "User", false, exact("alice")},
		{providers.GitHub, "ACME", "Organization", true, exact("acme")},
		{providers.GitLab, "alice", "User", true, exact("alice")},
		{providers.GitLab, "acme", "Organization", true, func(o string) bool { return o == "acme" || strings.HasPrefix(o, "acme/") }},
		{providers.GitLab, "acme/infra", "Organization", true, exact("acme/infra")},
		{providers.Bitbucket, "acme", "Organization", true, exact("acme")},
		{providers.Gitea, "alice", "User", true, exact("alice")},
		{providers.Gitea, "acme", "Organization", true, exact("acme")},
	}
	for _, c := range cases {
		t.Run(string(c.p)+"/"+c.login, func(t *testing.T) {
			r := post(t, s.ts, ownerQuery, map[string]any{"p": c.p, "login": c.login})
			o := decodeData[ownerOf](t, r).RepositoryOwner
			if len(r.Errors) > 0 || o == nil {
				t.Fatalf("repositoryOwner: %s %+v", r.Data, r.Errors)
			}
			if o.Typename != c.typename || o.Provider != string(c.p) || !strings.EqualFold(o.Login, c.login) || o.Name == nil || o.AvatarURL == nil {
				t.Fatalf("owner %+v", o)
			}
			// Bitbucket's workspaces have no description.
			if (o.Description != nil) != (c.typename == "Organization" && c.p != providers.Bitbucket) {
				t.Errorf("description %v for a %s", o.Description, c.typename)
			}
			var want []providers.Repository
			for _, repo := range s.repos[c.p] {
				if owner, _ := providers.SplitPath(repo.NameWithOwner); c.under(owner) && (c.withPublic || !repo.IsPrivate) {
					want = append(want, repo)
				}
			}
			for _, sort := range []providers.Sort{providers.SortPushed, providers.SortUpdated, providers.SortCreated, providers.SortFullName} {
				for _, dir := range []providers.Direction{providers.Asc, providers.Desc} {
					o := providers.NewOrder(sort, dir)
					sorted := slices.Clone(want)
					slices.SortStableFunc(sorted, func(a, b providers.Repository) int { return o.Compare(&a, &b) })
					for _, backward := range []bool{false, true} {
						calls := s.calls[strings.ToLower(string(c.p))]
						n0 := calls.Load()
						got, total := walkOwner(t, s.ts, rng, decodeData[ownerOf](t, r).RepositoryOwner.ID, string(sort), string(dir), backward, nil)
						t.Logf("%s %s %s backward=%v: %d repositories, %d upstream requests", c.login, sort, dir, backward, len(got), calls.Load()-n0)
						if total != len(want) {
							t.Errorf("%s %s: totalCount %d, want %d", sort, dir, total, len(want))
						}
						checkOwnerWalk(t, fmt.Sprintf("%s %s backward=%v", sort, dir, backward), got, sorted, o)
					}
				}
			}
		})
	}
}

// checkOwnerWalk fails unless got holds every repository of want once and its keys are in order o.
func checkOwnerWalk(t *testing.T, what string, got []string, want []providers.Repository, o providers.Order) {
	t.Helper()
	byPath := map[string]*providers.Repository{}
	for i := range want {
		byPath[want[i].NameWithOwner] = &want[i]
	}
	seen := map[string]bool{}
	for i, g := range got {
		r, ok := byPath[g]
		if !ok || seen[g] {
			t.Fatalf("%s: %q at %d is unexpected or repeated", what, g, i)
		}
		seen[g] = true
		if i > 0 && o.CompareKey(byPath[got[i-1]], r) > 0 {
			t.Fatalf("%s: %q before %q is out of order", what, got[i-1], g)
		}
	}
	if len(seen) != len(want) {
		t.Fatalf("%s: walked %d repositories, want %d", what, len(seen), len(want))
	}
}

// TestOwnerUnknownIsNull: a login no forge knows is null without an error on each forge, and the
// forge was asked (GitHub's, GitLab's, Bitbucket's and Gitea's 404 or empty answer).
func TestOwnerUnknownIsNull(t *testing.T) {
	s := newOwnerStack(t)
	for _, p := range []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket, providers.Gitea} {
		for _, login := range []string{"nobody", "acme/nope"} {
			if p != providers.GitLab && strings.Contains(login, "/") {
				continue
			}
			r := post(t, s.ts, ownerQuery, map[string]any{"p": p, "login": login})
			if len(r.Errors) > 0 || string(r.Data) != `{"repositoryOwner":null}` {
				t.Errorf("%s %s: %s %+v", p, login, r.Data, r.Errors)
			}
		}
	}
}

// TestOwnersNotSupportedAndBadInput: CodeArts answers NOT_SUPPORTED for owners; a login that cannot
// be one is BAD_USER_INPUT before any forge is asked; publicRepositories is NOT_SUPPORTED on
// Bitbucket, Gitea and CodeArts; first out of range is BAD_USER_INPUT.
func TestOwnersNotSupportedAndBadInput(t *testing.T) {
	s := newOwnerStack(t)
	wantCode(t, post(t, s.ts, ownerQuery, map[string]any{"p": "CODEARTS", "login": "acme"}), "NOT_SUPPORTED", "cannot list another owner")
	before := s.calls["github"].Load()
	for _, bad := range []string{"", "a//b", "../x", "a\nb"} {
		wantCode(t, post(t, s.ts, ownerQuery, map[string]any{"p": "GITHUB", "login": bad}), "BAD_USER_INPUT", "is not an owner")
	}
	if n := s.calls["github"].Load() - before; n != 0 {
		t.Errorf("bad logins asked GitHub %d times", n)
	}
	for _, p := range []string{"BITBUCKET", "GITEA", "CODEARTS"} {
		wantCode(t, post(t, s.ts, publicQuery, map[string]any{"p": p, "first": 5}), "NOT_SUPPORTED", "publicRepositories works on GITHUB and GITLAB")
	}
	wantCode(t, post(t, s.ts, publicQuery, map[string]any{"p": "GITHUB", "first": 101}), "BAD_USER_INPUT", "first must be between 0 and 100")
}

// TestOwnerLookupsCachedAndCursorsBound: a second lookup of the same owner with the same
// credential does not ask the forge again; a cursor of the viewer's list is refused by an owner's
// list and one owner's cursor by another's (INVALID_CURSOR).
func TestOwnerLookupsCachedAndCursorsBound(t *testing.T) {
	s := newOwnerStack(t)
	q := map[string]any{"p": "GITHUB", "login": "acme"}
	first := decodeData[ownerOf](t, post(t, s.ts, ownerQuery, q)).RepositoryOwner
	n := s.calls["github"].Load()
	again := decodeData[ownerOf](t, post(t, s.ts, ownerQuery, q)).RepositoryOwner
	if s.calls["github"].Load() != n || first == nil || again == nil || again.ID != first.ID {
		t.Fatalf("second lookup asked GitHub %d times (%+v, %+v)", s.calls["github"].Load()-n, first, again)
	}
	alice := decodeData[ownerOf](t, post(t, s.ts, ownerQuery, map[string]any{"p": "GITHUB", "login": "alice"})).RepositoryOwner
	viewer := decodeData[conn](t, post(t, s.ts, listQuery, map[string]any{"first": 2, "p": "GITHUB"}))
	aliceCursor := decodeData[ownerPage](t, post(t, s.ts, ownerPageQuery, map[string]any{"id": alice.ID, "first": 2})).Node.Repositories.PageInfo.EndCursor
	for _, cur := range []string{*viewer.Viewer.Repositories.PageInfo.EndCursor, *aliceCursor} {
		wantCode(t, post(t, s.ts, ownerPageQuery, map[string]any{"id": first.ID, "first": 2, "after": cur}), "INVALID_CURSOR", "other arguments")
	}
}

// TestOwnerEndpoints: each forge's owner and its first page are read from the endpoints its docs
// name for that kind of owner, with the parameters that make the list the owner's (GitHub's type,
// GitLab's include_subgroups, no Bitbucket role).
func TestOwnerEndpoints(t *testing.T) {
	s := newOwnerStack(t)
	for _, c := range []struct {
		p, login string
		want     []string
	}{
		{"GITHUB", "alice", []string{"github GET /users/alice?", "github GET /users/alice/repos?direction=desc&page=1&per_page=100&sort=pushed&type=owner"}},
		{"GITHUB", "acme", []string{"github GET /users/acme?", "github GET /orgs/acme?", "github GET /orgs/acme/repos?direction=desc&page=1&per_page=100&sort=pushed&type=all"}},
		{"GITLAB", "alice", []string{"gitlab GET /users?username=alice", "gitlab GET /users/alice/projects?order_by=last_activity_at&page=1&per_page=100&sort=desc"}},
		{"GITLAB", "acme", []string{"gitlab GET /users?username=acme", "gitlab GET /groups/acme?with_projects=false",
			"gitlab GET /groups/acme/projects?include_subgroups=true&order_by=last_activity_at&page=1&per_page=100&sort=desc"}},
		{"GITLAB", "acme/infra", []string{"gitlab GET /groups/acme%2Finfra?with_projects=false",
			"gitlab GET /groups/acme%2Finfra/projects?include_subgroups=true&order_by=last_activity_at&page=1&per_page=100&sort=desc"}},
		{"BITBUCKET", "acme", []string{"bitbucket GET /workspaces/acme?", "bitbucket GET /repositories/acme?page=1&pagelen=100&sort=-updated_on"}},
		{"GITEA", "acme", []string{"gitea GET /orgs/acme?", "gitea GET /orgs/acme/repos?limit=50&page=1", "gitea GET /orgs/acme/repos?limit=50&page=2", "gitea GET /orgs/acme/repos?limit=50&page=3"}},
		{"GITEA", "alice", []string{"gitea GET /orgs/alice?", "gitea GET /users/alice?", "gitea GET /users/alice/repos?limit=50&page=1"}},
	} {
		s.requests()
		q := `query($p: Provider!, $l: String!) { repositoryOwner(provider: $p, login: $l) { repositories(first: 5) { nodes { nameWithOwner } } } }`
		if r := post(t, s.ts, q, map[string]any{"p": c.p, "l": c.login}); len(r.Errors) > 0 || strings.Contains(string(r.Data), "null") {
			t.Fatalf("%s %s: %s %+v", c.p, c.login, r.Data, r.Errors)
		}
		if got := s.requests(); !slices.Equal(got, c.want) {
			t.Errorf("%s %s upstream requests:\n got %q\nwant %q", c.p, c.login, got, c.want)
		}
	}
}
