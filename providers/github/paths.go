package github

import (
	"net/url"
	"strings"

	"github.com/forgegraph/forgegraph/providers"
)

// dots reports whether a path segment is "." or "..", which a server would resolve to another
// resource than the repository's.
func dots(seg string) bool { return seg == "." || seg == ".." }

// repoPath is the API path of repository nameWithOwner (owner/name), each segment escaped, with the
// sub-resource segments after it: repoPath("o/r", "branches") is /repos/o/r/branches. It fails
// with KindBadInput when the path is not owner/name (or a segment is "." or "..").
func repoPath(nameWithOwner string, sub ...string) (string, error) {
	owner, name, ok := strings.Cut(nameWithOwner, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") || dots(owner) || dots(name) {
		return "", providers.Errorf(providers.KindBadInput, SourceName, "repository path %q is not owner/name", nameWithOwner)
	}
	p := "/repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name)
	for _, s := range sub {
		p += "/" + url.PathEscape(s)
	}
	return p, nil
}
