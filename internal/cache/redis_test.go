//go:build unix

package cache

import (
	"context"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forgegraph/forgegraph/internal/testkit"
)

// redisServer is a redis-server process on a free loopback port, killed when the test ends.
type redisServer struct {
	t    *testing.T
	bin  string
	port int
	dir  string
	cmd  *exec.Cmd
	// exited is closed when cmd has exited.
	exited chan struct{}
}

// startRedis starts redis-server for t. Without redis-server the test is skipped, unless CI=true.
func startRedis(t *testing.T) *redisServer {
	t.Helper()
	s := &redisServer{t: t, bin: testkit.RedisServer(t), dir: t.TempDir()}
	for attempt := 0; ; attempt++ {
		s.port = testkit.FreePort(t)
		if err := s.run(); err == nil {
			break
		} else if attempt == 4 {
			t.Fatalf("redis-server did not start: %v", err)
		}
	}
	t.Cleanup(s.stop)
	return s
}

func (s *redisServer) addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// run starts the server on s.port and waits until it answers PING.
func (s *redisServer) run() error {
	cmd := exec.Command(s.bin, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", s.dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.cmd, s.exited = cmd, exited
	c := redis.NewClient(&redis.Options{Addr: s.addr(), DialTimeout: 100 * time.Millisecond, MaxRetries: -1})
	defer c.Close()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		select {
		case <-exited:
			s.cmd, s.exited = nil, nil
			return errors.New("redis-server exited at start (port taken?)")
		default:
		}
		if c.Ping(context.Background()).Err() == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.stop()
	return errors.New("redis-server did not answer PING within 5s")
}

// stop kills the server's process group and waits for it.
func (s *redisServer) stop() {
	if s.cmd == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.exited
	s.cmd, s.exited = nil, nil
}

// client returns a client with the production timeouts.
func (s *redisServer) client(t *testing.T) *redis.Client {
	t.Helper()
	c, err := NewRedisClient("redis://" + s.addr() + "/0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

type record struct {
	Name  string    `json:"name"`
	Count int       `json:"count"`
	When  time.Time `json:"when"`
}

// observed collects the Observer's calls.
type observed struct {
	mu  sync.Mutex
	ops []string
}

func (o *observed) observe(op string, _ error) {
	o.mu.Lock()
	o.ops = append(o.ops, op)
	o.mu.Unlock()
}

func (o *observed) list() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.ops...)
}

func (o *observed) total() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.ops)
}

func (o *observed) count(op string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, x := range o.ops {
		if x == op {
			n++
		}
	}
	return n
}

func TestRedisRoundTripAndTTL(t *testing.T) {
	s := startRedis(t)
	client := s.client(t)
	var obs observed
	c := NewRedis[record](client, "test:", obs.observe)
	ctx := context.Background()
	want := record{Name: "atlas-api", Count: 3, When: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	c.Set(ctx, "a", want, time.Minute)
	if got, ok := c.Get(ctx, "a"); !ok || got != want {
		t.Fatalf("Get = %+v %v, want %+v", got, ok, want)
	}
	raw, err := client.Get(ctx, "test:a").Result()
	if err != nil || !strings.Contains(raw, "atlas-api") {
		t.Fatalf("raw value %q %v: want plain JSON under prefix+key", raw, err)
	}
	if _, ok := c.Get(ctx, "missing"); ok {
		t.Fatal("a missing key must be a miss")
	}
	c.Set(ctx, "short", want, 150*time.Millisecond)
	if _, ok := c.Get(ctx, "short"); !ok {
		t.Fatal("short should be there before its ttl")
	}
	time.Sleep(300 * time.Millisecond)
	if _, ok := c.Get(ctx, "short"); ok {
		t.Fatal("short should have expired")
	}
	c.Set(ctx, "zero", want, 0)
	if n, _ := client.Exists(ctx, "test:zero").Result(); n != 0 {
		t.Fatal("ttl 0 must store nothing")
	}
	// Another prefix is another cache.
	if _, ok := NewRedis[record](client, "other:", nil).Get(ctx, "a"); ok {
		t.Fatal("another prefix must not see the value")
	}
	// Concurrent use (run with -race).
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			k := "k" + strconv.Itoa(i%4)
			c.Set(ctx, k, record{Count: i}, time.Minute)
			c.Get(ctx, k)
		}()
	}
	wg.Wait()
	if h, m := c.Stats(); h < 2 || m < 2 {
		t.Fatalf("stats hits %d misses %d", h, m)
	}
	if obs.total() != 0 {
		t.Fatalf("no failure expected, observed %v", obs.list())
	}
}

func TestRedisSealing(t *testing.T) {
	s := startRedis(t)
	client := s.client(t)
	var obs observed
	c := NewRedis[record](client, "seal:", obs.observe)
	bg := context.Background()
	const alice, bob = "ghp_alice-token", "ghp_bob-token"
	want := record{Name: "very-private-repository", Count: 42}
	c.SetSealed(bg, alice, "list|github|hash-of-alice", want, time.Minute)

	raw, err := client.Get(bg, "seal:list|github|hash-of-alice").Bytes()
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"very-private-repository", "42", "name", "ghp_alice-token"} {
		if strings.Contains(string(raw), plain) {
			t.Fatalf("sealed value %q reveals %q", raw, plain)
		}
	}
	if got, ok := c.GetSealed(bg, alice, "list|github|hash-of-alice"); !ok || got != want {
		t.Fatalf("the same secret must open it: %+v %v", got, ok)
	}
	if _, ok := c.GetSealed(bg, bob, "list|github|hash-of-alice"); ok {
		t.Fatal("another secret must not open it")
	}
	if obs.count("decode") != 1 {
		t.Fatalf("a value that does not open is observed once as decode, got %v", obs.list())
	}
	if _, ok := c.Get(bg, "list|github|hash-of-alice"); ok {
		t.Fatal("no secret must not read a sealed value")
	}
	if _, ok := c.GetSealed(bg, "", "list|github|hash-of-alice"); ok {
		t.Fatal("an empty secret must not read a sealed value")
	}
	// Sealed under one key, copied to another: does not open (the key is bound to the value).
	client.Set(bg, "seal:elsewhere", raw, time.Minute)
	if _, ok := c.GetSealed(bg, alice, "elsewhere"); ok {
		t.Fatal("a sealed value moved to another key must not open")
	}
	// Tampered: does not open.
	bad := append([]byte(nil), raw...)
	bad[len(bad)-1] ^= 1
	client.Set(bg, "seal:list|github|hash-of-alice", bad, time.Minute)
	if _, ok := c.GetSealed(bg, alice, "list|github|hash-of-alice"); ok {
		t.Fatal("a tampered value must not open")
	}
	// A user's data is never read unsealed: a plain value where a sealed one belongs is a miss.
	client.Set(bg, "seal:injected", `{"name":"injected"}`, time.Minute)
	if _, ok := c.GetSealed(bg, alice, "injected"); ok {
		t.Fatal("an unsealed value must not be served to a request with a secret")
	}
	// Plain keeps values unsealed: rate-limit state is readable by every request.
	p := Plain[record]{C: c}
	p.Set(bg, "rate|github|hash", record{Count: 7}, time.Minute)
	if raw, _ := client.Get(bg, "seal:rate|github|hash").Result(); !strings.Contains(raw, `"count":7`) {
		t.Fatalf("Plain must store unsealed JSON, got %q", raw)
	}
	if v, ok := c.Get(bg, "rate|github|hash"); !ok || v.Count != 7 {
		t.Fatal("a request without a secret must read Plain's value")
	}
	if v, ok := p.Get(bg, "rate|github|hash"); !ok || v.Count != 7 {
		t.Fatal("Plain must read its value whatever the secret")
	}
}

func TestRedisLocks(t *testing.T) {
	s := startRedis(t)
	client := s.client(t)
	ctx := context.Background()
	// Two caches stand for two replicas: each has its own lock token.
	a := NewRedis[record](client, "lock:", nil)
	b := NewRedis[record](client, "lock:", nil)
	var l Locker = a
	got, err := l.Lock(ctx, "lock|page", 5*time.Second)
	if err != nil || !got {
		t.Fatalf("a.Lock = %v %v", got, err)
	}
	if got, err := b.Lock(ctx, "lock|page", 5*time.Second); err != nil || got {
		t.Fatalf("b.Lock while a holds it = %v %v, want false", got, err)
	}
	b.Unlock(ctx, "lock|page") // b does not hold it: must not release a's lock
	if n, _ := client.Exists(ctx, "lock:lock|page").Result(); n != 1 {
		t.Fatal("Unlock by the non-holder released the lock")
	}
	if got, _ := b.Lock(ctx, "lock|page", 5*time.Second); got {
		t.Fatal("b got the lock a still holds")
	}
	a.Unlock(ctx, "lock|page")
	if got, err := b.Lock(ctx, "lock|page", 5*time.Second); err != nil || !got {
		t.Fatalf("b.Lock after a released it = %v %v", got, err)
	}
	b.Unlock(ctx, "lock|page")

	// Concurrent lockers: exactly one wins.
	var wins sync.WaitGroup
	var mu sync.Mutex
	winners := 0
	for range 8 {
		wins.Add(1)
		go func() {
			defer wins.Done()
			c := NewRedis[record](client, "lock:", nil)
			if ok, err := c.Lock(ctx, "lock|race", 5*time.Second); err == nil && ok {
				mu.Lock()
				winners++
				mu.Unlock()
			}
		}()
	}
	wins.Wait()
	if winners != 1 {
		t.Fatalf("%d lockers got one lock", winners)
	}

	// A lock expires by itself; the old holder's Unlock then leaves the new holder's lock alone.
	if got, _ := a.Lock(ctx, "lock|short", 100*time.Millisecond); !got {
		t.Fatal("a.Lock short")
	}
	time.Sleep(250 * time.Millisecond)
	if got, _ := b.Lock(ctx, "lock|short", 5*time.Second); !got {
		t.Fatal("the expired lock should be free")
	}
	a.Unlock(ctx, "lock|short")
	if got, _ := a.Lock(ctx, "lock|short", 5*time.Second); got {
		t.Fatal("a's late Unlock released b's lock")
	}
}

func TestRedisStoppedAndBack(t *testing.T) {
	s := startRedis(t)
	client := s.client(t)
	var obs observed
	c := NewRedis[record](client, "down:", obs.observe)
	ctx := context.Background()
	c.Set(ctx, "a", record{Name: "before"}, time.Minute)
	if _, ok := c.Get(ctx, "a"); !ok {
		t.Fatal("round trip before the stop")
	}

	s.stop()
	start := time.Now()
	if _, ok := c.Get(ctx, "a"); ok {
		t.Fatal("a stopped Redis must be a miss")
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the first miss took %v: timeouts must be short", d)
	}
	if obs.count("get") == 0 {
		t.Fatalf("the failure must be observed, got %v", obs.list())
	}
	// While paused, operations skip Redis: fast, no error reported, nothing panics.
	start = time.Now()
	for range 100 {
		c.Get(ctx, "a")
		c.Set(ctx, "b", record{}, time.Minute)
		c.Unlock(ctx, "lock|x")
	}
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Fatalf("300 operations on a paused Redis took %v", d)
	}
	if got, err := c.Lock(ctx, "lock|x", time.Second); got || err == nil {
		t.Fatalf("Lock on a stopped Redis = %v %v, want an error", got, err)
	}
	// Another cache over the same client is paused too.
	other := NewRedis[string](client, "down:", nil)
	if _, ok := other.Get(ctx, "a"); ok {
		t.Fatal("other cache: miss expected")
	}
	failures := obs.total()

	// After the pause one operation probes again: still failing, still quick.
	time.Sleep(RedisPause + 100*time.Millisecond)
	start = time.Now()
	c.Get(ctx, "a")
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the probe took %v", d)
	}
	if obs.total() <= failures {
		t.Fatal("the failed probe must be observed")
	}

	if err := s.run(); err != nil { // same port
		t.Fatalf("restart: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.Set(ctx, "after", record{Name: "after"}, time.Minute)
		if v, ok := c.Get(ctx, "after"); ok && v.Name == "after" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the cache did not recover within 5s of Redis coming back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got, err := c.Lock(ctx, "lock|after", time.Second); err != nil || !got {
		t.Fatalf("Lock after recovery = %v %v", got, err)
	}
	t.Logf("recovered %v after the restart; %d failures observed", time.Since(deadline.Add(-5*time.Second)).Round(time.Millisecond), obs.total())
}

func TestParseRedisURLHidesPassword(t *testing.T) {
	for _, u := range []string{
		"redis://user:hunter2@[::1/0",
		"redis://user:hunter2@host:6379/x",
		"http://user:hunter2@host:6379/0",
		"redis://user:hunter2@host:6379/0?bogus=1",
	} {
		_, err := ParseRedisURL(u)
		if err == nil {
			t.Fatalf("%s: error expected", u)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("error %q reveals the password", err)
		}
	}
	opt, err := ParseRedisURL("redis://:pw@127.0.0.1:6380/3")
	if err != nil || opt.Addr != "127.0.0.1:6380" || opt.DB != 3 {
		t.Fatalf("%+v %v", opt, err)
	}
	c, err := NewRedisClient("redis://127.0.0.1:6380/3?read_timeout=2s")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if o := c.Options(); o.ReadTimeout != 2*time.Second || o.DialTimeout != DefaultRedisTimeout {
		t.Fatalf("timeouts %v %v", o.ReadTimeout, o.DialTimeout)
	}
}
