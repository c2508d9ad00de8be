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
