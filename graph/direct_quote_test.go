package graph

import (
	"bytes"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/forgegraph/forgegraph/providers"
)

// gqlgenBytes is what gqlgen's marshaller m writes.
func gqlgenBytes(m graphql.Marshaler) string {
	var b bytes.Buffer
	m.MarshalGQL(&b)
	return b.String()
}

// TestQuoteIsMarshalString checks Direct's scalar writers against gqlgen's marshallers: strings
// with every escape, control characters, invalid UTF-8 and random bytes; booleans, ints and times.
func TestQuoteIsMarshalString(t *testing.T) {
	cases := []string{"", "plain", `a"b\c`, "tab\tcr\rnl\n", "\x00\x01\x1f\x7f", "é ü 日本 🎉", "\xff\xfe bad \xc3", `\u0000`, "</script>&"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		cases = append(cases, string(b))
	}
	for _, s := range cases {
		var got bytes.Buffer
		quote(&got, s)
		if want := gqlgenBytes(graphql.MarshalString(s)); got.String() != want {
			t.Fatalf("quote(%q) = %s, gqlgen writes %s", s, got.String(), want)
		}
	}
	for _, n := range []int{0, 1, -1, 42, 1 << 40, -1 << 62} {
		var got bytes.Buffer
		integer(&got, n)
		if want := gqlgenBytes(graphql.MarshalInt(n)); got.String() != want {
			t.Fatalf("integer(%d) = %s, gqlgen writes %s", n, got.String(), want)
		}
	}
	for _, v := range []bool{true, false} {
		var got bytes.Buffer
		boolean(&got, v)
		if want := gqlgenBytes(graphql.MarshalBoolean(v)); got.String() != want {
			t.Fatalf("boolean(%v) = %s, gqlgen writes %s", v, got.String(), want)
		}
	}
	for _, p := range []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket, providers.CodeArts, providers.Gitea} {
		var got bytes.Buffer
		repositoryScalar(&got, "provider", &providers.Repository{Provider: p})
		if want := gqlgenBytes(p); got.String() != want {
			t.Fatalf("provider %s written %s, gqlgen writes %s", p, got.String(), want)
		}
	}
	for _, tm := range []time.Time{{}, time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC), time.Date(2020, 1, 2, 3, 4, 5, 6789, time.FixedZone("x", 3600)),
		time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-5, 1, 1, 0, 0, 0, 1, time.FixedZone("y", -5400))} {
		var got bytes.Buffer
		optTime(&got, &tm)
		if want := gqlgenBytes(graphql.MarshalTime(tm)); got.String() != want {
			t.Fatalf("optTime(%v) = %s, gqlgen writes %s", tm, got.String(), want)
		}
	}
}

// FuzzQuote: quote writes what graphql.MarshalString writes, for any string.
func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", `"`, "\\", "\x00", "\xff", "日本", strconv.Quote("x")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got bytes.Buffer
		quote(&got, s)
		if want := gqlgenBytes(graphql.MarshalString(s)); got.String() != want {
			t.Fatalf("quote(%q) = %s, gqlgen writes %s", s, got.String(), want)
		}
	})
}
