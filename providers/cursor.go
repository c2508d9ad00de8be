package providers

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash"
	"hash/fnv"
	"io"
	"slices"
	"strings"
	"sync"
)

// cursorVersion is the first byte of every cursor; bump it when the layout changes. 2 was signed
// but readable and bound to no credential; 3 is encrypted and bound to the credentials; 4 adds each
// mark's tie (Mark.Tie).
const cursorVersion = 4

// maxMarkLen is the longest encoding of a mark: stream hash, position (a uvarint up to 1<<31),
// anchors, key (a varint), the tie's length and the tie.
const maxMarkLen = 4 + 5 + 4 + 4 + binary.MaxVarintLen64 + 1 + maxTieLen

// maxCursorLen bounds the accepted cursor text: room for MaxStreams streams with the longest marks
// (base64 of version, tag, the head with a two-byte edge and count, and the marks: 25,980
// characters), e.g. a Bitbucket user in a couple of hundred workspaces.
const maxCursorLen = ((1+tagLen+headLen+2+MaxStreams*maxMarkLen)*4 + 2) / 3

// MaxStreams bounds the streams one list merges, and so the marks a cursor names: List fails the
// source with the most streams rather than issue a cursor that Decode would refuse, and sources
// that make one stream per something the user has (Bitbucket's workspaces) refuse more before.
const MaxStreams = 256

// Mark is one stream's place in a cursor: how many of its repositories come at or before the edge,
// and a hash of the last of them (the anchor used to re-align when the list moved).
type Mark struct {
	Stream uint32 // StreamHash of source and stream key
	Pos    int
	Anchor uint32 // AnchorHash of the repository at Pos-1; 0 when Pos is 0 (but see Key)
	// Anchor2 is the AnchorHash of the repository at Pos-2 (0 when Pos < 2): the fallback when the
	// anchor itself was deleted or moved away.
	Anchor2 uint32
	// Key is the sort key of the repository at Pos-1 in date orders (Order.MarkKey: milliseconds
	// since 1970); 0 when the order is by name or the date is unknown. Where the list moved, the
	// position is where the repositories that sort after it begin. At Pos 0 (no anchor) it is the
	// key of the repository at Pos, the stream's first after the position, and where the list moved
	// the position is where the repositories that do not sort before that one begin. A position
	// realigned by its key keeps it (and at Pos 0 its Anchor, which counts as before the position):
	// see reader.boundary.
	Key int64
	// Tie places the repository Key names among those with the same Key, in the stream's own order of
	// ties (TieOrderer: the date below the millisecond, then the stream's tie key, at most maxTieLen
	// bytes); "" when the stream declares no tie order, the order is by name or Key is 0. Where the
	// list moved, the position is where the repositories that sort after (Key, Tie) begin.
	Tie string
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

// StreamHash names a stream in a cursor by its source and key. It is a plain (unkeyed) FNV hash:
// it only ever leaves the process inside a cursor's encrypted payload (Codec).
func StreamHash(source, key string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(source))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return h.Sum32()
}

// AnchorHash names a repository in a cursor; it is never 0. Like StreamHash it is unkeyed and only
// ever leaves the process encrypted, so no one without the secret can hash a guessed repository
// name and compare.
func AnchorHash(r *Repository) uint32 {
	h := fnv.New32a()
	h.Write([]byte(r.Identity()))
	if v := h.Sum32(); v != 0 {
		return v
	}
	return 1
}

// Binding is what a cursor is bound to: it is only accepted for the list it was issued for.
type Binding struct {
	// Args names the list's arguments (provider filter, sort, direction); a cursor given with other
	// ones is refused as "issued for other arguments".
	Args string
	// Credentials names the credentials of the sources in play (CredentialSet): a cursor given with
	// another token for any of them is refused as "issued for other credentials". It must never
	// hold a token; "" binds to no credential.
	Credentials string
}

// Codec seals and opens cursors with one secret. Replicas that share the secret accept each other's
// cursors. The zero value is not usable; build it with NewCodec.
//
// A cursor is the version byte, a 16-byte tag and the encrypted payload (deterministic authenticated
// encryption, the SIV construction): tag = HMAC-SHA256(macKey, version ‖ payload) truncated to 16
// bytes, ciphertext = AES-256-CTR(encKey, iv = tag, payload); both keys are derived from the secret.
// So a cursor is as long as a signed one would be, reveals nothing of its payload (positions,
// anchors, stream names, dates) to whoever lacks the secret, and one payload always gives the same
// text (the canonical spelling). The payload is a digest of Binding.Args (4 bytes), a digest of
// Binding.Credentials (4 bytes, keyed), the edge, and each mark (its tie cut to maxTieLen bytes).
type Codec struct {
	block cipher.Block // AES-256 with encKey; safe for concurrent use
	macs  sync.Pool    // of hash.Hash: HMAC-SHA256 keyed with macKey, reused (Reset) between cursors
	mac0  []byte       // macKey
}

// NewCodec returns a codec for secret, which must not be empty.
func NewCodec(secret []byte) *Codec {
	enc := derive(secret, "forgegraph cursor encryption v3")
	block, _ := aes.NewCipher(enc) // a 32-byte key is always accepted
	return &Codec{block: block, mac0: derive(secret, "forgegraph cursor authentication v3")}
}

// derive returns HMAC-SHA256(secret, label): a 32-byte key for one purpose.
func derive(secret []byte, label string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// tagLen is the length of a cursor's tag; headLen of what precedes the marks in the payload
// (args and credential digests, the edge and the mark count take at least one byte each).
const (
	tagLen  = 16
	headLen = 4 + 4 + 1 + 1
	// minRawLen is the length of the shortest cursor of any version (version 2: version, args
	// digest, edge, count, 16-byte signature).
	minRawLen = 1 + 4 + 1 + 1 + 16
)

// argsDigest binds a cursor to the arguments it was issued for.
func argsDigest(args string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(args))
	return h.Sum32()
}

// credentialsDigest binds a cursor to the credentials it was issued for; it is keyed, so the digest
// of a guessed credential set cannot be computed without the secret (it is encrypted besides).
func (k *Codec) credentialsDigest(creds string) uint32 {
	return binary.BigEndian.Uint32(k.mac([]byte{'c'}, []byte(creds)))
}

// Encode returns the opaque text of c for binding b.
func (k *Codec) Encode(b Binding, c Cursor) string {
	return k.encode(argsDigest(b.Args), k.credentialsDigest(b.Credentials), c)
}

// Encoder returns Encode for binding b, its digests computed once (a page encodes a cursor per
// edge).
func (k *Codec) Encoder(b Binding) func(Cursor) string {
	args, creds := argsDigest(b.Args), k.credentialsDigest(b.Credentials)
	return func(c Cursor) string { return k.encode(args, creds, c) }
}

func (k *Codec) encode(args, creds uint32, c Cursor) string {
	// One scratch buffer holds the payload, then the sealed bytes, then their text: a page encodes
	// a cursor per edge, and only the text is kept.
	sp := scratch.Get().(*[]byte)
	b := binary.BigEndian.AppendUint32((*sp)[:0], args)
	b = binary.BigEndian.AppendUint32(b, creds)
	b = binary.AppendVarint(b, int64(c.Edge))
	b = binary.AppendUvarint(b, uint64(len(c.Marks)))
	for _, m := range c.Marks {
		b = binary.BigEndian.AppendUint32(b, m.Stream)
		b = binary.AppendUvarint(b, uint64(m.Pos))
		b = binary.BigEndian.AppendUint32(b, m.Anchor)
		b = binary.BigEndian.AppendUint32(b, m.Anchor2)
		b = binary.AppendVarint(b, m.Key)
		tie := m.Tie[:min(len(m.Tie), maxTieLen)]
		b = binary.AppendUvarint(b, uint64(len(tie)))
		b = append(b, tie...)
	}
	n := len(b) // the payload is b[:n]; the sealed cursor follows it, at b[n:n+1+tagLen+n]
	b = slices.Grow(b, 1+sha256.Size+n)
	b = append(b, cursorVersion)
	b = k.macInto(b, []byte{cursorVersion}, b[:n])[:n+1+tagLen] // the tag is the HMAC's first 16 bytes
	b = b[:n+1+tagLen+n]
	cipher.NewCTR(k.block, b[n+1:n+1+tagLen]).XORKeyStream(b[n+1+tagLen:], b[:n])
	sealed := len(b)
	b = base64.RawURLEncoding.AppendEncode(b, b[n:sealed])
	text := string(b[sealed:])
	*sp = b[:0]
	scratch.Put(sp)
	return text
}

// scratch holds encode's working buffers between cursors.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// mac returns the first 16 bytes of HMAC-SHA256(macKey, domain ‖ b). The domain byte keeps tags
// (the version) apart from credential digests ('c').
func (k *Codec) mac(domain, b []byte) []byte {
	var sum [sha256.Size]byte
	return k.macInto(sum[:0], domain, b)[:tagLen]
}

// macInto appends HMAC-SHA256(macKey, domain ‖ b), all 32 bytes, to dst.
func (k *Codec) macInto(dst, domain, b []byte) []byte {
	m, ok := k.macs.Get().(hash.Hash)
	if ok {
		m.Reset()
	} else {
		m = hmac.New(sha256.New, k.mac0)
	}
	m.Write(domain)
	m.Write(b)
	dst = m.Sum(dst)
	k.macs.Put(m)
	return dst
}

// Decode opens and parses a cursor issued by Encode for binding b. It fails with a
// KindInvalidCursor *Error when the text was not issued by a codec with this secret, was altered,
// comes from an older version, or was issued for other arguments or other credentials; each
// message says what to do.
func (k *Codec) Decode(b Binding, text string) (Cursor, error) {
	bad := func(why string) (Cursor, error) {
		return Cursor{}, Errorf(KindInvalidCursor, "", "cursor %s: %s", shorten(text), why)
	}
	if len(text) > maxCursorLen {
		return bad("is too long to be one of ours; use a cursor from a previous answer")
	}
	// The decoder skips \r and \n even in strict mode; a cursor is one canonical text, so they
	// are refused here rather than silently accepted as another spelling of the same cursor.
	raw, err := base64.RawURLEncoding.Strict().DecodeString(text)
	if err != nil || strings.ContainsAny(text, "\r\n") || len(raw) < minRawLen {
		return bad("is not a forgegraph cursor; use the cursor or pageInfo.endCursor/startCursor of a previous answer")
	}
	// The version byte is outside the seal: an earlier layout, whatever its keys, is told apart
	// before anything else is checked.
	if raw[0] >= 1 && raw[0] < cursorVersion {
		return bad("comes from an older version of the server; start again without after/before")
	}
	if raw[0] != cursorVersion || len(raw) < 1+tagLen+headLen {
		return bad("was not issued by this server or was altered; start again without after/before")
	}
	tag := raw[1 : 1+tagLen]
	plain := make([]byte, len(raw)-1-tagLen)
	cipher.NewCTR(k.block, tag).XORKeyStream(plain, raw[1+tagLen:])
	if !hmac.Equal(tag, k.mac(raw[:1], plain)) {
		return bad("was not issued by this server or was altered; start again without after/before")
	}
	if binary.BigEndian.Uint32(plain[0:4]) != argsDigest(b.Args) {
		return bad("was issued for other arguments (provider, sort or direction); keep the arguments the same while paging, or start again without after/before")
	}
	if binary.BigEndian.Uint32(plain[4:8]) != k.credentialsDigest(b.Credentials) {
		return bad("this cursor was issued for other credentials: start again without after/before (a cursor only works with the tokens it was issued for)")
	}
	return parseMarks(plain[8:], bad)
}

// parseMarks reads the edge and the marks of a cursor's payload after its digests.
func parseMarks(body []byte, bad func(string) (Cursor, error)) (Cursor, error) {
	r := bytes.NewReader(body)
	text := string(body) // the marks' ties are slices of it: one allocation for all
	edge, err := binary.ReadVarint(r)
	if err != nil {
		return bad("is malformed")
	}
	n, err := binary.ReadUvarint(r)
	if err != nil || n > MaxStreams || edge < -1 || edge >= int64(n) {
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
		n, err := binary.ReadUvarint(r)
		if err != nil || n > maxTieLen || n > uint64(r.Len()) {
			return bad("is malformed")
		}
		at := len(body) - r.Len()
		tie := text[at : at+int(n)]
		if _, err := r.Seek(int64(n), io.SeekCurrent); err != nil {
			return bad("is malformed")
		}
		c.Marks[i] = Mark{Stream: binary.BigEndian.Uint32(b4[:]), Pos: int(pos),
			Anchor: binary.BigEndian.Uint32(a8[:4]), Anchor2: binary.BigEndian.Uint32(a8[4:]), Key: key, Tie: tie}
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
