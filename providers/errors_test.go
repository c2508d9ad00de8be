package providers_test

import (
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// TestErrorfWraps: %w in Errorf wraps like fmt.Errorf: errors.Is and errors.As reach the operand,
// the message shows it once, and the kind and source stay the Error's.
func TestErrorfWraps(t *testing.T) {
	pathErr := &fs.PathError{Op: "open", Path: "x", Err: fs.ErrNotExist}
	e := providers.Errorf(providers.KindUnavailable, "github", "read page %d: %w (and %w)", 3, io.ErrUnexpectedEOF, pathErr)
	if !errors.Is(e, io.ErrUnexpectedEOF) || !errors.Is(e, fs.ErrNotExist) {
		t.Errorf("errors.Is does not reach the %%w operands of %v", e)
	}
	var pe *fs.PathError
	if !errors.As(e, &pe) || pe != pathErr {
		t.Errorf("errors.As does not reach the *fs.PathError of %v", e)
	}
	want := "github: read page 3: unexpected EOF (and open x: file does not exist)"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	if providers.KindOf(e) != providers.KindUnavailable {
		t.Errorf("kind %s", providers.KindOf(e))
	}
	// An Error wrapped with %w inside another keeps the outer kind for KindOf.
	outer := providers.Errorf(providers.KindInternal, "", "while listing: %w", providers.Errorf(providers.KindTimeout, "gitlab", "slow"))
	if providers.KindOf(outer) != providers.KindInternal || strings.Count(outer.Error(), "slow") != 1 {
		t.Errorf("outer: kind %s, message %q", providers.KindOf(outer), outer.Error())
	}
	// Err and %w operands are both reachable; without %w nothing is wrapped.
	both := providers.Errorf(providers.KindInternal, "", "x: %w", io.EOF)
	both.Err = fs.ErrPermission
	if !errors.Is(both, io.EOF) || !errors.Is(both, fs.ErrPermission) {
		t.Errorf("Err and %%w operand not both reachable: %v", both)
	}
	if plain := providers.Errorf(providers.KindInternal, "", "no cause %d", 1); plain.Unwrap() != nil || plain.Error() != "no cause 1" {
		t.Errorf("plain: %q unwraps to %v", plain.Error(), plain.Unwrap())
	}
}
