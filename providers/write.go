package providers

import (
	"context"
	"errors"
	"strings"
)

// CreateInput is what a new repository is made with. Optional fields are nil when not given (the
// forge's default applies).
type CreateInput struct {
	// Owner is the user, organization, group path or workspace; "" means the viewer's own account.
	Owner string
	// Name is the new repository's name (its last path segment).
	Name string
	// Visibility is PUBLIC, PRIVATE or INTERNAL.
	Visibility        Visibility
	Description       *string
	HomepageURL       *string
	HasIssuesEnabled  *bool
	HasWikiEnabled    *bool
	AutoInit          *bool
	GitignoreTemplate *string
	LicenseTemplate   *string
}

// UpdateInput lists the changes to a repository; nil fields stay as they are.
type UpdateInput struct {
	Name             *string
	Description      *string
	HomepageURL      *string
	Visibility       *Visibility
	HasIssuesEnabled *bool
	HasWikiEnabled   *bool
	DefaultBranch    *string
	IsArchived       *bool
}

// Empty reports whether u changes nothing.
func (u UpdateInput) Empty() bool { return u == UpdateInput{} }

// Writer is the capability of a Source whose forge can create, change and delete repositories
// (implemented in providers/<forge>/write.go). A source without it answers every mutation with
// KindNotSupported. Every method sends its write once, never retried; errors are *Error values:
// KindConflict (name taken), KindBadInput (the forge's validation, its reason in plain words),
// KindForbidden, KindNotFound, and KindUnavailable/KindTimeout whose message says the outcome is
// unknown (see Ambiguous).
type Writer interface {
	// CreateRepository creates a repository on forge p (the source's forge) and returns it.
	CreateRepository(ctx context.Context, token string, p Provider, in CreateInput) (*Repository, error)
	// UpdateRepository applies in to the repository id names and returns it as it is after.
	UpdateRepository(ctx context.Context, token string, id GlobalID, in UpdateInput) (*Repository, error)
	// DeleteRepository deletes the repository id names. note, when not "", tells the client
	// something about the deletion (GitLab may delete later).
	DeleteRepository(ctx context.Context, token string, id GlobalID) (note string, err error)
}

// Ambiguous rewrites a failure of a write that may have reached the forge (a timeout, a 5xx, a
// connection lost after sending) so that its message says the outcome is unknown and how to check:
// what is "may have been created", "may have been deleted", ... and check names the query to run.
// Other errors, and nil, are returned as they are.
func Ambiguous(err error, source, what, check string) error {
	switch KindOf(err) {
	case KindUnavailable, KindTimeout, KindBadResponse:
	default:
		return err
	}
	e := AsError(err, source)
	c := *e
	c.Msg = "the outcome is unknown, the repository " + what + ": check with " + check + " before retrying (" + e.Msg + ")"
	c.Err = nil
	return &c
}

// Validation builds the KindBadInput error of a forge's validation failure (HTTP 422/400) from the
// reasons the forge gave, bounded: at most 3 reasons of at most 200 characters, control characters
// dropped. Without reasons it says only that the forge refused the input.
func Validation(source string, reasons []string) *Error {
	var clean []string
	for _, r := range reasons {
		r = strings.Map(func(c rune) rune {
			if c < ' ' || c == 0x7f {
				return -1
			}
			return c
		}, strings.TrimSpace(r))
		if r == "" {
			continue
		}
		if len(r) > 200 {
			r = r[:200] + "…"
		}
		clean = append(clean, r)
		if len(clean) == 3 {
			break
		}
	}
	if len(clean) == 0 {
		return Errorf(KindBadInput, source, "the forge refused the input (validation failed): check the name and fields")
	}
	return Errorf(KindBadInput, source, "the forge refused the input: %s", strings.Join(clean, "; "))
}

type headerSourcesKey struct{}

// WithHeaderSources returns a context recording which sources' credentials came from the request's
// own headers (the others, if any, are server-held): mutations with a server-held token need
// ALLOW_MUTATIONS.
func WithHeaderSources(ctx context.Context, sources map[string]bool) context.Context {
	return context.WithValue(ctx, headerSourcesKey{}, sources)
}

// FromHeader reports whether ctx's credential for source came from a request header; false when
// it is server-held, absent, or nothing was recorded.
func FromHeader(ctx context.Context, source string) bool {
	m, _ := ctx.Value(headerSourcesKey{}).(map[string]bool)
	return m[source]
}

// ErrNoWriter is the cause of KindNotSupported for a source that cannot write.
var ErrNoWriter = errors.New("this forge does not support writes through forgegraph")
