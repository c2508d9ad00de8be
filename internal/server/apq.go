package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/forgegraph/forgegraph/graph"
	"github.com/forgegraph/forgegraph/internal/cache"
	"github.com/forgegraph/forgegraph/providers"
)

// persistedQueries is Apollo's automatic persisted queries (the protocol of gqlgen's
// extension.AutomaticPersistedQuery: a hash-only request that misses is answered
// PERSISTED_QUERY_NOT_FOUND, the client then sends the query with its hash) with two differences:
// a query is stored only once it has parsed, validated and passed the other checks of the
// operation (complexity, depth), so a stream of junk registrations cannot fill the store; and a
// query longer than cache.MaxPersistedQueryBytes is refused (BAD_USER_INPUT) rather than stored.
// It must be the last operation context mutator the server uses, so that it sees the others pass.
type persistedQueries struct {
	store graphql.Cache[string]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = persistedQueries{}

// apqStats is the name under which the operation's extension.ApqStats are kept (gqlgen's, so
// extension.GetApqStats works).
const apqStats = "APQ"

// ReasonPersistedQueryTooLarge is the extensions.reason of a query over
// cache.MaxPersistedQueryBytes sent for registration.
const ReasonPersistedQueryTooLarge = "PERSISTED_QUERY_TOO_LARGE"

// ExtensionName implements graphql.HandlerExtension.
func (persistedQueries) ExtensionName() string { return "AutomaticPersistedQuery" }

// Validate implements graphql.HandlerExtension.
func (p persistedQueries) Validate(graphql.ExecutableSchema) error {
	if p.store == nil {
		return errors.New("persisted queries need a store")
	}
	return nil
}

// MutateOperationParameters implements graphql.OperationParameterMutator: a hash-only request
// gets its query from the store (or PERSISTED_QUERY_NOT_FOUND); a query sent with its hash is
// checked (hash, length) and noted for registration once it validates.
func (p persistedQueries) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	if raw.Extensions["persistedQuery"] == nil {
		return nil
	}
	// gqlhttp has checked the extension's shape (and the hash of a query sent with it) already,
	// with messages of its own; these checks keep the handler safe on its own.
	ext, _ := raw.Extensions["persistedQuery"].(map[string]any)
	if ext == nil || fmt.Sprint(ext["version"]) != "1" {
		return gqlerror.Errorf(`unsupported persisted query: send extensions.persistedQuery as {"version": 1, "sha256Hash": "<hex SHA-256 of the query>"}`)
	}
	hash, _ := ext["sha256Hash"].(string)
	hash = strings.ToLower(hash)
	if raw.Query == "" {
		q, ok := p.store.Get(ctx, hash)
		if !ok {
			err := gqlerror.Errorf("PersistedQueryNotFound")
			errcode.Set(err, "PERSISTED_QUERY_NOT_FOUND")
			return err
		}
		raw.Query = q
		graphql.GetOperationContext(ctx).Stats.SetExtension(apqStats, &extension.ApqStats{Hash: hash})
		return nil
	}
	if n := len(raw.Query); n > cache.MaxPersistedQueryBytes {
		return &gqlerror.Error{
			Message: fmt.Sprintf("a persisted query may be at most %d bytes and this one is %d: send the query without extensions.persistedQuery (it runs without being registered)",
				cache.MaxPersistedQueryBytes, n),
			Extensions: map[string]any{"code": graph.Code(providers.KindBadInput), "reason": ReasonPersistedQueryTooLarge},
		}
	}
	if sum := sha256.Sum256([]byte(raw.Query)); hex.EncodeToString(sum[:]) != hash {
		return gqlerror.Errorf("extensions.persistedQuery.sha256Hash is not the SHA-256 of the query: hash the exact query text sent (UTF-8)")
	}
	graphql.GetOperationContext(ctx).Stats.SetExtension(apqStats, &extension.ApqStats{Hash: hash, SentQuery: true})
	return nil
}

// MutateOperationContext implements graphql.OperationContextMutator: it runs after parsing,
// validation, variable coercion and the mutators registered before it, and stores a query sent
// for registration only then.
func (p persistedQueries) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if s, _ := op.Stats.GetExtension(apqStats).(*extension.ApqStats); s != nil && s.SentQuery {
		p.store.Add(context.WithoutCancel(ctx), s.Hash, op.RawQuery)
	}
	return nil
}
