//go:build unix

package app

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/internal/metrics"
	"github.com/forgegraph/forgegraph/internal/testkit"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// Rate-limit state is kept in Redis unsealed, so anyone who can write to Redis can write it. A
// poisoned entry saying a credential's quota is spent until a year from now is not believed: the
// forge is asked (and Viewer.rateLimit does not show it); one that resets within the bound is, and
// so is a spent quota this server stored itself. Absurd counts are ignored too.
func TestPoisonedRateLimitInRedis(t *testing.T) {
	url := testkit.RedisURL(testkit.StartRedis(t))
	cfg := config.Config{RedisURL: url, CacheMaxBytes: 16 << 20}
	c, closeCaches, err := caches(context.Background(), cfg, metrics.New(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer closeCaches()
	var asked atomic.Int64
	forge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		_, _ = w.Write([]byte("[]"))
	}))
	defer forge.Close()
	client, err := (&rest.Client{Source: "github", Auth: rest.Bearer, Options: rest.Options{Limits: c.limits}}).WithBase(forge.URL, forge.URL)
	if err != nil {
		t.Fatal(err)
	}
	opt, _ := redis.ParseURL(url)
	rc := redis.NewClient(opt)
	defer rc.Close()
	ctx := context.Background()
	poison := func(token string, r rest.Rate) {
		t.Helper()
		b, _ := json.Marshal(r)
		if err := rc.Set(ctx, redisLimits+rest.LimitKey("github", token), b, 365*24*time.Hour).Err(); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	cases := []struct {
		name    string
		rate    rest.Rate
		blocked bool
	}{
		{"spent until a year from now", rest.Rate{Known: true, Limit: 5000, Remaining: 0, Reset: now.AddDate(1, 0, 0)}, false},
		{"spent until just past the bound", rest.Rate{Known: true, Limit: 5000, Remaining: 0, Reset: now.Add(maxRateReset + time.Minute)}, false},
		{"negative remaining", rest.Rate{Known: true, Limit: 5000, Remaining: -7, Reset: now.Add(time.Minute)}, false},
		{"more remaining than the limit", rest.Rate{Known: true, Limit: 5000, Remaining: 9000, Reset: now.Add(time.Minute)}, false},
		{"spent for half an hour", rest.Rate{Known: true, Limit: 5000, Remaining: 0, Reset: now.Add(30 * time.Minute)}, true},
	}
	for i, tc := range cases {
		token := "token-" + strconv.Itoa(i)
		poison(token, tc.rate)
		before := asked.Load()
		_, err := client.Get(ctx, token, "/user/repos", nil, "")
		shown, known := client.RateFor(ctx, token)
		if tc.blocked {
			if providers.KindOf(err) != providers.KindRateLimited || asked.Load() != before || !known {
				t.Fatalf("%s: err %v, forge asked %d times, shown %v", tc.name, err, asked.Load()-before, known)
			}
			continue
		}
		if err != nil || asked.Load() != before+1 {
			t.Fatalf("%s: err %v, forge asked %d times: the poisoned entry was believed", tc.name, err, asked.Load()-before)
		}
		if known && shown.Reset.After(time.Now().Add(maxRateReset)) || known && shown.Remaining < -1 {
			t.Fatalf("%s: Viewer.rateLimit would show %+v", tc.name, shown)
		}
	}
}
