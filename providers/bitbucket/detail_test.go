package bitbucket_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/bitbucket/fake"
)

func detailRepos() []providers.Repository {
	lang := "go"
	return []providers.Repository{
		{ForgeID: "{11111111-1111-4111-8111-111111111111}", Provider: providers.Bitbucket, Name: "app", NameWithOwner: "team/app",
			Owner: "team", PrimaryLanguage: &lang, IsFork: ptrBool(true), IsPrivate: true},
	}
}

func ptrBool(b bool) *bool { return &b }

func TestBitbucketDetails(t *testing.T) {
	repos := detailRepos()
	e := newEnv(t, token, repos)
	e.fake.SetDetails("team/app", fake.RepoDetails{Website: "https://app.example", SizeBytes: 4096, HasIssues: true})
	ctx := context.Background()
	r, err := e.src.Repository(ctx, token, providers.GlobalID{Provider: providers.Bitbucket, NameWithOwner: "team/app"})
	if err != nil {
		t.Fatal(err)
	}
	d := r.Details
	if *d.HomepageURL != "https://app.example" || *d.DiskUsage != 4 || !*d.HasIssuesEnabled || *d.HasWikiEnabled ||
		*d.Visibility != providers.VisibilityPrivate || d.Parent == nil || d.Parent.NameWithOwner != "team/app-upstream" ||
		!d.Has(providers.FieldWatcherCount) || d.WatcherCount != nil || !d.Has(providers.FieldViewerPermission) {
		t.Fatalf("details %+v", d)
	}
	langs, err := e.src.Languages(ctx, token, r)
	if err != nil || len(langs) != 1 || langs[0].Name != "go" || langs[0].Percentage != 100 || langs[0].Size != nil {
		t.Fatalf("languages %+v %v", langs, err)
	}
	n := len(e.requests())
	r.PrimaryLanguage = nil
	if langs, err := e.src.Languages(ctx, token, r); err != nil || len(langs) != 0 || len(e.requests()) != n {
		t.Fatalf("no language: %+v %v, %d requests", langs, err, len(e.requests())-n)
	}
}

func TestBitbucketRefsPaging(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 1, 100, 101, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			repos := detailRepos()
			e := newEnv(t, token, repos)
			var names []string
			for i := range n {
				names = append(names, fmt.Sprintf("b%03d", i))
			}
			e.fake.SetDetails("team/app", fake.RepoDetails{Branches: names, Tags: []string{"t1", "t2"}})
			var got []string
			for i := 0; ; i++ {
				p, err := e.src.Refs(ctx, token, &repos[0], providers.Branches, i)
				if err != nil {
					t.Fatal(err)
				}
				if p.Total != n {
					t.Fatalf("total %d", p.Total)
				}
				for _, r := range p.Items {
					got = append(got, r.Name)
					if r.CommitSHA == nil || r.IsProtected != nil {
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
			last := e.requests()[len(e.requests())-1]
			if last.Path != "/repositories/team/app/refs/branches" || last.Query["pagelen"][0] != "100" {
				t.Fatalf("request %+v", last)
			}
			tags, err := e.src.Refs(ctx, token, &repos[0], providers.Tags, 0)
			if err != nil || len(tags.Items) != 2 || tags.Items[1].Name != "t2" {
				t.Fatalf("tags %+v %v", tags, err)
			}
		})
	}
}

func TestBitbucketRefsErrors(t *testing.T) {
	repos := detailRepos()
	e := newEnv(t, token, repos)
	ctx := context.Background()
	e.setWrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"type":"error","error":{"message":"Access denied"}}`))
	}))
	if _, err := e.src.Refs(ctx, token, &repos[0], providers.Branches, 0); kindOf(t, err) != providers.KindNotFound {
		t.Fatalf("403: %v", err)
	}
	e.setWrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	if _, err := e.src.Refs(ctx, token, &repos[0], providers.Tags, 0); kindOf(t, err) != providers.KindRateLimited {
		t.Fatalf("429: %v", err)
	}
	if _, err := e.src.Refs(ctx, token, &providers.Repository{NameWithOwner: "no-slash"}, providers.Tags, 0); kindOf(t, err) != providers.KindBadInput {
		t.Fatalf("bad path: %v", err)
	}
}
