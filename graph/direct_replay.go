package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/forgegraph/forgegraph/graph/model"
)

// replay is what Direct already resolved for a root viewer field when it hands the field to
// gqlgen's executor: each repositories field's resolver answer, by alias, and the totalCount
// answers read (kept in the connection itself). The executor then reuses them, so a resolver's
// upstream reads and the errors it added happen once.
type replay struct {
	conns map[string]*directConn
}

type directReplayKey struct{}

// replay collects the run's resolved connections; their Count answers the counts already read
// (by the totalCount field's alias) and reads the others as before.
func (r *directRun) replay() *replay {
	rp := &replay{conns: map[string]*directConn{}}
	for _, c := range r.conns {
		if !c.done {
			continue
		}
		rp.conns[c.field.Alias] = c
		if c.conn != nil && len(c.count) > 0 {
			counts, read := c.count, c.conn.Count
			c.conn.Count = func(ctx context.Context) (int, error) {
				if fc := graphql.GetFieldContext(ctx); fc != nil {
					if a, ok := counts[fc.Field.Alias]; ok {
						return a.n, a.err
					}
				}
				if read == nil {
					return 0, nil
				}
				return read(ctx)
			}
		}
	}
	return rp
}

func withReplay(ctx context.Context, rp *replay) context.Context {
	return context.WithValue(ctx, directReplayKey{}, rp)
}

// replayedRepositories returns the answer Direct already had for the repositories field being
// resolved (by its alias), false when there is none: then the resolver resolves it.
func replayedRepositories(ctx context.Context) (*model.RepositoryConnection, error, bool) {
	rp, _ := ctx.Value(directReplayKey{}).(*replay)
	if rp == nil {
		return nil, nil, false
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return nil, nil, false
	}
	c, ok := rp.conns[fc.Field.Alias]
	if !ok {
		return nil, nil, false
	}
	return c.conn, c.err, true
}
