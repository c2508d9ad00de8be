package server_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// publicQuery asks one page of publicRepositories.
const publicQuery = `query($p: Provider!, $first: Int, $after: String) { publicRepositories(provider: $p, first: $first, after: $after) {
  edges { cursor node { nameWithOwner isPrivate } } nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor } } }`

// publicPage is one page of publicRepositories.
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
