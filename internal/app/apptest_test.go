//go:build unix

package app

import (
	"context"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/forgegraph/forgegraph/internal/config"
)

// testApp builds the server that env alone configures (nothing is read from the process
// environment), closed when the test ends.
func testApp(t *testing.T, env map[string]string) *App {
	t.Helper()
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(context.Background(), cfg, io.Discard, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return a
}

// serveApp is testApp served on a loopback httptest server, closed when the test ends.
func serveApp(t *testing.T, env map[string]string) (*App, *httptest.Server) {
	t.Helper()
	a := testApp(t, env)
	ts := httptest.NewServer(a.Handler)
	t.Cleanup(ts.Close)
	return a, ts
}
