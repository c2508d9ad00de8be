package testkit

import (
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// StartRedis starts a throw-away redis-server on a free loopback port (no persistence, its own
// process group, killed when the test ends) and returns its address, host:port, once it accepts
// connections. It skips or fails like RedisServer when redis-server is missing, and fails the test
// when the server exits at start or does not accept a connection within 5 s.
func StartRedis(t testing.TB) string {
	t.Helper()
	bin := RedisServer(t)
	port := strconv.Itoa(FreePort(t))
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); <-exited })
	addr := net.JoinHostPort("127.0.0.1", port)
	for deadline := time.Now().Add(5 * time.Second); ; {
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			_ = c.Close()
			return addr
		}
		select {
		case <-exited:
			t.Fatal("redis-server exited at start")
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal(fmt.Sprintf("redis-server did not accept a connection on %s within 5s", addr))
		}
	}
}

// RedisURL is the REDIS_URL of the server at addr (from StartRedis), database 0, with timeouts of
// 5 s instead of the production default (cache.DefaultRedisTimeout, 300 ms): a race build on a
// loaded machine (CI's neighbours) can starve a test's client past 300 ms, which says nothing about
// the code under test.
func RedisURL(addr string) string {
	return "redis://" + addr + "/0?dial_timeout=5s&read_timeout=5s&write_timeout=5s"
}
