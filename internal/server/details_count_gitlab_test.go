package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitlab"
	gitlabfake "github.com/forgegraph/forgegraph/providers/gitlab/fake"
)

// TestGitLabBranchCount: branches { totalCount } on GitLab is one request with the smallest page
// (per_page=1, x-total); when GitLab leaves x-total out (past 10,000 items) the count falls back to
// reading the pages, still exact.
func TestGitLabBranchCount(t *testing.T) {
	repo := providers.Repository{ForgeID: "42", Provider: providers.GitLab, Name: "svc", NameWithOwner: "acme/svc", Owner: "acme"}
	f := gitlabfake.New("glpat-count", []providers.Repository{repo})
	var names []string
	for i := range 250 {
		names = append(names, fmt.Sprintf("b%03d", i))
	}
	f.SetDetails(repo.NameWithOwner, gitlabfake.RepoDetails{Branches: names})
	var dropTotal atomic.Bool
	up := &upstream{h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if dropTotal.Load() {
			w = &noTotal{ResponseWriter: w}
		}
		f.ServeHTTP(w, r)
	}), seen: map[string]int{}}
	api := httptest.NewServer(up)
	t.Cleanup(api.Close)
	src, err := gitlab.New(gitlab.Config{BaseURL: api.URL})
	if err != nil {
		t.Fatal(err)
	}
	ts := newServerTokens(t, map[string]string{"CACHE_TTL": "1ns", "RESPONSE_CACHE_TTL": "0"}, map[string]string{"gitlab": "glpat-count"}, src)
	const q = `{ repository(provider: GITLAB, nameWithOwner: "acme/svc") { branches { totalCount } } }`
	for _, drop := range []bool{false, true} {
		dropTotal.Store(drop)
		up.mu.Lock()
		up.seen = map[string]int{}
		up.mu.Unlock()
		r := post(t, ts, q, nil)
		var d struct {
			Repository struct{ Branches struct{ TotalCount int } }
		}
		if len(r.Errors) > 0 || json.Unmarshal(r.Data, &d) != nil || d.Repository.Branches.TotalCount != 250 {
			t.Fatalf("x-total dropped %v: %s %+v", drop, r.Data, r.Errors)
		}
		var branchReqs []string
		for k := range up.counts() {
			if strings.Contains(k, "/repository/branches") {
				branchReqs = append(branchReqs, k)
			}
		}
		if !drop && (len(branchReqs) != 1 || !strings.HasSuffix(branchReqs[0], "?per_page=1")) {
			t.Fatalf("branch requests %v, want one per_page=1", branchReqs)
		}
		if drop && len(branchReqs) < 2 {
			t.Fatalf("without x-total: branch requests %v, want the count and then the pages", branchReqs)
		}
	}
}

// noTotal removes x-total from an answer's headers, as GitLab does past 10,000 items.
type noTotal struct{ http.ResponseWriter }

func (d *noTotal) WriteHeader(code int) {
	d.Header().Del("X-Total")
	d.ResponseWriter.WriteHeader(code)
}

func (d *noTotal) Write(b []byte) (int, error) {
	d.Header().Del("X-Total")
	return d.ResponseWriter.Write(b)
}
