package codearts

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/codearts/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// TestParameterErrorsSurface sends parameters outside the documented ranges (the source never does)
// and checks the forge's 400 comes back as a clear error naming the status, its message logged.
func TestParameterErrorsSurface(t *testing.T) {
	f := fake.New("tok", nil)
	srv := httptest.NewServer(http.StripPrefix("/ca", f))
	defer srv.Close()
	logs := &providertest.Logs{}
	src := func(version string) *Source {
		s, err := New(Config{BaseURL: srv.URL + "/ca", APIVersion: version, Upstream: rest.Options{Logger: logs.Logger()}})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	check := func(err error, parts ...string) {
		t.Helper()
		var e *providers.Error
		if !errors.As(err, &e) || e.Kind != providers.KindBadResponse || e.Source != "codearts" {
			t.Fatalf("error %v: want a codearts KindBadResponse", err)
		}
		if !strings.Contains(e.Error(), "HTTP 400") {
			t.Fatalf("error %q does not name the status", e)
		}
		for _, p := range append(parts, "CH.010001") {
			providertest.ForgeTextLogged(t, err, p, logs)
		}
	}
	ctx := context.Background()
	v4 := src(APIv4)
	for _, limit := range []int{0, 101, -5} {
		_, _, err := v4.v4Page(ctx, "tok", 0, limit, "created_at", "desc", "")
		check(err, "limit must be between 1 and 100")
	}
	_, _, err := v4.v4Page(ctx, "tok", -1, 100, "created_at", "desc", "")
	check(err, "offset must be between 0 and 2147483647")
	for _, orderBy := range []string{"name", "last_activity_at", "path"} {
		_, _, err := v4.v4Page(ctx, "tok", 0, 100, orderBy, "desc", "")
		check(err, "order_by must be created_at or updated_at")
	}
	_, _, err = v4.v4Page(ctx, "tok", 0, 100, "updated_at", "descending", "")
	check(err, "sort must be asc or desc")

	v2 := src(APIv2)
	_, _, err = v2.v2Page(ctx, "tok", 0, 100)
	check(err, "page_index must be at least 1")
	for _, size := range []int{0, 101} {
		_, _, err := v2.v2Page(ctx, "tok", 1, size)
		check(err, "page_size must be between 1 and 100")
	}
	// In range, both answer.
	if _, _, err := v4.v4Page(ctx, "tok", 0, 100, "updated_at", "asc", ""); err != nil {
		t.Fatal(err)
	}
	if _, total, err := v2.v2Page(ctx, "tok", 1, 100); err != nil || total != 0 {
		t.Fatal(total, err)
	}
}
