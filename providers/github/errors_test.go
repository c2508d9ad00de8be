package github_test

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/github/fake"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// answer is a handler that replies with status, headers and body.
func answer(status int, header map[string]string, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		w.Write([]byte(body))
	})
}

// fetchLogged fetches page 0 from h and returns the error and the upstream log lines.
func fetchLogged(t *testing.T, h http.Handler) (error, *providertest.Logs) {
	t.Helper()
	_, base := serve(t, h)
	src, logs := loggedSource(t, base)
	_, err := stream(t, src, providers.NewOrder("", "")).FetchPage(context.Background(), 0, "")
	return err, logs
}

// fetchError fetches page 0 from h and returns the error.
func fetchError(t *testing.T, h http.Handler, timeout time.Duration) error {
	t.Helper()
	_, base := serve(t, h)
	_, err := stream(t, newSource(t, base, timeout), providers.NewOrder("", "")).FetchPage(context.Background(), 0, "")
	return err
}

func TestUnauthorized(t *testing.T) {
	fk := fake.New(token, genRepos(rand.New(rand.NewPCG(1, 2)), 5))
	_, base := serve(t, fk)
	src, logs := loggedSource(t, base)
	st, err := src.Streams(context.Background(), providers.Query{Token: "ghp_wrong_token", Order: providers.NewOrder("", "")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st[0].FetchPage(context.Background(), 0, "")
	e := wantKind(t, err, providers.KindUnauth)
	providertest.ForgeTextLogged(t, err, "Bad credentials; see https://docs.github.com/rest", logs)
	if strings.Contains(e.Error(), "ghp_wrong_token") {
		t.Fatal("error holds the token")
	}
}

func TestRateLimited403WithReset(t *testing.T) {
	reset := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	err, logs := fetchLogged(t, answer(http.StatusForbidden, map[string]string{
		"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1893553445",
	}, `{"message":"API rate limit exceeded for user ID 1.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}`))
	e := wantKind(t, err, providers.KindRateLimited)
	if !e.ResetAt.Equal(reset) {
		t.Fatalf("ResetAt %v, want %v", e.ResetAt, reset)
	}
	providertest.ForgeTextLogged(t, err, "API rate limit exceeded for user ID 1.", logs)
}

func TestRateLimitedByTheFakesQuota(t *testing.T) {
	fk := fake.New(token, genRepos(rand.New(rand.NewPCG(1, 3)), 5))
	fk.SetRateLimit(2)
	_, base := serve(t, fk)
	st := stream(t, newSource(t, base, 0), providers.NewOrder("", ""))
	ctx := context.Background()
	p, err := st.FetchPage(ctx, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	// A 304 does not use the quota.
	if _, err := st.FetchPage(ctx, 0, p.ETag); err != providers.ErrNotModified {
		t.Fatalf("304: %v", err)
	}
	if _, err := st.FetchPage(ctx, 0, ""); err != nil {
		t.Fatal(err)
	}
	_, err = st.FetchPage(ctx, 0, "")
	e := wantKind(t, err, providers.KindRateLimited)
	if d := time.Until(e.ResetAt); d < 59*time.Minute || d > 61*time.Minute {
		t.Fatalf("ResetAt %v is not an hour away", e.ResetAt)
	}
}

func TestForbiddenWithoutRateLimit(t *testing.T) {
	err, logs := fetchLogged(t, answer(http.StatusForbidden, map[string]string{"X-RateLimit-Remaining": "4000"},
		`{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest"}`))
	wantKind(t, err, providers.KindForbidden)
	providertest.ForgeTextLogged(t, err, "Resource not accessible by integration", logs)
	wantKind(t, fetchError(t, answer(http.StatusForbidden, nil, `{"message":"Forbidden"}`), 0), providers.KindForbidden)
}

func TestTooManyRequestsWithRetryAfter(t *testing.T) {
	start := time.Now()
	err := fetchError(t, answer(http.StatusTooManyRequests, map[string]string{"Retry-After": "30"},
		`{"message":"You have exceeded a secondary rate limit.","documentation_url":"https://docs.github.com/rest"}`), 0)
	e := wantKind(t, err, providers.KindRateLimited)
	lo, hi := start.Add(29*time.Second), time.Now().Add(31*time.Second)
	if e.ResetAt.Before(lo) || e.ResetAt.After(hi) {
		t.Fatalf("ResetAt %v, want about 30s from now", e.ResetAt)
	}
	// A 403 with Retry-After (GitHub's secondary limit) is a rate limit too.
	wantKind(t, fetchError(t, answer(http.StatusForbidden, map[string]string{"Retry-After": "60"}, `{"message":"secondary rate limit"}`), 0), providers.KindRateLimited)
}

func TestNotFound(t *testing.T) {
	fk := fake.New(token, nil)
	_, base := serve(t, fk)
	_, err := newSource(t, base, 0).Repository(context.Background(), token,
		providers.GlobalID{Provider: providers.GitHub, ForgeID: "1", NameWithOwner: "octocat/missing"})
	e := wantKind(t, err, providers.KindNotFound)
	if !strings.Contains(e.Error(), "Not Found") {
		t.Fatalf("message %q", e.Error())
	}
}

func TestServerErrors(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		wantKind(t, fetchError(t, answer(status, nil, `{"message":"Server Error"}`), 0), providers.KindUnavailable)
	}
	wantKind(t, fetchError(t, answer(http.StatusBadGateway, nil, `<html>bad gateway</html>`), 0), providers.KindUnavailable)
}

func TestInvalidJSON(t *testing.T) {
	for _, body := range []string{`not json`, `[{"id": 1, "full_name": "a/b"`, `{"message": "an object, not a list"}`, ``, `[{"id": "one"}]`} {
		wantKind(t, fetchError(t, answer(http.StatusOK, nil, body), 0), providers.KindBadResponse)
	}
}

func TestSlowAnswerTimesOut(t *testing.T) {
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		w.Write([]byte("[]"))
	})
	start := time.Now()
	wantKind(t, fetchError(t, slow, 100*time.Millisecond), providers.KindTimeout)
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("timeout took %v", d)
	}
}

func TestOversizedPageIsBadResponse(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < 101; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"id": ` + string(rune('1'+i%9)) + `, "full_name": "a/b"}`)
	}
	b.WriteString("]")
	wantKind(t, fetchError(t, answer(http.StatusOK, nil, b.String()), 0), providers.KindBadResponse)
}
