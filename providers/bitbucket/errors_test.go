package bitbucket_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/bitbucket"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

func TestAuthHeaders(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(8, 8)), map[string]int{"jdoe": 3})
	o := providers.NewOrder(providers.SortPushed, "")

	t.Run("bearer", func(t *testing.T) {
		e := newEnv(t, token, repos)
		walk(t, "bearer", e.streams(t, token, o), o, expectedOrder(repos, o))
		for _, r := range e.requests() {
			if r.Auth != "Bearer "+token {
				t.Fatalf("Authorization %q", r.Auth)
			}
		}
	})

	t.Run("basic", func(t *testing.T) {
		cred := "jane@example.com:ATATT3xFfGF0-api-token"
		logs := &providertest.Logs{}
		e := newEnv(t, cred, repos, func(c *bitbucket.Config) { c.Upstream.Logger = logs.Logger() })
		walk(t, "basic", e.streams(t, cred, o), o, expectedOrder(repos, o))
		req, _ := http.NewRequest(http.MethodGet, "http://x/", nil)
		req.SetBasicAuth("jane@example.com", "ATATT3xFfGF0-api-token")
		for _, r := range e.requests() {
			if r.Auth != req.Header.Get("Authorization") {
				t.Fatalf("Authorization %q, want %q", r.Auth, req.Header.Get("Authorization"))
			}
		}
		// A wrong api token, or the pair sent as Bearer, is rejected.
		_, err := e.src.Streams(context.Background(), providers.Query{Token: "jane@example.com:wrong", Order: o})
		if k := kindOf(t, err); k != providers.KindUnauth {
			t.Fatalf("wrong api token: kind %s", k)
		}
		// The status is named; the forge's own words are logged, not sent to the client.
		if !strings.Contains(err.Error(), "401") {
			t.Fatalf("error does not name the status: %v", err)
		}
		providertest.ForgeTextLogged(t, err, "Invalid or missing credentials.", logs)
	})

	t.Run("no token", func(t *testing.T) {
		e := newEnv(t, token, repos)
		_, err := e.src.Streams(context.Background(), providers.Query{Order: o})
		if k := kindOf(t, err); k != providers.KindUnauth {
			t.Fatalf("kind %s", k)
		}
		if n := len(e.requests()); n != 0 {
			t.Fatalf("%d requests without a token", n)
		}
	})
}

// respond answers every request with status, body and headers.
func respond(status int, body string, h map[string]string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range h {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
}

func TestErrors(t *testing.T) {
	bbErr := func(msg string) string {
		return fmt.Sprintf(`{"type":"error","error":{"message":%q,"detail":"more detail"}}`, msg)
	}
	cases := []struct {
		name    string
		handler http.Handler
		kind    providers.Kind
		msg     string
		reset   time.Duration
		logged  bool // msg is the forge's own text: logged, never in the error
	}{
		{"401", respond(401, bbErr("Access token expired"), nil), providers.KindUnauth, "Access token expired: more detail", 0, true},
		{"403", respond(403, bbErr("Your credentials lack one or more required privilege scopes."), nil), providers.KindForbidden, "privilege scopes", 0, true},
		{"404", respond(404, bbErr("No workspace with identifier 'jdoe'."), nil), providers.KindNotFound, "No workspace", 0, true},
		{"429", respond(429, `Rate limit for this resource has been exceeded`, map[string]string{"Retry-After": "120", "X-RateLimit-Limit": "1000"}), providers.KindRateLimited, "429", 120 * time.Second, false},
		{"500", respond(500, bbErr("Something went wrong"), nil), providers.KindUnavailable, "Something went wrong", 0, true},
		{"invalid JSON", respond(200, `{"values": [`, nil), providers.KindBadResponse, "JSON", 0, false},
		{"values not a list", respond(200, `{"values": {"a": 1}}`, nil), providers.KindBadResponse, "", 0, false},
		{"slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(3 * time.Second):
			}
		}), providers.KindTimeout, "in time", 0, false},
	}
	repos := genRepos(rand.New(rand.NewPCG(10, 10)), map[string]int{"jdoe": 3})
	for _, c := range cases {
		for _, stage := range []string{"workspaces", "page", "repository"} {
			t.Run(c.name+" "+stage, func(t *testing.T) {
				logs := &providertest.Logs{}
				e := newEnv(t, token, repos, func(cfg *bitbucket.Config) {
					cfg.Timeout = 200 * time.Millisecond
					cfg.Upstream.Logger = logs.Logger()
				})
				o := providers.NewOrder(providers.SortPushed, "")
				var err error
				start := time.Now()
				switch stage {
				case "workspaces":
					e.setWrap(c.handler)
					_, err = e.src.Streams(context.Background(), providers.Query{Token: token, Order: o})
				case "page":
					st := e.streams(t, token, o)
					e.setWrap(c.handler)
					_, err = st[0].FetchPage(context.Background(), 0, "")
				case "repository":
					e.setWrap(c.handler)
					_, err = e.src.Repository(context.Background(), token, providers.GlobalID{Provider: providers.Bitbucket, ForgeID: "{x}", NameWithOwner: "jdoe/repo-0000"})
				}
				want := c.kind
				if stage == "repository" && want == providers.KindForbidden {
					want = providers.KindNotFound // a private repository the credential cannot see
				}
				if k := kindOf(t, err); k != want {
					t.Fatalf("kind %s, want %s (%v)", k, want, err)
				}
				if c.logged {
					providertest.ForgeTextLogged(t, err, c.msg, logs)
				} else if !strings.Contains(err.Error(), c.msg) {
					t.Fatalf("error %q does not mention %q", err, c.msg)
				}
				if strings.Contains(err.Error(), token) {
					t.Fatalf("error holds the token: %v", err)
				}
				if c.reset > 0 {
					var pe *providers.Error
					errors.As(err, &pe)
					if d := pe.ResetAt.Sub(start); d < c.reset-2*time.Second || d > c.reset+2*time.Second {
						t.Fatalf("ResetAt %v is %v from now, want about %v", pe.ResetAt, d, c.reset)
					}
				}
			})
		}
	}
}

// TestRemovedRouteIsGone documents why the source never calls GET /2.0/repositories: the fake, like
// Bitbucket, answers 410 there.
func TestRemovedRouteIsGone(t *testing.T) {
	e := newEnv(t, token, genRepos(rand.New(rand.NewPCG(11, 11)), map[string]int{"jdoe": 1}))
	req, _ := http.NewRequest(http.MethodGet, e.base+"/repositories?role=member", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Type  string `json:"type"`
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusGone || body.Type != "error" || !strings.Contains(body.Error.Message, "CHANGE-2770") {
		t.Fatalf("GET /repositories: %d %+v", resp.StatusCode, body)
	}
}

// TestRateLimitHeadersRead: Bitbucket's X-RateLimit-Limit does not make a plain 403 a rate limit.
func TestRateLimitHeadersRead(t *testing.T) {
	e := newEnv(t, token, nil)
	e.setWrap(respond(403, `{"type":"error","error":{"message":"Forbidden"}}`, map[string]string{"X-RateLimit-Limit": "1000", "X-RateLimit-NearLimit": "false"}))
	_, err := e.src.Streams(context.Background(), providers.Query{Token: token, Order: providers.NewOrder("", "")})
	if k := kindOf(t, err); k != providers.KindForbidden {
		t.Fatalf("kind %s", k)
	}
}

// TestShortPageWithNext: a forge page shorter than asked that still has a next link would shift
// every position; it is a bad response, not silently wrong positions.
func TestShortPageWithNext(t *testing.T) {
	repos := genRepos(rand.New(rand.NewPCG(14, 14)), map[string]int{"jdoe": 30})
	e := newEnv(t, token, repos)
	st := e.streams(t, token, providers.NewOrder(providers.SortPushed, ""))[0]
	e.setWrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Set("pagelen", "10") // the forge clamps pagelen
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = q.Encode()
		e.fake.ServeHTTP(w, r2)
	}))
	_, err := st.FetchPage(context.Background(), 0, "")
	if k := kindOf(t, err); k != providers.KindBadResponse {
		t.Fatalf("kind %s (%v)", k, err)
	}
}
