package graph

import (
	"bytes"
	"context"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/forgegraph/forgegraph/internal/seqlists"
)

// TestGeneratedListsAreSequential: generated.go must go through internal/seqlists after gqlgen
// (go generate ./graph), else every list element costs a goroutine again, and lists_gen.go must
// match the generated executor.
func TestGeneratedListsAreSequential(t *testing.T) {
	generated, err := os.ReadFile("generated.go")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(generated, []byte(seqlists.Concurrent)) {
		t.Fatalf("generated.go calls %s: run `go generate ./graph` (gqlgen, then internal/seqlists/gen) instead of gqlgen alone", seqlists.Concurrent)
	}
	sdl, err := os.ReadFile("../schema.graphqls")
	if err != nil {
		t.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(sdl)})
	if gerr != nil {
		t.Fatal(gerr)
	}
	_, table, err := seqlists.Rewrite(generated, schema)
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("lists_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, table) {
		t.Fatalf("lists_gen.go is out of date with generated.go: run `go generate ./graph`")
	}
}

// elementsOf returns the selection under the elements of the list at path (field names from the
// operation's root) in query, validated against the schema.
func elementsOf(t *testing.T, query string, path ...string) ast.SelectionSet {
	t.Helper()
	doc, errs := gqlparser.LoadQuery(NewExecutableSchema(Config{}).Schema(), query)
	if errs != nil {
		t.Fatalf("%s: %v", query, errs)
	}
	sel := doc.Operations[0].SelectionSet
	for _, name := range path {
		var next ast.SelectionSet
		for _, s := range sel {
			if f, ok := s.(*ast.Field); ok && f.Name == name {
				next = f.SelectionSet
			}
		}
		if next == nil {
			t.Fatalf("%s: no field %s", query, name)
		}
		sel = next
	}
	return sel
}

func TestMayBlock(t *testing.T) {
	for _, c := range []struct {
		query string
		path  []string
		want  bool
	}{
		{`{ viewer { repositories(first: 20) { edges { cursor node { id provider nameWithOwner description url isPrivate stargazerCount primaryLanguage pushedAt } } } } }`,
			[]string{"viewer", "repositories", "edges"}, false},
		{`{ viewer { repositories { nodes { nameWithOwner ... on Repository { isFork } } } } }`,
			[]string{"viewer", "repositories", "nodes"}, false},
		{`{ viewer { repositories { nodes { nameWithOwner languages(first: 3) { edges { percentage } } } } } }`,
			[]string{"viewer", "repositories", "nodes"}, true},
		{`{ viewer { repositories { edges { node { branches { totalCount } } } } } }`,
			[]string{"viewer", "repositories", "edges"}, true},
		{`{ viewer { repositories { nodes { ...R } } } } fragment R on Repository { name topics }`,
			[]string{"viewer", "repositories", "nodes"}, true},
		{`{ viewer { repositories { nodes { ...R } } } } fragment R on Repository { name }`,
			[]string{"viewer", "repositories", "nodes"}, false},
		{`{ viewer { repositories { nodes { ... on Node { ... on Repository { parent { name } } } } } } }`,
			[]string{"viewer", "repositories", "nodes"}, true},
	} {
		if got := mayBlock(elementsOf(t, c.query, c.path...)); got != c.want {
			t.Errorf("mayBlock(%s) = %v, want %v", c.query, got, c.want)
		}
	}
}

// goroutineID is the number in the first line of this goroutine's stack ("goroutine 7 [running]").
func goroutineID() string {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	return strings.Fields(string(buf))[1]
}

func listContext() context.Context {
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	return graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Name: "nodes"}}})
}

// TestMarshalListInOrderOnTheCaller: a list whose elements cannot block is marshalled on the
// calling goroutine, each element under its own index; one that may block keeps a goroutine per
// element (so loaders batch across elements).
func TestMarshalListInOrderOnTheCaller(t *testing.T) {
	me := goroutineID()
	plain := elementsOf(t, `{ viewer { repositories { nodes { nameWithOwner } } } }`, "viewer", "repositories", "nodes")
	blocking := elementsOf(t, `{ viewer { repositories { nodes { topics } } } }`, "viewer", "repositories", "nodes")
	run := func(sel ast.SelectionSet) (ids []string, order []int) {
		var mu sync.Mutex
		ret := marshalList(listContext(), sel, 5, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
			mu.Lock()
			defer mu.Unlock()
			ids = append(ids, goroutineID())
			order = append(order, *graphql.GetFieldContext(ctx).Index)
			return graphql.MarshalInt(i)
		})
		if len(ret) != 5 {
			t.Fatalf("%d elements", len(ret))
		}
		for i, m := range ret {
			var b bytes.Buffer
			m.MarshalGQL(&b)
			if b.String() != string(rune('0'+i)) {
				t.Errorf("element %d is %s", i, b.String())
			}
		}
		return ids, order
	}
	ids, order := run(plain)
	for i := range ids {
		if ids[i] != me || order[i] != i {
			t.Fatalf("plain list: element %d ran on goroutine %s (the caller is %s) with index %d", i, ids[i], me, order[i])
		}
	}
	ids, _ = run(blocking)
	for _, id := range ids {
		if id == me {
			t.Fatalf("a list that may block ran an element on the caller")
		}
	}
}

// TestMarshalListRecoversAPanic: a panicking element makes the list null and adds the error, as
// gqlgen's concurrent marshalling does.
func TestMarshalListRecoversAPanic(t *testing.T) {
	ctx := listContext()
	plain := elementsOf(t, `{ viewer { repositories { nodes { nameWithOwner } } } }`, "viewer", "repositories", "nodes")
	ret := marshalList(ctx, plain, 3, 0, false, func(_ context.Context, i int) graphql.Marshaler {
		if i == 1 {
			panic("boom")
		}
		return graphql.MarshalInt(i)
	})
	if ret != nil {
		t.Fatalf("want a null list, got %v", ret)
	}
	if errs := graphql.GetErrors(ctx); len(errs) != 1 {
		t.Fatalf("want one error, got %v", errs)
	}
}
