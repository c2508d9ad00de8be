// Package testkit holds helpers that tests in several packages share: a buffer that a process's
// output copier and the test may use at once, a free loopback port, and the rule for tests that
// need a real redis-server. Only tests import it.
package testkit

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"sync"
	"testing"
)

// SyncBuffer is a bytes.Buffer safe for concurrent writers and readers. The zero value is ready.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// RedisServer returns redis-server's path. Without it the test is skipped, or fails when CI=true
// (CI installs it, so a missing one there is a broken set-up, not a reason to skip).
func RedisServer(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not installed, and CI=true requires it: install it (apt-get install redis-server)")
		}
		t.Skip("redis-server is not installed: install it (apt-get install redis-server) to run the Redis tests")
	}
	return bin
}
