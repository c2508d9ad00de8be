package github

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// The GraphQL document of a BatchDetails call and the reading of its answer. Per GitHub's docs
// ("Rate limits and node limits for the GraphQL API") every connection takes first between 1 and
// 100, so a count asks first: 1 and reads totalCount only.

// maxLanguages is the most languages one repository's GraphQL answer lists (first: 100).
const maxLanguages = 100

// Selections of one repository, by field.
var selections = map[string]string{
	providers.BatchLanguages:   `languages(first: 100, orderBy: {field: SIZE, direction: DESC}) { totalCount totalSize edges { size node { name color } } }`,
	providers.BatchBranchCount: `branches: refs(refPrefix: "refs/heads/", first: 1) { totalCount }`,
	providers.BatchTagCount:    `tags: refs(refPrefix: "refs/tags/", first: 1) { totalCount }`,
}

// detailsQuery returns the document and variables asking asks: repository i is aliased ri, its
// owner and name are the variables oi and ni (never written into the document).
func detailsQuery(asks []*repoAsk) (string, map[string]any) {
	var params, body strings.Builder
	vars := make(map[string]any, 2*len(asks))
	for i, a := range asks {
		n := strconv.Itoa(i)
		if i > 0 {
			params.WriteString(", ")
		}
		fmt.Fprintf(&params, "$o%s: String!, $n%s: String!", n, n)
		vars["o"+n], vars["n"+n] = a.owner, a.name
		fmt.Fprintf(&body, " r%s: repository(owner: $o%s, name: $n%s) {", n, n, n)
		done := map[string]bool{}
		for _, f := range a.fields {
			if !done[f] {
				done[f] = true
				body.WriteString(" " + selections[f])
			}
		}
		body.WriteString(" }")
	}
	return "query(" + params.String() + ") {" + body.String() + " }", vars
}

// gqlRepository is one aliased repository of the answer.
type gqlRepository struct {
	Languages *struct {
		TotalCount int   `json:"totalCount"`
		TotalSize  int64 `json:"totalSize"`
		Edges      []struct {
			Size int64 `json:"size"`
			Node struct {
				Name  string  `json:"name"`
				Color *string `json:"color"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"languages"`
	Branches *struct {
		TotalCount int `json:"totalCount"`
	} `json:"branches"`
	Tags *struct {
		TotalCount int `json:"totalCount"`
	} `json:"tags"`
	// present are the fields the answer holds, null ones included.
	present map[string]json.RawMessage
}

// gqlError is one entry of a GraphQL answer's errors.
type gqlError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
	Path    []any  `json:"path"`
}

// gqlAnswer is a GraphQL answer: data (null entries for repositories not found) and errors.
type gqlAnswer struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []gqlError                 `json:"errors"`
}

// queryDetails sends the GraphQL request for asks and fills out for their requests. It returns
// the asks (each with its languages request only) whose languages need REST (more than
// maxLanguages), and the error of the whole request (every request's; KindNotFound: the endpoint
// is missing), in which case out is not filled.
func (s *Source) queryDetails(ctx context.Context, token string, asks []*repoAsk, reqs []providers.DetailRequest, out []providers.DetailResult) ([]*repoAsk, error) {
	doc, vars := detailsQuery(asks)
	req, err := s.gql.NewRequest(http.MethodPost, graphQLPath, nil, map[string]any{"query": doc, "variables": vars})
	if err != nil {
		return nil, err
	}
	var ans gqlAnswer
	resp, err := s.gql.Do(ctx, token, req, &ans)
	if err != nil {
		return nil, err
	}
	s.logErrors(ctx, token, ans.Errors)
	if err := wholeError(resp, &ans); err != nil {
		return nil, err
	}
	var viaREST []*repoAsk
	for i, a := range asks {
		alias := "r" + strconv.Itoa(i)
		itemErr := aliasError(&ans, alias, a.repo.NameWithOwner)
		var r *gqlRepository
		if raw, ok := ans.Data[alias]; itemErr == nil && ok && string(raw) != "null" {
			var keys map[string]json.RawMessage
			if json.Unmarshal(raw, &r) != nil || json.Unmarshal(raw, &keys) != nil {
				r = nil
				itemErr = providers.Errorf(providers.KindBadResponse, SourceName, "GraphQL answer for %s is not the JSON expected", a.repo.NameWithOwner)
			} else if r != nil {
				r.present = keys
			}
		}
		if itemErr == nil && r == nil {
			itemErr = providers.Errorf(providers.KindNotFound, SourceName, "repository %s not found, or not visible to this token", a.repo.NameWithOwner)
		}
		for _, j := range a.idx {
			if itemErr != nil {
				out[j].Err = itemErr
				continue
			}
			if reqs[j].Field == providers.BatchLanguages && r.Languages != nil && r.Languages.TotalCount > maxLanguages {
				viaREST = append(viaREST, &repoAsk{owner: a.owner, name: a.name, repo: a.repo, fields: []string{reqs[j].Field}, idx: []int{j}})
				continue
			}
			out[j] = r.value(reqs[j].Field, a.repo.NameWithOwner)
		}
	}
	return viaREST, nil
}

// value is field's value in r: languages as Languages computes them from the same sizes (with
// GraphQL's colors), or a count. A field GitHub answered null (the schema allows it) is what REST
// gives for an empty repository: no languages, 0; a field missing from the answer is
// KindBadResponse.
func (r *gqlRepository) value(field, nameWithOwner string) providers.DetailResult {
	key := map[string]string{providers.BatchLanguages: "languages", providers.BatchBranchCount: "branches", providers.BatchTagCount: "tags"}[field]
	if _, ok := r.present[key]; !ok {
		return providers.DetailResult{Err: providers.Errorf(providers.KindBadResponse, SourceName, "GraphQL answer for %s has no %s", nameWithOwner, key)}
	}
	switch field {
	case providers.BatchLanguages:
		sizes := map[string]int64{}
		colors := map[string]*string{}
		if r.Languages != nil {
			for _, e := range r.Languages.Edges {
				sizes[e.Node.Name] += e.Size
				colors[e.Node.Name] = e.Node.Color
			}
		}
		langs := providers.LanguagesFromBytes(sizes)
		for i := range langs {
			langs[i].Color = colors[langs[i].Name]
		}
		return providers.DetailResult{Value: langs}
	case providers.BatchBranchCount:
		if r.Branches == nil {
			return providers.DetailResult{Value: 0}
		}
		return providers.DetailResult{Value: r.Branches.TotalCount}
	default:
		if r.Tags == nil {
			return providers.DetailResult{Value: 0}
		}
		return providers.DetailResult{Value: r.Tags.TotalCount}
	}
}

// wholeError is the error of a 200 answer that fails as a whole: a rate limit (GitHub documents
// the error type RATE_LIMITED; RATE_LIMIT is seen too), or errors with no data at all (the
// document was refused).
func wholeError(resp *rest.Response, ans *gqlAnswer) error {
	for _, e := range ans.Errors {
		if e.Type == "RATE_LIMITED" || e.Type == "RATE_LIMIT" {
			err := providers.Errorf(providers.KindRateLimited, SourceName, "GraphQL rate limit exceeded")
			err.ResetAt = rest.RetryAfter(resp.Header, time.Now())
			if err.ResetAt.IsZero() && resp.Rate.Known {
				err.ResetAt = resp.Rate.Reset
			}
			return err
		}
	}
	if len(ans.Errors) > 0 && len(ans.Data) == 0 {
		return providers.Errorf(providers.KindBadResponse, SourceName, "the GraphQL request was refused (%d errors, no data)", len(ans.Errors))
	}
	return nil
}

// aliasError is the error GitHub gave for alias (path [alias, ...]), nil when none: NOT_FOUND is
// KindNotFound, FORBIDDEN KindForbidden, any other KindBadResponse.
func aliasError(ans *gqlAnswer, alias, nameWithOwner string) error {
	for _, e := range ans.Errors {
		if len(e.Path) == 0 || e.Path[0] != alias {
			continue
		}
		switch e.Type {
		case "NOT_FOUND":
			return providers.Errorf(providers.KindNotFound, SourceName, "repository %s not found, or not visible to this token", nameWithOwner)
		case "FORBIDDEN":
			return providers.Errorf(providers.KindForbidden, SourceName, "access to %s denied: the token lacks a permission or scope this needs", nameWithOwner)
		default:
			return providers.Errorf(providers.KindBadResponse, SourceName, "GraphQL error %q for %s", e.Type, nameWithOwner)
		}
	}
	return nil
}

// maxLoggedErrors bounds how many of an answer's GraphQL errors are logged.
const maxLoggedErrors = 5

// logErrors logs the GraphQL errors of an answer other than NOT_FOUND (an ordinary answer for a
// repository the credential cannot see) with GitHub's words, which never reach a client: a few
// per answer, each message cut to 300 bytes, with token (should GitHub echo it) replaced.
func (s *Source) logErrors(ctx context.Context, token string, errs []gqlError) {
	logger := s.client.Options.Logger
	if logger == nil {
		logger = slog.Default()
	}
	n := 0
	for _, e := range errs {
		if e.Type == "NOT_FOUND" || n == maxLoggedErrors {
			continue
		}
		n++
		msg := e.Message
		if token != "" {
			msg = strings.ReplaceAll(msg, token, "[token]")
		}
		if len(msg) > 300 {
			msg = strings.ToValidUTF8(msg[:300], "") + "…"
		}
		logger.LogAttrs(ctx, slog.LevelWarn, "upstream GraphQL error", slog.String("source", SourceName),
			slog.String("type", e.Type), slog.String("forge_message", msg))
	}
}
