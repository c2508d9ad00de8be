package providers_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

func sign(n int) int { return cmp.Compare(n, 0) }

// TestTieKeysKeepOrder: the tie key builders keep the order of what they encode, ascending and
// descending, so a cursor can compare a repository's tie with a mark's by their bytes alone.
func TestTieKeysKeepOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	num := func() uint64 {
		switch rng.IntN(4) {
		case 0:
			return uint64(rng.IntN(300))
		case 1:
			return rng.Uint64()
		}
		return rng.Uint64N(1 << (8 * (1 + rng.IntN(7))))
	}
	text := func() string {
		b := make([]byte, rng.IntN(6))
		for i := range b {
			b[i] = "aAb{-}0z\xff"[rng.IntN(9)]
		}
		return string(b)
	}
	for range 20000 {
		for _, desc := range []bool{false, true} {
			want := func(c int) int {
				if desc {
					return -c
				}
				return c
			}
			a, b := num(), num()
			ka, kb := providers.TieByNumber(fmt.Sprint(a), desc), providers.TieByNumber(fmt.Sprint(b), desc)
			if ka == "" || sign(strings.Compare(ka, kb)) != want(cmp.Compare(a, b)) {
				t.Fatalf("TieByNumber(%d, %v) = %q, (%d) = %q: order lost", a, desc, ka, b, kb)
			}
			x, y := text(), text()
			if got := sign(strings.Compare(providers.TieByText(x, desc), providers.TieByText(y, desc))); got != want(strings.Compare(x, y)) {
				t.Fatalf("TieByText(%q, %q, %v): %d", x, y, desc, got)
			}
		}
	}
	for _, bad := range []string{"", "abc", "-1", "18446744073709551616", "1.5"} {
		if k := providers.TieByNumber(bad, false); k != "" {
			t.Fatalf("TieByNumber(%q) = %q, want \"\" (unknown)", bad, k)
		}
	}
	// TieByPath is Order.Compare past the date, in both directions of the date.
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	names := []string{"a/b", "A/b", "a/B", "a/b-c", "a/bc", "a-b/c", "ab/c", "Zed/x", "zed/x"}
	for range 5000 {
		x := providers.Repository{NameWithOwner: names[rng.IntN(len(names))], ForgeID: fmt.Sprint(rng.IntN(3)), PushedAt: &at}
		y := providers.Repository{NameWithOwner: names[rng.IntN(len(names))], ForgeID: fmt.Sprint(rng.IntN(3)), PushedAt: &at}
		for _, d := range []providers.Direction{providers.Asc, providers.Desc} {
			o := providers.NewOrder(providers.SortPushed, d)
			kx, nx := providers.TieByPath(&x)
			ky, _ := providers.TieByPath(&y)
			if nx != len(x.NameWithOwner)+1 || kx[:nx] != strings.ToLower(x.NameWithOwner)+"\x00" {
				t.Fatalf("TieByPath(%s) keeps %d bytes of %q, want the lower-cased path", x.NameWithOwner, nx, kx)
			}
			if got := sign(strings.Compare(kx, ky)); got != o.Compare(&x, &y) {
				t.Fatalf("TieByPath %s/%s vs %s/%s: %d, Order.Compare %d", x.NameWithOwner, x.ForgeID, y.NameWithOwner, y.ForgeID, got, o.Compare(&x, &y))
			}
		}
	}
}

// TestCursorLengthFiveStreams measures the cursor of a merged list of five streams by push date:
// ids of the size GitHub's and GitLab's have, tied dates, one stream sorted locally (full paths as
// ties). Its length is logged; it must stay well under what five streams could take at most.
func TestCursorLengthFiveStreams(t *testing.T) {
	ctx := context.Background()
	o := providers.NewOrder(providers.SortPushed, providers.Desc)
	at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	var streams []providers.Stream
	for i, p := range []providers.Provider{providers.GitHub, providers.GitLab, providers.Bitbucket, providers.CodeArts, providers.Gitea} {
		repos := make([]providers.Repository, 150)
		for j := range repos {
			d := at.Add(-time.Duration(j/10) * time.Hour)
			repos[j] = providers.Repository{ForgeID: fmt.Sprint(700000000 + 1000*i + j), Provider: p,
				NameWithOwner: fmt.Sprintf("acme-corp/service-%d-%03d", i, j), PushedAt: &d}
		}
		s := providertest.NewStream(fmt.Sprintf("src%d", i), "", o, repos)
		if i < 4 {
			s.SetByID()
		}
		streams = append(streams, s)
	}
	n := 37
	res := providers.List(ctx, streams, o, providers.FetchDirect, providers.Window{First: &n})
	text := providers.NewCodec([]byte("secret")).Encode(pushed, res.Edges[n-1].Cursor)
	t.Logf("five streams (four by id, one by full path): %d characters", len(text))
	if len(text) > 400 {
		t.Fatalf("a cursor of five streams takes %d characters", len(text))
	}
}
