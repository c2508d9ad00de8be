package providertest

import (
	"io"
	"net/http"
	"testing"
)

func TestServeRecordsUnderBaseOnly(t *testing.T) {
	rc, base := Serve(t, "/api/v3", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.URL.Path)
	}))
	get := func(url string) (int, string) {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(base + "/user/repos?page=2&per_page=100"); code != 200 || body != "/user/repos" {
		t.Fatalf("under the base: %d %q", code, body)
	}
	if code, _ := get(base[:len(base)-len("/api/v3")] + "/user/repos"); code != http.StatusNotFound {
		t.Fatalf("outside the base: %d, want 404", code)
	}
	reqs := rc.Requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodGet || reqs[0].Path != "/user/repos" || reqs[0].URI != "/api/v3/user/repos?page=2&per_page=100" {
		t.Fatalf("recorded %+v", reqs)
	}
	if q := rc.Queries("/user/repos"); len(q) != 1 || q[0].Get("page") != "2" || rc.Count("/other") != 0 {
		t.Fatalf("queries %v", q)
	}
	if got := rc.Take(); len(got) != 1 || len(rc.Requests()) != 0 {
		t.Fatalf("Take returned %d, left %d", len(got), len(rc.Requests()))
	}
}
