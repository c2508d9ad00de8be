package graph

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// TestCodesAreWrittenOnce: the extensions.code strings of error kinds are written out only in
// this package's codes table (and, as the kinds' own values, in providers/errors.go). Any other
// non-test Go file that writes one (an HTTP-level error in internal/server, say) must use Code,
// or a change of a code would miss it.
func TestCodesAreWrittenOnce(t *testing.T) {
	wanted := map[string]bool{}
	for _, c := range codes {
		wanted[c] = true
	}
	allowed := map[string]bool{"graph/errors.go": true, "providers/errors.go": true}
	// Strings that are a code by coincidence: the UPSTREAM_TIMEOUT environment variable, the
	// RepositoryVisibility enum value INTERNAL, and the error types of GitHub's GraphQL answers
	// (read by the GitHub source, written by its fake).
	notCodes := map[string]bool{"internal/config/config.go UPSTREAM_TIMEOUT": true, "providers/detail.go INTERNAL": true,
		"providers/github/query.go NOT_FOUND": true, "providers/github/query.go RATE_LIMITED": true,
		"providers/github/query.go FORBIDDEN": true, "providers/github/fake/graphql.go NOT_FOUND": true}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") || rel == "graph/generated.go" || allowed[rel] {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(lit.Value); err == nil && wanted[s] && !notCodes[rel+" "+s] {
				t.Errorf("%s writes the code %q: use graph.Code(providers.Kind...) instead", rel, s)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEveryKindHasACode: each kind maps to a code; an unknown kind is INTERNAL.
func TestEveryKindHasACode(t *testing.T) {
	for _, k := range []providers.Kind{providers.KindBadInput, providers.KindInvalidCursor, providers.KindUnauth,
		providers.KindForbidden, providers.KindRateLimited, providers.KindUnavailable, providers.KindTimeout,
		providers.KindBadResponse, providers.KindNotFound, providers.KindInternal} {
		if _, ok := codes[k]; !ok {
			t.Errorf("kind %s has no code", k)
		}
	}
	if Code("NO_SUCH_KIND") != codes[providers.KindInternal] {
		t.Errorf("unknown kind: %q", Code("NO_SUCH_KIND"))
	}
}
