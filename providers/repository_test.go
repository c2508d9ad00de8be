package providers_test

import (
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

func TestGlobalID(t *testing.T) {
	r := providers.Repository{Provider: providers.GitLab, ForgeID: "42", NameWithOwner: "group/sub/name:with:colons"}
	id := r.ID()
	got, err := providers.DecodeGlobalID(id)
	if err != nil {
		t.Fatal(err)
	}
	if got != (providers.GlobalID{Provider: providers.GitLab, ForgeID: "42", NameWithOwner: "group/sub/name:with:colons"}) {
		t.Fatalf("round trip: %+v", got)
	}
	long := providers.Repository{Provider: providers.GitHub, ForgeID: "1", NameWithOwner: string(make([]byte, 600))}
	if g, err := providers.DecodeGlobalID(long.ID()); err != nil || len(g.NameWithOwner) != 600 {
		t.Fatalf("a path longer than the stack buffer: %v", err)
	}
	for _, bad := range []string{"", "!!", id[:5] + "\n" + id[5:], id + "\r", "UmVwb3NpdG9yeTp2MTpOT1BFOjE6YS9i"} {
		if _, err := providers.DecodeGlobalID(bad); providers.KindOf(err) != providers.KindBadInput {
			t.Errorf("%q: %v, want a bad-input error", bad, err)
		}
	}
}
