package providers_test

import (
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

func sampleCursor() providers.Cursor {
	return providers.Cursor{Edge: 1, Marks: []providers.Mark{
		{Stream: providers.StreamHash("github", ""), Pos: 7, Anchor: 42, Anchor2: 41, Key: 1763794800123},
		{Stream: providers.StreamHash("bitbucket", "acme"), Pos: 123456, Anchor: 9, Key: -5},
		{Stream: providers.StreamHash("gitlab", ""), Pos: 0},
	}}
}

func TestCursorRoundTrip(t *testing.T) {
	k := providers.NewCodec([]byte("secret"))
	c := sampleCursor()
	text := k.Encode("*|PUSHED:DESC", c)
	got, err := k.Decode("*|PUSHED:DESC", text)
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
	// The most streams a cursor may name, each with a far date key, fit the accepted length.
	big := providers.Cursor{Edge: 0}
	for i := 0; i < 256; i++ {
		big.Marks = append(big.Marks, providers.Mark{Stream: uint32(i), Pos: 1 << 30, Anchor: 1, Anchor2: 2, Key: -1 << 62})
	}
	if _, err := k.Decode("*|PUSHED:DESC", k.Encode("*|PUSHED:DESC", big)); err != nil {
		t.Fatalf("a cursor of 256 streams: %v", err)
	}
	if strings.ContainsAny(text, "+/=") {
		t.Fatalf("cursor %q is not URL-safe", text)
	}
	// Another replica with the same secret accepts it.
	if _, err := providers.NewCodec([]byte("secret")).Decode("*|PUSHED:DESC", text); err != nil {
		t.Fatal(err)
	}
}

func TestCursorRejects(t *testing.T) {
	k := providers.NewCodec([]byte("secret"))
	text := k.Encode("*|PUSHED:DESC", sampleCursor())
	check := func(name, args, text, want string) {
		t.Helper()
		_, err := k.Decode(args, text)
		if providers.KindOf(err) != providers.KindInvalidCursor || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: got %v, want INVALID_CURSOR saying %q", name, err, want)
		}
	}
	check("other args", "GITHUB|PUSHED:DESC", text, "other arguments")
	check("other secret", "*|PUSHED:DESC", providers.NewCodec([]byte("other")).Encode("*|PUSHED:DESC", sampleCursor()), "not issued by this server")
	check("garbage", "*|PUSHED:DESC", "hello", "not a forgegraph cursor")
	check("empty", "*|PUSHED:DESC", "", "not a forgegraph cursor")
	check("too long", "*|PUSHED:DESC", strings.Repeat("A", 10001), "too long")
	// base64 decoders skip line breaks; a valid cursor with one inserted is not the same text.
	check("line break", "*|PUSHED:DESC", text[:10]+"\n"+text[10:], "not a forgegraph cursor")
	check("carriage return", "*|PUSHED:DESC", text[:10]+"\r"+text[10:], "not a forgegraph cursor")
	for i := 0; i < len(text); i++ {
		b := []byte(text)
		b[i] = "AB"[0] + (b[i]+1)%26
		if string(b) == text {
			continue
		}
		if _, err := k.Decode("*|PUSHED:DESC", string(b)); err == nil {
			t.Fatalf("altered byte %d accepted", i)
		}
	}
}

func FuzzCursorDecode(f *testing.F) {
	k := providers.NewCodec([]byte("secret"))
	f.Add(k.Encode("*|PUSHED:DESC", sampleCursor()))
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := k.Decode("*|PUSHED:DESC", s)
		if err != nil {
			if providers.KindOf(err) != providers.KindInvalidCursor {
				t.Fatalf("error of kind %s", providers.KindOf(err))
			}
			return
		}
		// Whatever decodes must encode back to the same text.
		if k.Encode("*|PUSHED:DESC", c) != s {
			t.Fatalf("decode/encode not stable for %q", s)
		}
	})
}
