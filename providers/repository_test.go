package providers_test

import (
	"encoding/base64"
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
	if got != (providers.GlobalID{Provider: providers.GitLab, ForgeID: "42"}) {
		t.Fatalf("round trip: %+v", got)
	}
	for _, bad := range []string{"", "!!", id[:5] + "\n" + id[5:], id + "\r", "UmVwb3NpdG9yeTp2MTpOT1BFOjE6YS9i"} {
		if _, err := providers.DecodeGlobalID(bad); providers.KindOf(err) != providers.KindBadInput {
			t.Errorf("%q: %v, want a bad-input error", bad, err)
		}
	}
}

// TestGlobalIDIsPathFree: Repository.ID rests on the provider and the forge id alone, so a rename
// or a transfer (another NameWithOwner, Owner, Name) keeps it.
func TestGlobalIDIsPathFree(t *testing.T) {
	a := providers.Repository{Provider: providers.Bitbucket, ForgeID: "{0f5e1c2a-1111-2222-3333-444455556666}", NameWithOwner: "ws/old", Owner: "ws", Name: "old"}
	b := a
	b.NameWithOwner, b.Owner, b.Name = "other/new", "other", "new"
	if a.ID() != b.ID() {
		t.Fatalf("renamed repository has another id: %s, %s", a.ID(), b.ID())
	}
	raw, _ := base64.RawURLEncoding.DecodeString(a.ID())
	if string(raw) != "Repository:v2:BITBUCKET:{0f5e1c2a-1111-2222-3333-444455556666}" {
		t.Fatalf("id text %q", raw)
	}
}

// TestGlobalIDVersion1StillDecodes: ids issued before ids became path-free (version 1, with the
// path) still decode, path included, so clients' kept ids keep resolving.
func TestGlobalIDVersion1StillDecodes(t *testing.T) {
	old := providers.EncodeGlobalID(providers.GitLab, "42", "group/sub/name:with:colons")
	got, err := providers.DecodeGlobalID(old)
	if err != nil || got != (providers.GlobalID{Provider: providers.GitLab, ForgeID: "42", NameWithOwner: "group/sub/name:with:colons"}) {
		t.Fatalf("version 1: %+v, %v", got, err)
	}
	long := providers.EncodeGlobalID(providers.GitHub, "1", string(make([]byte, 600)))
	if g, err := providers.DecodeGlobalID(long); err != nil || len(g.NameWithOwner) != 600 {
		t.Fatalf("a path longer than the stack buffer: %v", err)
	}
}

// TestGlobalIDMalformed: a version 2 id whose forge id could steer a request (a "/", "..", "%",
// spaces, an empty or over-long id), names an unknown provider or has more parts is BAD_USER_INPUT.
func TestGlobalIDMalformed(t *testing.T) {
	enc := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	long := make([]byte, 129)
	for i := range long {
		long[i] = '1'
	}
	for _, text := range []string{
		"Repository:v2:GITHUB:", "Repository:v2:GITHUB:1/../x", "Repository:v2:GITHUB:..", "Repository:v2:GITHUB:%2e",
		"Repository:v2:GITHUB:1 2", "Repository:v2:GITHUB:1:a/b", "Repository:v2:NOPE:1", "Repository:v2:GITHUB:" + string(long),
		"Repository:v3:GITHUB:1", "Repository:v1:GITHUB:1:", "Owner:v1:GITHUB:1",
	} {
		if _, err := providers.DecodeGlobalID(enc(text)); providers.KindOf(err) != providers.KindBadInput {
			t.Errorf("%q: %v, want a bad-input error", text, err)
		}
	}
	for _, ok := range []string{"Repository:v2:GITHUB:1296269", "Repository:v2:BITBUCKET:{21fa9bf8-b5b2-4891-97ed-d590bad0f871}", "Repository:v2:CODEARTS:a1b2_c3-d.4"} {
		if _, err := providers.DecodeGlobalID(enc(ok)); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}
