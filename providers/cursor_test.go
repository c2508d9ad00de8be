package providers_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// pushed is the binding of the sample cursors: the merged list by push date, for one credential set.
var pushed = providers.Binding{Args: "*|PUSHED:DESC", Credentials: "github=1f2e;gitlab=;"}

func sampleCursor() providers.Cursor {
	return providers.Cursor{Edge: 1, Marks: []providers.Mark{
		{Stream: providers.StreamHash("github", ""), Pos: 7, Anchor: 42, Anchor2: 41, Key: 1763794800123, Tie: "\x00\x04\x30\x5e\x08\x1d"},
		{Stream: providers.StreamHash("bitbucket", "acme"), Pos: 123456, Anchor: 9, Key: -5, Tie: strings.Repeat("\xfe", 48)},
		{Stream: providers.StreamHash("gitlab", ""), Pos: 0},
	}}
}

func TestCursorRoundTrip(t *testing.T) {
	k := providers.NewCodec([]byte("secret"))
	c := sampleCursor()
	text := k.Encode(pushed, c)
	got, err := k.Decode(pushed, text)
	if err != nil {
		t.Fatal(err)
	}
	if got.Edge != c.Edge || len(got.Marks) != len(c.Marks) {
		t.Fatalf("got %+v", got)
	}
	for i := range c.Marks {
		if got.Marks[i] != c.Marks[i] {
			t.Fatalf("mark %d: got %+v want %+v", i, got.Marks[i], c.Marks[i])
		}
	}
	if enc := k.Encoder(pushed); enc(c) != text {
		t.Fatalf("Encoder gives %q, Encode %q", enc(c), text)
	}
	// The most streams a cursor may name, each with a far date key and the longest tie, fit the
	// accepted length.
	big := providers.Cursor{Edge: 255}
	for i := 0; i < 256; i++ {
		big.Marks = append(big.Marks, providers.Mark{Stream: uint32(i), Pos: 1 << 31, Anchor: 1, Anchor2: 2, Key: -1 << 63, Tie: strings.Repeat("t", 48)})
	}
	if _, err := k.Decode(pushed, k.Encode(pushed, big)); err != nil {
		t.Fatalf("a cursor of 256 streams: %v", err)
	}
	// A longer tie is cut to 48 bytes, the part realign compares.
	long := providers.Cursor{Edge: 0, Marks: []providers.Mark{{Stream: 1, Pos: 3, Anchor: 5, Key: 9, Tie: strings.Repeat("x", 47) + "yz"}}}
	if got, err := k.Decode(pushed, k.Encode(pushed, long)); err != nil || got.Marks[0].Tie != strings.Repeat("x", 47)+"y" {
		t.Fatalf("a cursor with a 49-byte tie: %+v, %v", got, err)
	}
	if strings.ContainsAny(text, "+/=") {
		t.Fatalf("cursor %q is not URL-safe", text)
	}
	// Another replica with the same secret accepts it.
	if _, err := providers.NewCodec([]byte("secret")).Decode(pushed, text); err != nil {
		t.Fatal(err)
	}
}

func TestCursorRejects(t *testing.T) {
	k := providers.NewCodec([]byte("secret"))
	text := k.Encode(pushed, sampleCursor())
	check := func(name string, args providers.Binding, text, want string) {
		t.Helper()
		_, err := k.Decode(args, text)
		if providers.KindOf(err) != providers.KindInvalidCursor || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: got %v, want INVALID_CURSOR saying %q", name, err, want)
		}
	}
	check("other args", providers.Binding{Args: "GITHUB|PUSHED:DESC", Credentials: pushed.Credentials}, text, "other arguments")
	check("other secret", pushed, providers.NewCodec([]byte("other")).Encode(pushed, sampleCursor()), "not issued by this server")
	check("garbage", pushed, "hello", "not a forgegraph cursor")
	check("empty", pushed, "", "not a forgegraph cursor")
	check("too long", pushed, strings.Repeat("A", 25981), "too long") // maxCursorLen is 25,980
	// base64 decoders skip line breaks; a valid cursor with one inserted is not the same text.
	check("line break", pushed, text[:10]+"\n"+text[10:], "not a forgegraph cursor")
	check("carriage return", pushed, text[:10]+"\r"+text[10:], "not a forgegraph cursor")
	for i := 0; i < len(text); i++ {
		b := []byte(text)
		b[i] = "AB"[0] + (b[i]+1)%26
		if string(b) == text {
			continue
		}
		if _, err := k.Decode(pushed, string(b)); err == nil {
			t.Fatalf("altered byte %d accepted", i)
		}
	}
}

// A cursor issued for one credential set is refused, with a message that says so, for another: a
// cursor never carries one user's place in a list into another user's list.
func TestCursorBoundToCredentials(t *testing.T) {
	k := providers.NewCodec([]byte("secret"))
	x := providers.Credentials{"github": "token-x", "gitlab": "glpat-1"}
	y := providers.Credentials{"github": "token-y", "gitlab": "glpat-1"}
	bind := func(c providers.Credentials) providers.Binding {
		return providers.Binding{Args: pushed.Args, Credentials: providers.CredentialSet(c, []string{"gitlab", "github"})}
	}
	text := k.Encode(bind(x), sampleCursor())
	if _, err := k.Decode(bind(x), text); err != nil {
		t.Fatalf("same credentials: %v", err)
	}
	// The order sources are named in does not matter.
	same := providers.Binding{Args: pushed.Args, Credentials: providers.CredentialSet(x, []string{"github", "gitlab"})}
	if _, err := k.Decode(same, text); err != nil {
		t.Fatalf("same credentials named in another order: %v", err)
	}
	for name, c := range map[string]providers.Credentials{
		"another github token": y,
		"no github token":      {"gitlab": "glpat-1"},
	} {
		_, err := k.Decode(bind(c), text)
		if providers.KindOf(err) != providers.KindInvalidCursor || !strings.Contains(err.Error(), "this cursor was issued for other credentials: start again without after/before") {
			t.Fatalf("%s: got %v, want INVALID_CURSOR for other credentials", name, err)
		}
	}
	if set := providers.CredentialSet(x, []string{"github"}); strings.Contains(set, "token-x") {
		t.Fatalf("credential set %q holds the token", set)
	}
}

// A cursor reveals nothing that names a repository or a workspace: neither the plain hashes of the
// edge's repository (FNV as the anchors are, SHA-256) nor of the stream's workspace appear in it,
// and its text depends on the secret throughout.
func TestCursorHidesAnchors(t *testing.T) {
	repo := &providers.Repository{Provider: providers.Bitbucket, NameWithOwner: "acme-secret/payroll"}
	anchor := providers.AnchorHash(repo)
	stream := providers.StreamHash("bitbucket", "acme-secret")
	c := providers.Cursor{Edge: 0, Marks: []providers.Mark{{Stream: stream, Pos: 3, Anchor: anchor, Anchor2: anchor + 1}}}
	text := providers.NewCodec([]byte("secret")).Encode(pushed, c)
	raw, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		t.Fatal(err)
	}
	sha := sha256.Sum256([]byte(repo.Identity()))
	for name, plain := range map[string][]byte{
		"anchor (FNV of the repository)": binary.BigEndian.AppendUint32(nil, anchor),
		"second anchor":                  binary.BigEndian.AppendUint32(nil, anchor+1),
		"stream (FNV of the workspace)":  binary.BigEndian.AppendUint32(nil, stream),
		"SHA-256 of the repository":      sha[:4],
	} {
		if bytes.Contains(raw, plain) {
			t.Fatalf("cursor %q carries the %s in the clear", text, name)
		}
	}
	// Another secret gives another text everywhere past the version byte (not only another
	// signature): nothing in it can be compared across servers either.
	other := providers.NewCodec([]byte("other secret")).Encode(pushed, c)
	raw2, _ := base64.RawURLEncoding.DecodeString(other)
	if len(raw2) != len(raw) {
		t.Fatalf("lengths differ: %d and %d", len(raw), len(raw2))
	}
	for i := 1; i+4 <= len(raw); i += 4 {
		if bytes.Equal(raw[i:i+4], raw2[i:i+4]) {
			t.Fatalf("bytes %d..%d are the same under two secrets: %q and %q", i, i+4, text, other)
		}
	}
	// The secret's holder reads the anchors back.
	got, err := providers.NewCodec([]byte("secret")).Decode(pushed, text)
	if err != nil || got.Marks[0] != c.Marks[0] {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
}

// A cursor of an earlier layout (version 2, signed but readable; version 3, encrypted but without
// ties) gets the "older version" message, whatever it holds.
func TestCursorOlderVersion(t *testing.T) {
	v2 := append([]byte{2, 0, 0, 0, 1, 0, 0}, make([]byte, 16)...)
	// A version 3 cursor of one mark: version, tag, then the encrypted digests, edge, count and mark.
	v3 := append([]byte{3}, make([]byte, 16+4+4+1+1+4+1+4+4+6)...)
	for name, raw := range map[string][]byte{"v2": v2, "v3": v3} {
		_, err := providers.NewCodec([]byte("secret")).Decode(pushed, base64.RawURLEncoding.EncodeToString(raw))
		if providers.KindOf(err) != providers.KindInvalidCursor || !strings.Contains(err.Error(), "comes from an older version of the server; start again") {
			t.Fatalf("%s: got %v", name, err)
		}
	}
}

func FuzzCursorDecode(f *testing.F) {
	k := providers.NewCodec([]byte("secret"))
	f.Add(k.Encode(pushed, sampleCursor()))
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := k.Decode(pushed, s)
		if err != nil {
			if providers.KindOf(err) != providers.KindInvalidCursor {
				t.Fatalf("error of kind %s", providers.KindOf(err))
			}
			return
		}
		// Whatever decodes must encode back to the same text.
		if k.Encode(pushed, c) != s {
			t.Fatalf("decode/encode not stable for %q", s)
		}
	})
}
