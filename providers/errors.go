package providers

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Kind classifies an Error. The GraphQL layer maps each kind to one extensions.code.
type Kind string

// The error kinds. Each maps to the contract's code of the same meaning.
const (
	KindBadInput      Kind = "BAD_USER_INPUT"
	KindInvalidCursor Kind = "INVALID_CURSOR"
	KindUnauth        Kind = "UNAUTHENTICATED"
	KindForbidden     Kind = "FORBIDDEN"
	KindRateLimited   Kind = "RATE_LIMITED"
	KindUnavailable   Kind = "UPSTREAM_UNAVAILABLE"
	KindTimeout       Kind = "UPSTREAM_TIMEOUT"
	// KindBadResponse is a forge answer we could not understand; it is reported as
	// UPSTREAM_UNAVAILABLE.
	KindBadResponse Kind = "BAD_RESPONSE"
	KindNotFound    Kind = "NOT_FOUND"
	KindInternal    Kind = "INTERNAL"
	// KindConflict is a write the forge refused because of the repository's state, e.g. the name is
	// taken (HTTP 409, GitHub's 422 "name already exists").
	KindConflict Kind = "CONFLICT"
	// KindNotSupported is an operation the forge (or forgegraph's support of it) does not have.
	KindNotSupported Kind = "NOT_SUPPORTED"
)

// Error is the one error type of forgegraph. Source is the configured source that failed ("github",
// "openhands", ...), empty for input errors; ResetAt is set for rate limits when the forge says when
// its quota returns. Err is the wrapped cause and never holds a token.
type Error struct {
	Kind    Kind
	Source  string
	ResetAt time.Time
	Msg     string
	Err     error
	// wrapped is what Errorf's %w verbs wrapped: reachable by errors.Is and errors.As, already part
	// of Msg, so not printed again.
	wrapped error
}

// Error returns "source: message: cause".
func (e *Error) Error() string {
	s := e.Msg
	if e.Source != "" {
		s = e.Source + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the causes errors.Is and errors.As look through: Err and what Errorf's %w verbs
// wrapped; nil when there are none.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Err != nil {
		out = append(out, e.Err)
	}
	if e.wrapped != nil {
		out = append(out, e.wrapped)
	}
	return out
}

// Errorf builds an *Error of the given kind for a source ("" for none), its message formatted as
// fmt.Errorf does. Operands of %w verbs are wrapped: errors.Is and errors.As find them through the
// result, while the message shows them once, where the verb stands.
func Errorf(kind Kind, source, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	e := &Error{Kind: kind, Source: source, Msg: err.Error()}
	switch err.(type) {
	case interface{ Unwrap() error }, interface{ Unwrap() []error }:
		e.wrapped = err
	}
	return e
}

// KindOf returns the kind of err: the kind of the first *Error in its chain, KindTimeout for a
// deadline, KindInternal otherwise. A nil err has kind "".
func KindOf(err error) Kind {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return KindTimeout
	}
	return KindInternal
}

// AsError returns err as an *Error, wrapping errors of other types with kind KindOf(err) for source.
// It returns nil for nil.
func AsError(err error, source string) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		if e.Source == "" && source != "" {
			c := *e
			c.Source = source
			return &c
		}
		return e
	}
	return &Error{Kind: KindOf(err), Source: source, Msg: "request failed", Err: err}
}
