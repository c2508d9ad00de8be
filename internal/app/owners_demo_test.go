//go:build unix

package app

import (
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// demoApp serves the embedded demo (no forge configured), without the response micro-cache.
func demoApp(t *testing.T) *httptest.Server {
	t.Helper()
	_, ts := serveApp(t, map[string]string{"RESPONSE_CACHE_TTL": "0"})
	return ts
}

// TestDemoOwners: the demo has owners to try on every forge that lists them: the user octo-dev and
// an organization on GitHub and Gitea, the group acme (whose list holds its subgroups' projects,
// acme/platform/infra among them) on GitLab, and a workspace on Bitbucket, each with repositories.
func TestDemoOwners(t *testing.T) {
	ts := demoApp(t)
	const q = `query($p: Provider!, $l: String!) { repositoryOwner(provider: $p, login: $l) { __typename login
	  repositories(first: 100, sort: FULL_NAME) { totalCount nodes { nameWithOwner } } } }`
	for _, c := range []struct{ p, login, typename, holds string }{
		{"GITHUB", "octo-dev", "User", "octo-dev/"},
		{"GITHUB", "acme-corp", "Organization", "acme-corp/"},
		{"GITLAB", "octo-dev", "User", "octo-dev/"},
		{"GITLAB", "acme", "Organization", "acme/platform/infra/"},
		{"BITBUCKET", "acme-data", "Organization", "acme-data/"},
		{"GITEA", "octo-dev", "User", "octo-dev/"},
		{"GITEA", "acme-tools", "Organization", "acme-tools/"},
	} {
		raw := gql(t, ts, q, map[string]any{"p": c.p, "l": c.login})
		var out struct {
			Data struct {
				RepositoryOwner *struct {
					Typename     string `json:"__typename"`
					Login        string
					Repositories struct {
						TotalCount int
						Nodes      []struct{ NameWithOwner string }
					}
				}
			}
			Errors []any
		}
		if err := json.Unmarshal([]byte(raw), &out); err != nil || len(out.Errors) > 0 || out.Data.RepositoryOwner == nil {
			t.Fatalf("%s %s: %s", c.p, c.login, raw)
		}
		o := out.Data.RepositoryOwner
		found := false
		for _, n := range o.Repositories.Nodes {
			found = found || strings.HasPrefix(n.NameWithOwner, c.holds)
		}
		if o.Typename != c.typename || o.Repositories.TotalCount == 0 || !found {
			t.Errorf("%s %s: %s with %d repositories (none under %s: %v)", c.p, c.login, o.Typename, o.Repositories.TotalCount, c.holds, !found)
		}
	}
}

// TestDemoPublicListPages: the demo's public lists on GitHub and GitLab are longer than three
// upstream pages (GitHub's 30, GitLab's 100), and walk to their end with unique, rising ids.
func TestDemoPublicListPages(t *testing.T) {
	ts := demoApp(t)
	const q = `query($p: Provider!, $after: String) { publicRepositories(provider: $p, first: 100, after: $after) {
	  nodes { id } edges { node { nameWithOwner } } pageInfo { hasNextPage endCursor } } }`
	for _, c := range []struct {
		p       string
		perPage int
	}{{"GITHUB", 30}, {"GITLAB", 100}} {
		var after any
		seen := map[string]bool{}
		for page := 0; ; page++ {
			raw := gql(t, ts, q, map[string]any{"p": c.p, "after": after})
			var out struct {
				Data struct {
					PublicRepositories struct {
						Edges []struct {
							Node struct{ NameWithOwner string }
						}
						PageInfo struct {
							HasNextPage bool
							EndCursor   string
						}
					}
				}
				Errors []any
			}
			if err := json.Unmarshal([]byte(raw), &out); err != nil || len(out.Errors) > 0 || page > 50 {
				t.Fatalf("%s page %d: %s", c.p, page, raw)
			}
			for _, e := range out.Data.PublicRepositories.Edges {
				if seen[e.Node.NameWithOwner] {
					t.Fatalf("%s: %s twice", c.p, e.Node.NameWithOwner)
				}
				seen[e.Node.NameWithOwner] = true
			}
			if !out.Data.PublicRepositories.PageInfo.HasNextPage {
				break
			}
			after = out.Data.PublicRepositories.PageInfo.EndCursor
		}
		if len(seen) <= 3*c.perPage {
			t.Errorf("%s: %d public repositories, not more than 3 upstream pages of %s", c.p, len(seen), strconv.Itoa(c.perPage))
		}
	}
}
