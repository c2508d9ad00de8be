//go:build unix

package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/graph"
)

// answer is a response split so that parts whose order depends on scheduling (errors of fields
// resolved concurrently) compare as sets, and data compares byte for byte.
type answer struct {
	Data       json.RawMessage   `json:"data"`
	Errors     []json.RawMessage `json:"errors"`
	Extensions json.RawMessage   `json:"extensions"`
}

// requestID matches an error's request id and times (a breaker's resetAt), which differ between
// the two servers.
var requestID = regexp.MustCompile(`"requestId":"[^"]*"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

func splitAnswer(t *testing.T, body []byte) answer {
	t.Helper()
	var a answer
	if err := json.Unmarshal(body, &a); err != nil {
		t.Fatalf("answer %s: %v", body, err)
	}
	errs := make([]string, len(a.Errors))
	for i, e := range a.Errors {
		errs[i] = requestID.ReplaceAllString(string(e), "")
	}
	slices.Sort(errs)
	for i := range errs {
		a.Errors[i] = json.RawMessage(errs[i])
	}
	return a
}

// TestDirectMatchesExecutor sends the same random list queries to two demo servers that differ
// only in DIRECT_LISTS (graph.Direct on and off) and requires the same bytes of data, the same
// errors and extensions, and the same upstream requests (so a query Direct hands to gqlgen's
// executor after resolving is not resolved twice). The queries mix every field Direct writes
// with aliases, fragments, @skip/@include, several lists, cursors from earlier answers, bad input,
// fields Direct does not write, and a forge that fails.
func TestDirectMatchesExecutor(t *testing.T) {
	seed := uint64(rand.Int64())
	if s := os.Getenv("DIRECT_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("DIRECT_SEED=%d", seed)
	rng := rand.New(rand.NewPCG(seed, 17))
	env := func(direct string) map[string]string {
		return map[string]string{"RESPONSE_CACHE_TTL": "0", "CURSOR_SECRET": strings.Repeat("k", 32), "DIRECT_LISTS": direct}
	}
	on, off := newDemoStackWith(t, env("on")), newDemoStackWith(t, env("off"))
	g := &queryGen{rng: rng}
	answered0, handed0 := graph.DirectStats()
	n := 300
	if testing.Short() {
		n = 100
	}
	for i := range n {
		if i == n/2 {
			// A failing forge from here on: its rows go, an error (or stale copy) comes instead.
			on.setDown("gitlab", true)
			off.setDown("gitlab", true)
			// Detail reads of a failing forge race its circuit breaker inside one request (which
			// fail with the forge's 503 and which with "not asking it again" depends on
			// scheduling, in the executor of both servers alike): from here the queries select no
			// field that reads details.
			g.noDetails = true
		}
		q, vars := g.query()
		bOff, callsOff := off.ask(t, q, vars)
		bOn, callsOn := on.ask(t, q, vars)
		aOff, aOn := splitAnswer(t, bOff), splitAnswer(t, bOn)
		if !bytes.Equal(aOff.Data, aOn.Data) {
			t.Fatalf("query %d (DIRECT_SEED=%d) %s vars %v:\ndata differs\nexecutor: %s\ndirect:   %s", i, seed, q, vars, aOff.Data, aOn.Data)
		}
		if fmt.Sprint(aOff.Errors) != fmt.Sprint(aOn.Errors) || !bytes.Equal(aOff.Extensions, aOn.Extensions) {
			t.Fatalf("query %d (DIRECT_SEED=%d) %s vars %v:\nerrors differ\nexecutor: %s %s\ndirect:   %s %s", i, seed, q, vars, aOff.Errors, aOff.Extensions, aOn.Errors, aOn.Extensions)
		}
		if callsOff, callsOn := oneGraphQLPost(callsOff), oneGraphQLPost(callsOn); !slices.Equal(callsOff, callsOn) {
			t.Fatalf("query %d (DIRECT_SEED=%d) %s:\nupstream requests differ\nexecutor: %v\ndirect:   %v", i, seed, q, callsOff, callsOn)
		}
		g.learn(aOff.Data)
	}
	answered, handed := graph.DirectStats()
	t.Logf("%d queries: Direct answered %d viewer fields, handed %d to the executor", n, answered-answered0, handed-handed0)
	if answered-answered0 < int64(n/4) || handed-handed0 == 0 {
		t.Fatalf("the queries did not exercise both outcomes: answered %d, handed over %d", answered-answered0, handed-handed0)
	}
}

// oneGraphQLPost keeps one of the sorted requests' GitHub GraphQL POSTs: how many a page's
// details take depends on when their resolvers ran (the detail loader's batch window), and only
// the executor asks them (Direct writes no detail field), so their number says nothing of Direct.
func oneGraphQLPost(calls []string) []string {
	out := calls[:0:0]
	for i, c := range calls {
		if strings.HasPrefix(c, "github POST ") && i > 0 && calls[i-1] == c {
			continue
		}
		out = append(out, c)
	}
	return out
}

// queryGen writes random list queries; cursors seen in answers are reused as after/before.
type queryGen struct {
	rng     *rand.Rand
	cursors []string
	// what the query being written uses (its variables and fragment are declared only then)
	usedR, usedSkip, usedFirst bool
	// noDetails leaves out the fields that read details upstream
	noDetails bool
}

var repoScalars = []string{"id", "provider", "name", "nameWithOwner", "owner", "description", "url", "sshUrl", "cloneUrl",
	"isPrivate", "isFork", "isArchived", "stargazerCount", "forkCount", "defaultBranch", "primaryLanguage",
	"createdAt", "updatedAt", "pushedAt", "__typename"}

// notDirect are Repository fields Direct does not write: a query with one goes to the executor.
// The first two come with the list item; the others read details upstream.
var notDirect = []string{"visibility", "topics", "languages(first: 1) { totalCount }", "branches { totalCount }"}

func (g *queryGen) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

// alias returns "" or an alias for field (one of two per field name, so that equal aliases always
// name the same field and merge, as validation requires).
func (g *queryGen) alias(field string) string {
	if g.rng.IntN(3) == 0 {
		name, _, _ := strings.Cut(field, " ")
		return strings.TrimLeft(name, "_") + "_" + strconv.Itoa(g.rng.IntN(2)) + ": "
	}
	return ""
}

func (g *queryGen) repoFields() string {
	var b strings.Builder
	for range 1 + g.rng.IntN(6) {
		f := g.pick(repoScalars)
		b.WriteString(g.alias(f) + f + " ")
	}
	switch g.rng.IntN(12) {
	case 0:
		if g.noDetails {
			b.WriteString(g.pick(notDirect[:2]) + " ")
		} else {
			b.WriteString(g.pick(notDirect) + " ")
		}
	case 1:
		b.WriteString("...R ")
		g.usedR = true
	case 2:
		b.WriteString("... on Node { id } ")
	case 3:
		b.WriteString("name @skip(if: $skip) url @include(if: $skip) ")
		g.usedSkip = true
	}
	return "{ " + b.String() + "}"
}

func (g *queryGen) args() string {
	var as []string
	switch g.rng.IntN(8) {
	case 0:
		as = append(as, "last: "+g.pick([]string{"0", "1", "7", "20"}))
	case 1:
		as = append(as, "first: $first")
		g.usedFirst = true
	case 2:
		as = append(as, "first: "+g.pick([]string{"-1", "101"}))
	case 3, 4, 5:
		as = append(as, "first: "+g.pick([]string{"0", "1", "3", "20", "100"}))
	}
	if g.rng.IntN(3) == 0 && len(g.cursors) > 0 {
		dir := "after"
		if g.rng.IntN(3) == 0 {
			dir = "before"
		}
		as = append(as, fmt.Sprintf("%s: %q", dir, g.pick(g.cursors)))
	} else if g.rng.IntN(30) == 0 {
		as = append(as, `after: "not-a-cursor"`)
	}
	if g.rng.IntN(4) == 0 {
		as = append(as, "provider: "+g.pick([]string{"GITHUB", "GITLAB", "BITBUCKET", "CODEARTS", "GITEA"}))
	}
	if g.rng.IntN(4) == 0 {
		as = append(as, "sort: "+g.pick([]string{"PUSHED", "UPDATED", "CREATED", "FULL_NAME"}))
	}
	if g.rng.IntN(6) == 0 {
		as = append(as, "direction: "+g.pick([]string{"ASC", "DESC"}))
	}
	if g.rng.IntN(8) == 0 {
		as = append(as, "query: "+g.pick([]string{`"a"`, `"e"`, `""`, `"zz-none"`}))
	}
	if g.rng.IntN(10) == 0 {
		as = append(as, "isFork: "+g.pick([]string{"true", "false"}))
	}
	if len(as) == 0 {
		return ""
	}
	return "(" + strings.Join(as, ", ") + ")"
}

func (g *queryGen) connection() string {
	var b strings.Builder
	parts := []func(){
		func() {
			b.WriteString(g.alias("edges") + "edges { " + g.alias("cursor") + "cursor node " + g.repoFields() + " } ")
		},
		func() { b.WriteString(g.alias("nodes") + "nodes " + g.repoFields() + " ") },
		func() {
			b.WriteString("pageInfo { hasNextPage hasPreviousPage startCursor endCursor " + g.alias("__typename") + "__typename } ")
		},
		func() { b.WriteString(g.alias("totalCount") + "totalCount ") },
		func() { b.WriteString("__typename ") },
		func() { b.WriteString("... on RepositoryConnection { totalCount } ") },
		func() { b.WriteString("edges { cursor } ") },
	}
	for range 1 + g.rng.IntN(4) {
		parts[g.rng.IntN(len(parts))]()
	}
	return "{ " + b.String() + "}"
}

func (g *queryGen) query() (string, map[string]any) {
	g.usedR, g.usedSkip, g.usedFirst = false, false, false
	var b strings.Builder
	lists := 1 + g.rng.IntN(2)
	for i := range lists {
		alias := ""
		if lists > 1 && i > 0 || g.rng.IntN(3) == 0 {
			alias = "r" + strconv.Itoa(i) + ": "
		}
		b.WriteString(alias + "repositories" + g.args() + " " + g.connection() + " ")
	}
	switch g.rng.IntN(10) {
	case 0:
		b.WriteString("__typename ")
	case 1:
		b.WriteString("rateLimit { source } ")
	}
	var decls []string
	vars := map[string]any{}
	if g.usedFirst {
		decls = append(decls, "$first: Int")
		if g.rng.IntN(4) > 0 {
			vars["first"] = g.rng.IntN(25)
		}
	}
	if g.usedSkip {
		decls = append(decls, "$skip: Boolean!")
		vars["skip"] = g.rng.IntN(2) == 0
	}
	q := "query Q"
	if len(decls) > 0 {
		q += "(" + strings.Join(decls, ", ") + ")"
	}
	q += " { viewer { " + b.String() + "} }"
	if g.usedR {
		q += "\nfragment R on Repository { id nameWithOwner }"
	}
	return q, vars
}

// learn keeps the cursors of an answer for later queries.
func (g *queryGen) learn(data json.RawMessage) {
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if s, ok := c.(string); ok && (k == "cursor" || k == "cursor_0" || k == "cursor_1" || k == "startCursor" || k == "endCursor") {
					g.cursors = append(g.cursors, s)
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	var v any
	if json.Unmarshal(data, &v) == nil {
		walk(v)
	}
	if len(g.cursors) > 200 {
		g.cursors = g.cursors[len(g.cursors)-200:]
	}
}
