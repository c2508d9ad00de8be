package providers

import (
	"context"
	"time"
)

// ViewerTTL is how long a credential's user login is kept by Viewers.
const ViewerTTL = 10 * time.Minute

// Viewers keeps the login of each credential's user per source, so that working out affiliations
// (owner == viewer) costs one upstream request (GET /user) per credential and ViewerTTL, not one per
// page. The zero value is not usable; build it with NewViewers. It is safe for concurrent use.
type Viewers struct {
	c     UserCache[string]
	group flight
}

// NewViewers returns a Viewers keeping at most n logins in memory (n < 1: 1024).
func NewViewers(n int) *Viewers {
	if n < 1 {
		n = 1024
	}
	return &Viewers{c: NewMemoryCache[string](n)}
}

// Login returns the login of token's user on source, calling fetch (once for concurrent callers)
// when it is not kept. fetch's error comes back as it is and nothing is kept.
func (v *Viewers) Login(ctx context.Context, source, token string, fetch func(context.Context) (string, error)) (string, error) {
	if l, ok := v.c.Get(ctx, source, token, "viewer"); ok {
		return l, nil
	}
	out, err := v.group.do(source+"|"+HashToken(token), func() (any, error) {
		l, err := fetch(ctx)
		if err != nil {
			return "", err
		}
		v.c.Set(ctx, source, token, "viewer", l, ViewerTTL)
		return l, nil
	})
	if err != nil {
		return "", err
	}
	return out.(string), nil
}
