package gitlab_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/gitlab/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// answer returns a handler writing status, headers and body.
func answer(status int, headers map[string]string, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

func fetchFirst(t *testing.T, h http.HandlerFunc, timeout time.Duration) error {
	t.Helper()
	err, _ := fetchLogged(t, h, timeout)
	return err
}

// fetchLogged fetches page 0 from h and returns the error and the upstream log lines.
func fetchLogged(t *testing.T, h http.HandlerFunc, timeout time.Duration) (error, *providertest.Logs) {
	t.Helper()
	src, logs := loggedEnv(t, h, timeout)
	st := streamsFor(t, src, token, providers.NewOrder("", ""))
	_, err := st[0].FetchPage(context.Background(), 0, "")
	return err, logs
}

func TestWrongTokenIs401WithGitLabBody(t *testing.T) {
	e := newEnv(t, fake.New(token, makeRepos(5)), nil, nil)
	st := streamsFor(t, e.src, "glpat-wrong", providers.NewOrder("", ""))
	_, err := st[0].FetchPage(context.Background(), 0, "")
	pe := kindOf(t, err)
	if pe.Kind != providers.KindUnauth || pe.Source != "gitlab" || !strings.Contains(pe.Error(), "401 Unauthorized") {
		t.Fatalf("got %v (%s)", err, pe.Kind)
	}
	if strings.Contains(pe.Error(), "glpat-wrong") {
		t.Fatal("the error names the token")
	}
}

func TestErrorStatusesAndBodies(t *testing.T) {
	epoch := time.Now().Add(90 * time.Second).Unix()
	cases := []struct {
		name    string
		h       http.HandlerFunc
		kind    providers.Kind
		msg     string
		resetIn time.Duration // expected ResetAt - now, 0 for none
		resetAt int64         // expected ResetAt exactly, 0 for none
	}{
		{"401", answer(401, nil, `{"message":"401 Unauthorized"}`), providers.KindUnauth, "401 Unauthorized", 0, 0},
		{"403 scope", answer(403, nil, `{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api read_api"}`),
			providers.KindForbidden, "HTTP 403", 0, 0},
		{"403 message", answer(403, nil, `{"message":"403 Forbidden"}`), providers.KindForbidden, "403 Forbidden", 0, 0},
		{"403 quota spent", answer(403, map[string]string{"RateLimit-Limit": "2000", "RateLimit-Remaining": "0", "RateLimit-Reset": strconv.FormatInt(epoch, 10)}, `{"message":"403 Forbidden"}`),
			providers.KindRateLimited, "403 Forbidden", 0, epoch},
		{"404", answer(404, nil, `{"message":"404 Not Found"}`), providers.KindNotFound, "404 Not Found", 0, 0},
		{"429 Retry-After", answer(429, map[string]string{"Retry-After": "60", "RateLimit-Remaining": "0", "RateLimit-Reset": strconv.FormatInt(epoch, 10)}, `{"message":"Retry later"}`),
			providers.KindRateLimited, "HTTP 429", 60 * time.Second, 0},
		{"429 reset only", answer(429, map[string]string{"RateLimit-Limit": "600", "RateLimit-Remaining": "0", "RateLimit-Reset": strconv.FormatInt(epoch, 10)}, `Retry later`),
			providers.KindRateLimited, "Too Many Requests", 0, epoch},
		{"500", answer(500, nil, `{"message":"500 Internal Server Error"}`), providers.KindUnavailable, "500 Internal Server Error", 0, 0},
		{"502 html", answer(502, nil, `<html><body><h1>502 Bad Gateway</h1></body></html>`), providers.KindUnavailable, "Bad Gateway", 0, 0},
		{"400 object message", answer(400, nil, `{"message":{"base":["Offset pagination has a maximum allowed offset of 50000"],"per_page":["is too large"]}}`),
			providers.KindBadResponse, "HTTP 400", 0, 0},
		{"422 array message", answer(422, nil, `{"message":["first problem","second problem"]}`), providers.KindBadResponse, "HTTP 422", 0, 0},
		{"400 grape error", answer(400, nil, `{"error":"order_by does not have a valid value"}`), providers.KindBadResponse, "HTTP 400", 0, 0},
		{"invalid JSON", answer(200, nil, `[{"id": 1,`), providers.KindBadResponse, "not the JSON expected", 0, 0},
		{"object instead of list", answer(200, nil, `{"id": 1}`), providers.KindBadResponse, "not the JSON expected", 0, 0},
		{"project without path", answer(200, nil, `[{"id": 1, "name": "x"}]`), providers.KindBadResponse, "path_with_namespace", 0, 0},
		{"short page with a next page", answer(200, map[string]string{"X-Next-Page": "2"}, `[{"id": 1, "path_with_namespace": "a/x"}]`),
			providers.KindBadResponse, "another page follows", 0, 0},
		{"other page size", answer(200, map[string]string{"X-Per-Page": "20", "X-Next-Page": ""}, `[]`), providers.KindBadResponse, "paged by 20", 0, 0},
	}
	// The forge's own words (GitLab's message flattened) are logged, never sent to the client.
	forgeWords := map[string]string{
		"403 scope":          "insufficient_scope: The request requires higher privileges",
		"429 Retry-After":    "Retry later",
		"400 object message": "Offset pagination has a maximum allowed offset of 50000; per_page is too large",
		"422 array message":  "first problem; second problem",
		"400 grape error":    "order_by does not have a valid value",
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err, logs := fetchLogged(t, c.h, 0)
			pe := kindOf(t, err)
			if pe.Kind != c.kind || pe.Source != "gitlab" || !strings.Contains(pe.Error(), c.msg) {
				t.Fatalf("got %v (kind %s), want kind %s with %q", err, pe.Kind, c.kind, c.msg)
			}
			if words := forgeWords[c.name]; words != "" {
				providertest.ForgeTextLogged(t, err, words, logs)
			}
			switch {
			case c.resetAt != 0:
				if pe.ResetAt.Unix() != c.resetAt {
					t.Fatalf("ResetAt %v, want %v", pe.ResetAt, time.Unix(c.resetAt, 0))
				}
			case c.resetIn != 0:
				if d := time.Until(pe.ResetAt); d < c.resetIn-3*time.Second || d > c.resetIn+time.Second {
					t.Fatalf("ResetAt in %v, want %v", d, c.resetIn)
				}
			default:
				if !pe.ResetAt.IsZero() {
					t.Fatalf("ResetAt %v", pe.ResetAt)
				}
			}
		})
	}
}

func TestSlowAnswerTimesOut(t *testing.T) {
	slow := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		answer(200, nil, `[]`)(w, r)
	}
	start := time.Now()
	err := fetchFirst(t, slow, 50*time.Millisecond)
	if pe := kindOf(t, err); pe.Kind != providers.KindTimeout {
		t.Fatalf("got %v (%s)", err, pe.Kind)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v", d)
	}
}

func TestRepositoryErrors(t *testing.T) {
	src, logs := loggedEnv(t, answer(404, nil, `{"message":"404 Project Not Found"}`), 0)
	_, err := src.Repository(context.Background(), token, providers.GlobalID{Provider: providers.GitLab, ForgeID: "7", NameWithOwner: "a/b"})
	if pe := kindOf(t, err); pe.Kind != providers.KindNotFound || !strings.Contains(pe.Error(), "HTTP 404") {
		t.Fatalf("got %v", err)
	}
	providertest.ForgeTextLogged(t, err, "404 Project Not Found", logs)
	src = handlerEnv(t, answer(200, nil, `[]`), 0)
	_, err = src.Repository(context.Background(), token, providers.GlobalID{Provider: providers.GitLab, ForgeID: "7", NameWithOwner: "a/b"})
	if pe := kindOf(t, err); pe.Kind != providers.KindBadResponse {
		t.Fatalf("list instead of a project: %v", err)
	}
}
