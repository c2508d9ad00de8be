package rest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/bitbucket"
	"github.com/forgegraph/forgegraph/providers/codearts"
	"github.com/forgegraph/forgegraph/providers/github"
	"github.com/forgegraph/forgegraph/providers/gitlab"
	"github.com/forgegraph/forgegraph/providers/openhands"
)

// TestForgesRefuseCrossHostRedirects points every forge's real client (each with its own way of
// sending the credential: Bearer, PRIVATE-TOKEN, Basic, X-Auth-Token, X-Session-API-Key) at a forge
// that redirects every request to another host: that host is never asked, and each forge answers
// an upstream error naming itself.
func TestForgesRefuseCrossHostRedirects(t *testing.T) {
	var stolen atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stolen.Add(1) }))
	defer other.Close()
	forge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	defer forge.Close()
	ctx := context.Background()
	firstPage := func(src providers.Source, token string) error {
		st, err := src.Streams(ctx, providers.Query{Token: token, Order: providers.NewOrder(providers.SortUpdated, "")})
		if err != nil {
			return err
		}
		_, err = st[0].FetchPage(ctx, 0, "")
		return err
	}
	cases := map[string]func() (string, error){
		"github Bearer": func() (string, error) {
			s, err := github.New(github.Config{BaseURL: forge.URL})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Repository(ctx, "ghp_x", providers.GlobalID{Provider: providers.GitHub, ForgeID: "1", NameWithOwner: "a/b"})
			return s.Name(), err
		},
		"gitlab PRIVATE-TOKEN": func() (string, error) {
			s, err := gitlab.New(gitlab.Config{BaseURL: forge.URL})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Repository(ctx, "glpat-x", providers.GlobalID{Provider: providers.GitLab, ForgeID: "5", NameWithOwner: "a/b"})
			return s.Name(), err
		},
		"bitbucket Bearer": func() (string, error) {
			s, err := bitbucket.New(bitbucket.Config{BaseURL: forge.URL})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Repository(ctx, "bb-x", providers.GlobalID{Provider: providers.Bitbucket, ForgeID: "{x}", NameWithOwner: "ws/slug"})
			return s.Name(), err
		},
		"bitbucket Basic": func() (string, error) {
			s, err := bitbucket.New(bitbucket.Config{BaseURL: forge.URL})
			if err != nil {
				t.Fatal(err)
			}
			return s.Name(), firstPage(s, "me@example.com:api-token")
		},
		"codearts X-Auth-Token": func() (string, error) {
			s, err := codearts.New(codearts.Config{BaseURL: forge.URL})
			if err != nil {
				t.Fatal(err)
			}
			return s.Name(), firstPage(s, "iam-x")
		},
		"openhands X-Session-API-Key": func() (string, error) {
			s, err := openhands.New(openhands.Config{BaseURL: forge.URL})
			if err != nil {
				t.Fatal(err)
			}
			return s.Name(), firstPage(s, "sk-oh-x")
		},
	}
	for name, run := range cases {
		source, err := run()
		if e := providers.AsError(err, ""); e == nil || e.Kind != providers.KindBadResponse || e.Source != source {
			t.Errorf("%s: %v, want a %s BAD_RESPONSE error", name, err, source)
		}
	}
	if n := stolen.Load(); n != 0 {
		t.Fatalf("the other host got %d requests", n)
	}
}
