package rest

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// recorder is a fake forge that records every escaped path it is asked for.
type recorder struct {
	mu    sync.Mutex
	paths []string
}

func (r *recorder) handler(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.paths = append(r.paths, req.URL.EscapedPath())
	r.mu.Unlock()
	_, _ = w.Write([]byte(`{}`))
}

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.paths...)
}

func TestPathChecksAndEscapesEachSegment(t *testing.T) {
	c, _ := client(t, nil)
	c.Segment, c.SegmentRule = NameChars, NameCharsRule
	got, err := c.Path("/repos/", "octo-cat", "my.repo_1")
	if err != nil || got != "/repos/octo-cat/my.repo_1" {
		t.Fatalf("good segments: %q, %v", got, err)
	}
	plain := &Client{Source: "plain"}
	if got, err := plain.Path("/x", "a b", "%2e%2e", "ü"); err != nil || got != "/x/a%20b/%252e%252e/%C3%BC" {
		t.Fatalf("escaping without a forge rule: %q, %v", got, err)
	}
	for _, bad := range []string{"", ".", "..", "a/b", `a\b`, "a\x00b", "a\nb", "a\x7fb", "\xff"} {
		for _, cl := range []*Client{c, plain} {
			_, err := cl.Path("/repos", "owner", bad)
			e := providers.AsError(err, "")
			if e == nil || e.Kind != providers.KindBadInput || e.Source != cl.Source || !strings.Contains(e.Msg, "cannot be part of a request path") {
				t.Errorf("%s: segment %q: %v, want a BadInput error naming the source", cl.Source, bad, err)
			}
		}
	}
	for _, bad := range []string{"%2e%2e", "a b", "ü", "a:b", "{x}"} {
		if _, err := c.Path("/repos", bad); providers.KindOf(err) != providers.KindBadInput || !strings.Contains(err.Error(), NameCharsRule) {
			t.Errorf("forge rule: segment %q: %v", bad, err)
		}
	}
}

func TestNestedPathEncodesSlashesAndChecksEachPart(t *testing.T) {
	c, _ := client(t, nil)
	c.Segment = NameChars
	got, err := c.NestedPath("/projects", "group/sub/name")
	if err != nil || got != "/projects/group%2Fsub%2Fname" {
		t.Fatalf("%q, %v", got, err)
	}
	for _, bad := range []string{"group/../name", "group/./x", "group//x", "/x", "x/", "..", "a/%2e%2e", "a/b\\c", "a/b\x01"} {
		if _, err := c.NestedPath("/projects", bad); providers.KindOf(err) != providers.KindBadInput {
			t.Errorf("%q: %v, want BadInput", bad, err)
		}
	}
}

// TestNoRequestLeavesBase sends hand-made paths that would leave Base: none reaches the forge, each
// is a BadInput error.
func TestNoRequestLeavesBase(t *testing.T) {
	rec := &recorder{}
	c, _ := client(t, rec.handler)
	for _, p := range []string{"/repos/../notifications", "/repos/%2e%2e/notifications", "/repos/%2E%2e", "/..",
		"/projects/a%2F..%2Fb", "/x/%5C..%5Cy", "/x/.", "/a%00b", "/../../etc"} {
		_, err := c.Get(context.Background(), "s3cr3t", p, nil, "")
		if providers.KindOf(err) != providers.KindBadInput {
			t.Errorf("%s: %v, want BadInput", p, err)
		}
	}
	if got := rec.seen(); len(got) != 0 {
		t.Fatalf("requests reached the forge: %q", got)
	}
	if _, err := c.Get(context.Background(), "s3cr3t", "/repos/a/b", nil, ""); err != nil {
		t.Fatal(err)
	}
	if got := rec.seen(); len(got) != 1 || got[0] != "/repos/a/b" {
		t.Fatalf("paths %q", got)
	}
}

func TestRelativeRefusesDotSegments(t *testing.T) {
	c, ts := client(t, nil)
	for _, link := range []string{ts.URL + "/api/v3/repos/%2e%2e/%2e%2e/x", ts.URL + "/api/v3/a%2F..%2Fb"} {
		if _, _, err := c.Relative(link); providers.KindOf(err) != providers.KindBadResponse {
			t.Errorf("%s: %v", link, err)
		}
	}
	p, _, err := c.Relative(ts.URL + "/api/v3/projects/g%2Fp/x")
	if err != nil || p != "/projects/g%2Fp/x" {
		t.Fatalf("encoded slash kept: %q %v", p, err)
	}
}
