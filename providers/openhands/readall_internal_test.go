package openhands

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// TestReadProviderStalls: a forge that answers the same full page with rel="next" for every page
// number is not paging as documented; the whole-list read says so instead of returning the first
// page as if it were the whole list.
func TestReadProviderStalls(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		link := `<https://api.github.com/user/repos?page=2&per_page=100>; rel="next"`
		items := make([]string, perPage)
		for i := range items {
			items[i] = fmt.Sprintf(`{"id":"%d","full_name":"o/r%03d","git_provider":"github","is_public":true,"link_header":%q}`, i+1, i, link)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, "["+strings.Join(items, ",")+"]")
	}))
	t.Cleanup(srv.Close)
	s, err := New(Config{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.readProvider("key", providers.GitHub)(context.Background(), 1000)
	if providers.KindOf(err) != providers.KindBadResponse || !strings.Contains(err.Error(), "does not page as documented") {
		t.Fatalf("read %d repositories, err %v: want a KindBadResponse saying the forge does not page as documented", len(got), err)
	}
	if n := requests.Load(); n != 2 {
		t.Errorf("%d requests, want 2 (the repeated page ends the read)", n)
	}
}
