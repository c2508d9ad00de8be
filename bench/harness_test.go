package bench

import (
	"context"
	"os"
	"strings"
	"testing"
)

// TestHarness is a quick self-check of the harness (well under a second): the server wired over
// small fakes answers the benchmarked first page and a walk returns every repository once, with
// as many upstream requests as MinRequests counts.
func TestHarness(t *testing.T) {
	f := NewFakes(map[string]int{"github": 130, "gitlab": 70, "bitbucket": 250, "codearts": 40, "gitea": 60})
	urls, client := f.InProcess(0)
	srv, err := NewServer(Environ(urls), client, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	post := HandlerPoster(srv.Handler)
	ctx := context.Background()
	b, err := post(ctx, FirstPageBody)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckFirstPage(b, 20); err != nil {
		t.Fatal(err)
	}
	res, err := Walk(ctx, post, WalkOptions{First: 25, Count: true, MaxPages: 100})
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckWalk(f, res.Keys); err != nil {
		t.Fatal(err)
	}
	if res.TotalCount != 550 {
		t.Fatalf("totalCount %d, want 550", res.TotalCount)
	}
	got, want := f.Requests(), f.MinRequests()
	for _, s := range Sources {
		if got[s] < want[s] {
			t.Errorf("%s: %d requests, fewer than the minimum %d: MinRequests is wrong", s, got[s], want[s])
		}
	}
	t.Logf("requests %v, minimum %v", got, want)
}

// TestRunScriptQuery checks that bench/run.sh's load test sends the benchmarked query.
func TestRunScriptQuery(t *testing.T) {
	b, err := os.ReadFile("run.sh")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "BODY='"+string(FirstPageBody)+"'") {
		t.Fatalf("run.sh's BODY is not FirstPageBody %s", FirstPageBody)
	}
}
