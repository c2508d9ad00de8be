package gitlab_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitlab/fake"
)

func TestGitLabDetails(t *testing.T) {
	repos := makeRepos(8) // 0 is a private fork of alice, 1 is acme's
	f := fake.New(token, repos)
	f.SetDetails(repos[0].NameWithOwner, fake.RepoDetails{OpenIssues: 4, IssuesEnabled: true, WikiEnabled: false,
		Topics: []string{"ml"}, Internal: true, AccessLevel: 30, RepositorySize: 2048})
	f.SetDetails(repos[1].NameWithOwner, fake.RepoDetails{IssuesEnabled: false, AccessLevel: 10, RepositorySize: 10})
	e := newEnv(t, f, nil, nil)
	ctx := context.Background()
	st, err := e.src.Streams(ctx, providers.Query{Token: token, Order: providers.NewOrder(providers.SortCreated, providers.Asc)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := st[0].FetchPage(ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	var fork, other *providers.Repository
	for i := range p.Items {
		switch p.Items[i].NameWithOwner {
		case repos[0].NameWithOwner:
			fork = &p.Items[i]
		case repos[1].NameWithOwner:
			other = &p.Items[i]
		}
	}
	d := fork.Details
	if *d.Visibility != providers.VisibilityInternal || *d.OpenIssuesCount != 4 || !*d.HasIssuesEnabled || *d.HasWikiEnabled ||
		strings.Join(d.Topics, ",") != "ml" || d.Parent == nil || !strings.HasPrefix(d.Parent.NameWithOwner, "upstream/") ||
		!d.Has(providers.FieldHomepageURL) || d.HomepageURL != nil || !d.Has(providers.FieldWatcherCount) || d.WatcherCount != nil {
		t.Fatalf("list item details %+v", d)
	}
	// The permission and the size are not in the list: they come from GET /projects/:id.
	if d.Has(providers.FieldViewerPermission) || d.Has(providers.FieldDiskUsage) {
		t.Fatalf("list item answers for %b", d.Known)
	}
	full, err := e.src.Details(ctx, token, fork)
	if err != nil {
		t.Fatal(err)
	}
	if *full.ViewerPermission != providers.PermissionWrite || *full.DiskUsage != 2 {
		t.Fatalf("details %+v", full)
	}
	if q := e.queries("/projects/" + fork.ForgeID); len(q) != 1 || q[0].Get("statistics") != "true" {
		t.Fatalf("detail queries %v", q)
	}
	// A guest sees no statistics: the size is null; issues disabled: no open issue count.
	full, err = e.src.Details(ctx, token, other)
	if err != nil || *full.ViewerPermission != providers.PermissionRead || full.DiskUsage != nil || full.OpenIssuesCount != nil {
		t.Fatalf("guest details %+v %v", full, err)
	}
	_, err = e.src.Details(ctx, token, &providers.Repository{Provider: providers.GitLab, ForgeID: "999999", NameWithOwner: "x/y"})
	if kindOf(t, err).Kind != providers.KindNotFound {
		t.Fatalf("absent: %v", err)
	}
}

func TestGitLabRefsPaging(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 1, 100, 101, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			repos := makeRepos(1)
			f := fake.New(token, repos)
			var names []string
			for i := range n {
				names = append(names, fmt.Sprintf("b%03d", i))
			}
			f.SetDetails(repos[0].NameWithOwner, fake.RepoDetails{Branches: names, Protected: []int{1}, Tags: []string{"v1"}})
			e := newEnv(t, f, nil, nil)
			var got []string
			for i := 0; ; i++ {
				p, err := e.src.Refs(ctx, token, &repos[0], providers.Branches, i)
				if err != nil {
					t.Fatal(err)
				}
				if p.Total != n {
					t.Fatalf("page %d: total %d", i, p.Total)
				}
				for _, r := range p.Items {
					got = append(got, r.Name)
					if r.CommitSHA == nil || *r.IsProtected != (r.Name == "b001") {
						t.Fatalf("ref %+v", r)
					}
				}
				if !p.More {
					break
				}
			}
			if strings.Join(got, ",") != strings.Join(names, ",") {
				t.Fatalf("%d branches, want %d", len(got), n)
			}
			if q := e.queries("/projects/" + repos[0].ForgeID + "/repository/branches"); q[0].Get("per_page") != "100" {
				t.Fatalf("query %v", q[0])
			}
			tags, err := e.src.Refs(ctx, token, &repos[0], providers.Tags, 0)
			if err != nil || len(tags.Items) != 1 || tags.Items[0].IsProtected != nil {
				t.Fatalf("tags %+v %v", tags, err)
			}
		})
	}
}

func TestGitLabLanguagesContributors(t *testing.T) {
	repos := makeRepos(1)
	f := fake.New(token, repos)
	f.SetDetails(repos[0].NameWithOwner, fake.RepoDetails{Languages: map[string]float64{"Ruby": 20.5, "Go": 70, "Vue": 9.5},
		Contributors: []fake.Contributor{{Name: "a", Commits: 1}, {Name: "b", Commits: 9}, {Name: "c", Commits: 5}}})
	e := newEnv(t, f, nil, nil)
	ctx := context.Background()
	langs, err := e.src.Languages(ctx, token, &repos[0])
	if err != nil || len(langs) != 3 || langs[0].Name != "Go" || langs[0].Percentage != 70 || langs[0].Size != nil || langs[2].Name != "Vue" {
		t.Fatalf("languages %+v %v", langs, err)
	}
	cs, err := e.src.Contributors(ctx, token, &repos[0], 0)
	if err != nil || len(cs.Items) != 3 || *cs.Items[0].Name != "b" || cs.Items[0].Contributions != 9 || cs.Items[2].Contributions != 1 ||
		cs.Items[0].Login != nil || cs.Total != 3 {
		t.Fatalf("contributors %+v %v", cs, err)
	}
	q := e.queries("/projects/" + repos[0].ForgeID + "/repository/contributors")
	if q[0].Get("order_by") != "commits" || q[0].Get("sort") != "desc" {
		t.Fatalf("contributors query %v", q[0])
	}
}

func TestGitLabDetailErrors(t *testing.T) {
	src := handlerEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/languages"):
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"message":"403 Forbidden"}`))
		case strings.HasSuffix(r.URL.Path, "/branches"):
			w.Header().Set("RateLimit-Remaining", "0")
			w.Header().Set("RateLimit-Reset", "4102444800")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"message":"Retry later"}`))
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message":"404 Project Not Found"}`))
		}
	}, 0)
	ctx := context.Background()
	repo := &makeRepos(1)[0]
	_, err := src.Languages(ctx, token, repo)
	if kindOf(t, err).Kind != providers.KindForbidden {
		t.Fatalf("403: %v", err)
	}
	_, err = src.Refs(ctx, token, repo, providers.Branches, 0)
	if e := kindOf(t, err); e.Kind != providers.KindRateLimited || e.ResetAt.IsZero() {
		t.Fatalf("429: %v", err)
	}
	_, err = src.Contributors(ctx, token, repo, 0)
	if kindOf(t, err).Kind != providers.KindNotFound {
		t.Fatalf("404: %v", err)
	}
}
