package providers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// Credentials holds, per source name ("github", "gitlab", "bitbucket", "codearts", "openhands"), the
// token a request uses: the request's own header when given, else the server-held one. A missing or
// empty entry means the request has no token for that source.
type Credentials map[string]string

// Token returns the token for source, "" when there is none.
func (c Credentials) Token(source string) string { return c[source] }

// HashToken returns a hex SHA-256 of a token for use in cache keys; it is "" for "". The token itself
// never appears in a key, log, error, cursor or metric.
func HashToken(token string) string {
	if token == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("forgegraph-credential\x00" + token))
	return hex.EncodeToString(sum[:16])
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
