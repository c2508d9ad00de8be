package codearts_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/codearts"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// firstPage reads page 0 of the source's list: v4 natively (UPDATED), v2 through the local sort.
func firstPage(t *testing.T, s *codearts.Source, tok string) (providers.Page, error) {
	t.Helper()
	return streamOf(t, s, tok, providers.NewOrder(providers.SortUpdated, providers.Desc)).FetchPage(context.Background(), 0, "")
}

// errorBody is the documented error body of version v.
func errorBody(v, code, msg string) string {
	if v == codearts.APIv2 {
		return fmt.Sprintf(`{"error":{"code":%q,"message":%q},"status":"failed"}`, code, msg)
	}
	return fmt.Sprintf(`{"error_code":%q,"error_msg":%q}`, code, msg)
}

func TestWrongToken(t *testing.T) {
	for _, v := range versions {
		logs := &providertest.Logs{}
		_, _, s := withFake(t, v, makeRepos(7, 5), func(cfg *codearts.Config) { cfg.Upstream.Logger = logs.Logger() })
		_, err := firstPage(t, s, "expired-token")
		wantKind(t, err, providers.KindUnauth, "HTTP 401")
		providertest.ForgeTextLogged(t, err, "Incorrect IAM authentication information", logs)
		// PUSHED is local on both versions: the whole-list read fails the same way.
		_, err = streamOf(t, s, "expired-token", providers.NewOrder("", "")).FetchPage(context.Background(), 0, "")
		wantKind(t, err, providers.KindUnauth, "HTTP 401")
	}
}

func TestErrorAnswers(t *testing.T) {
	type answer struct {
		status int
		header map[string]string
		body   string
	}
	cases := []struct {
		name  string
		ans   func(v string) answer
		kind  providers.Kind
		parts []string
		forge string // the forge's own words: logged, never in the error
	}{
		{"403", func(v string) answer {
			return answer{403, nil, errorBody(v, "CH.080403", "No permission to access the repositories")}
		}, providers.KindForbidden, []string{"HTTP 403"}, "No permission to access the repositories (CH.080403)"},
		{"404", func(v string) answer {
			return answer{404, nil, errorBody(v, "APIGW.0101", "The API does not exist")}
		}, providers.KindNotFound, []string{"HTTP 404"}, "The API does not exist"},
		{"429", func(v string) answer {
			return answer{429, map[string]string{"Retry-After": "120"}, errorBody(v, "APIGW.0308", "The throttling threshold has been reached")}
		}, providers.KindRateLimited, []string{"HTTP 429"}, "throttling threshold"},
		{"500", func(v string) answer {
			return answer{500, nil, errorBody(v, "CH.10000", "System busy")}
		}, providers.KindUnavailable, []string{"HTTP 500"}, "System busy (CH.10000)"},
		{"502 html", func(v string) answer {
			return answer{502, map[string]string{"Content-Type": "text/html"}, "<html>Bad Gateway</html>"}
		}, providers.KindUnavailable, []string{"HTTP 502"}, "<html>Bad Gateway</html>"},
		{"400 parameter", func(v string) answer {
			return answer{400, nil, errorBody(v, "CH.010001", "Param invalid")}
		}, providers.KindBadResponse, []string{"HTTP 400"}, "Param invalid (CH.010001)"},
		{"invalid JSON", func(v string) answer {
			return answer{200, nil, `[{"id": 1, "name": `}
		}, providers.KindBadResponse, []string{"not the JSON expected"}, `[{"id": 1, "name":`},
		{"wrong JSON shape", func(v string) answer {
			if v == codearts.APIv2 {
				return answer{200, nil, `[{"repository_id":1}]`}
			}
			return answer{200, nil, `{"repositories":[]}`}
		}, providers.KindBadResponse, nil, ""},
		{"200 with an error body", func(v string) answer {
			return answer{200, nil, errorBody(v, "CH.00401999", "Internal failure")}
		}, providers.KindBadResponse, []string{"HTTP 200"}, "Internal failure (CH.00401999)"},
		{"repository without id", func(v string) answer {
			if v == codearts.APIv2 {
				return answer{200, nil, `{"result":{"repositories":[{"repository_name":"r","group_name":"g"}],"total":1},"status":"success"}`}
			}
			return answer{200, nil, `[{"name":"r","namespace":"g/r"}]`}
		}, providers.KindBadResponse, []string{"g/r", "no"}, ""},
	}
	for _, v := range versions {
		for _, c := range cases {
			t.Run(v+"/"+c.name, func(t *testing.T) {
				a := c.ans(v)
				logs := &providertest.Logs{}
				s := newSource(t, v, serve(t, func(w http.ResponseWriter, r *http.Request) {
					for k, val := range a.header {
						w.Header().Set(k, val)
					}
					w.WriteHeader(a.status)
					_, _ = w.Write([]byte(a.body))
				}), func(cfg *codearts.Config) { cfg.Upstream.Logger = logs.Logger() })
				_, err := firstPage(t, s, token)
				e := wantKind(t, err, c.kind, c.parts...)
				if c.forge != "" {
					providertest.ForgeTextLogged(t, err, c.forge, logs)
				}
				if c.kind == providers.KindRateLimited {
					if d := time.Until(e.ResetAt); d < 110*time.Second || d > 121*time.Second {
						t.Fatalf("ResetAt %v is not about 120s from now", e.ResetAt)
					}
				}
				if strings.Contains(e.Error(), token) {
					t.Fatalf("error %q holds the token", e)
				}
			})
		}
	}
}

// TestV2StatusFailed: v2 can say it failed in a 200 answer; that is an error, not an empty list.
func TestV2StatusFailed(t *testing.T) {
	for _, c := range []struct{ body, part, logged string }{
		{`{"error":{"code":"CH.080401","message":"No Permission"},"status":"failed"}`, "HTTP 200", "No Permission (CH.080401)"},
		{`{"status":"failed"}`, "HTTP 200", "status failed"},
		{`{"result":{"repositories":[],"total":0},"status":"failed"}`, "HTTP 200", "status failed"},
		{`{"status":"success"}`, "no result", ""},
	} {
		logs := &providertest.Logs{}
		s := newSource(t, codearts.APIv2, serve(t, func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(c.body))
		}), func(cfg *codearts.Config) { cfg.Upstream.Logger = logs.Logger() })
		_, err := firstPage(t, s, token)
		wantKind(t, err, providers.KindBadResponse, c.part)
		if c.logged != "" {
			providertest.ForgeTextLogged(t, err, c.logged, logs)
		}
	}
}

func TestSlowAnswerTimesOut(t *testing.T) {
	for _, v := range versions {
		release := make(chan struct{})
		s := newSource(t, v, serve(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}), func(c *codearts.Config) { c.Timeout = 100 * time.Millisecond })
		start := time.Now()
		_, err := firstPage(t, s, token)
		close(release)
		wantKind(t, err, providers.KindTimeout)
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("%s: timed out after %v", v, d)
		}
	}
}

func TestTooManyRepositories(t *testing.T) {
	for _, v := range versions {
		f, _, s := withFake(t, v, makeRepos(8, 250), func(c *codearts.Config) { c.Local = providers.NewLocal(nil, 150, 0) })
		_, err := streamOf(t, s, token, providers.NewOrder(providers.SortFullName, providers.Asc)).FetchPage(context.Background(), 0, "")
		wantKind(t, err, providers.KindBadResponse, "more than 150 repositories")
		// v2 knows the total from its first page; v4 stops at the page that goes past the bound.
		want := map[string]int64{codearts.APIv2: 1, codearts.APIv4: 2}[v]
		if f.Requests() != want {
			t.Fatalf("%s: %d requests, want %d", v, f.Requests(), want)
		}
	}
}

// TestForgeIgnoringPaging: a forge that answers every page with the same repositories would make
// the whole-list read loop; it fails instead.
func TestForgeIgnoringPaging(t *testing.T) {
	repos := make([]string, 100)
	for i := range repos {
		repos[i] = fmt.Sprintf(`{"id":%d,"repository_id":%d,"name":"r%d","repository_name":"r%d","namespace":"o/r%d","group_name":"o"}`, i+1, i+1, i, i, i)
	}
	list := "[" + strings.Join(repos, ",") + "]"
	for _, v := range versions {
		body := list
		if v == codearts.APIv2 {
			body = `{"result":{"repositories":` + list + `,"total":500},"status":"success"}`
		}
		var n atomic.Int64
		s := newSource(t, v, serve(t, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			_, _ = w.Write([]byte(body))
		}))
		_, err := streamOf(t, s, token, providers.NewOrder(providers.SortPushed, providers.Desc)).FetchPage(context.Background(), 0, "")
		wantKind(t, err, providers.KindBadResponse, "does not page as documented")
		if n.Load() != 2 {
			t.Fatalf("%s: %d requests, want 2", v, n.Load())
		}
	}
}

func TestOverfullPage(t *testing.T) {
	items := make([]string, 101)
	for i := range items {
		items[i] = fmt.Sprintf(`{"id":%d,"name":"r%d","namespace":"o/r%d"}`, i+1, i, i)
	}
	s := newSource(t, codearts.APIv4, serve(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("[" + strings.Join(items, ",") + "]"))
	}))
	_, err := firstPage(t, s, token)
	wantKind(t, err, providers.KindBadResponse, "101 repositories for limit 100")
}
