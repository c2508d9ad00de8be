package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// logLines collects the JSON log lines written to it and lets a test wait for one.
type logLines struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	wrote chan struct{}
}

func newLogLines() *logLines { return &logLines{wrote: make(chan struct{}, 1)} }

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	select {
	case l.wrote <- struct{}{}:
	default:
	}
	return len(p), nil
}

// accessLine waits for the access log line ("msg":"request") of the request with id and returns it.
func (l *logLines) accessLine(t *testing.T, id string) map[string]any {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		l.mu.Lock()
		text := l.buf.String()
		l.mu.Unlock()
		for _, line := range strings.Split(text, "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" && m["request_id"] == id {
				return m
			}
		}
		select {
		case <-l.wrote:
		case <-deadline:
			t.Fatalf("no access log line for request %s in:\n%s", id, text)
		}
	}
}

// TestAccessLogNamesOperation: the access log line of a GraphQL request names the operation's type
// and name (or, unnamed, its root fields), and holds neither the variables nor the credential.
func TestAccessLogNamesOperation(t *testing.T) {
	logs := newLogLines()
	ts := edgeServer(t, nil, logs)
	const token, secretVar = "ghp_accesslogsecret123", "variable-secret-456"
	cases := []struct{ query, want string }{
		{`mutation($d: String) { createRepository(input: {provider: GITHUB, name: "x", visibility: PRIVATE, description: $d}) { clientMutationId } }`, "mutation createRepository"},
		{`query Dashboard($d: ID!) { node(id: $d) { id } }`, "query Dashboard"},
		{`query($d: ID!) { viewer { repositories(first: 1) { totalCount } } node(id: $d) { id } }`, "query viewer,node"},
	}
	for _, c := range cases {
		body, _ := json.Marshal(map[string]any{"query": c.query, "variables": map[string]any{"d": secretVar}})
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Token", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		line := logs.accessLine(t, resp.Header.Get("X-Request-Id"))
		if line["operation"] != c.want {
			t.Errorf("%s: operation %v, want %q (line %v)", c.want, line["operation"], c.want, line)
		}
	}
	logs.mu.Lock()
	all := logs.buf.String()
	logs.mu.Unlock()
	if strings.Contains(all, token) || strings.Contains(all, secretVar) {
		t.Fatalf("the log holds the token or a variable:\n%s", all)
	}
}
