package providers_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// keysetFake is a forge's public list: ids ascending, pages of per after a position, more when
// something follows. calls counts upstream pages.
type keysetFake struct {
	ids   []uint64
	per   int
	calls int
}

func (f *keysetFake) Public(_ context.Context, _ string, after uint64) ([]providers.Repository, bool, error) {
	f.calls++
	var out []providers.Repository
	for i, id := range f.ids {
		if id > after {
			if len(out) == f.per {
				return out, true, nil
			}
			out = append(out, providers.Repository{ForgeID: fmt.Sprint(id), NameWithOwner: fmt.Sprintf("o/r%d", i)})
		}
	}
	return out, false, nil
}

// TestPublicPageWalk: walks with random page sizes over random upstream page sizes give every id
// once, in order, each page reading only the upstream pages it needs; hasNext is false only at the
// end.
func TestPublicPageWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for round := 0; round < 50; round++ {
		f := &keysetFake{per: 1 + rng.IntN(40)}
		for id, n := uint64(0), rng.IntN(300); len(f.ids) < n; {
			id += 1 + uint64(rng.IntN(1000))
			f.ids = append(f.ids, id)
		}
		var got []uint64
		var pos uint64
		for page := 0; ; page++ {
			first := 1 + rng.IntN(100)
			f.calls = 0
			edges, more, err := providers.PublicPage(context.Background(), f, "src", "tok", pos, first)
			if err != nil {
				t.Fatal(err)
			}
			if len(edges) > first || (more && len(edges) < first) || f.calls > first/f.per+2 {
				t.Fatalf("page of %d: %d edges, more %v, %d upstream pages of %d", first, len(edges), more, f.calls, f.per)
			}
			for _, e := range edges {
				got = append(got, e.Pos)
				pos = e.Pos
			}
			if !more {
				break
			}
		}
		if !slices.Equal(got, f.ids) {
			t.Fatalf("round %d: walked %d ids, want %d in order", round, len(got), len(f.ids))
		}
	}
}

// badOrder answers ids that do not rise.
type badOrder struct{ ids []string }

func (b badOrder) Public(context.Context, string, uint64) ([]providers.Repository, bool, error) {
	var out []providers.Repository
	for _, id := range b.ids {
		out = append(out, providers.Repository{ForgeID: id, NameWithOwner: "o/" + id})
	}
	return out, true, nil
}

// TestPublicPageRefusesDisorder: an id that is not a number above the position, or an empty page
// that says more follow, is a KindBadResponse error rather than a walk that repeats or never ends.
func TestPublicPageRefusesDisorder(t *testing.T) {
	for _, ids := range [][]string{{"5", "3"}, {"5", "5"}, {"x"}, {"2"}, {}} {
		_, _, err := providers.PublicPage(context.Background(), badOrder{ids}, "src", "tok", 2, 10)
		if providers.KindOf(err) != providers.KindBadResponse {
			t.Errorf("%v: %v", ids, err)
		}
	}
}

// TestPublicCursor: a public cursor opens to its position for its binding only; altered, from
// another binding, or another kind of cursor is INVALID_CURSOR.
func TestPublicCursor(t *testing.T) {
	k := providers.NewCodec([]byte("secret"))
	b := providers.PublicBinding(providers.GitHub, "github=x;")
	for _, pos := range []uint64{0, 1, 1 << 40} {
		c := k.EncodePublic(b, pos)
		if got, err := k.DecodePublic(b, c); err != nil || got != pos {
			t.Fatalf("%d: %d %v", pos, got, err)
		}
		if strings.Contains(c, fmt.Sprint(pos)) && pos > 1 {
			t.Errorf("cursor %q shows its position", c)
		}
	}
	c := k.EncodePublic(b, 12345)
	for name, text := range map[string]string{
		"other provider":   k.EncodePublic(providers.PublicBinding(providers.GitLab, "github=x;"), 12345),
		"other credential": k.EncodePublic(providers.PublicBinding(providers.GitHub, "github=y;"), 12345),
		"other secret":     providers.NewCodec([]byte("other")).EncodePublic(b, 12345),
		"altered":          c[:len(c)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(c, "AA")],
		"nested cursor":    k.EncodeNested("x", 3),
		"list cursor":      k.Encode(providers.Binding{}, providers.Cursor{Edge: -1}),
		"garbage":          "%%%",
	} {
		if _, err := k.DecodePublic(b, text); providers.KindOf(err) != providers.KindInvalidCursor {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestOwnerIDs: an owner's id round-trips, differs by provider, kind and login, and anything else
// (a repository's id, a malformed login) is BAD_USER_INPUT.
func TestOwnerIDs(t *testing.T) {
	o := providers.Owner{Provider: providers.GitLab, Kind: providers.OwnerOrganization, Login: "acme/platform"}
	p, ref, err := providers.DecodeOwnerID(o.ID())
	if err != nil || p != providers.GitLab || ref != o.Ref() || !providers.IsOwnerID(o.ID()) {
		t.Fatalf("%s %+v %v", p, ref, err)
	}
	if providers.IsOwnerID(providers.EncodeGlobalID(providers.GitHub, "1", "a/b")) {
		t.Error("a repository id taken for an owner's")
	}
	for _, id := range []string{providers.EncodeGlobalID(providers.GitHub, "1", "a/b"), providers.EncodeOwnerID("NOPE", providers.OwnerUser, "a"),
		providers.EncodeOwnerID(providers.GitHub, "ROBOT", "a"), providers.EncodeOwnerID(providers.GitHub, providers.OwnerUser, "a//b"), "***"} {
		if _, _, err := providers.DecodeOwnerID(id); providers.KindOf(err) != providers.KindBadInput {
			t.Errorf("%q: %v", id, err)
		}
	}
	for _, login := range []string{"", "a/", "/a", "a/../b", ".", "a\x00b", strings.Repeat("a", 1025)} {
		if providers.KindOf(providers.CheckLogin(login)) != providers.KindBadInput {
			t.Errorf("login %q accepted", login)
		}
	}
}
