package graph

import (
	"bytes"
	"context"
	"io"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/forgegraph/forgegraph/graph/model"
	"github.com/forgegraph/forgegraph/providers"
)

// Direct is a gqlgen root-field interceptor (install it with handler.Server.Use) that answers the
// shape nearly every list query has,
//
//	viewer { repositories(...) { edges { cursor node { <list fields> } } nodes { <list fields> }
//	         pageInfo { ... } totalCount } }
//
// (any aliases, fragments, @skip/@include, several repositories fields), without gqlgen's
// per-field machinery: gqlgen v0.17.95 gives each of a page's ~220 fields its own field context,
// context value and resolver-middleware call, and each list element its own goroutine, which was
// most of an executed page's CPU (BENCHMARKS.md, issue 17). Direct calls the same resolvers with
// the same field contexts (so errors they add carry the same paths) and writes every value with
// the marshaller gqlgen's generated code uses, so its answer is byte for byte gqlgen's
// (TestDirectMatchesExecutor compares them over random queries).
//
// Any other shape goes to gqlgen's executor untouched: a field Direct does not write (details,
// rateLimit, ...), a deferred fragment, repeated totalCount aliases. So does every answer Direct
// does not produce itself: arguments that do not parse, a resolver error, a value the schema
// forbids (a nil node) or a panic. Then gqlgen's executor runs the root field with the resolver
// results Direct already has (replayedRepositories), so no resolver runs twice and no error is
// added twice.
//
// Direct assumes no field interceptor (AroundFields) is installed: gqlgen would call one for every
// field, Direct calls none for the fields it writes. A nil *Direct passes every field on.
type Direct struct {
	es *executableSchema
}

// directStats count the root viewer fields Direct answered and those of the shape it writes that
// it handed to gqlgen's executor after all (see DirectStats).
var directStats struct{ answered, handedOver atomic.Int64 }

// DirectStats returns how many root viewer fields Direct has answered in this process and how many
// of the shape it writes it handed to gqlgen's executor (an input or resolver error, a value the
// schema forbids); fields of other shapes are counted in neither.
func DirectStats() (answered, handedOver int64) {
	return directStats.answered.Load(), directStats.handedOver.Load()
}

// NewDirect returns the interceptor for es, the schema NewExecutableSchema built; nil for any
// other schema (then nothing is intercepted).
func NewDirect(es graphql.ExecutableSchema) *Direct {
	s, ok := es.(*executableSchema)
	if !ok {
		return nil
	}
	return &Direct{es: s}
}

// ExtensionName names the extension for gqlgen.
func (*Direct) ExtensionName() string { return "DirectLists" }

// Validate accepts every schema (NewDirect already checked it).
func (*Direct) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptRootField answers a root viewer field of the shape Direct writes, else calls next.
func (d *Direct) InterceptRootField(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	if d == nil {
		return next(ctx)
	}
	rfc := graphql.GetRootFieldContext(ctx)
	if rfc == nil || rfc.Field.Name != "viewer" || len(rfc.Field.Deferrables) > 0 || !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return next(ctx) // Query.viewer only, never a field of that name elsewhere
	}
	vp, ok := planObject(oc, rfc.Field.Selections, viewerShape)
	if !ok {
		return next(ctx)
	}
	ec := newExecutionContext(oc, d.es, nil)
	run := &directRun{ec: ec, oc: oc}
	// Arguments first: one that does not parse is gqlgen's to report, before any resolver ran.
	for i, f := range vp.fields {
		if f.Name != "repositories" {
			continue
		}
		args, err := ec.field_Viewer_repositories_args(ctx, f.ArgumentMap(oc.Variables))
		if err != nil {
			directStats.handedOver.Add(1)
			return next(ctx)
		}
		run.conns = append(run.conns, &directConn{index: i, field: f, args: args, plan: vp.subs[i]})
	}
	out, ok := run.answer(ctx, rfc.Field, vp)
	if !ok {
		directStats.handedOver.Add(1)
		return next(withReplay(ctx, run.replay()))
	}
	directStats.answered.Add(1)
	return lit(out)
}

// lit is a Marshaler of bytes already written.
type lit []byte

// MarshalGQL writes l.
func (l lit) MarshalGQL(w io.Writer) { _, _ = w.Write(l) }

// directRun is one root viewer field answered by Direct.
type directRun struct {
	ec    *executionContext
	oc    *graphql.OperationContext
	conns []*directConn // the viewer's repositories fields, in selection order
}

// directConn is one repositories field: its arguments, what the resolver returned, and the
// totalCount answers read so far (by alias).
type directConn struct {
	index int
	field graphql.CollectedField
	args  map[string]any
	plan  *objectPlan
	ctx   context.Context // carries the field's context, once resolved
	done  bool            // the resolver was called
	conn  *model.RepositoryConnection
	err   error
	count map[string]countAnswer
}

type countAnswer struct {
	n   int
	err error
}

// answer resolves the viewer and its connections and writes the viewer object; false when gqlgen's
// executor must answer instead (a resolver error, a value the schema forbids, a panic).
func (r *directRun) answer(ctx context.Context, viewer graphql.CollectedField, vp *objectPlan) (out []byte, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			out, ok = nil, false
		}
	}()
	vfc, err := r.ec.fieldContext_Query_viewer(ctx, viewer)
	if err != nil {
		return nil, false
	}
	vctx := graphql.WithFieldContext(ctx, vfc)
	v, err := r.oc.ResolverMiddleware(vctx, func(ctx context.Context) (any, error) { return r.ec.Resolvers.Query().Viewer(ctx) })
	obj, _ := v.(*model.Viewer)
	if err != nil || obj == nil {
		return nil, false
	}
	vfc.Result = obj
	r.resolve(vctx, obj)
	for _, c := range r.conns {
		if c.err != nil || !validConnection(c.conn) {
			return nil, false
		}
	}
	var buf bytes.Buffer
	buf.Grow(16 << 10)
	if !r.writeViewer(&buf, vp) {
		return nil, false
	}
	return buf.Bytes(), true
}

// resolve calls the repositories resolver of each connection, concurrently when there are
// several, as gqlgen's executor does.
func (r *directRun) resolve(ctx context.Context, obj *model.Viewer) {
	one := func(c *directConn) {
		fc := &graphql.FieldContext{Object: "Viewer", Field: c.field, Args: c.args, IsMethod: true, IsResolver: true,
			Child: func(ctx context.Context, f graphql.CollectedField) (*graphql.FieldContext, error) {
				return r.ec.childFields_RepositoryConnection(ctx, f)
			}}
		fctx := graphql.WithFieldContext(ctx, fc)
		v, err := r.oc.ResolverMiddleware(fctx, func(ctx context.Context) (any, error) {
			return r.ec.Resolvers.Viewer().Repositories(ctx, obj, fc.Args["provider"].(*providers.Provider), fc.Args["sort"].(*providers.Sort), fc.Args["direction"].(*providers.Direction),
				fc.Args["first"].(*int), fc.Args["after"].(*string), fc.Args["last"].(*int), fc.Args["before"].(*string), fc.Args["query"].(*string),
				fc.Args["privacy"].(*providers.Privacy), fc.Args["affiliations"].([]providers.Affiliation), fc.Args["isFork"].(*bool), fc.Args["isArchived"].(*bool))
		})
		c.ctx, c.done = fctx, true
		c.conn, _ = v.(*model.RepositoryConnection)
		c.err = err
		if c.conn != nil {
			fc.Result = c.conn
		}
	}
	if len(r.conns) == 1 {
		one(r.conns[0])
		return
	}
	var wg sync.WaitGroup
	for _, c := range r.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					c.err = errDirectPanic
				}
			}()
			one(c)
		}()
	}
	wg.Wait()
}

// validConnection reports whether c has every non-null value the schema requires of a
// RepositoryConnection; gqlgen reports the rest.
func validConnection(c *model.RepositoryConnection) bool {
	if c == nil || c.PageInfo == nil {
		return false
	}
	for _, e := range c.Edges {
		if e == nil || e.Node == nil || e.Encode == nil {
			return false
		}
	}
	return true
}
