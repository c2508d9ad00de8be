//go:build unix

// Package replicas runs forgegraph as three processes behind one Redis, against the fake forges served
// over HTTP by cmd/fakeforge, and checks that a walk alternating between replicas gives every
// repository once, in order, without more upstream requests than one replica needs, and that a walk
// survives Redis going away.
package replicas

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forgegraph/forgegraph/internal/testkit"
)

const (
	gatewayKey    = "replica-test-gateway-key"
	cursorSecret  = "replica-test-cursor-secret"
	redisPassword = "replica-test-redis-password"
	demoToken     = "demo-token"
	pageSize      = 25
	// demoRepositories is how many repositories the demo data holds (120+60+45+35).
	demoRepositories = 260
)

// proc is a child process in its own process group, killed (group and all) when the test ends.
type proc struct {
	name   string
	cmd    *exec.Cmd
	out    *testkit.SyncBuffer
	exited chan struct{}
	once   sync.Once
}

func start(t *testing.T, name, bin string, args, env []string) *proc {
	t.Helper()
	p := &proc{name: name, out: &testkit.SyncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("%s output (tail):\n%s", name, tail(p.out.String(), 3000))
		}
	})
	return p
}

// kill ends the process group and waits for the process.
func (p *proc) kill() {
	p.once.Do(func() {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.exited
	})
}

// waitOutput waits until the output has a line for which match returns a value.
func (p *proc) waitOutput(t *testing.T, what string, match func(line string) (string, bool)) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		sc := bufio.NewScanner(strings.NewReader(p.out.String()))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if v, ok := match(sc.Text()); ok {
				return v
			}
		}
		select {
		case <-p.exited:
			t.Fatalf("%s exited before %s:\n%s", p.name, what, tail(p.out.String(), 3000))
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("%s: no %s within 15s:\n%s", p.name, what, tail(p.out.String(), 3000))
	return ""
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// build compiles pkg into dir and returns the binary's path.
func build(t *testing.T, dir, name, pkg string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build %s: %v", pkg, err)
	}
	out := filepath.Join(dir, name)
	cmd := exec.Command(goBin, "build", "-o", out, pkg)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// env is everything a test process gets: a clean environment, so a developer's own tokens or
// PROVIDERS never leak in.
func env(kv ...string) []string {
	base := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir(), "TMPDIR=" + os.TempDir()}
	return append(base, kv...)
}

// cluster is what the test runs: a Redis, the fake forges, the built server.
type cluster struct {
	t         *testing.T
	dir       string
	server    string // binary
	redisBin  string
	redisPort int
	redis     *proc
	forge     string // base URL of fakeforge
}

func (c *cluster) startRedis() {
	t := c.t
	for attempt := 0; ; attempt++ {
		c.redisPort = testkit.FreePort(t)
		p := start(t, "redis-server", c.redisBin, []string{"--port", strconv.Itoa(c.redisPort), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", c.dir, "--requirepass", redisPassword}, env())
		client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:" + strconv.Itoa(c.redisPort), Password: redisPassword,
			DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
		ok := false
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if client.Ping(context.Background()).Err() == nil {
				ok = true
				break
			}
			select {
			case <-p.exited:
				deadline = time.Time{}
			default:
			}
		}
		_ = client.Close()
		if ok {
			c.redis = p
			return
		}
		p.kill()
		if attempt == 3 {
			t.Fatalf("redis-server did not start:\n%s", p.out.String())
		}
	}
}

func (c *cluster) redisURL(db int) string {
	// Timeouts of 5 s, not the 300 ms default: the replicas share a loaded machine with the test.
	return fmt.Sprintf("redis://:%s@127.0.0.1:%d/%d?dial_timeout=5s&read_timeout=5s&write_timeout=5s", redisPassword, c.redisPort, db)
}

// startReplica runs one forgegraph process on a free port sharing db of the Redis and returns its
// base URL.
func (c *cluster) startReplica(name string, db int) string {
	base, _ := c.startReplicaProc(name, db)
	return base
}

// startReplicaProc is startReplica that also returns the process.
func (c *cluster) startReplicaProc(name string, db int) (string, *proc) {
	t := c.t
	p := start(t, name, c.server, nil, env(
		"PORT=0",
		"PROVIDERS=github,gitlab,bitbucket,codearts",
		"GITHUB_TOKEN="+demoToken, "GITLAB_TOKEN="+demoToken, "BITBUCKET_TOKEN="+demoToken, "CODEARTS_TOKEN="+demoToken,
		"GITHUB_API_URL="+c.forge+"/github/api/v3",
		"GITLAB_API_URL="+c.forge+"/gitlab/api/v4",
		"BITBUCKET_API_URL="+c.forge+"/bitbucket/2.0",
		"CODEARTS_API_URL="+c.forge+"/codearts",
		"GATEWAY_API_KEY="+gatewayKey,
		"CURSOR_SECRET="+cursorSecret,
		"REDIS_URL="+c.redisURL(db),
		"CACHE_TTL=5m", // nothing goes stale during the test, so upstream counts compare
	))
	addr := p.waitOutput(t, "listening line", func(line string) (string, bool) {
		var l struct {
			Msg, Addr string
		}
		if json.Unmarshal([]byte(line), &l) != nil || l.Msg != "forgegraph listening" {
			return "", false
		}
		return l.Addr, true
	})
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("%s listens on %q: %v", name, addr, err)
	}
	p.waitOutput(t, "Redis line", func(line string) (string, bool) {
		return "", strings.Contains(line, "caches are shared through Redis")
	})
	t.Cleanup(func() {
		if out := p.out.String(); strings.Contains(out, redisPassword) || strings.Contains(out, demoToken) {
			t.Errorf("%s logged a secret (the Redis password or a token)", name)
		}
	})
	return "http://127.0.0.1:" + port, p
}

// requests are the fake forges' request counts (GET /_requests).
type requests struct {
	Forges map[string]int `json:"forges"`
	Total  int            `json:"total"`
	Paths  map[string]int `json:"paths"`
	URLs   map[string]int `json:"urls"`
}

func (r requests) String() string {
	return fmt.Sprintf("total %d (github %d, gitlab %d, bitbucket %d of which %d workspace listings, codearts %d)",
		r.Total, r.Forges["github"], r.Forges["gitlab"], r.Forges["bitbucket"], r.Paths[workspacesPath], r.Forges["codearts"])
}

// workspacesPath is Bitbucket's workspace listing, shared between replicas through Redis like the
// pages.
const workspacesPath = "/bitbucket/2.0/user/workspaces"

// forgeRequests returns the fake forges' request counts since the last reset.
func (c *cluster) forgeRequests() requests {
	resp, err := http.Get(c.forge + "/_requests")
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var n requests
	if err := json.NewDecoder(resp.Body).Decode(&n); err != nil {
		c.t.Fatal(err)
	}
	return n
}

func (c *cluster) resetForge() {
	resp, err := http.Post(c.forge+"/_reset", "", nil)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
}

const walkQuery = `query Walk($sort: RepositorySort, $after: String) {
  viewer { repositories(sort: $sort, first: 25, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id provider nameWithOwner }
  } }
}`

type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

type walkPage struct {
	Data *struct {
		Viewer struct {
			Repositories struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
				Nodes []struct{ ID, Provider, NameWithOwner string }
			}
		}
	}
	Errors []gqlError
}

// walkStats are what a walk saw beside the repositories.
type walkStats struct {
	pages, retries int
	codes          map[string]int
}

// fetchPage asks base for one page. Any 5xx or an error without extensions.code fails the test; a
// page with clear GraphQL errors is returned for the caller to retry.
func fetchPage(t *testing.T, base, sort string, after *string) walkPage {
	t.Helper()
	vars := map[string]any{"sort": sort}
	if after != nil {
		vars["after"] = *after
	}
	body, _ := json.Marshal(map[string]any{"query": walkQuery, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+gatewayKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", base, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 500 {
		t.Fatalf("%s answered HTTP %d: %s", base, resp.StatusCode, b)
	}
	var p walkPage
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("%s answered HTTP %d, not GraphQL: %s", base, resp.StatusCode, b)
	}
	for _, e := range p.Errors {
		if code, _ := e.Extensions["code"].(string); code == "" || e.Message == "" {
			t.Fatalf("an error without a message or extensions.code: %s", b)
		}
	}
	if len(p.Errors) == 0 && (resp.StatusCode != http.StatusOK || p.Data == nil) {
		t.Fatalf("%s answered HTTP %d without data: %s", base, resp.StatusCode, b)
	}
	return p
}

// walk reads the whole list in sort, page i from replicas[i % len(replicas)], and returns the ids in
// order. halfway, when set, runs once after half the pages (the list is ~11 pages).
func walk(t *testing.T, replicas []string, sort string, halfway func(), st *walkStats) []string {
	t.Helper()
	var ids []string
	var after *string
	for i := 0; ; i++ {
		if halfway != nil && i == demoRepositories/pageSize/2 {
			halfway()
			halfway = nil
		}
		base := replicas[i%len(replicas)]
		var p walkPage
		for try := 0; ; try++ {
			p = fetchPage(t, base, sort, after)
			if len(p.Errors) == 0 {
				break
			}
			for _, e := range p.Errors {
				st.codes[e.Extensions["code"].(string)]++
			}
			if try == 3 {
				t.Fatalf("page %d of %s on %s still has errors after %d tries: %+v", i, sort, base, try+1, p.Errors)
			}
			st.retries++
			time.Sleep(100 * time.Millisecond)
		}
		st.pages++
		r := p.Data.Viewer.Repositories
		for _, n := range r.Nodes {
			ids = append(ids, n.ID)
		}
		if !r.PageInfo.HasNextPage {
			return ids
		}
		if r.PageInfo.EndCursor == nil || i > 2*demoRepositories/pageSize {
			t.Fatalf("page %d of %s: hasNextPage without endCursor, or a walk that does not end", i, sort)
		}
		after = r.PageInfo.EndCursor
	}
}

// checkOnce fails unless got has every id once and equals want (the single replica's order).
func checkOnce(t *testing.T, what string, got, want []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range got {
		if seen[id] {
			t.Errorf("%s: %s appears twice", what, id)
		}
		seen[id] = true
	}
	if len(got) != demoRepositories {
		t.Errorf("%s: %d repositories, want %d", what, len(got), demoRepositories)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: the order differs from the single replica's walk", what)
	}
}

var sorts = []string{"PUSHED", "FULL_NAME"}

func TestReplicasShareRedis(t *testing.T) {
	redisBin := testkit.RedisServer(t)
	started := time.Now()
	dir := t.TempDir()
	c := &cluster{t: t, dir: dir, redisBin: redisBin}
	c.server = build(t, dir, "forgegraph", "github.com/forgegraph/forgegraph")
	fakeforge := build(t, dir, "fakeforge", "github.com/forgegraph/forgegraph/cmd/fakeforge")
	t.Logf("built in %v", time.Since(started).Round(time.Millisecond))

	c.startRedis()
	ff := start(t, "fakeforge", fakeforge, []string{"-port", "0", "-latency", "10ms"}, env())
	c.forge = ff.waitOutput(t, "listening line", func(line string) (string, bool) {
		u, ok := strings.CutPrefix(line, "fakeforge listening on ")
		return u, ok
	})

	// One replica: the order every walk must give, and the upstream requests one replica needs.
	single := c.startReplica("replica-solo", 1)
	c.resetForge()
	want := map[string][]string{}
	st := walkStats{codes: map[string]int{}}
	for _, s := range sorts {
		want[s] = walk(t, []string{single}, s, nil, &st)
		checkOnce(t, "one replica, "+s, want[s], want[s])
	}
	base := c.forgeRequests()
	if st.retries > 0 {
		t.Fatalf("the single replica's walk had errors: %v", st.codes)
	}

	// Three replicas sharing Redis (a fresh database), pages alternating between them.
	three := []string{c.startReplica("replica-a", 2), c.startReplica("replica-b", 2), c.startReplica("replica-c", 2)}
	c.resetForge()
	st = walkStats{codes: map[string]int{}}
	for _, s := range sorts {
		checkOnce(t, "three replicas, "+s, walk(t, three, s, nil, &st), want[s])
	}
	shared := c.forgeRequests()
	if st.retries > 0 {
		t.Errorf("the three replicas' walk had errors: %v", st.codes)
	}
	// Every upstream request one replica made, three replicas make at most once between them.
	for path, n := range shared.Paths {
		if n > base.Paths[path] {
			t.Errorf("%s: three replicas made %d upstream requests, one replica %d", path, n, base.Paths[path])
		}
	}
	if shared.Total > base.Total {
		t.Errorf("three replicas made %d more upstream requests than one: %v vs %v", shared.Total-base.Total, shared, base)
	}

	// Three fresh replicas ask for the same first page at the same moment: the page locks make one of
	// them fetch each upstream page while the others wait for it in Redis. In PUSHED order GitHub,
	// GitLab and Bitbucket are paged natively (through the page store and its locks); CodeArts is
	// read whole for a local sort (providers.Local, whose whole-list reads take the same kind of lock, as
	// does Bitbucket's workspace listing).
	var racers []string
	for _, name := range []string{"replica-g", "replica-h", "replica-i"} {
		racers = append(racers, c.startReplica(name, 4))
	}
	c.resetForge()
	for _, s := range []string{"PUSHED"} {
		var wg sync.WaitGroup
		got := make([][]string, len(racers))
		for i, base := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p := fetchPage(t, base, s, nil)
				for _, n := range p.Data.Viewer.Repositories.Nodes {
					got[i] = append(got[i], n.ID)
				}
			}()
		}
		wg.Wait()
		for i := range got {
			if strings.Join(got[i], "\n") != strings.Join(want[s][:pageSize], "\n") {
				t.Errorf("concurrent first page of %s on %s differs from the single replica's", s, racers[i])
			}
		}
	}
	concurrent := c.forgeRequests()
	for u, n := range concurrent.URLs {
		if n > 1 {
			t.Errorf("three replicas asking at once fetched %s %d times", u, n)
		}
	}

	// Three fresh replicas (fresh database); Redis stops halfway through the first walk.
	three = nil
	var downReplicas []*proc
	for _, name := range []string{"replica-d", "replica-e", "replica-f"} {
		base, p := c.startReplicaProc(name, 3)
		three, downReplicas = append(three, base), append(downReplicas, p)
	}
	c.resetForge()
	st = walkStats{codes: map[string]int{}}
	var stoppedAt time.Time
	for i, s := range sorts {
		var halfway func()
		if i == 0 {
			halfway = func() { c.redis.kill(); stoppedAt = time.Now() }
		}
		checkOnce(t, "three replicas, Redis stopped halfway, "+s, walk(t, three, s, halfway, &st), want[s])
	}
	down := c.forgeRequests()
	if stoppedAt.IsZero() {
		t.Fatal("Redis was never stopped")
	}
	warned := 0
	for _, p := range downReplicas {
		if strings.Contains(p.out.String(), "redis is failing") {
			warned++
		}
	}
	if warned == 0 {
		t.Error("no replica logged that Redis failed: was it used at all?")
	}

	t.Logf("upstream requests for the walk (%s, %d per page; %d repositories each):", strings.Join(sorts, " then "), pageSize, demoRepositories)
	t.Logf("  one replica:                           %v", base)
	t.Logf("  three replicas sharing Redis:          %v", shared)
	t.Logf("  three replicas, Redis stopped halfway: %v", down)
	t.Logf("  first PUSHED page asked of three replicas at once: %v", concurrent)
	t.Logf("  with Redis stopped: pages retried after a GraphQL error %d, codes %v; the walk finished %v after the stop",
		st.retries, st.codes, time.Since(stoppedAt).Round(time.Millisecond))
	t.Logf("total test time %v", time.Since(started).Round(time.Millisecond))
}
