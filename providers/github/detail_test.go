package github_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github/fake"
)

// detailRepos are a parent and its fork.
func detailRepos() []providers.Repository {
	return []providers.Repository{
		{ForgeID: "1", Provider: providers.GitHub, Name: "up", NameWithOwner: "org/up", Owner: "org", DefaultBranch: ptr("main")},
		{ForgeID: "2", Provider: providers.GitHub, Name: "fork", NameWithOwner: "me/fork", Owner: "me", IsFork: ptr(true), IsPrivate: true},
	}
}

func TestDetailsFromListAndDetailEndpoint(t *testing.T) {
	s, f, rc := fakeSource(t, detailRepos())
	f.SetDetails("me/fork", fake.RepoDetails{Homepage: "https://fork.example", Topics: []string{"a", "b"}, OpenIssues: 3,
		Subscribers: 7, SizeKB: 1234, HasIssues: true, HasWiki: false, Parent: "org/up", Permission: "push"})
	ctx := context.Background()
	p, err := stream(t, s, providers.NewOrder(providers.SortFullName, providers.Asc)).FetchPage(ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	fork := p.Items[0]
	d := fork.Details
	if fork.NameWithOwner != "me/fork" || d == nil {
		t.Fatalf("list item %s details %v", fork.NameWithOwner, d)
	}
	// The list item answers for what GET /user/repos carries, not for watchers or parent.
	if !d.Has(providers.FieldHomepageURL) || !d.Has(providers.FieldTopics) || d.Has(providers.FieldWatcherCount) || d.Has(providers.FieldParent) {
		t.Fatalf("list item answers for %b", d.Known)
	}
	if *d.HomepageURL != "https://fork.example" || *d.Visibility != providers.VisibilityPrivate || *d.OpenIssuesCount != 3 ||
		*d.DiskUsage != 1234 || !*d.HasIssuesEnabled || *d.HasWikiEnabled || strings.Join(d.Topics, ",") != "a,b" ||
		*d.ViewerPermission != providers.PermissionWrite || d.WatcherCount != nil {
		t.Fatalf("list details %+v", d)
	}
	full, err := s.Details(ctx, token, &fork)
	if err != nil {
		t.Fatal(err)
	}
	if full.Known&(providers.FieldWatcherCount|providers.FieldParent) == 0 || *full.WatcherCount != 7 ||
		full.Parent == nil || full.Parent.NameWithOwner != "org/up" || full.Parent.ForgeID != "1" {
		t.Fatalf("detail %+v parent %v", full, full.Parent)
	}
	if got := rc.Requests()[len(rc.Requests())-1].RawPath; got != "/repos/me/fork" {
		t.Fatalf("detail path %q", got)
	}
	// Not visible: NOT_FOUND.
	_, err = s.Details(ctx, token, &providers.Repository{Provider: providers.GitHub, NameWithOwner: "me/none"})
	wantKind(t, err, providers.KindNotFound)
}

// TestRefsPaging: 0, 1, 100, 101 and 250 branches read page by page, with the Link header's rel=last.
func TestRefsPaging(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 1, 100, 101, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s, f, rc := fakeSource(t, detailRepos())
			var names []string
			for i := range n {
				names = append(names, fmt.Sprintf("b%03d", i))
			}
			f.SetDetails("org/up", fake.RepoDetails{Branches: names, Protected: []int{0}, Tags: []string{"v1"}})
			repo := &detailRepos()[0]
			var got []string
			for i := 0; ; i++ {
				p, err := s.Refs(ctx, token, repo, providers.Branches, i)
				if err != nil {
					t.Fatal(err)
				}
				if len(p.Items) > providers.PageSize || p.Total != -1 {
					t.Fatalf("page %d: %d items, total %d", i, len(p.Items), p.Total)
				}
				if want := (n - 1) / providers.PageSize; p.More && p.LastIndex != want {
					t.Fatalf("page %d: last index %d, want %d", i, p.LastIndex, want)
				}
				for _, r := range p.Items {
					got = append(got, r.Name)
					if r.CommitSHA == nil || r.IsProtected == nil || *r.IsProtected != (r.Name == "b000") {
						t.Fatalf("ref %+v", r)
					}
				}
				if !p.More {
					break
				}
			}
			if strings.Join(got, ",") != strings.Join(names, ",") {
				t.Fatalf("got %d branches, want %d", len(got), n)
			}
			last := rc.Requests()[len(rc.Requests())-1]
			if last.RawPath != "/repos/org/up/branches" || query(t, last.Query).Get("per_page") != "100" {
				t.Fatalf("request %s?%s", last.RawPath, last.Query)
			}
			tags, err := s.Refs(ctx, token, repo, providers.Tags, 0)
			if err != nil || len(tags.Items) != 1 || tags.Items[0].Name != "v1" || tags.Items[0].IsProtected != nil {
				t.Fatalf("tags %+v %v", tags, err)
			}
		})
	}
}

func TestLanguagesContributorsTeams(t *testing.T) {
	s, f, _ := fakeSource(t, detailRepos())
	f.SetDetails("org/up", fake.RepoDetails{Branches: []string{"main"}, Languages: map[string]int64{"Go": 300, "C": 100, "Asm": 100},
		Contributors: []fake.Contributor{{Login: "a", Contributions: 9}, {Login: "b", Contributions: 2}},
		Teams:        []fake.Team{{Name: "Core", Slug: "core", Permission: "maintain"}}})
	f.SetDetails("me/fork", fake.RepoDetails{Personal: true})
	ctx := context.Background()
	up, fork := &detailRepos()[0], &detailRepos()[1]
	langs, err := s.Languages(ctx, token, up)
	if err != nil {
		t.Fatal(err)
	}
	if len(langs) != 3 || langs[0].Name != "Go" || *langs[0].Size != 300 || langs[0].Percentage != 60 || langs[1].Name != "Asm" || langs[2].Percentage != 20 {
		t.Fatalf("languages %+v", langs)
	}
	if l, err := s.Languages(ctx, token, fork); err != nil || len(l) != 0 {
		t.Fatalf("no languages: %v %v", l, err)
	}
	cs, err := s.Contributors(ctx, token, up, 0)
	if err != nil || len(cs.Items) != 2 || *cs.Items[0].Login != "a" || cs.Items[0].Contributions != 9 || cs.More {
		t.Fatalf("contributors %+v %v", cs, err)
	}
	// An empty repository: 204 No Content, no contributors.
	if cs, err := s.Contributors(ctx, token, fork, 0); err != nil || len(cs.Items) != 0 || cs.Total != 0 || cs.More {
		t.Fatalf("empty repository's contributors %+v %v", cs, err)
	}
	ts, err := s.Teams(ctx, token, up, 0)
	if err != nil || len(ts.Items) != 1 || ts.Items[0].Slug != "core" || *ts.Items[0].Permission != providers.PermissionMaintain {
		t.Fatalf("teams %+v %v", ts, err)
	}
	// A personal repository: GitHub's 404 is no teams.
	if ts, err := s.Teams(ctx, token, fork, 0); err != nil || len(ts.Items) != 0 || ts.Total != 0 {
		t.Fatalf("personal repository's teams %+v %v", ts, err)
	}
}

// TestDetailErrors: 403 (too many contributors), a spent quota, and a repository gone.
func TestDetailErrors(t *testing.T) {
	ctx := context.Background()
	repo := &detailRepos()[0]
	_, base := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/contributors"):
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"message":"The history or contributor list is too large to list contributors for this repository via the API."}`))
		case strings.HasSuffix(r.URL.Path, "/branches"):
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", "4102444800")
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"message":"API rate limit exceeded"}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message":"Not Found"}`))
		}
	}))
	s := newSource(t, base, 0)
	_, err := s.Contributors(ctx, token, repo, 0)
	// The forge's words are logged, never returned to the client (see rest's error policy).
	if e := wantKind(t, err, providers.KindForbidden); strings.Contains(e.Error(), "too large") {
		t.Fatalf("403 message quotes the forge: %v", e)
	}
	_, err = s.Refs(ctx, token, repo, providers.Branches, 0)
	if e := wantKind(t, err, providers.KindRateLimited); e.ResetAt.IsZero() {
		t.Fatalf("no resetAt: %v", e)
	}
	_, err = s.Refs(ctx, token, repo, providers.Tags, 0)
	wantKind(t, err, providers.KindNotFound)
	_, err = s.Languages(ctx, token, repo)
	wantKind(t, err, providers.KindNotFound)
	_, err = s.Details(ctx, token, &providers.Repository{NameWithOwner: "no-slash"})
	wantKind(t, err, providers.KindBadInput)
	_, err = s.Refs(ctx, token, &providers.Repository{NameWithOwner: "../user"}, providers.Branches, 0)
	wantKind(t, err, providers.KindBadInput)
	_, err = s.Refs(ctx, "", repo, providers.Branches, 0)
	wantKind(t, err, providers.KindUnauth)
}
