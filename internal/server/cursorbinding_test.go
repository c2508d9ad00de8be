package server_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/providertest"
)

// A cursor issued to a request with one GitHub token, given back with another, is INVALID_CURSOR
// with a message that says to start again; with the same token (and with another token for a
// source the list does not ask) it pages on.
func TestCursorFromOtherCredentials(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	gh := providertest.NewSource("github", repos(rng, providers.GitHub, "octo", 5))
	gh.Token = "" // any token is accepted
	gl := providertest.NewSource("gitlab", repos(rng, providers.GitLab, "grp", 5))
	gl.Token = ""
	ts := newServer(t, map[string]string{"CURSOR_SECRET": "s"}, gh, gl)

	first := post(t, ts, listQuery, map[string]any{"first": 3}, "X-GitHub-Token", "token-x", "X-GitLab-Token", "gl")
	end := decode(t, first).Viewer.Repositories.PageInfo.EndCursor
	if len(first.Errors) > 0 || end == nil {
		t.Fatalf("first page: %+v", first.Errors)
	}
	r := post(t, ts, listQuery, map[string]any{"first": 3, "after": *end}, "X-GitHub-Token", "token-x", "X-GitLab-Token", "gl")
	if len(r.Errors) > 0 || len(decode(t, r).Viewer.Repositories.Edges) != 3 {
		t.Fatalf("same credentials: %+v", r.Errors)
	}
	for name, headers := range map[string][]string{
		"another github token": {"X-GitHub-Token", "token-y", "X-GitLab-Token", "gl"},
		"no gitlab token":      {"X-GitHub-Token", "token-x"},
	} {
		for _, arg := range []string{"after", "before"} {
			r := post(t, ts, listQuery, map[string]any{"first": 3, arg: *end}, headers...)
			if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "INVALID_CURSOR" ||
				!strings.Contains(r.Errors[0].Message, "this cursor was issued for other credentials: start again without after/before") {
				t.Fatalf("%s, %s: %+v", name, arg, r.Errors)
			}
			if strings.Contains(r.Errors[0].Message, "token-") {
				t.Fatalf("the error names a token: %q", r.Errors[0].Message)
			}
		}
	}
	// A list that does not ask GitLab is not bound to its token.
	one := post(t, ts, listQuery, map[string]any{"first": 2, "p": "GITHUB"}, "X-GitHub-Token", "token-x", "X-GitLab-Token", "gl")
	end = decode(t, one).Viewer.Repositories.PageInfo.EndCursor
	r = post(t, ts, listQuery, map[string]any{"first": 2, "p": "GITHUB", "after": *end}, "X-GitHub-Token", "token-x", "X-GitLab-Token", "other")
	if len(r.Errors) > 0 {
		t.Fatalf("provider: GITHUB with another GitLab token: %+v", r.Errors)
	}
}
