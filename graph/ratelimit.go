package graph

import (
	"context"

	"github.com/forgegraph/forgegraph/graph/model"
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// RateLimits answers Viewer.rateLimit: for every enabled source, the quota its forge last reported
// for the request's credential of that source. It asks no forge.
func (r *Resolver) RateLimits(ctx context.Context) []*model.RateLimit {
	creds := providers.CredentialsFrom(ctx)
	out := make([]*model.RateLimit, 0, len(r.Sources))
	for _, s := range r.Sources {
		rl := &model.RateLimit{Source: s.Name(), Provider: providerOf(s.Name())}
		if r.Limits != nil {
			if rate, ok := r.Limits.Get(ctx, rest.LimitKey(s.Name(), creds.Token(s.Name()))); ok && rate.Known {
				rl.Known = true
				if rate.Limit > 0 {
					rl.Limit = &rate.Limit
				}
				if rate.Remaining >= 0 {
					rl.Remaining = &rate.Remaining
				}
				if !rate.Reset.IsZero() {
					t := rate.Reset.UTC()
					rl.ResetAt = &t
				}
			}
		}
		out = append(out, rl)
	}
	return out
}
