package graph

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/forgegraph/forgegraph/internal/requestid"
	"github.com/forgegraph/forgegraph/providers"
)

// codes maps every error kind to the contract's extensions.code, once for the whole server.
var codes = map[providers.Kind]string{
	providers.KindBadInput:      "BAD_USER_INPUT",
	providers.KindInvalidCursor: "INVALID_CURSOR",
	providers.KindUnauth:        "UNAUTHENTICATED",
	providers.KindForbidden:     "FORBIDDEN",
	providers.KindRateLimited:   "RATE_LIMITED",
	providers.KindUnavailable:   "UPSTREAM_UNAVAILABLE",
	providers.KindBadResponse:   "UPSTREAM_UNAVAILABLE",
	providers.KindTimeout:       "UPSTREAM_TIMEOUT",
	providers.KindNotFound:      "NOT_FOUND",
	providers.KindInternal:      "INTERNAL",
	providers.KindConflict:      "CONFLICT",
	providers.KindNotSupported:  "NOT_SUPPORTED",
}

// providerOf names, for extensions.provider and RateLimit.provider, the forge a source fronts: its
// name in capitals (github -> GITHUB; openhands, which fronts several, -> OPENHANDS).
func providerOf(source string) string { return strings.ToUpper(source) }

// Code returns the extensions.code of a kind: the one mapping from error kinds to codes, used by
// the presenter here and by the HTTP-level errors of internal/server and internal/gqlhttp. An
// unknown or empty kind is INTERNAL.
func Code(k providers.Kind) string {
	if c, ok := codes[k]; ok {
		return c
	}
	return codes[providers.KindInternal]
}

// PresentError is the handler's error presenter: a *providers.Error becomes a GraphQL error with
// extensions code, provider, source and resetAt; gqlgen's parse and validation errors get the code
// BAD_USER_INPUT (their own code stays in extensions.reason); anything else is INTERNAL, logged, and
// shown without internals. Every error carries the request id.
func PresentError(ctx context.Context, err error) *gqlerror.Error {
	var pe *providers.Error
	var ge *gqlerror.Error
	var out *gqlerror.Error
	switch {
	case errors.As(err, &pe):
		out = &gqlerror.Error{Message: pe.Error(), Extensions: map[string]any{"code": Code(pe.Kind)}}
		if errors.As(err, &ge) {
			out.Path, out.Locations = ge.Path, ge.Locations
		} else {
			out.Path = graphql.GetPath(ctx)
		}
		if pe.Source != "" {
			out.Extensions["source"] = pe.Source
			out.Extensions["provider"] = providerOf(pe.Source)
		}
		if !pe.ResetAt.IsZero() {
			out.Extensions["resetAt"] = pe.ResetAt.UTC().Format(time.RFC3339)
		}
	case errors.As(err, &ge):
		out = ge
		if out.Extensions == nil {
			out.Extensions = map[string]any{}
		}
		switch c, _ := out.Extensions["code"].(string); c {
		case errcode.ValidationFailed, errcode.ParseFailed, "COMPLEXITY_LIMIT_EXCEEDED":
			out.Extensions["reason"] = c
			out.Extensions["code"] = Code(providers.KindBadInput)
		case "":
			if ge.Unwrap() != nil {
				slog.ErrorContext(ctx, "resolver error", "err", err.Error())
				out.Message = "internal error"
				out.Extensions["code"] = Code(providers.KindInternal)
			} else {
				out.Extensions["code"] = Code(providers.KindBadInput)
			}
		}
	default:
		slog.ErrorContext(ctx, "resolver error", "err", err.Error())
		out = &gqlerror.Error{Message: "internal error", Path: graphql.GetPath(ctx), Extensions: map[string]any{"code": Code(providers.KindInternal)}}
	}
	if id := requestid.From(ctx); id != "" {
		out.Extensions["requestId"] = id
	}
	return out
}

// Recover turns a panic in a resolver into an INTERNAL error and logs it; the server keeps serving.
func Recover(ctx context.Context, v any) error {
	slog.ErrorContext(ctx, "panic in resolver", "panic", v)
	return providers.Errorf(providers.KindInternal, "", "internal error")
}
