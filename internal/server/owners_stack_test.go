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
// over a few days with ties, every third one private, every fourth a fork, every fifth archived.
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
			NameWithOwner: owner + "/" + name, CreatedAt: &t1, UpdatedAt: &t2, PushedAt: &t2, IsPrivate: i%3 == 2,
			IsFork: new(i%4 == 1), IsArchived: new(i%5 == 3)}
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
