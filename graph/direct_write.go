package graph

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/forgegraph/forgegraph/graph/model"
	"github.com/forgegraph/forgegraph/providers"
)

// errDirectPanic stands for a panic in a resolver Direct called concurrently: gqlgen's executor
// then answers the root field (and reports the panic its own way).
var errDirectPanic = errors.New("direct: resolver panicked")

// objectShape is an object type Direct writes: the type names its fragments may name
// (gqlgen's implementors), its __typename, its scalar fields, and its object fields' shapes.
// A field in neither map makes the query gqlgen's.
type objectShape struct {
	implementors []string
	typename     string
	scalars      map[string]bool
	objects      map[string]*objectShape
}

// The shapes Direct writes. Repository's scalars are exactly its fields bound to plain struct
// fields or context-free methods of providers.Repository (repositoryScalar writes each).
var (
	repositoryShape = &objectShape{implementors: repositoryImplementors, typename: "Repository", scalars: map[string]bool{
		"id": true, "provider": true, "name": true, "nameWithOwner": true, "owner": true, "description": true,
		"url": true, "sshUrl": true, "cloneUrl": true, "isPrivate": true, "isFork": true, "isArchived": true,
		"stargazerCount": true, "forkCount": true, "defaultBranch": true, "primaryLanguage": true,
		"createdAt": true, "updatedAt": true, "pushedAt": true,
	}}
	pageInfoShape = &objectShape{implementors: pageInfoImplementors, typename: "PageInfo", scalars: map[string]bool{
		"hasNextPage": true, "hasPreviousPage": true, "startCursor": true, "endCursor": true,
	}}
	edgeShape = &objectShape{implementors: repositoryEdgeImplementors, typename: "RepositoryEdge",
		scalars: map[string]bool{"cursor": true}, objects: map[string]*objectShape{"node": repositoryShape}}
	connectionShape = &objectShape{implementors: repositoryConnectionImplementors, typename: "RepositoryConnection",
		scalars: map[string]bool{"totalCount": true},
		objects: map[string]*objectShape{"edges": edgeShape, "nodes": repositoryShape, "pageInfo": pageInfoShape}}
	viewerShape = &objectShape{implementors: viewerImplementors, typename: "Viewer",
		objects: map[string]*objectShape{"repositories": connectionShape}}
)

// objectPlan is a selection set Direct writes: its collected fields (gqlgen's CollectFields:
// fragments spread, @skip/@include applied, same-alias fields merged, in answer order) and, for
// each object field, the plan of its selection (nil for scalars and __typename).
type objectPlan struct {
	fields []graphql.CollectedField
	subs   []*objectPlan
}

// planObject plans sel on an object of shape; false when any field in it (at any depth) is one
// Direct does not write, or is deferred.
func planObject(oc *graphql.OperationContext, sel ast.SelectionSet, shape *objectShape) (*objectPlan, bool) {
	fields := graphql.CollectFields(oc, sel, shape.implementors)
	p := &objectPlan{fields: fields, subs: make([]*objectPlan, len(fields))}
	for i, f := range fields {
		if len(f.Deferrables) > 0 {
			return nil, false
		}
		if f.Name == "__typename" || shape.scalars[f.Name] {
			continue
		}
		sub, ok := shape.objects[f.Name]
		if !ok {
			return nil, false
		}
		if p.subs[i], ok = planObject(oc, f.Selections, sub); !ok {
			return nil, false
		}
	}
	return p, true
}

// object writes an object of p's fields as gqlgen's FieldSet does: each alias once, in order,
// each value written by value (false stops the answer: gqlgen's executor takes over).
func object(w *bytes.Buffer, p *objectPlan, value func(i int, f graphql.CollectedField) bool) bool {
	w.WriteByte('{')
	first := true
	for i, f := range p.fields {
		if seenBefore(p.fields[:i], f.Alias) {
			continue
		}
		if !first {
			w.WriteByte(',')
		}
		first = false
		quote(w, f.Alias)
		w.WriteByte(':')
		if !value(i, f) {
			return false
		}
	}
	w.WriteByte('}')
	return true
}

func seenBefore(fields []graphql.CollectedField, alias string) bool {
	for _, f := range fields {
		if f.Alias == alias {
			return true
		}
	}
	return false
}

// writeViewer writes the viewer object.
func (r *directRun) writeViewer(w *bytes.Buffer, vp *objectPlan) bool {
	next := 0
	return object(w, vp, func(i int, f graphql.CollectedField) bool {
		if f.Name == "__typename" {
			quote(w, viewerShape.typename)
			return true
		}
		for next < len(r.conns) && r.conns[next].index != i {
			next++
		}
		return r.writeConnection(w, r.conns[next])
	})
}

// writeConnection writes one repositories field's connection; the count is read in the field's
// context (c.ctx), as gqlgen's executor reads it.
func (r *directRun) writeConnection(w *bytes.Buffer, c *directConn) bool {
	conn, fctx := c.conn, c.ctx
	return object(w, c.plan, func(i int, f graphql.CollectedField) bool {
		switch f.Name {
		case "__typename":
			quote(w, connectionShape.typename)
		case "edges":
			w.WriteByte('[')
			for k, e := range conn.Edges {
				if k > 0 {
					w.WriteByte(',')
				}
				writeEdge(w, c.plan.subs[i], e)
			}
			w.WriteByte(']')
		case "nodes":
			w.WriteByte('[')
			for k, e := range conn.Edges {
				if k > 0 {
					w.WriteByte(',')
				}
				writeRepository(w, c.plan.subs[i], e.Node)
			}
			w.WriteByte(']')
		case "pageInfo":
			writePageInfo(w, c.plan.subs[i], conn.PageInfo)
		case "totalCount":
			n, ok := r.totalCount(fctx, c, f)
			if !ok {
				return false
			}
			integer(w, n)
		}
		return true
	})
}

// totalCount reads the connection's count as gqlgen would (its field context, the resolver
// middleware) and keeps the answer by alias for a replay; false on an error, which gqlgen's
// executor then reports from the replay.
func (r *directRun) totalCount(ctx context.Context, c *directConn, f graphql.CollectedField) (int, bool) {
	fc, err := r.ec.fieldContext_RepositoryConnection_totalCount(ctx, f)
	if err != nil {
		return 0, false
	}
	tctx := graphql.WithFieldContext(ctx, fc)
	v, err := r.oc.ResolverMiddleware(tctx, func(ctx context.Context) (any, error) { return c.conn.TotalCount(ctx) })
	n, isInt := v.(int)
	if c.count == nil {
		c.count = map[string]countAnswer{}
	}
	c.count[f.Alias] = countAnswer{n: n, err: err}
	return n, err == nil && isInt
}

func writeEdge(w *bytes.Buffer, p *objectPlan, e *model.RepositoryEdge) {
	object(w, p, func(i int, f graphql.CollectedField) bool {
		switch f.Name {
		case "__typename":
			quote(w, edgeShape.typename)
		case "cursor":
			quote(w, e.Cursor())
		case "node":
			writeRepository(w, p.subs[i], e.Node)
		}
		return true
	})
}

func writePageInfo(w *bytes.Buffer, p *objectPlan, pi *model.PageInfo) {
	object(w, p, func(_ int, f graphql.CollectedField) bool {
		switch f.Name {
		case "__typename":
			quote(w, pageInfoShape.typename)
		case "hasNextPage":
			boolean(w, pi.HasNextPage)
		case "hasPreviousPage":
			boolean(w, pi.HasPreviousPage)
		case "startCursor":
			optString(w, pi.StartCursor())
		case "endCursor":
			optString(w, pi.EndCursor())
		}
		return true
	})
}

func writeRepository(w *bytes.Buffer, p *objectPlan, repo *providers.Repository) {
	object(w, p, func(_ int, f graphql.CollectedField) bool {
		repositoryScalar(w, f.Name, repo)
		return true
	})
}

// repositoryScalar writes field name of repo with the marshaller gqlgen's generated code uses for
// its type (graph/generated.go, _Repository_<name>).
func repositoryScalar(w *bytes.Buffer, name string, repo *providers.Repository) {
	switch name {
	case "__typename":
		quote(w, repositoryShape.typename)
	case "id":
		quote(w, repo.ID()) // MarshalID is MarshalString
	case "provider":
		quote(w, string(repo.Provider)) // Provider.MarshalGQL's strconv.Quote: the same for its upper-case names
	case "name":
		quote(w, repo.Name)
	case "nameWithOwner":
		quote(w, repo.NameWithOwner)
	case "owner":
		quote(w, repo.Owner)
	case "description":
		optString(w, repo.Description)
	case "url":
		optString(w, repo.URL)
	case "sshUrl":
		optString(w, repo.SSHURL)
	case "cloneUrl":
		optString(w, repo.CloneURL)
	case "defaultBranch":
		optString(w, repo.DefaultBranch)
	case "primaryLanguage":
		optString(w, repo.PrimaryLanguage)
	case "isPrivate":
		boolean(w, repo.IsPrivate)
	case "isFork":
		optBool(w, repo.IsFork)
	case "isArchived":
		optBool(w, repo.IsArchived)
	case "stargazerCount":
		optInt(w, repo.StargazerCount)
	case "forkCount":
		optInt(w, repo.ForkCount)
	case "createdAt":
		optTime(w, repo.CreatedAt)
	case "updatedAt":
		optTime(w, repo.UpdatedAt)
	case "pushedAt":
		optTime(w, repo.PushedAt)
	}
}

func optString(w *bytes.Buffer, v *string) {
	if v == nil {
		w.WriteString("null")
		return
	}
	quote(w, *v)
}

func optBool(w *bytes.Buffer, v *bool) {
	if v == nil {
		w.WriteString("null")
		return
	}
	boolean(w, *v)
}

func optInt(w *bytes.Buffer, v *int) {
	if v == nil {
		w.WriteString("null")
		return
	}
	integer(w, *v)
}

func optTime(w *bytes.Buffer, v *time.Time) {
	if v == nil {
		w.WriteString("null")
		return
	}
	if v.IsZero() {
		w.WriteString("null") // graphql.MarshalTime: the zero time is null
		return
	}
	// graphql.MarshalTime quotes the RFC 3339 text with strconv.Quote, which leaves its characters
	// (digits, '-', ':', '.', 'T', 'Z', '+') as they are.
	w.WriteByte('"')
	w.Write(v.AppendFormat(w.AvailableBuffer(), time.RFC3339Nano))
	w.WriteByte('"')
}

// quote writes s as graphql.MarshalString does (its writeQuotedString): '"', '\\', \t, \r and \n
// escaped, other bytes below 0x20 as \u00XX, every other byte as it is (bytes of invalid UTF-8
// included). The characters escaped are all ASCII, so going byte by byte finds the same ones as
// gqlgen's rune loop. TestQuoteIsMarshalString and FuzzQuote check it against gqlgen.
func quote(w *bytes.Buffer, s string) {
	const hex = "0123456789ABCDEF" // gqlgen writes upper-case hex
	w.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '\\' && c != '"' {
			continue
		}
		w.WriteString(s[start:i])
		switch c {
		case '\t':
			w.WriteString(`\t`)
		case '\r':
			w.WriteString(`\r`)
		case '\n':
			w.WriteString(`\n`)
		case '\\':
			w.WriteString(`\\`)
		case '"':
			w.WriteString(`\"`)
		default:
			w.WriteString(`\u00`)
			w.WriteByte(hex[c>>4])
			w.WriteByte(hex[c&0xf])
		}
		start = i + 1
	}
	w.WriteString(s[start:])
	w.WriteByte('"')
}

// boolean writes b as graphql.MarshalBoolean does.
func boolean(w *bytes.Buffer, b bool) {
	if b {
		w.WriteString("true")
		return
	}
	w.WriteString("false")
}

// integer writes n as graphql.MarshalInt does.
func integer(w *bytes.Buffer, n int) {
	w.Write(strconv.AppendInt(w.AvailableBuffer(), int64(n), 10))
}
