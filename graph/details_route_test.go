package graph

import (
	"context"
	"sync"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// routeSource is a source of names serving forges ps that lists refs and records the tokens it
// was asked with.
type routeSource struct {
	name string
	ps   []providers.Provider
	mu   sync.Mutex
	got  []string
}

func (s *routeSource) Name() string                    { return s.name }
func (s *routeSource) Providers() []providers.Provider { return s.ps }
func (s *routeSource) Streams(context.Context, providers.Query) ([]providers.Stream, error) {
	return nil, nil
}
func (s *routeSource) Repository(context.Context, string, providers.GlobalID) (*providers.Repository, error) {
	return nil, providers.Errorf(providers.KindNotFound, s.name, "none")
}
func (s *routeSource) Refs(_ context.Context, token string, _ *providers.Repository, _ providers.RefKind, _ int) (providers.ListPage[providers.Ref], error) {
	s.mu.Lock()
	s.got = append(s.got, token)
	s.mu.Unlock()
	return providers.ListPage[providers.Ref]{Items: []providers.Ref{{Name: "main"}}, Total: 1, LastIndex: -1}, nil
}

func (s *routeSource) asked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

// TestDetailsOfOpenHandsRepositories: a GitHub repository listed through OpenHands gets its
// branches from the direct GitHub source with the request's GitHub token; with no direct source,
// or no token for it, branches are null and no source is asked (OpenHands never is).
func TestDetailsOfOpenHandsRepositories(t *testing.T) {
	repo := &providers.Repository{ForgeID: "1", Provider: providers.GitHub, Name: "r", NameWithOwner: "o/r", Owner: "o"}
	cases := []struct {
		name      string
		direct    bool
		creds     providers.Credentials
		wantToken string // "" : null, nothing asked
	}{
		{"direct source with token", true, providers.Credentials{"github": "gh-tok", "openhands": "oh-tok"}, "gh-tok"},
		{"direct source without token", true, providers.Credentials{"openhands": "oh-tok"}, ""},
		{"no direct source", false, providers.Credentials{"github": "gh-tok", "openhands": "oh-tok"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			oh := &routeSource{name: "openhands", ps: []providers.Provider{providers.GitHub, providers.GitLab}}
			gh := &routeSource{name: "github", ps: []providers.Provider{providers.GitHub}}
			r := &Resolver{Sources: []providers.Source{oh}, Codec: providers.NewCodec([]byte("secret-secret-secret-secret-32by"))}
			if c.direct {
				r.Sources = append(r.Sources, gh)
			}
			ctx := providers.WithCredentials(context.Background(), c.creds)
			conn, err := r.Refs(ctx, repo, providers.Branches, NestedArgs{})
			if err != nil {
				t.Fatal(err)
			}
			if len(oh.asked()) != 0 {
				t.Errorf("OpenHands was asked for branches with %v", oh.asked())
			}
			if c.wantToken == "" {
				if conn != nil || len(gh.asked()) != 0 {
					t.Errorf("branches %v (GitHub asked %v), want null and no request", conn, gh.asked())
				}
				return
			}
			if conn == nil || len(conn.Edges) != 1 || conn.Edges[0].Node.Name != "main" {
				t.Fatalf("branches %+v, want main", conn)
			}
			if got := gh.asked(); len(got) != 1 || got[0] != c.wantToken {
				t.Errorf("GitHub asked with %v, want [%s]", got, c.wantToken)
			}
		})
	}
}
