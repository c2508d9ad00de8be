package providers

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Credentials holds, per source name ("github", "gitlab", "bitbucket", "codearts", "openhands"), the
// token a request uses: the request's own header when given, else the server-held one. A missing or
// empty entry means the request has no token for that source.
type Credentials map[string]string

// Token returns the token for source, "" when there is none.
func (c Credentials) Token(source string) string { return c[source] }

// credentialKey keys HashToken. It is process-wide on purpose: the hash is built into cache keys by
// code in many packages (stream ids and whole-list keys here, rate-limit keys in providers/rest,
// workspace-list keys in providers/bitbucket) that the server reaches through each forge's
// configuration, and a process has exactly one server secret. Threading a hasher through every
// forge's Config and Query would touch all of them for one value that never varies while serving.
// It is random until SetCredentialSecret is called (so a process that never calls it still keys
// its hashes, with a key of its own).
var credentialKey atomic.Pointer[[]byte]

func init() {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	credentialKey.Store(&k)
}

// SetCredentialSecret keys HashToken with a key derived from secret (HMAC-SHA256 with a label of its
// own, so it is independent of the cursor keys derived from the same secret). The server calls it
// once at start with CURSOR_SECRET, which replicas already share: replicas then compute the same
// hashes and share the cache entries of one credential, and someone who can read Redis but does not
// know the secret cannot confirm a guessed token from a key. An empty secret keeps the current key.
// It returns a function that restores the previous key (for tests). Hashes computed before the call
// do not match the ones computed after.
func SetCredentialSecret(secret []byte) (restore func()) {
	prev := credentialKey.Load()
	if len(secret) > 0 {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("forgegraph credential hash v1"))
		k := m.Sum(nil)
		credentialKey.Store(&k)
	}
	return func() { credentialKey.Store(prev) }
}

// HashToken returns a hex HMAC-SHA256 (first 16 bytes) of a token under the server's credential key
// (SetCredentialSecret), for cache keys, stream ids and cursor bindings; it is "" for "". The token
// itself never appears in a key, log, error, cursor or metric, and without the key a hash cannot be
// checked against a guessed token.
func HashToken(token string) string {
	if token == "" {
		return ""
	}
	key := credentialKey.Load()
	x, _ := tokenHashers.Get().(*tokenHasher)
	if x == nil || x.key != key {
		x = &tokenHasher{key: key, mac: hmac.New(sha256.New, *key)}
	} else {
		x.mac.Reset()
	}
	x.mac.Write([]byte(token))
	var sum [sha256.Size]byte
	out := hex.EncodeToString(x.mac.Sum(sum[:0])[:16])
	tokenHashers.Put(x)
	return out
}

// tokenHasher is a reusable HMAC under one credential key: HashToken runs several times per request
// and hmac.New (the key's pads) was most of its cost. A pooled hasher whose key has since changed
// (SetCredentialSecret) is dropped, never reused.
type tokenHasher struct {
	key *[]byte
	mac hash.Hash
}

var tokenHashers sync.Pool

// CredentialSet names, for Binding.Credentials, the credentials c holds for the named sources: each
// source with HashToken of its token, in name order, so the same set is spelled the same way
// whatever the order of sources. A source without a token counts as one (its entry is empty). It
// never holds a token.
func CredentialSet(c Credentials, sources []string) string {
	names := slices.Clone(sources)
	slices.Sort(names)
	names = slices.Compact(names)
	var b strings.Builder
	for _, s := range names {
		b.WriteString(s)
		b.WriteByte('=')
		b.WriteString(HashToken(c.Token(s)))
		b.WriteByte(';')
	}
	return b.String()
}

type credentialsKey struct{}

// WithCredentials returns a context carrying c.
func WithCredentials(ctx context.Context, c Credentials) context.Context {
	return context.WithValue(ctx, credentialsKey{}, c)
}

// CredentialsFrom returns the credentials in ctx, nil when none were set.
func CredentialsFrom(ctx context.Context) Credentials {
	c, _ := ctx.Value(credentialsKey{}).(Credentials)
	return c
}
