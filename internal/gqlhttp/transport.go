// Package gqlhttp serves GraphQL over HTTP as the GraphQL over HTTP spec
// (https://graphql.github.io/graphql-over-http/draft/) describes: gqlgen transports for POST
// (application/json bodies) and GET (URL parameters, queries only), content negotiation between
// application/graphql-response+json and application/json with the status codes each one implies,
// automatic persisted queries, batched requests (Batch: a JSON array of operations in one POST, as
// Apollo's BatchHttpLink sends them), and a middleware that makes every answer private to its
// credentials and gzips large bodies.
//
// Status codes, by response media type:
//
//	                                          graphql-response+json   application/json
//	executed (data present, even with errors)  200                     200
//	document parse or validation failure,      400                     200
//	variable coercion failure, complexity
//	persisted query not found (Apollo's APQ)   200                     200
//	malformed request (bad JSON, no query,     400                     400
//	variables not an object, ...)
//	GET with a mutation or subscription        405 (Allow: POST)       405
//	unsupported Content-Type                   415                     415
//	no acceptable media type in Accept         406                     406
//	body over the limit                        413                     413
//
// A persisted query miss is answered 200 (and Cache-Control: no-store) under both media types:
// Apollo clients read the PERSISTED_QUERY_NOT_FOUND error only from a 2xx answer (Apollo Client
// turns persisted queries off for good on a 400, Apollo Kotlin and iOS do not read a non-2xx body),
// and Apollo Server answers it the same way. The spec leaves persisted queries to implementers.
package gqlhttp

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/forgegraph/forgegraph/graph"
	"github.com/forgegraph/forgegraph/internal/requestid"
	"github.com/forgegraph/forgegraph/providers"
)

// persistedQueryNotFound is the extensions.code of a persisted query miss (Apollo's; the server's
// persisted-query extension sets it).
const persistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"

// POST is the gqlgen transport for POST requests with an application/json body. It claims every
// POST, so a wrong Content-Type gets 415 rather than gqlgen's "transport not supported".
type POST struct{}

var _ graphql.Transport = POST{}

// Supports implements graphql.Transport.
func (POST) Supports(r *http.Request) bool { return r.Method == http.MethodPost }

// Do implements graphql.Transport.
func (POST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	serve(w, r, exec, readPOST)
}

// GET is the gqlgen transport for GET requests: query, operationName, variables and extensions in
// the URL (variables and extensions as JSON). Only query operations run; a hash-only automatic
// persisted query (extensions={"persistedQuery":...} without query) gives a short URL a cache can
// key on.
type GET struct{}

var _ graphql.Transport = GET{}

// Supports implements graphql.Transport.
func (GET) Supports(r *http.Request) bool { return r.Method == http.MethodGet }

// Do implements graphql.Transport.
func (GET) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	serve(w, r, exec, readGET)
}

// serve runs one request: negotiate the response type, read the parameters, refuse a GET that is
// not a query, build the operation (persisted query, parse, validation, variables, complexity),
// execute it, and answer with the status the media type calls for.
func serve(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, read func(*http.Request) (*graphql.RawParams, *requestError)) {
	start := graphql.Now()
	ctx := r.Context()
	mediaType, ok := Negotiate(r.Header.Values("Accept"))
	if !ok {
		refuse(ctx, w, exec, MediaTypeJSON, notAcceptable(r))
		return
	}
	params, rerr := read(r)
	if rerr != nil {
		refuse(ctx, w, exec, mediaType, rerr)
		return
	}
	get := r.Method == http.MethodGet
	if get && params.Query != "" {
		if k := operationKind(params.Query, params.OperationName); k != "" && k != ast.Query {
			refuse(ctx, w, exec, mediaType, getNotQuery(k))
			return
		}
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		status, cacheControl := statusForErrors(errs, mediaType)
		if cacheControl != "" {
			w.Header().Set("Cache-Control", cacheControl)
		}
		write(w, mediaType, status, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs))
		return
	}
	if get && opCtx.Operation.Operation != ast.Query { // a hash-only persisted query
		refuse(ctx, w, exec, mediaType, getNotQuery(opCtx.Operation.Operation))
		return
	}
	if err := chargeBatch(ctx, opCtx); err != nil {
		status := http.StatusOK
		if mediaType == MediaTypeGraphQLResponse {
			status = http.StatusBadRequest
		}
		write(w, mediaType, status, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), gqlerror.List{err}))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	resp := responses(ctx)
	if resp == nil { // the client went away
		return
	}
	status := http.StatusOK
	if resp.Data == nil && mediaType == MediaTypeGraphQLResponse {
		// No data entry: the operation was refused before execution.
		status = http.StatusBadRequest
	}
	write(w, mediaType, status, resp)
}

// statusForErrors is the status of a request that could not be executed: a persisted query miss is
// 200 (see the package comment) and must not be cached; any other failure of the document (parse,
// validation, variables, complexity) is 400 under graphql-response+json and 200 under the legacy
// application/json.
func statusForErrors(errs gqlerror.List, mediaType string) (status int, cacheControl string) {
	for _, e := range errs {
		if code, _ := e.Extensions["code"].(string); code == persistedQueryNotFound {
			return http.StatusOK, "no-store"
		}
	}
	if mediaType == MediaTypeGraphQLResponse {
		return http.StatusBadRequest, ""
	}
	return http.StatusOK, ""
}

func notAcceptable(r *http.Request) *requestError {
	return &requestError{status: http.StatusNotAcceptable, reason: ReasonNotAcceptable,
		message: "none of the media types in the Accept header (" + strings.Join(r.Header.Values("Accept"), ", ") +
			") can be served: accept application/graphql-response+json or application/json, e.g. Accept: application/graphql-response+json, application/json;q=0.9"}
}

func getNotQuery(k ast.Operation) *requestError {
	return &requestError{status: http.StatusMethodNotAllowed, reason: ReasonMethodNotAllowed, allow: http.MethodPost,
		message: "a GET can only run a query, and this request's operation is a " + string(k) + ": send it with POST"}
}

// refuse answers a request error through the executor, so the error presenter gives it a request
// id and response interceptors (metrics) see it.
func refuse(ctx context.Context, w http.ResponseWriter, exec graphql.GraphExecutor, mediaType string, e *requestError) {
	if e.allow != "" {
		w.Header().Set("Allow", e.allow)
	}
	// Response interceptors may ask for the operation context: give them an empty one.
	ctx = graphql.WithOperationContext(ctx, &graphql.OperationContext{})
	resp := exec.DispatchError(ctx, gqlerror.List{requestGQLError(e)})
	write(w, mediaType, e.status, resp)
}

func requestGQLError(e *requestError) *gqlerror.Error {
	return &gqlerror.Error{Message: e.message, Extensions: map[string]any{"code": graph.Code(providers.KindBadInput), "reason": e.reason}}
}

// wireResponse is graphql.Response as sent: unlike gqlgen's, it has no "data" entry when nothing
// was executed (the spec's "request error"), and "data": null only when execution made it null.
// wireTail is the members of a response after errors and data.
type wireTail struct {
	Label      string         `json:"label,omitempty"`
	Path       ast.Path       `json:"path,omitempty"`
	HasNext    *bool          `json:"hasNext,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// write sends resp with the media type and status: errors first (as the spec suggests), then data,
// then the rest. The executor's data is JSON it wrote itself, so it is copied in as it is instead of
// being re-validated and compacted by encoding/json.
func write(w http.ResponseWriter, mediaType string, status int, resp *graphql.Response) {
	b, err := encode(resp)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = encode(&graphql.Response{Errors: gqlerror.List{{Message: "internal error: the response could not be encoded",
			Extensions: map[string]any{"code": graph.Code(providers.KindInternal)}}}})
	}
	writeBody(w, mediaType, status, b)
}

// writeBody sends the encoded answer b with the media type and status.
func writeBody(w http.ResponseWriter, mediaType string, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", mediaType+"; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	// With its length known, net/http sends the body as it is, not in chunks (fewer writes to
	// the connection); gzip (middleware.go) drops the header when it compresses.
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// encode returns resp as one JSON object, omitting empty members.
func encode(resp *graphql.Response) ([]byte, error) {
	tail, err := json.Marshal(wireTail{Label: resp.Label, Path: resp.Path, HasNext: resp.HasNext, Extensions: resp.Extensions})
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(resp.Data)+len(tail)+16)
	b = append(b, '{')
	member := func(name string, v []byte) {
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(append(append(b, '"'), name...), `":`...)
		b = append(b, v...)
	}
	if len(resp.Errors) > 0 {
		e, err := json.Marshal(resp.Errors)
		if err != nil {
			return nil, err
		}
		member("errors", e)
	}
	if len(resp.Data) > 0 {
		member("data", resp.Data)
	}
	if len(tail) > 2 { // not {}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = append(b, tail[1:len(tail)-1]...)
	}
	return append(b, '}'), nil
}

// writeRequestError answers a request error without an executor (the middleware's 405).
func writeRequestError(w http.ResponseWriter, r *http.Request, mediaType string, e *requestError) {
	if e.allow != "" {
		w.Header().Set("Allow", e.allow)
	}
	ge := requestGQLError(e)
	if id := requestid.From(r.Context()); id != "" {
		ge.Extensions["requestId"] = id
	}
	write(w, mediaType, e.status, &graphql.Response{Errors: gqlerror.List{ge}})
}
