package providers

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/binary"
	"strings"
)

// nestedCursorVersion is the first byte of a nested connection's cursor; it differs from
// cursorVersion, so neither kind of cursor is ever read as the other.
const nestedCursorVersion = 0x4e

// maxNestedCursorLen bounds the accepted text of a nested cursor (version, binding, position, MAC).
const maxNestedCursorLen = 64

// NestedBinding is what a nested connection's cursor is bound to: the repository (its Identity)
// and the field (branches, tags, languages, contributors, teams).
func NestedBinding(repo *Repository, field string) string {
	return repo.Identity() + "\x00" + field
}

// nestedDigest is the 8-byte digest of a binding held in the cursor: keyed (an HMAC under the
// codec's secret), so a cursor cannot be checked against a guessed repository name.
func (k *Codec) nestedDigest(binding string) []byte {
	return k.mac(nestedBindingDomain, []byte(binding))[:8]
}

// Domain bytes of the nested cursors' MACs, apart from the list cursors' ones.
var (
	nestedBindingDomain = []byte{'b'}
	nestedTagDomain     = []byte{'n'}
)

// EncodeNested returns the opaque, signed cursor of position pos (from 0) of the nested list
// binding names (see NestedBinding). It holds no token or URL.
func (k *Codec) EncodeNested(binding string, pos int) string {
	buf := make([]byte, 0, 1+8+binary.MaxVarintLen64+16)
	buf = append(buf, nestedCursorVersion)
	buf = append(buf, k.nestedDigest(binding)...)
	buf = binary.AppendUvarint(buf, uint64(pos))
	buf = append(buf, k.mac(nestedTagDomain, buf)...)
	return base64.RawURLEncoding.EncodeToString(buf)
}

// DecodeNested checks a cursor made by EncodeNested for binding and returns its position. It fails
// with a KindInvalidCursor *Error when the text was not issued by a codec with this secret, was
// altered, or was issued for another repository or field (a branches cursor given to tags).
func (k *Codec) DecodeNested(binding, text string) (int, error) {
	bad := func(why string) (int, error) {
		return 0, Errorf(KindInvalidCursor, "", "cursor %s: %s", shorten(text), why)
	}
	if len(text) > maxNestedCursorLen {
		return bad("is too long to be a cursor of this field; use a cursor from a previous answer")
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(text)
	if err != nil || strings.ContainsAny(text, "\r\n") || len(raw) < 1+8+1+16 {
		return bad("is not a forgegraph cursor; use the cursor or pageInfo.endCursor/startCursor of a previous answer of this field")
	}
	body, sig := raw[:len(raw)-16], raw[len(raw)-16:]
	if !hmac.Equal(sig, k.mac(nestedTagDomain, body)) {
		return bad("was not issued by this server or was altered; start again without after/before")
	}
	if body[0] != nestedCursorVersion {
		return bad("was not issued for this field; use a cursor of the same field of the same repository, or start again without after/before")
	}
	if string(body[1:9]) != string(k.nestedDigest(binding)) {
		return bad("was issued for another repository or another field; use a cursor of the same field of the same repository, or start again without after/before")
	}
	pos, n := binary.Uvarint(body[9:])
	if n <= 0 || 9+n != len(body) || pos > 1<<31 {
		return bad("is malformed")
	}
	return int(pos), nil
}
