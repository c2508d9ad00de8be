package gitea_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitea/fake"
)

// detailsRepos are five repositories: an organization's (acme) with every detail set, a fork of it
// by the viewer, an internal one, a read-only one and one of the viewer's with no website.
func detailsRepos(f *fake.Server) []providers.Repository {
	repos := makeRepos(5)
	f.SetRepos(repos)
	f.SetDetails(repos[1].NameWithOwner, fake.RepoDetails{Website: "https://acme.example", OpenIssues: 7, Watchers: 3, SizeKB: 2048,
		HasIssues: true, HasWiki: false, Topics: []string{"go", "graphql"}, Permission: "write",
		Teams:     []fake.Team{{Name: "Core Devs", Description: "the core", Permission: "owner"}, {Name: "Triage", Permission: "read"}, {Name: "Nobody", Permission: "none"}},
		Languages: map[string]int64{"Go": 3000, "Shell": 1000, "Makefile": 1000}})
	f.SetDetails(repos[0].NameWithOwner, fake.RepoDetails{Parent: repos[1].NameWithOwner, Permission: "admin", Personal: true, HasIssues: true})
	f.SetDetails(repos[2].NameWithOwner, fake.RepoDetails{Internal: true, Permission: "read"})
	f.SetDetails(repos[3].NameWithOwner, fake.RepoDetails{Permission: "read", Topics: nil})
	f.SetDetails(repos[4].NameWithOwner, fake.RepoDetails{Permission: "admin", Personal: true})
	return repos
}

func byName(t *testing.T, rs []*providers.Repository, full string) *providers.Repository {
	t.Helper()
	for _, r := range rs {
		if r.NameWithOwner == full {
			return r
		}
	}
	t.Fatalf("%s not listed", full)
	return nil
}

// TestDetailsComeWithTheList: every scalar detail comes with the list items (Known is every
// field), converted as the contract says: website, visibility (internal for a public repository
// of a private owner), open issues, watchers (not stars), size in KB, issues and wiki, topics,
// the viewer's permission (admin ADMIN, push WRITE, pull READ) and a fork's parent, whose own
// permission and parent are left to its own lookup. Reading them asks Gitea nothing more.
func TestDetailsComeWithTheList(t *testing.T) {
	f := fake.New(token, nil)
	repos := detailsRepos(f)
	e := newEnv(t, f, nil, nil)
	o := providers.NewOrder(providers.SortCreated, providers.Asc)
	rs := walk(t, streamsFor(t, e, o), o, []int{100}, false)
	before := len(e.paths())
	org := byName(t, rs, repos[1].NameWithOwner).Details
	all := providers.FieldHomepageURL | providers.FieldVisibility | providers.FieldOpenIssuesCount | providers.FieldWatcherCount |
		providers.FieldDiskUsage | providers.FieldHasIssuesEnabled | providers.FieldHasWikiEnabled | providers.FieldTopics |
		providers.FieldParent | providers.FieldViewerPermission
	if org.Known != all || *org.HomepageURL != "https://acme.example" || *org.OpenIssuesCount != 7 || *org.WatcherCount != 3 ||
		*org.DiskUsage != 2048 || !*org.HasIssuesEnabled || *org.HasWikiEnabled || strings.Join(org.Topics, ",") != "go,graphql" ||
		*org.ViewerPermission != providers.PermissionWrite || org.Parent != nil || *org.Visibility != providers.VisibilityPublic {
		t.Fatalf("organization repository details: %s", jsonOf(t, org))
	}
	fork := byName(t, rs, repos[0].NameWithOwner).Details
	if fork.Parent == nil || fork.Parent.NameWithOwner != repos[1].NameWithOwner || fork.Parent.ForgeID != repos[1].ForgeID ||
		*fork.ViewerPermission != providers.PermissionAdmin || fork.HomepageURL != nil || *fork.Visibility != providers.VisibilityPrivate {
		t.Fatalf("fork details: %s", jsonOf(t, fork))
	}
	if p := fork.Parent.Details; p.Has(providers.FieldViewerPermission) || p.Has(providers.FieldParent) || !p.Has(providers.FieldTopics) ||
		*p.HomepageURL != "https://acme.example" {
		t.Fatalf("parent details: %s", jsonOf(t, p))
	}
	if d := byName(t, rs, repos[2].NameWithOwner).Details; *d.Visibility != providers.VisibilityInternal || *d.ViewerPermission != providers.PermissionRead {
		t.Fatalf("internal repository: %s", jsonOf(t, d))
	}
	if d := byName(t, rs, repos[3].NameWithOwner).Details; d.Topics == nil || len(d.Topics) != 0 || !d.Has(providers.FieldTopics) {
		t.Fatalf("no topics is an empty list, known: %s", jsonOf(t, d))
	}
	if got := len(e.paths()); got != before {
		t.Fatalf("reading details asked Gitea %d more times", got-before)
	}
}

// TestDetailsTopicsFromOldServers: a server before Gitea 1.21 sends no topics in repository
// objects; list items then do not answer for topics, and Details reads GET /repos/{owner}/{repo}
// and GET .../topics (whole, page by page when a page is full).
func TestDetailsTopicsFromOldServers(t *testing.T) {
	f := fake.New(token, nil)
	f.NoTopics = true
	f.MaxResponseItems = 2
	repos := detailsRepos(f)
	f.SetDetails(repos[1].NameWithOwner, fake.RepoDetails{Topics: []string{"a", "b", "c", "d", "e"}, Permission: "write"})
	e := newEnv(t, f, nil, nil)
	rs := walk(t, streamsFor(t, e, providers.NewOrder("", "")), providers.NewOrder("", ""), []int{100}, false)
	r := byName(t, rs, repos[1].NameWithOwner)
	if r.Details.Has(providers.FieldTopics) || !r.Details.Has(providers.FieldWatcherCount) {
		t.Fatalf("list item of an old server: known %b", r.Details.Known)
	}
	before := len(e.paths())
	d, err := e.src.Details(context.Background(), token, r)
	if err != nil || !d.Has(providers.FieldTopics) || strings.Join(d.Topics, ",") != "a,b,c,d,e" {
		t.Fatalf("details: %+v, %v", d, err)
	}
	got := e.paths()[before:]
	want := []string{"/api/v1/repos/" + r.NameWithOwner}
	for range 3 {
		want = append(want, "/api/v1/repos/"+r.NameWithOwner+"/topics")
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("asked %v, want %v", got, want)
	}
	if d, err := e.src.Details(context.Background(), token, byName(t, rs, repos[4].NameWithOwner)); err != nil || d.Topics == nil || len(d.Topics) != 0 {
		t.Fatalf("no topics: %+v, %v", d, err)
	}
}

// refNames returns n made-up ref names with a prefix, in the order Gitea would list them.
func refNames(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%03d", prefix, i)
	}
	return out
}

// TestRefsPagingEdges reads every page of branches and tags at the paging edges of Gitea's 50 and
// forgegraph's 100 (0, 1, 50, 51, 100, 101, 250): each page in order, Total, More and LastIndex
// exact, each upstream page of 50 asked once (an empty list costs one request), branches with
// their commit and protection, tags with their commit.
func TestRefsPagingEdges(t *testing.T) {
	for _, n := range []int{0, 1, 50, 51, 100, 101, 250} {
		f := fake.New(token, nil)
		repos := detailsRepos(f)
		f.SetDetails(repos[1].NameWithOwner, fake.RepoDetails{Branches: refNames("b", n), Protected: []int{0}, Tags: refNames("v", n)})
		e := newEnv(t, f, nil, nil)
		for _, kind := range []providers.RefKind{providers.Branches, providers.Tags} {
			before := len(e.paths())
			var names []string
			lastIndex := max(0, (n+99)/100-1)
			for i := 0; ; i++ {
				p, err := e.src.Refs(context.Background(), token, &repos[1], kind, i)
				if err != nil {
					t.Fatalf("%d %s page %d: %v", n, kind, i, err)
				}
				if p.Total != n || p.LastIndex != lastIndex || p.More != (i < lastIndex) || len(p.Items) != min(100, n-100*i) {
					t.Fatalf("%d %s page %d: %d items, total %d, last %d, more %v", n, kind, i, len(p.Items), p.Total, p.LastIndex, p.More)
				}
				for k, r := range p.Items {
					names = append(names, r.Name)
					if r.CommitSHA == nil || len(*r.CommitSHA) != 40 {
						t.Fatalf("%s %s has no commit", kind, r.Name)
					}
					if (kind == providers.Tags) != (r.IsProtected == nil) || (kind == providers.Branches && *r.IsProtected != (i == 0 && k == 0)) {
						t.Fatalf("%s %s protection %v", kind, r.Name, r.IsProtected)
					}
				}
				if !p.More {
					break
				}
			}
			prefix := map[providers.RefKind]string{providers.Branches: "b", providers.Tags: "v"}[kind]
			if strings.Join(names, ",") != strings.Join(refNames(prefix, n), ",") {
				t.Fatalf("%d %s: got %v", n, kind, names)
			}
			asked := e.requests("/repos/" + repos[1].NameWithOwner + "/" + string(kind))
			if want := max(1, (n+49)/50); len(asked) != want || len(e.paths())-before != want {
				t.Fatalf("%d %s: %d requests, want %d", n, kind, len(asked), want)
			}
			for _, q := range asked {
				if q.Get("limit") != "50" {
					t.Fatalf("%d %s: asked %v", n, kind, q)
				}
			}
		}
	}
}

// TestRefsNestedWalks walks 0, 1, 50, 51, 100, 101 and 250 branches through providers.Nested in
// both directions with page sizes that straddle the upstream pages: every branch once, in order,
// with the exact count.
func TestRefsNestedWalks(t *testing.T) {
	for _, n := range []int{0, 1, 50, 51, 100, 101, 250} {
		f := fake.New(token, nil)
		repos := detailsRepos(f)
		f.SetDetails(repos[1].NameWithOwner, fake.RepoDetails{Branches: refNames("b", n)})
		e := newEnv(t, f, nil, nil)
		fetch := func(ctx context.Context, i int) (providers.ListPage[providers.Ref], error) {
			return e.src.Refs(ctx, token, &repos[1], providers.Branches, i)
		}
		if c, err := providers.NestedCount(context.Background(), fetch); err != nil || c != n {
			t.Fatalf("%d branches: count %d, %v", n, c, err)
		}
		for _, backward := range []bool{false, true} {
			var got []string
			var cursor *int
			for step := 0; step < 300; step++ {
				size := []int{49, 1, 100, 51}[step%4]
				w := providers.NestedWindow{First: &size, After: cursor}
				if backward {
					w = providers.NestedWindow{Last: &size, Before: cursor}
				}
				res, err := providers.Nested(context.Background(), fetch, w)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, ed := range res.Edges {
					names = append(names, ed.Node.Name)
				}
				if len(res.Edges) == 0 {
					break
				}
				if backward {
					got = append(names, got...)
					pos := res.Edges[0].Pos
					cursor = &pos
					if !res.HasPreviousPage {
						break
					}
				} else {
					got = append(got, names...)
					pos := res.Edges[len(res.Edges)-1].Pos
					cursor = &pos
					if !res.HasNextPage {
						break
					}
				}
			}
			if !slices.Equal(got, refNames("b", n)) && !(n == 0 && len(got) == 0) {
				t.Fatalf("%d branches backward %v: got %d: %v", n, backward, len(got), got)
			}
		}
	}
}

// TestRefsServerCapBelowFifty: a server whose MAX_RESPONSE_ITEMS is below 50 cuts every page of
// refs short without saying so; the source sees it from X-Total-Count, learns the cap once (a
// divisor of 100 at most the cap) and reads every ref exactly, for branches and tags.
func TestRefsServerCapBelowFifty(t *testing.T) {
	for _, c := range []struct{ cap, limit int }{{20, 20}, {30, 25}, {7, 5}} {
		f := fake.New(token, nil)
		f.MaxResponseItems = c.cap
		repos := detailsRepos(f)
		f.SetDetails(repos[1].NameWithOwner, fake.RepoDetails{Branches: refNames("b", 133), Tags: refNames("v", 133)})
		e := newEnv(t, f, nil, nil)
		for _, kind := range []providers.RefKind{providers.Branches, providers.Tags} {
			var names []string
			for i := 0; i < 2; i++ {
				p, err := e.src.Refs(context.Background(), token, &repos[1], kind, i)
				if err != nil || p.Total != 133 || p.More != (i == 0) {
					t.Fatalf("cap %d %s page %d: %+v, %v", c.cap, kind, i, p, err)
				}
				for _, r := range p.Items {
					names = append(names, r.Name)
				}
			}
			prefix := map[providers.RefKind]string{providers.Branches: "b", providers.Tags: "v"}[kind]
			if !slices.Equal(names, refNames(prefix, 133)) {
				t.Fatalf("cap %d %s: got %v", c.cap, kind, names)
			}
		}
		for _, q := range e.requests("/repos/" + repos[1].NameWithOwner + "/tags") {
			if l := q.Get("limit"); l != "50" && l != fmt.Sprint(c.limit) {
				t.Fatalf("cap %d: asked limit %s, want 50 then %d", c.cap, l, c.limit)
			}
		}
	}
}

// TestLanguagesAndTeams: languages are bytes per language, biggest first with shares of the
// total; an organization's repository lists its teams (owner and admin ADMIN, write WRITE, read
// READ, none null; the slug is the lower-cased name); a user's repository, which Gitea answers 405
// for, has none without an error.
func TestLanguagesAndTeams(t *testing.T) {
	f := fake.New(token, nil)
	repos := detailsRepos(f)
	e := newEnv(t, f, nil, nil)
	ls, err := e.src.Languages(context.Background(), token, &repos[1])
	if err != nil || len(ls) != 3 {
		t.Fatalf("languages: %+v, %v", ls, err)
	}
	for i, want := range []struct {
		name string
		size int64
		pct  float64
	}{{"Go", 3000, 60}, {"Makefile", 1000, 20}, {"Shell", 1000, 20}} {
		if ls[i].Name != want.name || *ls[i].Size != want.size || ls[i].Percentage != want.pct || ls[i].Color != nil {
			t.Fatalf("language %d: %+v", i, ls[i])
		}
	}
	if ls, err := e.src.Languages(context.Background(), token, &repos[4]); err != nil || len(ls) != 0 {
		t.Fatalf("no languages: %+v, %v", ls, err)
	}
	p, err := e.src.Teams(context.Background(), token, &repos[1], 0)
	if err != nil || p.Total != 3 || p.More || len(p.Items) != 3 {
		t.Fatalf("teams: %+v, %v", p, err)
	}
	if tm := p.Items[0]; tm.Name != "Core Devs" || tm.Slug != "core devs" || *tm.Description != "the core" || *tm.Permission != providers.PermissionAdmin {
		t.Fatalf("team 0: %s", jsonOf(t, tm))
	}
	if tm := p.Items[1]; *tm.Permission != providers.PermissionRead || tm.Description != nil {
		t.Fatalf("team 1: %s", jsonOf(t, tm))
	}
	if tm := p.Items[2]; tm.Permission != nil {
		t.Fatalf("team 2: %s", jsonOf(t, tm))
	}
	if p, err := e.src.Teams(context.Background(), token, &repos[0], 0); err != nil || p.Total != 0 || len(p.Items) != 0 {
		t.Fatalf("personal repository teams: %+v, %v", p, err)
	}
}

// TestDetailErrors: a repository the token cannot see is KindNotFound on every detail endpoint
// (Gitea's 404); a rejected token is KindUnauth (401); a path that is not owner/name is
// KindBadInput before any request.
func TestDetailErrors(t *testing.T) {
	f := fake.New(token, nil)
	repos := detailsRepos(f)
	e := newEnv(t, f, nil, nil)
	ctx := context.Background()
	hidden := providers.Repository{ForgeID: "77", Provider: providers.Gitea, Name: "secret", NameWithOwner: "someone/secret", Owner: "someone"}
	calls := map[string]func(tok string, r *providers.Repository) error{
		"details": func(tok string, r *providers.Repository) error { _, err := e.src.Details(ctx, tok, r); return err },
		"branches": func(tok string, r *providers.Repository) error {
			_, err := e.src.Refs(ctx, tok, r, providers.Branches, 0)
			return err
		},
		"tags": func(tok string, r *providers.Repository) error {
			_, err := e.src.Refs(ctx, tok, r, providers.Tags, 0)
			return err
		},
		"languages": func(tok string, r *providers.Repository) error { _, err := e.src.Languages(ctx, tok, r); return err },
		"teams":     func(tok string, r *providers.Repository) error { _, err := e.src.Teams(ctx, tok, r, 0); return err },
	}
	for name, call := range calls {
		if pe := kindOf(t, call(token, &hidden)); pe.Kind != providers.KindNotFound || pe.Source != "gitea" {
			t.Errorf("%s of a hidden repository: %v", name, pe)
		}
		if pe := kindOf(t, call("wrong-token", &repos[1])); pe.Kind != providers.KindUnauth {
			t.Errorf("%s with a rejected token: %v", name, pe)
		}
		before := len(e.paths())
		bad := providers.Repository{ForgeID: "1", Provider: providers.Gitea, Name: "x", NameWithOwner: "a/../x", Owner: "a"}
		if pe := kindOf(t, call(token, &bad)); pe.Kind != providers.KindBadInput || len(e.paths()) != before {
			t.Errorf("%s of a bad path: %v (asked %d)", name, pe, len(e.paths())-before)
		}
	}
}
