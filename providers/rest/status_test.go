package rest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// TestUnexpectedStatusIsReadable: an answer the client gives no meaning to (here 405) is
// KindBadResponse with the status in its message as before, and StatusOf gives the code, so a forge
// package can tell one endpoint's 405 from other failures without reading the message; errors of
// other kinds have no status.
func TestUnexpectedStatusIsReadable(t *testing.T) {
	c, _ := client(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gone" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusMethodNotAllowed)
	})
	_, err := c.Do(context.Background(), "tok", &Request{Method: http.MethodGet, Path: "/teams"}, nil)
	if providers.KindOf(err) != providers.KindBadResponse || StatusOf(err) != http.StatusMethodNotAllowed {
		t.Fatalf("405: kind %s, status %d (%v)", providers.KindOf(err), StatusOf(err), err)
	}
	if !strings.Contains(err.Error(), "unexpected answer (HTTP 405 Method Not Allowed)") {
		t.Fatalf("message %q", err.Error())
	}
	_, err = c.Do(context.Background(), "tok", &Request{Method: http.MethodGet, Path: "/gone"}, nil)
	if providers.KindOf(err) != providers.KindNotFound || StatusOf(err) != 0 {
		t.Fatalf("404: kind %s, status %d", providers.KindOf(err), StatusOf(err))
	}
}
