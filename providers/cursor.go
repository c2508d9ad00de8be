package providers

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"hash/fnv"
	"io"
	"strings"
	"sync"
)

// cursorVersion is the first byte of every cursor; bump it when the layout changes.
const cursorVersion = 2

// maxCursorLen bounds the accepted cursor text: room for maxMarks streams (a mark takes at most 27
// bytes, 36 characters), e.g. a Bitbucket user in a couple of hundred workspaces.
const maxCursorLen = 10000

// maxMarks bounds the streams a cursor names.
const maxMarks = 256

// Mark is one stream's place in a cursor: how many of its repositories come at or before the edge,
// and a hash of the last of them (the anchor used to re-align when the list moved).
type Mark struct {
	Stream uint32 // StreamHash of source and stream key
	Pos    int
	Anchor uint32 // AnchorHash of the repository at Pos-1; 0 when Pos is 0
	// Anchor2 is the AnchorHash of the repository at Pos-2 (0 when Pos < 2): the fallback when the
	// anchor itself was deleted or moved away.
	Anchor2 uint32
	// Key is the sort key of the repository at Pos-1 in date orders (Order.MarkKey: milliseconds
	// since 1970); 0 when the order is by name or the date is unknown. Where the list moved, the
	// position is where the repositories that sort after it begin.
	Key int64
}

// holds reports whether it is the mark's anchor as the mark saw it: the same repository, with the
// same date in date orders (a repository pushed since is not where the mark left it, even when it
// landed at the same position).
func (m Mark) holds(it *Repository, o Order) bool {
	return it != nil && AnchorHash(it) == m.Anchor && (m.Key == 0 || o.MarkKey(it) == m.Key)
}

// Cursor is a decoded cursor: the marks of every stream and which stream the edge's repository came
// from (an index into Marks; -1 for none).
type Cursor struct {
	Marks []Mark
	Edge  int
}

// StreamHash names a stream in a cursor by its source and key.
func StreamHash(source, key string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(source))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return h.Sum32()
}

// AnchorHash names a repository in a cursor.
func AnchorHash(r *Repository) uint32 {
	h := fnv.New32a()
	h.Write([]byte(r.Identity()))
	if v := h.Sum32(); v != 0 {
		return v
	}
	return 1
}

// Codec signs and checks cursors with one secret. Replicas that share the secret accept each other's
// cursors. The zero value is not usable; build it with NewCodec.
type Codec struct {
	secret []byte
	macs   sync.Pool // of hash.Hash: HMAC-SHA256 keyed with secret, reused (Reset) between cursors
}

// NewCodec returns a codec for secret, which must not be empty.
func NewCodec(secret []byte) *Codec {
	return &Codec{secret: append([]byte(nil), secret...)}
}

// argsDigest binds a cursor to the arguments it was issued for.
func argsDigest(args string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(args))
	return h.Sum32()
}

// Encode returns the opaque text of c for the given arguments (provider filter, sort, direction).
func (k *Codec) Encode(args string, c Cursor) string {
	buf := make([]byte, 0, 16+len(c.Marks)*22+16)
	buf = append(buf, cursorVersion)
	buf = binary.BigEndian.AppendUint32(buf, argsDigest(args))
	buf = binary.AppendVarint(buf, int64(c.Edge))
	buf = binary.AppendUvarint(buf, uint64(len(c.Marks)))
	for _, m := range c.Marks {
		buf = binary.BigEndian.AppendUint32(buf, m.Stream)
		buf = binary.AppendUvarint(buf, uint64(m.Pos))
		buf = binary.BigEndian.AppendUint32(buf, m.Anchor)
		buf = binary.BigEndian.AppendUint32(buf, m.Anchor2)
		buf = binary.AppendVarint(buf, m.Key)
	}
	buf = append(buf, k.mac(buf)...)
	return base64.RawURLEncoding.EncodeToString(buf)
}

func (k *Codec) mac(b []byte) []byte {
	m, ok := k.macs.Get().(hash.Hash)
	if ok {
		m.Reset()
	} else {
		m = hmac.New(sha256.New, k.secret)
	}
	m.Write(b)
	var sum [sha256.Size]byte
	out := m.Sum(sum[:0])[:16]
	k.macs.Put(m)
	return out
}

// Decode checks and parses a cursor issued by Encode for args. It fails with a KindInvalidCursor
// *Error when the text was not issued by a codec with this secret, was altered, or was issued for
// other arguments.
func (k *Codec) Decode(args, text string) (Cursor, error) {
	bad := func(why string) (Cursor, error) {
		return Cursor{}, Errorf(KindInvalidCursor, "", "cursor %s: %s", shorten(text), why)
	}
	if len(text) > maxCursorLen {
		return bad("is too long to be one of ours; use a cursor from a previous answer")
	}
	// The decoder skips \r and \n even in strict mode; a cursor is one canonical text, so they
	// are refused here rather than silently accepted as another spelling of the same cursor.
	raw, err := base64.RawURLEncoding.Strict().DecodeString(text)
	if err != nil || strings.ContainsAny(text, "\r\n") || len(raw) < 1+4+1+1+16 {
		return bad("is not a forgegraph cursor; use the cursor or pageInfo.endCursor/startCursor of a previous answer")
	}
	body, sig := raw[:len(raw)-16], raw[len(raw)-16:]
	if !hmac.Equal(sig, k.mac(body)) {
		return bad("was not issued by this server or was altered; start again without after/before")
	}
	if body[0] != cursorVersion {
		return bad("comes from an older version of the server; start again without after/before")
	}
	if binary.BigEndian.Uint32(body[1:5]) != argsDigest(args) {
		return bad("was issued for other arguments (provider, sort or direction); keep the arguments the same while paging, or start again without after/before")
	}
	r := bytes.NewReader(body[5:])
	edge, err := binary.ReadVarint(r)
	if err != nil {
		return bad("is malformed")
	}
	n, err := binary.ReadUvarint(r)
	if err != nil || n > maxMarks || edge < -1 || edge >= int64(n) {
		return bad("is malformed")
	}
	c := Cursor{Edge: int(edge), Marks: make([]Mark, n)}
	for i := range c.Marks {
		var b4 [4]byte
		if _, err := io.ReadFull(r, b4[:]); err != nil {
			return bad("is malformed")
		}
		pos, err := binary.ReadUvarint(r)
		if err != nil || pos > 1<<31 {
			return bad("is malformed")
		}
		var a8 [8]byte
		if _, err := io.ReadFull(r, a8[:]); err != nil {
			return bad("is malformed")
		}
		key, err := binary.ReadVarint(r)
		if err != nil {
			return bad("is malformed")
		}
		c.Marks[i] = Mark{Stream: binary.BigEndian.Uint32(b4[:]), Pos: int(pos),
			Anchor: binary.BigEndian.Uint32(a8[:4]), Anchor2: binary.BigEndian.Uint32(a8[4:]), Key: key}
	}
	if r.Len() != 0 {
		return bad("is malformed")
	}
	return c, nil
}

func shorten(s string) string {
	if len(s) > 24 {
		return `"` + s[:24] + `…"`
	}
	return `"` + s + `"`
}
