package gqlhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/forgegraph/forgegraph/graph"
	"github.com/forgegraph/forgegraph/internal/requestid"
	"github.com/forgegraph/forgegraph/providers"
)

// MaxBatch is how many operations one batched POST may hold.
const MaxBatch = 10

// Reasons (extensions.reason) of batch errors; extensions.code is BAD_USER_INPUT.
const (
	// ReasonInvalidBatch: the batch is empty, too long or not an array of objects.
	ReasonInvalidBatch = "INVALID_BATCH"
	// ReasonBatchComplexity: an operation would take the batch over its complexity budget.
	ReasonBatchComplexity = "BATCH_COMPLEXITY_LIMIT_EXCEEDED"
)

// Batch answers batched requests as Apollo's BatchHttpLink sends them: a POST whose JSON body is an
// array of operations (each an object like a single request's body) is answered with a JSON array
// holding one answer per operation, in the same order. A POST with an object body, and every other
// request, goes to next as it is.
//
// Each operation is its own request to next: it has its own errors (a malformed or invalid
// operation does not stop the others), its own loaders, its own stale-if-error set and its own
// micro-cache key (a query may be replayed, a mutation never is), with the batch's headers, so
// the gateway key and the credential headers apply to every operation. Operations run one after
// another, in order: a mutation's effect is seen by the operations after it, and mutations keep
// every rule of a single request.
//
// Limits: at most MaxBatch operations (more, none, or a body that is not an array of objects is a
// 400 for the whole batch, saying so, and no operation runs); and the operations together may cost
// at most complexityLimit (the single-request limit): an operation that does not fit in what the
// ones before it left is answered with a BAD_USER_INPUT error (reason
// BATCH_COMPLEXITY_LIMIT_EXCEEDED) and not run; a later, smaller one that fits still runs (an answer
// replayed by the micro-cache costs nothing). A batch that could be read is answered 200 (the
// media type negotiated from Accept); each operation's own status (400 for a validation failure
// under application/graphql-response+json) is not visible, its errors are.
//
// Batch goes inside the body limit and the gateway key, and outside everything that is per
// request (scopes, the micro-cache, credentials, loaders).
func Batch(next http.Handler, complexityLimit int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil || !isArray(body) {
			// Not a batch (or unreadable: next says why, 413 included).
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
			next.ServeHTTP(w, r)
			return
		}
		mediaType, ok := Negotiate(r.Header.Values("Accept"))
		if !ok {
			writeRequestError(w, r, MediaTypeJSON, notAcceptable(r))
			return
		}
		if rerr := checkPOSTHeaders(r); rerr != nil {
			writeRequestError(w, r, mediaType, rerr)
			return
		}
		ops, rerr := splitBatch(body)
		if rerr != nil {
			writeRequestError(w, r, mediaType, rerr)
			return
		}
		budget := &batchBudget{limit: complexityLimit}
		ctx := context.WithValue(r.Context(), budgetKey{}, budget)
		var out bytes.Buffer
		out.WriteByte('[')
		noStore := false
		for i, op := range ops {
			if ctx.Err() != nil {
				return // the client went away
			}
			if i > 0 {
				out.WriteByte(',')
			}
			budget.index = i + 1
			rec := &bufferWriter{header: http.Header{}}
			next.ServeHTTP(rec, subRequest(ctx, r, op))
			if rec.header.Get("Cache-Control") == "no-store" {
				noStore = true
			}
			b := bytes.TrimSpace(rec.buf.Bytes())
			if len(b) == 0 && ctx.Err() != nil {
				return
			}
			if !isObject(b) || !json.Valid(b) {
				b, _ = encode(&graphql.Response{Errors: gqlerror.List{withRequestID(r, &gqlerror.Error{
					Message:    fmt.Sprintf("internal error: operation %d of the batch was answered HTTP %d without a GraphQL answer", i+1, rec.status()),
					Extensions: map[string]any{"code": graph.Code(providers.KindInternal)}})}})
			}
			out.Write(b)
		}
		out.WriteByte(']')
		if noStore {
			w.Header().Set("Cache-Control", "no-store")
		}
		writeBody(w, mediaType, http.StatusOK, out.Bytes())
	})
}

// splitBatch reads a batch body: a JSON array of 1 to MaxBatch values.
func splitBatch(body []byte) ([]json.RawMessage, *requestError) {
	var ops []json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&ops); err != nil {
		return nil, badRequest(ReasonInvalidBody, "the batch is not valid JSON (%s): send a JSON array of operations like [%s]", jsonProblem(err, body), exampleBody)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badRequest(ReasonInvalidBody, "the request body has more after its JSON array: send exactly one array of operations like [%s]", exampleBody)
	}
	switch {
	case len(ops) == 0:
		return nil, badRequest(ReasonInvalidBatch, "the batch is an empty array: send at least one operation, like [%s]", exampleBody)
	case len(ops) > MaxBatch:
		return nil, badRequest(ReasonInvalidBatch, "the batch holds %d operations, over the limit of %d: split it into batches of at most %d (Apollo BatchHttpLink: batchMax: %d)",
			len(ops), MaxBatch, MaxBatch, MaxBatch)
	}
	for i, op := range ops {
		if !isObject(op) {
			return nil, badRequest(ReasonInvalidBatch, "operation %d of the batch is %s, not an object: send each operation as an object like %s", i+1, jsonKind(op), exampleBody)
		}
	}
	return ops, nil
}

// subRequest is one operation of the batch r as a request of its own: the same method, URL and
// headers (credentials, Accept), the operation as its body, and no Accept-Encoding (the batch's
// answer is compressed as a whole).
func subRequest(ctx context.Context, r *http.Request, op json.RawMessage) *http.Request {
	sub := r.Clone(ctx)
	sub.Body = io.NopCloser(bytes.NewReader(op))
	sub.ContentLength = int64(len(op))
	sub.Header.Set("Content-Length", strconv.Itoa(len(op)))
	sub.Header.Del("Accept-Encoding")
	return sub
}

func firstByte(b []byte) byte {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

func isArray(b []byte) bool  { return firstByte(b) == '[' }
func isObject(b []byte) bool { return firstByte(b) == '{' }

func withRequestID(r *http.Request, e *gqlerror.Error) *gqlerror.Error {
	if id := requestid.From(r.Context()); id != "" {
		e.Extensions["requestId"] = id
	}
	return e
}

// batchBudget is what is left of a batch's complexity budget; its operations run one after
// another, so it needs no lock.
type batchBudget struct {
	limit, used int
	index       int // the operation being read, from 1
}

type budgetKey struct{}

// chargeBatch charges the operation in opCtx to the budget of the batch ctx belongs to, if any;
// an operation that does not fit is refused with an error saying so.
func chargeBatch(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	b, _ := ctx.Value(budgetKey{}).(*batchBudget)
	if b == nil {
		return nil
	}
	stats, _ := opCtx.Stats.GetExtension("ComplexityLimit").(*extension.ComplexityStats)
	if stats == nil {
		return nil
	}
	if b.used+stats.Complexity > b.limit {
		return &gqlerror.Error{
			Message: fmt.Sprintf("operation %d of the batch has complexity %d, and the operations before it in the batch used %d of the batch's limit of %d: send it in another request, or make it smaller",
				b.index, stats.Complexity, b.used, b.limit),
			Extensions: map[string]any{"code": graph.Code(providers.KindBadInput), "reason": ReasonBatchComplexity},
		}
	}
	b.used += stats.Complexity
	return nil
}

// bufferWriter keeps one operation's answer.
type bufferWriter struct {
	header http.Header
	code   int
	buf    bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }

func (b *bufferWriter) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}

func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.code == 0 {
		b.code = http.StatusOK
	}
	return b.buf.Write(p)
}

func (b *bufferWriter) status() int {
	if b.code == 0 {
		return http.StatusOK
	}
	return b.code
}
