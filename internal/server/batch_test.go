package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/internal/gqlhttp"
	"github.com/forgegraph/forgegraph/internal/server"
)

// batchOp is one operation of a batch as Apollo's BatchHttpLink sends it.
type batchOp struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

type batchAnswer struct {
	status  int
	header  http.Header
	raw     []byte
	answers []gqlResponse
}

// postBatch POSTs body (ops marshalled, or a raw string) as one request and reads the array answer;
// a non-array answer leaves answers nil.
func postBatch(t *testing.T, url string, body any, headers ...string) batchAnswer {
	t.Helper()
	var b []byte
	if s, ok := body.(string); ok {
		b = []byte(s)
	} else {
		b, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := batchAnswer{status: resp.StatusCode, header: resp.Header, raw: raw}
	if bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			t.Fatalf("status %d, body %q is not a JSON array: %v", resp.StatusCode, raw, err)
		}
		for _, one := range list {
			var r gqlResponse
			if err := json.Unmarshal(one, &r); err != nil {
				t.Fatalf("answer %s: %v", one, err)
			}
			r.status = resp.StatusCode
			out.answers = append(out.answers, r)
		}
	}
	return out
}

// A batch is answered as an array in order; each operation has its own errors and the same
// answer it has alone.
func TestBatchAnswersEachOperationInOrder(t *testing.T) {
	s := newWriteStack(t, nil)
	const list = `query L($first: Int) { viewer { repositories(sort: FULL_NAME, first: $first) { totalCount nodes { nameWithOwner } } } }`
	alone3 := post(t, s.ts, list, map[string]any{"first": 3})
	alone5 := post(t, s.ts, list, map[string]any{"first": 5})
	b := postBatch(t, s.ts.URL, []batchOp{
		{Query: list, OperationName: "L", Variables: map[string]any{"first": 3}},
		{Query: `{ viewer { nope } }`},
		{Query: list, Variables: map[string]any{"first": 5}},
		{Query: `{ viewer { repositories(first: 1000) { totalCount } } }`},
	})
	if b.status != http.StatusOK || len(b.answers) != 4 {
		t.Fatalf("status %d, %d answers: %s", b.status, len(b.answers), b.raw)
	}
	if len(b.answers[0].Errors) != 0 || string(b.answers[0].Data) != string(alone3.Data) {
		t.Errorf("answer 1: %s %+v, alone %s", b.answers[0].Data, b.answers[0].Errors, alone3.Data)
	}
	if len(b.answers[2].Errors) != 0 || string(b.answers[2].Data) != string(alone5.Data) {
		t.Errorf("answer 3: %s %+v, alone %s", b.answers[2].Data, b.answers[2].Errors, alone5.Data)
	}
	if len(b.answers[1].Errors) != 1 || b.answers[1].Errors[0].Extensions["code"] != "BAD_USER_INPUT" || b.answers[1].Data != nil {
		t.Errorf("answer 2 (invalid field): %s %+v", b.answers[1].Data, b.answers[1].Errors)
	}
	if len(b.answers[3].Errors) != 1 || !strings.Contains(b.answers[3].Errors[0].Message, "first") {
		t.Errorf("answer 4 (first: 1000): %s %+v", b.answers[3].Data, b.answers[3].Errors)
	}
}

// More than MaxBatch operations, none, or a malformed array: a 400 that says what is wrong.
func TestBatchLimits(t *testing.T) {
	s := newWriteStack(t, nil)
	op := batchOp{Query: `{ viewer { repositories(first: 1) { totalCount } } }`}
	ops := make([]batchOp, gqlhttp.MaxBatch+1)
	for i := range ops {
		ops[i] = op
	}
	for _, c := range []struct {
		name string
		body any
		want string
	}{
		{"eleven", ops, fmt.Sprintf("holds %d operations, over the limit of %d", gqlhttp.MaxBatch+1, gqlhttp.MaxBatch)},
		{"empty", "[]", "empty array"},
		{"malformed", `[{"query": "{ viewer { id } }"}`, "not valid JSON"},
		{"not objects", `[{"query": "{ viewer { id } }"}, "nope"]`, "operation 2 of the batch is a string, not an object"},
	} {
		b := postBatch(t, s.ts.URL, c.body)
		var r gqlResponse
		_ = json.Unmarshal(b.raw, &r)
		if b.status != http.StatusBadRequest || len(r.Errors) != 1 || !strings.Contains(r.Errors[0].Message, c.want) {
			t.Errorf("%s: status %d, body %s; want 400 saying %q", c.name, b.status, b.raw, c.want)
		}
	}
	if b := postBatch(t, s.ts.URL, ops[:gqlhttp.MaxBatch]); b.status != http.StatusOK || len(b.answers) != gqlhttp.MaxBatch {
		t.Fatalf("a batch of %d: status %d, %d answers", gqlhttp.MaxBatch, b.status, len(b.answers))
	}
}

// The complexity limit is a budget for the whole batch: operations run while they fit, the one
// that would go over is refused (and not run), a smaller one after it that fits still runs.
func TestBatchComplexityBudget(t *testing.T) {
	s := newWriteStack(t, nil)
	// 50 + 100 × (what each repository selects): alone well under the limit, three are over it.
	// Each operation differs (first), so none is a replay of another (replays cost nothing).
	const bigQuery = `query($n: Int) { viewer { repositories(first: $n) { nodes { id name nameWithOwner owner description
	  url sshUrl cloneUrl isPrivate isFork isArchived stargazerCount } } } }`
	big := func(n int) batchOp { return batchOp{Query: bigQuery, Variables: map[string]any{"n": n}} }
	small := batchOp{Query: `{ viewer { repositories(first: 1) { nodes { id } } } }`}
	if r := post(t, s.ts, bigQuery, map[string]any{"n": 100}); len(r.Errors) != 0 {
		t.Fatalf("the big operation alone: %+v", r.Errors)
	}
	b := postBatch(t, s.ts.URL, []batchOp{big(99), big(98), big(97), small})
	if b.status != http.StatusOK || len(b.answers) != 4 {
		t.Fatalf("status %d: %s", b.status, b.raw)
	}
	for i := range 2 {
		if len(b.answers[i].Errors) != 0 || b.answers[i].Data == nil {
			t.Errorf("operation %d: %+v", i+1, b.answers[i].Errors)
		}
	}
	refused := b.answers[2]
	if refused.Data != nil || len(refused.Errors) != 1 || refused.Errors[0].Extensions["reason"] != gqlhttp.ReasonBatchComplexity ||
		refused.Errors[0].Extensions["code"] != "BAD_USER_INPUT" ||
		!strings.Contains(refused.Errors[0].Message, fmt.Sprintf("of the batch's limit of %d", server.ComplexityLimit)) {
		t.Errorf("operation 3: data %s, errors %+v", refused.Data, refused.Errors)
	}
	if len(b.answers[3].Errors) != 0 || b.answers[3].Data == nil {
		t.Errorf("operation 4 (small, fits): %+v", b.answers[3].Errors)
	}
}

// The gateway key applies to the batch, and the request's credential headers to each operation.
func TestBatchGatewayKeyAndCredentials(t *testing.T) {
	s := newWriteStack(t, map[string]string{"GATEWAY_API_KEY": "k1"})
	ops := []batchOp{{Query: `{ viewer { repositories(first: 2) { totalCount } } }`}, {Query: `{ viewer { repositories(first: 3) { nodes { id } } } }`}}
	if b := postBatch(t, s.ts.URL, ops); b.status != http.StatusUnauthorized {
		t.Fatalf("without the key: status %d %s", b.status, b.raw)
	}
	b := postBatch(t, s.ts.URL, ops, "Authorization", "Bearer k1")
	if b.status != http.StatusOK || len(b.answers) != 2 || len(b.answers[0].Errors)+len(b.answers[1].Errors) != 0 {
		t.Fatalf("with the key: status %d %s", b.status, b.raw)
	}
	// Another GitHub token in the header: each operation is asked with it (the fake refuses it).
	b = postBatch(t, s.ts.URL, ops, "Authorization", "Bearer k1", "X-GitHub-Token", "someone-else")
	if b.status != http.StatusOK || len(b.answers) != 2 {
		t.Fatalf("with another token: status %d %s", b.status, b.raw)
	}
	for i, a := range b.answers {
		if len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
			t.Errorf("operation %d with another token: %s %+v", i+1, a.Data, a.Errors)
		}
	}
}

// Mutations in a batch run one after another in order, keep the server-held-token rule, are never
// replayed by the micro-cache, and the operations after them see their effect.
func TestBatchMutations(t *testing.T) {
	forbidden := newWriteStack(t, nil)
	b := postBatch(t, forbidden.ts.URL, []batchOp{{Query: createMutation, Variables: map[string]any{"name": "nope"}}})
	if len(b.answers) != 1 || len(b.answers[0].Errors) != 1 || b.answers[0].Errors[0].Extensions["code"] != "FORBIDDEN" ||
		!strings.Contains(b.answers[0].Errors[0].Message, "ALLOW_MUTATIONS") || forbidden.count(http.MethodPost) != 0 {
		t.Fatalf("without ALLOW_MUTATIONS: %s, %d POST upstream", b.raw, forbidden.count(http.MethodPost))
	}

	s := newWriteStack(t, map[string]string{"ALLOW_MUTATIONS": "true"})
	decodeData[createdList](t, post(t, s.ts, createdListQuery, nil)) // warm pages and answers
	ops := []batchOp{
		{Query: createMutation, Variables: map[string]any{"name": "twice"}},
		{Query: createdListQuery},
		{Query: createMutation, Variables: map[string]any{"name": "twice"}},
	}
	b = postBatch(t, s.ts.URL, ops)
	if b.status != http.StatusOK || len(b.answers) != 3 {
		t.Fatalf("status %d: %s", b.status, b.raw)
	}
	c := decodeData[created](t, b.answers[0])
	if c.CreateRepository.Repository.NameWithOwner != "octo/twice" {
		t.Fatalf("create: %s", b.answers[0].Data)
	}
	l := decodeData[createdList](t, b.answers[1])
	if l.Viewer.Repositories.TotalCount != s.n+1 || l.Viewer.Repositories.Nodes[0].NameWithOwner != "octo/twice" {
		t.Fatalf("the list after the create in the same batch: totalCount %d, first %+v", l.Viewer.Repositories.TotalCount, l.Viewer.Repositories.Nodes[0])
	}
	wantCode(t, b.answers[2], "CONFLICT", "")
	posts := s.count(http.MethodPost)
	if posts != 2 {
		t.Fatalf("%d POST upstream for two creates", posts)
	}
	// The same batch again: the creates run again (CONFLICT now), nothing is replayed.
	b = postBatch(t, s.ts.URL, []batchOp{ops[0], ops[1]})
	if b.header.Get("X-Cache") != "" || len(b.answers) != 2 {
		t.Fatalf("replayed: X-Cache %q %s", b.header.Get("X-Cache"), b.raw)
	}
	wantCode(t, b.answers[0], "CONFLICT", "")
	if s.count(http.MethodPost) != posts+1 {
		t.Fatalf("the repeated create was not sent: %d POST upstream", s.count(http.MethodPost))
	}
}
