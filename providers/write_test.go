package providers

import (
	"context"
	"strings"
	"testing"
)

// TestValidationBounded: a forge's validation reasons are kept to three of at most 200 characters
// each (plus the ellipsis), without control characters; none gives a plain message.
func TestValidationBounded(t *testing.T) {
	long := strings.Repeat("x", 500)
	e := Validation("github", []string{"", "name\nis invalid", long, "third", "fourth"})
	if e.Kind != KindBadInput || !strings.Contains(e.Msg, "nameis invalid") || strings.Contains(e.Msg, "fourth") ||
		strings.Contains(e.Msg, strings.Repeat("x", 201)) || strings.ContainsAny(e.Msg, "\n\r") {
		t.Fatalf("%q", e.Msg)
	}
	if e := Validation("github", nil); e.Kind != KindBadInput || !strings.Contains(e.Msg, "refused the input") {
		t.Fatalf("%+v", e)
	}
}

// TestAmbiguous: only failures that may have reached the forge say the outcome is unknown.
func TestAmbiguous(t *testing.T) {
	for _, k := range []Kind{KindUnavailable, KindTimeout} {
		err := Ambiguous(Errorf(k, "github", "forge error"), "github", "may have been created", "repository(x)")
		if KindOf(err) != k || !strings.Contains(err.Error(), "may have been created: check with repository(x) before retrying") {
			t.Fatalf("%s: %v", k, err)
		}
	}
	if err := Ambiguous(context.DeadlineExceeded, "github", "may have been deleted", "q"); KindOf(err) != KindTimeout || !strings.Contains(err.Error(), "may have been deleted") {
		t.Fatalf("deadline: %v", err)
	}
	for _, k := range []Kind{KindConflict, KindForbidden, KindNotFound, KindBadInput} {
		in := Errorf(k, "github", "plain")
		if err := Ambiguous(in, "github", "may have been created", "q"); err != error(in) {
			t.Fatalf("%s rewritten: %v", k, err)
		}
	}
	if Ambiguous(nil, "github", "x", "q") != nil {
		t.Fatal("nil rewritten")
	}
}

// TestFromHeader: only sources recorded as sent in a header count.
func TestFromHeader(t *testing.T) {
	ctx := WithHeaderSources(context.Background(), map[string]bool{"github": true})
	if !FromHeader(ctx, "github") || FromHeader(ctx, "gitlab") || FromHeader(context.Background(), "github") {
		t.Fatal("FromHeader")
	}
}
