package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/internal/testkit"
)

// startDemo runs the real server wiring on a free port with env and returns its base URL.
func startDemo(t *testing.T, env map[string]string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	getenv := func(k string) string {
		if k == "PORT" {
			return "0"
		}
		return env[k]
	}
	go func() { done <- run(ctx, getenv, io.Discard, ready) }()
	var addr string
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("server did not start: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return "http://" + strings.Replace(addr, "[::]", "127.0.0.1", 1)
}

type page struct {
	Data struct {
		Viewer struct {
			Repositories struct {
				TotalCount int
				Nodes      []struct {
					Provider, NameWithOwner string
					PushedAt, CreatedAt     *time.Time
					UpdatedAt               *time.Time
				}
				PageInfo struct {
					HasNextPage, HasPreviousPage bool
					StartCursor, EndCursor       *string
				}
			}
		}
		// The README's owner and public-list examples.
		RepositoryOwner *struct {
			Repositories struct {
				Nodes []struct{ NameWithOwner string }
			}
		}
		PublicRepositories struct {
			Nodes []struct{ NameWithOwner string }
		}
	}
	Errors []map[string]any
}

func query(t *testing.T, base, q string, vars map[string]any) page {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p page
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if len(p.Errors) > 0 {
		t.Fatalf("errors: %v", p.Errors)
	}
	return p
}

const walkQuery = `query($p: Provider, $s: RepositorySort, $d: OrderDirection, $first: Int, $after: String, $last: Int, $before: String) {
  viewer { repositories(provider: $p, sort: $s, direction: $d, first: $first, after: $after, last: $last, before: $before) {
    totalCount nodes { provider nameWithOwner pushedAt createdAt updatedAt }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`

// walk pages through a whole list forward (first n) or backward (last n) and returns it in order.
func walk(t *testing.T, base string, vars map[string]any, n int, backward bool) ([]string, int) {
	t.Helper()
	var out []string
	total := -1
	for pages := 0; pages < 1000; pages++ {
		v := map[string]any{}
		for k, x := range vars {
			v[k] = x
		}
		if backward {
			v["last"] = n
		} else {
			v["first"] = n
		}
		p := query(t, base, walkQuery, v).Data.Viewer.Repositories
		total = p.TotalCount
		var names []string
		for _, r := range p.Nodes {
			key := strings.ToLower(r.NameWithOwner)
			var tm *time.Time
			switch vars["s"] {
			case "PUSHED":
				tm = r.PushedAt
			case "UPDATED":
				tm = r.UpdatedAt
			case "CREATED":
				tm = r.CreatedAt
			}
			if vars["s"] != "FULL_NAME" {
				key = "0000-00-00"
				if tm != nil {
					key = tm.UTC().Format(time.RFC3339)
				}
			}
			names = append(names, key+"\x00"+r.Provider+":"+r.NameWithOwner)
		}
		if backward {
			out = append(names, out...)
			if !p.PageInfo.HasPreviousPage {
				return out, total
			}
			vars["before"] = *p.PageInfo.StartCursor
		} else {
			out = append(out, names...)
			if !p.PageInfo.HasNextPage {
				return out, total
			}
			vars["after"] = *p.PageInfo.EndCursor
		}
	}
	t.Fatal("walk did not end")
	return nil, 0
}

func TestDemoWalksEverySortBothWays(t *testing.T) {
	base := startDemo(t, nil)
	for _, provider := range []any{nil, "GITHUB", "GITLAB", "BITBUCKET", "CODEARTS", "GITEA"} {
		for _, sort := range []string{"PUSHED", "UPDATED", "CREATED", "FULL_NAME"} {
			for _, dir := range []string{"ASC", "DESC"} {
				name := fmt.Sprintf("%v/%s/%s", provider, sort, dir)
				vars := map[string]any{"s": sort, "d": dir}
				if provider != nil {
					vars["p"] = provider
				}
				fwd, total := walk(t, base, vars, 7, false)
				delete(vars, "after")
				bwd, _ := walk(t, base, vars, 13, true)
				if len(fwd) != total || strings.Join(fwd, ",") != strings.Join(bwd, ",") {
					t.Fatalf("%s: forward %d, backward %d, totalCount %d, same order %v", name, len(fwd), len(bwd), total, strings.Join(fwd, ",") == strings.Join(bwd, ","))
				}
				for i := 1; i < len(fwd); i++ {
					a, _, _ := strings.Cut(fwd[i-1], "\x00")
					b, _, _ := strings.Cut(fwd[i], "\x00")
					if (dir == "ASC" && a > b) || (dir == "DESC" && a < b) {
						t.Fatalf("%s: out of order at %d: %q then %q", name, i, fwd[i-1], fwd[i])
					}
				}
				seen := map[string]bool{}
				for _, r := range fwd {
					if seen[r] {
						t.Fatalf("%s: %s twice", name, r)
					}
					seen[r] = true
				}
				if provider == nil && total != 300 {
					t.Fatalf("%s: merged demo has %d repositories, want 300", name, total)
				}
			}
		}
	}
}

// TestLogsHoldNoToken runs failing and succeeding requests with tokens in every header and checks
// the log has a request id on each request line and no token anywhere.
func TestLogsHoldNoToken(t *testing.T) {
	var logs testkit.SyncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	env := map[string]string{"PORT": "0", "GATEWAY_API_KEY": "gw-secret-1"}
	go func() { done <- run(ctx, func(k string) string { return env[k] }, &logs, ready) }()
	base := "http://" + strings.Replace(<-ready, "[::]", "127.0.0.1", 1)
	secrets := map[string]string{"Authorization": "Bearer gw-secret-1", "X-GitHub-Token": "ghp-secret-2",
		"X-GitLab-Token": "glpat-secret-3", "X-Bitbucket-Token": "me@x.org:bb-secret-4", "X-CodeArts-Token": "ca-secret-5", "X-Gitea-Token": "gitea-secret-6"}
	for _, q := range []string{`{ viewer { repositories(first: 3) { totalCount nodes { id } } } }`, `{ viewer { repositories(first: 3, after: "forged") { totalCount } } }`, `{ nope }`} {
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(fmt.Sprintf(`{"query":%q}`, q)))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range secrets {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	cancel()
	<-done
	out := logs.String()
	for _, s := range []string{"gw-secret-1", "ghp-secret-2", "glpat-secret-3", "bb-secret-4", "ca-secret-5", "gitea-secret-6"} {
		if strings.Contains(out, s) {
			t.Fatalf("log holds %q:\n%s", s, out)
		}
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.Contains(line, `"msg":"request"`) {
			n++
			if !strings.Contains(line, `"request_id":"`) {
				t.Fatalf("request line without request id: %s", line)
			}
		}
	}
	if n != 3 {
		t.Fatalf("%d request lines, want 3:\n%s", n, out)
	}
}

// TestReadmeQueries runs every GraphQL example of the README against the demo: each must answer
// without errors, and those that list repositories (the viewer's, an owner's, a public list) must
// list some.
func TestReadmeQueries(t *testing.T) {
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	base := startDemo(t, nil)
	blocks := strings.Split(string(raw), "```graphql\n")[1:]
	if len(blocks) < 2 {
		t.Fatalf("README has %d graphql examples", len(blocks))
	}
	for _, b := range blocks {
		q, _, _ := strings.Cut(b, "```")
		p := query(t, base, q, map[string]any{})
		n := len(p.Data.Viewer.Repositories.Nodes) + len(p.Data.PublicRepositories.Nodes)
		if p.Data.RepositoryOwner != nil {
			n += len(p.Data.RepositoryOwner.Repositories.Nodes)
		}
		if n == 0 && !strings.Contains(q, "edges") {
			t.Fatalf("README query returned no repositories:\n%s", q)
		}
	}
}

// TestStartupLinesBeforeServing: logs are written in batches, but the start-up lines (address,
// demo mode) are out by the time the server answers, for scripts and operators that wait for them.
func TestStartupLinesBeforeServing(t *testing.T) {
	var logs testkit.SyncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, func(k string) string { return map[string]string{"PORT": "0"}[k] }, &logs, ready)
	}()
	<-ready
	out := logs.String()
	cancel()
	<-done
	for _, want := range []string{`"msg":"forgegraph listening"`, `"demo":true`, "DEMO"} {
		if !strings.Contains(out, want) {
			t.Fatalf("when the server started answering, the log lacked %s:\n%s", want, out)
		}
	}
}

// TestMetricsListener: with METRICS_ADDR, /metrics is served there without the gateway key and not
// on the main port; a configuration warning (CORS_ALLOWED_ORIGINS=* with server-held tokens and a
// gateway key) is logged at start.
func TestMetricsListener(t *testing.T) {
	var logs testkit.SyncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	metricsAddr := fmt.Sprintf("127.0.0.1:%d", testkit.FreePort(t))
	env := map[string]string{"PORT": "0", "GATEWAY_API_KEY": "gw", "METRICS_ADDR": metricsAddr,
		"PROVIDERS": "github", "GITHUB_TOKEN": "held", "GITHUB_API_URL": "http://127.0.0.1:1", "CORS_ALLOWED_ORIGINS": "*"}
	go func() { done <- run(ctx, func(k string) string { return env[k] }, &logs, ready) }()
	var base string
	select {
	case addr := <-ready:
		base = "http://" + strings.Replace(addr, "[::]", "127.0.0.1", 1)
	case err := <-done:
		t.Fatalf("server did not start: %v", err)
	}
	defer func() { cancel(); <-done }()
	get := func(u string, auth string) int {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get("http://"+metricsAddr+"/metrics", ""); s != 200 {
		t.Fatalf("/metrics on METRICS_ADDR: %d", s)
	}
	if s := get(base+"/metrics", "Bearer gw"); s != 404 {
		t.Fatalf("/metrics on the main port with METRICS_ADDR set: %d, want 404", s)
	}
	if out := logs.String(); !strings.Contains(out, `"level":"WARN","msg":"CORS_ALLOWED_ORIGINS=*`) {
		t.Fatalf("no start-up warning about CORS_ALLOWED_ORIGINS=*:\n%s", out)
	}
}
