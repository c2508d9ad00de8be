package demo

import (
	"io"
	"net/http"
	"testing"
)

// A request without a body (a client's DELETE or GET has Body nil) reaches the fake as a server
// would give it: with an empty body, which reading does not panic on. The dashboard's delete in demo
// mode failed with an internal error from a nil body before.
func TestBodylessRequestReachesTheFakeWithAnEmptyBody(t *testing.T) {
	var got []byte
	var readErr error
	d := New([]Forge{{Source: "github", BaseURL: "http://demo-github.invalid/api", Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, readErr = io.ReadAll(io.LimitReader(r.Body, 1<<20))
		w.WriteHeader(http.StatusNoContent)
	})}})
	for _, method := range []string{http.MethodDelete, http.MethodGet} {
		req, err := http.NewRequest(method, "http://demo-github.invalid/api/repos/o/r", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := d.Client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent || readErr != nil || len(got) != 0 {
			t.Fatalf("%s: status %d, body %q, read error %v", method, resp.StatusCode, got, readErr)
		}
	}
}
