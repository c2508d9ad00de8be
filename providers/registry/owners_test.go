package registry_test

import (
	"context"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// TestOwnersOnEveryForge: the sources of GitHub, GitLab, Bitbucket and Gitea find owners and list
// their repositories (on the demo: octo-dev's, in one stream); GitHub and GitLab list public
// repositories; every other source refuses a query with an owner as NOT_SUPPORTED instead of
// answering the viewer's own list for it.
func TestOwnersOnEveryForge(t *testing.T) {
	ctx := context.Background()
	d := registry.NewDemo()
	owners := map[string]bool{"github": true, "gitlab": true, "bitbucket": true, "gitea": true}
	public := map[string]bool{"github": true, "gitlab": true}
	for _, f := range registry.All() {
		t.Run(f.Name, func(t *testing.T) {
			settings, token := registry.Settings{BaseURL: "http://" + f.Name + ".test.invalid"}, "t"
			if url := d.URLs()[f.Name]; url != "" {
				settings, token = registry.Settings{BaseURL: url, HTTP: d.Client}, d.Tokens()[f.Name]
			}
			s, err := f.New(settings)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := s.(providers.PublicLister); ok != public[f.Name] {
				t.Errorf("PublicLister: %v, want %v", ok, public[f.Name])
			}
			finder, ok := s.(providers.OwnerFinder)
			q := providers.Query{Token: token, Order: providers.NewOrder("", ""), Owner: providers.OwnerRef{Login: "octo-dev", Kind: providers.OwnerUser}}
			if !owners[f.Name] {
				if ok {
					t.Fatal("finds owners it is documented not to")
				}
				if _, err := s.Streams(ctx, q); providers.KindOf(err) != providers.KindNotSupported {
					t.Fatalf("Streams with an owner: %v, want NOT_SUPPORTED", err)
				}
				return
			}
			if !ok {
				t.Fatal("no OwnerFinder")
			}
			login := "octo-dev"
			o, err := finder.Owner(ctx, token, login)
			if err != nil || o.Login != login || o.Provider != f.Provider {
				t.Fatalf("Owner(%s): %+v %v", login, o, err)
			}
			q.Owner = o.Ref()
			sts, err := s.Streams(ctx, q)
			if err != nil || len(sts) != 1 {
				t.Fatalf("Streams of %s: %d streams, %v", login, len(sts), err)
			}
			p, err := sts[0].FetchPage(ctx, 0, "")
			if err != nil || len(p.Items) == 0 {
				t.Fatalf("first page of %s: %d items, %v", login, len(p.Items), err)
			}
			for _, r := range p.Items {
				if owner, _ := providers.SplitPath(r.NameWithOwner); owner != login {
					t.Fatalf("%s listed for %s", r.NameWithOwner, login)
				}
			}
		})
	}
}
