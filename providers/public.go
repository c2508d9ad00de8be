package providers

// This file is Query.publicRepositories: every public repository of a forge in the forge's id
// order, paged by keyset (the id of the last repository shown), forward only, with sealed cursors
// that carry that id and never a page number, so repositories added meanwhile never shift a page.

import (
	"context"
	"crypto/cipher"
	"crypto/hmac"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"
)

// PublicLister is implemented by the sources that list their forge's public repositories by id
// (GitHub GET /repositories?since=, GitLab GET /projects?visibility=public&pagination=keyset).
type PublicLister interface {
	// Public returns one upstream page of the public repositories whose forge id (a number) is
	// greater than after (0: from the start), in ascending id order; more reports whether the
	// forge says another page follows. Errors are *Error values.
	Public(ctx context.Context, token string, after uint64) (items []Repository, more bool, err error)
}

// PublicEdge is one repository of a public page and its keyset position (its forge id).
type PublicEdge struct {
	Node *Repository
	Pos  uint64
}

// PublicPage returns up to first public repositories of l after the keyset position after, reading
// as many upstream pages as it takes, and whether more follow. A repository whose id is not a
// number, or not greater than the one before it, is a KindBadResponse error for source: the keyset
// would not be exact. hasNext is exact when the page ends inside an upstream page, else it is what
// the forge said of its last page.
func PublicPage(ctx context.Context, l PublicLister, source, token string, after uint64, first int) (edges []PublicEdge, hasNext bool, err error) {
	if first <= 0 {
		return nil, false, nil
	}
	// Every page adds a repository or ends the walk (an empty page that says more follow is an
	// error), so at most first+1 upstream pages are read.
	pos := after
	for {
		items, more, err := l.Public(ctx, token, pos)
		if err != nil {
			return nil, false, err
		}
		for i := range items {
			id, err := strconv.ParseUint(items[i].ForgeID, 10, 64)
			if err != nil || id <= pos {
				return nil, false, Errorf(KindBadResponse, source, "public repository %q has id %q, not a number greater than %d: the list is not in id order", items[i].NameWithOwner, items[i].ForgeID, pos)
			}
			if len(edges) == first {
				return edges, true, nil
			}
			pos = id
			edges = append(edges, PublicEdge{Node: &items[i], Pos: id})
		}
		if !more || len(edges) == first {
			return edges, more, nil
		}
		if len(items) == 0 {
			return nil, false, Errorf(KindBadResponse, source, "an empty page of public repositories says another page follows")
		}
	}
}

// publicCursorVersion is the first byte of a publicRepositories cursor; it differs from the list's
// and the nested connections' versions, so no cursor is read as another kind.
const publicCursorVersion = 0x50

// maxPublicCursorLen bounds the accepted text of a public cursor.
const maxPublicCursorLen = 80

// publicTagDomain keeps the public cursors' MACs apart from every other cursor's.
var publicTagDomain = []byte{'p'}

// PublicBinding is what a public cursor is bound to: the provider and the request's credential set
// for the source that lists it (CredentialSet).
func PublicBinding(p Provider, credentials string) string {
	return string(p) + "\x00" + credentials
}

// EncodePublic returns the opaque cursor of keyset position pos (the forge id of the edge's
// repository) of the public list binding names. It is sealed like the list's cursors (SIV: an HMAC
// tag and AES-CTR under that tag), holds no token or URL, and is the same text for the same
// position.
func (k *Codec) EncodePublic(binding string, pos uint64) string {
	plain := k.mac(nestedBindingDomain, []byte("public\x00"+binding))[:8]
	plain = binary.AppendUvarint(plain, pos)
	out := make([]byte, 1+tagLen+len(plain))
	out[0] = publicCursorVersion
	copy(out[1:], k.mac(publicTagDomain, plain))
	cipher.NewCTR(k.block, out[1:1+tagLen]).XORKeyStream(out[1+tagLen:], plain)
	return base64.RawURLEncoding.EncodeToString(out)
}

// DecodePublic opens a cursor made by EncodePublic for binding and returns its keyset position. It
// fails with a KindInvalidCursor *Error when the text was not issued by a codec with this secret,
// was altered, or was issued for another provider or other credentials.
func (k *Codec) DecodePublic(binding, text string) (uint64, error) {
	bad := func(why string) (uint64, error) {
		return 0, Errorf(KindInvalidCursor, "", "cursor %s: %s", shorten(text), why)
	}
	if len(text) > maxPublicCursorLen {
		return bad("is too long to be a publicRepositories cursor; use a cursor from a previous answer")
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(text)
	if err != nil || strings.ContainsAny(text, "\r\n") || len(raw) < 1+tagLen+8+1 {
		return bad("is not a publicRepositories cursor; use the cursor or pageInfo.endCursor of a previous publicRepositories answer")
	}
	if raw[0] != publicCursorVersion {
		return bad("was not issued by publicRepositories; use a cursor of the same field, or start again without after")
	}
	tag := raw[1 : 1+tagLen]
	plain := make([]byte, len(raw)-1-tagLen)
	cipher.NewCTR(k.block, tag).XORKeyStream(plain, raw[1+tagLen:])
	if !hmac.Equal(tag, k.mac(publicTagDomain, plain)) {
		return bad("was not issued by this server or was altered; start again without after")
	}
	if !hmac.Equal(plain[:8], k.mac(nestedBindingDomain, []byte("public\x00"+binding))[:8]) {
		return bad("was issued for another provider or other credentials; keep them while paging, or start again without after")
	}
	pos, n := binary.Uvarint(plain[8:])
	if n <= 0 || 8+n != len(plain) {
		return bad("is malformed")
	}
	return pos, nil
}
