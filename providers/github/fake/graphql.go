package fake

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/forgegraph/forgegraph/providers"
)

// POST /graphql: the part of GitHub's GraphQL API forgegraph asks. Each top-level field must be
// repository(owner:, name:) (aliases and variables allowed); of a repository it answers name,
// nameWithOwner, languages (totalCount, totalSize, edges { size node { name color } }, nodes {
// name color }; biggest first whatever orderBy says, at most first) and refs(refPrefix:
// "refs/heads/" or "refs/tags/") { totalCount nodes { name } }, from the same data as the REST
// routes. A repository it does not serve is data.alias null with a NOT_FOUND error whose path is
// [alias], as GitHub answers; a field it does not know fails the whole document, as GitHub's
// schema validation does.

const docsGraphQL = "https://docs.github.com/graphql"

// maxGraphQLBody bounds the request body the fake reads.
const maxGraphQLBody = 1 << 20

// languageColors are GitHub's (linguist's) colors of the demo's languages.
var languageColors = map[string]string{
	"Go": "#00ADD8", "TypeScript": "#3178c6", "Python": "#3572A5", "Shell": "#89e051", "Rust": "#dea584",
	"HTML": "#e34c26", "CSS": "#663399", "Makefile": "#427819",
}

// gqlErr is one entry of a GraphQL answer's errors.
type gqlErr struct {
	Type    string `json:"type,omitempty"`
	Path    []any  `json:"path,omitempty"`
	Message string `json:"message"`
}

// serveGraphQL answers POST /graphql over repos.
func (s *Server) serveGraphQL(r *http.Request, repos []providers.Repository) *answer {
	var req struct {
		Query         string         `json:"query"`
		Variables     map[string]any `json:"variables"`
		OperationName string         `json:"operationName"`
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxGraphQLBody))
	if err != nil || json.Unmarshal(b, &req) != nil {
		return errorAnswer(http.StatusBadRequest, "Problems parsing JSON", docsGraphQL)
	}
	doc, perr := parser.ParseQuery(&ast.Source{Input: req.Query})
	if perr != nil {
		return jsonAnswer(http.StatusOK, map[string]any{"errors": []gqlErr{{Message: perr.Error()}}})
	}
	op := doc.Operations.ForName(req.OperationName)
	if op == nil || op.Operation != ast.Query {
		return jsonAnswer(http.StatusOK, map[string]any{"errors": []gqlErr{{Message: "the document holds no query of that name"}}})
	}
	data := map[string]any{}
	var errs []gqlErr
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok || f.Name != "repository" {
			return jsonAnswer(http.StatusOK, map[string]any{"errors": []gqlErr{{Message: "the fake answers repository(owner:, name:) fields only"}}})
		}
		owner, name, err := ownerName(f, req.Variables)
		if err != nil {
			return jsonAnswer(http.StatusOK, map[string]any{"errors": []gqlErr{{Message: err.Error()}}})
		}
		repo := findByName(repos, owner+"/"+name)
		if repo == nil {
			data[f.Alias] = nil
			errs = append(errs, gqlErr{Type: "NOT_FOUND", Path: []any{f.Alias},
				Message: fmt.Sprintf("Could not resolve to a Repository with the name '%s/%s'.", owner, name)})
			continue
		}
		obj, err := s.gqlRepository(repo, f.SelectionSet, req.Variables)
		if err != nil {
			return jsonAnswer(http.StatusOK, map[string]any{"errors": []gqlErr{{Message: err.Error()}}})
		}
		data[f.Alias] = obj
	}
	out := map[string]any{"data": data}
	if len(errs) > 0 {
		out["errors"] = errs
	}
	return jsonAnswer(http.StatusOK, out)
}

// ownerName returns the owner and name arguments of a repository field, variables resolved.
func ownerName(f *ast.Field, vars map[string]any) (string, string, error) {
	var out [2]string
	for i, arg := range []string{"owner", "name"} {
		a := f.Arguments.ForName(arg)
		if a == nil {
			return "", "", fmt.Errorf("repository needs the argument %s", arg)
		}
		v, err := a.Value.Value(vars)
		s, ok := v.(string)
		if err != nil || !ok {
			return "", "", fmt.Errorf("argument %s of repository must be a String", arg)
		}
		out[i] = s
	}
	return out[0], out[1], nil
}

// findByName returns the served repository with full name nameWithOwner, ignoring case, nil when
// there is none.
func findByName(repos []providers.Repository, nameWithOwner string) *providers.Repository {
	for i := range repos {
		if strings.EqualFold(repos[i].NameWithOwner, nameWithOwner) {
			return &repos[i]
		}
	}
	return nil
}

// gqlRepository answers the selection set of one repository.
func (s *Server) gqlRepository(repo *providers.Repository, set ast.SelectionSet, vars map[string]any) (map[string]any, error) {
	d := s.detailsOf(repo)
	obj := map[string]any{}
	for _, f := range fields(set) {
		switch f.Name {
		case "__typename":
			obj[f.Alias] = "Repository"
		case "name":
			obj[f.Alias] = repo.Name
		case "nameWithOwner":
			obj[f.Alias] = repo.NameWithOwner
		case "languages":
			v, err := gqlLanguages(d.Languages, f, vars)
			if err != nil {
				return nil, err
			}
			obj[f.Alias] = v
		case "refs":
			v, err := gqlRefs(d, f, vars)
			if err != nil {
				return nil, err
			}
			obj[f.Alias] = v
		default:
			return nil, fmt.Errorf("Field '%s' doesn't exist on type 'Repository'", f.Name)
		}
	}
	return obj, nil
}

// fields returns the fields of set (the fake's documents use no fragments).
func fields(set ast.SelectionSet) []*ast.Field {
	var out []*ast.Field
	for _, sel := range set {
		if f, ok := sel.(*ast.Field); ok {
			out = append(out, f)
		}
	}
	return out
}

// first is a connection's first argument, 1 to 100 as GitHub requires.
func first(f *ast.Field, vars map[string]any) (int, error) {
	a := f.Arguments.ForName("first")
	if a == nil {
		return 0, fmt.Errorf("you must provide a `first` or `last` value to properly paginate the `%s` connection", f.Name)
	}
	v, err := a.Value.Value(vars)
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case float64: // a variable, from JSON
		n = int64(x)
	}
	if err != nil || n < 1 || n > 100 {
		return 0, fmt.Errorf("`first` on the `%s` connection must be between 1 and 100", f.Name)
	}
	return int(n), nil
}

// gqlLanguages answers languages(first:) over a repository's language sizes.
func gqlLanguages(sizes map[string]int64, f *ast.Field, vars map[string]any) (map[string]any, error) {
	n, err := first(f, vars)
	if err != nil {
		return nil, err
	}
	type lang struct {
		name string
		size int64
	}
	var all []lang
	var total int64
	for name, size := range sizes {
		all = append(all, lang{name, size})
		total += size
	}
	slices.SortFunc(all, func(a, b lang) int {
		if c := cmp.Compare(b.size, a.size); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	shown := all[:min(n, len(all))]
	node := func(l lang, set ast.SelectionSet) (map[string]any, error) {
		o := map[string]any{}
		for _, g := range fields(set) {
			switch g.Name {
			case "name":
				o[g.Alias] = l.name
			case "color":
				if c, ok := languageColors[l.name]; ok {
					o[g.Alias] = c
				} else {
					o[g.Alias] = nil
				}
			default:
				return nil, fmt.Errorf("Field '%s' doesn't exist on type 'Language'", g.Name)
			}
		}
		return o, nil
	}
	out := map[string]any{}
	for _, g := range fields(f.SelectionSet) {
		switch g.Name {
		case "totalCount":
			out[g.Alias] = len(all)
		case "totalSize":
			out[g.Alias] = total
		case "nodes", "edges":
			list := []any{}
			for _, l := range shown {
				if g.Name == "nodes" {
					o, err := node(l, g.SelectionSet)
					if err != nil {
						return nil, err
					}
					list = append(list, o)
					continue
				}
				e := map[string]any{}
				for _, h := range fields(g.SelectionSet) {
					switch h.Name {
					case "size":
						e[h.Alias] = l.size
					case "node":
						o, err := node(l, h.SelectionSet)
						if err != nil {
							return nil, err
						}
						e[h.Alias] = o
					default:
						return nil, fmt.Errorf("Field '%s' doesn't exist on type 'LanguageEdge'", h.Name)
					}
				}
				list = append(list, e)
			}
			out[g.Alias] = list
		default:
			return nil, fmt.Errorf("Field '%s' doesn't exist on type 'LanguageConnection'", g.Name)
		}
	}
	return out, nil
}

// gqlRefs answers refs(refPrefix:, first:) { totalCount nodes { name } } over a repository's
// branches or tags.
func gqlRefs(d RepoDetails, f *ast.Field, vars map[string]any) (map[string]any, error) {
	n, err := first(f, vars)
	if err != nil {
		return nil, err
	}
	var prefix string
	if a := f.Arguments.ForName("refPrefix"); a != nil {
		v, _ := a.Value.Value(vars)
		prefix, _ = v.(string)
	}
	var names []string
	switch prefix {
	case "refs/heads/":
		names = d.Branches
	case "refs/tags/":
		names = d.Tags
	default:
		return nil, fmt.Errorf("the fake's refs needs refPrefix \"refs/heads/\" or \"refs/tags/\"")
	}
	out := map[string]any{}
	for _, g := range fields(f.SelectionSet) {
		switch g.Name {
		case "totalCount":
			out[g.Alias] = len(names)
		case "nodes":
			list := []any{}
			for _, name := range names[:min(n, len(names))] {
				list = append(list, map[string]any{"name": name})
			}
			out[g.Alias] = list
		default:
			return nil, fmt.Errorf("Field '%s' doesn't exist on type 'RefConnection'", g.Name)
		}
	}
	return out, nil
}
