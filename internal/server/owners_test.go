package server_test

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/pages"
	"github.com/forgegraph/forgegraph/internal/server"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/bitbucket"
	bitbucketfake "github.com/forgegraph/forgegraph/providers/bitbucket/fake"
	"github.com/forgegraph/forgegraph/providers/codearts"
	codeartsfake "github.com/forgegraph/forgegraph/providers/codearts/fake"
	"github.com/forgegraph/forgegraph/providers/gitea"
	giteafake "github.com/forgegraph/forgegraph/providers/gitea/fake"
	"github.com/forgegraph/forgegraph/providers/github"
	githubfake "github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/gitlab"
	gitlabfake "github.com/forgegraph/forgegraph/providers/gitlab/fake"
)

// ownerRepos returns n repositories of provider p under owner with ids from firstID, dates spread
// over a few days with ties, every third one private.
func ownerRepos(rng *rand.Rand, p providers.Provider, owner string, firstID, n int) []providers.Repository {
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	out := make([]providers.Repository, n)
	for i := range out {
		t1 := base.Add(time.Duration(rng.IntN(40)) * time.Hour)
		t2 := t1.Add(time.Duration(rng.IntN(10)) * time.Hour)
		name := fmt.Sprintf("%s-%03d", strings.ReplaceAll(owner, "/", "-"), i)
		if rng.IntN(3) == 0 {
			name = strings.ToUpper(name[:1]) + name[1:]
		}
		out[i] = providers.Repository{ForgeID: fmt.Sprint(firstID + i), Provider: p, Name: name, Owner: owner,
			NameWithOwner: owner + "/" + name, CreatedAt: &t1, UpdatedAt: &t2, PushedAt: &t2, IsPrivate: i%3 == 2}
	}
	return out
}

// ownerStack is every owner-capable forge (and CodeArts) behind the real clients, each fake on its
// own server, counting upstream requests per forge.
type ownerStack struct {
	ts    *httptest.Server
	repos map[providers.Provider][]providers.Repository
	gh    *githubfake.Server
	gl    *gitlabfake.Server
	calls map[string]*atomic.Int64
	mu    sync.Mutex
	seen  []string // "forge METHOD path?query" of every upstream request
}

// requests returns the upstream requests seen so far and forgets them.
func (s *ownerStack) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.seen
	s.seen = nil
	return out
}

func newOwnerStack(t *testing.T) *ownerStack {
	t.Helper()
	rng := rand.New(rand.NewPCG(14, 15))
	s := &ownerStack{repos: map[providers.Provider][]providers.Repository{}, calls: map[string]*atomic.Int64{}}
	mount := func(name, prefix string, h http.Handler) string {
		n := &atomic.Int64{}
		s.calls[name] = n
		ts := httptest.NewServer(http.StripPrefix(prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			s.mu.Lock()
			s.seen = append(s.seen, name+" "+r.Method+" "+r.URL.EscapedPath()+"?"+r.URL.RawQuery)
			s.mu.Unlock()
			h.ServeHTTP(w, r)
		})))
		t.Cleanup(ts.Close)
		return ts.URL + prefix
	}
	// GitHub: the viewer octo, the user alice (its private repositories are not listed for it) and
	// the organization acme.
	gh := slices.Concat(ownerRepos(rng, providers.GitHub, "octo", 1000, 7), ownerRepos(rng, providers.GitHub, "acme", 2000, 230),
		ownerRepos(rng, providers.GitHub, "alice", 3000, 12))
	s.gh = githubfake.New("gh", gh)
	s.gh.SetLogin("octo")
	s.gh.SetUsers("alice")
	// GitLab: the user octo (the first project's namespace), the user alice, the group acme with
	// its subgroup acme/infra.
	gl := slices.Concat(ownerRepos(rng, providers.GitLab, "octo", 1000, 5), ownerRepos(rng, providers.GitLab, "acme", 2000, 60),
		ownerRepos(rng, providers.GitLab, "acme/infra", 3000, 70), ownerRepos(rng, providers.GitLab, "alice", 4000, 9))
	s.gl = gitlabfake.New("gl", gl)
	s.gl.SetUsers("alice")
	// Bitbucket: the workspaces octo and acme.
	bb := slices.Concat(ownerRepos(rng, providers.Bitbucket, "octo", 1000, 4), ownerRepos(rng, providers.Bitbucket, "acme", 2000, 130))
	// Gitea: the viewer octo-dev, the user alice and the organization acme (pages of 50 at most).
	ge := slices.Concat(ownerRepos(rng, providers.Gitea, giteafake.DefaultViewer, 1000, 6), ownerRepos(rng, providers.Gitea, "acme", 2000, 120),
		ownerRepos(rng, providers.Gitea, "alice", 3000, 8))
	gea := giteafake.New("ge", ge)
	gea.Users = []string{"alice"}
	s.repos[providers.GitHub], s.repos[providers.GitLab], s.repos[providers.Bitbucket], s.repos[providers.Gitea] = gh, gl, bb, ge

	ghSrc, err1 := github.New(github.Config{BaseURL: mount("github", "/api/v3", s.gh), Timeout: 5 * time.Second})
	glSrc, err2 := gitlab.New(gitlab.Config{BaseURL: mount("gitlab", "/api/v4", s.gl), Timeout: 5 * time.Second})
	bbSrc, err3 := bitbucket.New(bitbucket.Config{BaseURL: mount("bitbucket", "/2.0", bitbucketfake.New("bb", bb)), Timeout: 5 * time.Second})
	geSrc, err4 := gitea.New(gitea.Config{BaseURL: mount("gitea", "/api/v1", gea), Timeout: 5 * time.Second})
	caSrc, err5 := codearts.New(codearts.Config{BaseURL: mount("codearts", "/x", codeartsfake.New("ca", nil)), Timeout: 5 * time.Second})
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(func(k string) string { return map[string]string{"RESPONSE_CACHE_TTL": "0"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	s.ts = httptest.NewServer(server.New(server.Deps{Config: cfg,
		Sources: []providers.Source{ghSrc, glSrc, bbSrc, geSrc, caSrc},
		Tokens:  map[string]string{"github": "gh", "gitlab": "gl", "bitbucket": "bb", "gitea": "ge", "codearts": "ca"},
		Pages:   pages.New(cache.NewMemory[pages.Entry](1000), time.Minute, 0),
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil))}))
	t.Cleanup(s.ts.Close)
	return s
}

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
const ownerPageQuery = `query($id: ID!, $sort: RepositorySort, $dir: OrderDirection, $first: Int, $after: String, $last: Int, $before: String) {
  node(id: $id) { ... on RepositoryOwner { repositories(sort: $sort, direction: $dir, first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { cursor node { nameWithOwner } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }`

// walkOwner pages through owner id's repositories in sort and dir, forward or backward, with
// random page sizes, and returns the full paths in list order and the totalCount of the first page.
func walkOwner(t *testing.T, ts *httptest.Server, rng *rand.Rand, id, sort, dir string, backward bool) ([]string, int) {
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
						got, total := walkOwner(t, s.ts, rng, decodeData[ownerOf](t, r).RepositoryOwner.ID, string(sort), string(dir), backward)
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

const publicQuery = `query($p: Provider!, $first: Int, $after: String) { publicRepositories(provider: $p, first: $first, after: $after) {
  edges { cursor node { nameWithOwner isPrivate } } nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor } } }`

type publicPage struct {
	PublicRepositories struct {
		Edges []struct {
			Cursor string
			Node   struct {
				NameWithOwner string
				IsPrivate     bool
			}
		}
		Nodes    []struct{ ID string }
		PageInfo struct {
			HasNextPage, HasPreviousPage bool
			EndCursor                    *string
		}
	}
}

// TestPublicRepositoriesWalk: on GitHub (30 per upstream page) and GitLab (keyset pages of 100),
// a walk with random page sizes lists every public repository once, in id order; repositories
// created meanwhile with lower ids than the position (as a forge's id order never does, the
// harshest case) do not shift what follows, and ones with higher ids are listed when reached; a
// cursor of one forge is INVALID_CURSOR on the other. A listed repository's id resolves by node.
func TestPublicRepositoriesWalk(t *testing.T) {
	s := newOwnerStack(t)
	rng := rand.New(rand.NewPCG(3, 4))
	others := map[providers.Provider][]providers.Repository{
		providers.GitHub: ownerRepos(rng, providers.GitHub, "stranger", 500, 150),
		providers.GitLab: ownerRepos(rng, providers.GitLab, "stranger", 500, 150),
	}
	for i := range others[providers.GitHub] {
		others[providers.GitHub][i].IsPrivate, others[providers.GitLab][i].IsPrivate = false, false
	}
	s.gh.SetPublicOthers(others[providers.GitHub])
	s.gl.SetPublicOthers(others[providers.GitLab])
	var cursors []string
	for _, p := range []providers.Provider{providers.GitHub, providers.GitLab} {
		all := slices.Concat(others[p], s.repos[p])
		var want []string
		for _, r := range all {
			if !r.IsPrivate {
				want = append(want, r.ForgeID+" "+r.NameWithOwner)
			}
		}
		slices.SortFunc(want, func(a, b string) int { return idOfLine(a) - idOfLine(b) })
		byName := map[string]string{}
		for _, w := range want {
			id, name, _ := strings.Cut(w, " ")
			byName[name] = id
		}
		var got []string
		var cursor *string
		added := false
		for page := 0; ; page++ {
			r := post(t, s.ts, publicQuery, map[string]any{"p": p, "first": 1 + rng.IntN(60), "after": cursor})
			if len(r.Errors) > 0 {
				t.Fatalf("%s page %d: %+v", p, page, r.Errors)
			}
			c := decodeData[publicPage](t, r).PublicRepositories
			if c.PageInfo.HasPreviousPage != (cursor != nil) {
				t.Errorf("%s page %d: hasPreviousPage %v", p, page, c.PageInfo.HasPreviousPage)
			}
			for _, e := range c.Edges {
				if e.Node.IsPrivate {
					t.Fatalf("%s: private %s listed", p, e.Node.NameWithOwner)
				}
				got = append(got, byName[e.Node.NameWithOwner]+" "+e.Node.NameWithOwner)
			}
			if page == 0 && len(c.Nodes) > 0 {
				// A public repository of another account is found by its id, like any other.
				n := post(t, s.ts, `query($id: ID!) { node(id: $id) { ... on Repository { nameWithOwner } } }`, map[string]any{"id": c.Nodes[0].ID})
				if !strings.Contains(string(n.Data), `"`+c.Edges[0].Node.NameWithOwner+`"`) {
					t.Errorf("%s: node(%s) answered %s %+v, want %s", p, c.Nodes[0].ID, n.Data, n.Errors, c.Edges[0].Node.NameWithOwner)
				}
			}
			if page == 2 && !added {
				// Below the position: never listed by this walk. Above: listed when reached.
				low := ownerRepos(rng, p, "early", 1, 3)
				high := ownerRepos(rng, p, "late", 900000, 4)
				for i := range high {
					low[i%3].IsPrivate, high[i].IsPrivate = false, false
					want = append(want, high[i].ForgeID+" "+high[i].NameWithOwner)
					byName[high[i].NameWithOwner] = high[i].ForgeID
				}
				if p == providers.GitHub {
					s.gh.SetPublicOthers(slices.Concat(others[p], low, high))
				} else {
					s.gl.SetPublicOthers(slices.Concat(others[p], low, high))
				}
				added = true
			}
			if !c.PageInfo.HasNextPage {
				break
			}
			cursor = c.PageInfo.EndCursor
			cursors = append(cursors, *cursor)
		}
		t.Logf("%s public walk: %d repositories", p, len(got))
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%s: walked %d public repositories, want %d (each once, in id order)", p, len(got), len(want))
		}
	}
	wantCode(t, post(t, s.ts, publicQuery, map[string]any{"p": "GITLAB", "first": 3, "after": cursors[0]}), "INVALID_CURSOR", "another provider")
}

func idOfLine(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

// TestOwnerComplexity: an owner lookup costs like node (graph.Lookup), so a document with dozens of
// aliased repositoryOwner fields is refused by the complexity limit before any forge is asked, and
// an owner's repositories and a page of public repositories cost like a connection (100
// repositories of a few fields pass, six such connections do not).
func TestOwnerComplexity(t *testing.T) {
	s := newOwnerStack(t)
	before := s.calls["github"].Load()
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 80; i++ {
		fmt.Fprintf(&b, " o%d: repositoryOwner(provider: GITHUB, login: \"u%d\") { login }", i, i)
	}
	b.WriteString(" }")
	wantCode(t, post(t, s.ts, b.String(), nil), "BAD_USER_INPUT", "complexity")
	if n := s.calls["github"].Load() - before; n != 0 {
		t.Fatalf("a refused query asked GitHub %d times", n)
	}
	one := `repositoryOwner(provider: GITHUB, login: "acme") { repositories(first: 100) { nodes { nameWithOwner isPrivate url description } } }`
	if r := post(t, s.ts, "{ a: "+one+" }", nil); len(r.Errors) > 0 {
		t.Fatalf("one owner's 100 repositories refused: %+v", r.Errors)
	}
	six := func(field string) string {
		return "{ a: " + field + " b: " + field + " c: " + field + " d: " + field + " e: " + field + " f: " + field + " }"
	}
	wantCode(t, post(t, s.ts, six(one), nil), "BAD_USER_INPUT", "complexity")
	pub := `publicRepositories(provider: GITHUB, first: 100) { nodes { nameWithOwner isPrivate url description } }`
	if r := post(t, s.ts, "{ a: "+pub+" }", nil); len(r.Errors) > 0 {
		t.Fatalf("100 public repositories refused: %+v", r.Errors)
	}
	wantCode(t, post(t, s.ts, six(pub), nil), "BAD_USER_INPUT", "complexity")
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
