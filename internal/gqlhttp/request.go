package gqlhttp

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
)

// exampleBody is the shape a POST body should have; messages show it to say how to fix a request.
const exampleBody = `{"query": "{ viewer { repositories(first: 10) { nodes { nameWithOwner } } } }", "variables": {}}`

// requestError is a request this package refuses before GraphQL sees it: an HTTP status, a
// machine-readable reason (extensions.reason) and a message saying what is wrong and how to fix it.
type requestError struct {
	status  int
	reason  string
	message string
	allow   string // the Allow header of a 405
}

func badRequest(reason, format string, args ...any) *requestError {
	return &requestError{status: http.StatusBadRequest, reason: reason, message: fmt.Sprintf(format, args...)}
}

// Reasons (extensions.reason) of the errors this package raises; extensions.code is BAD_USER_INPUT.
const (
	ReasonMethodNotAllowed     = "METHOD_NOT_ALLOWED"
	ReasonNotAcceptable        = "NOT_ACCEPTABLE"
	ReasonUnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
	ReasonBodyTooLarge         = "BODY_TOO_LARGE"
	ReasonInvalidBody          = "INVALID_REQUEST_BODY"
	ReasonInvalidParameter     = "INVALID_PARAMETER"
	ReasonMissingQuery         = "MISSING_QUERY"
	ReasonInvalidPersisted     = "INVALID_PERSISTED_QUERY"
)

// readPOST reads a POST request: an application/json body (UTF-8) holding a JSON object.
func readPOST(r *http.Request) (*graphql.RawParams, *requestError) {
	if rerr := checkPOSTHeaders(r); rerr != nil {
		return nil, rerr
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, bodyReadError(err)
	}
	return parsePOSTBody(body)
}

// bodyReadError is the request error for a body that could not be read: over the limit (413), or
// cut off.
func bodyReadError(err error) *requestError {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &requestError{status: http.StatusRequestEntityTooLarge, reason: ReasonBodyTooLarge,
			message: fmt.Sprintf("the request body is over the limit of %d bytes: send a smaller query, or a persisted query's hash", tooBig.Limit)}
	}
	return badRequest(ReasonInvalidBody, "the request body could not be read (%v): send it again", err)
}

// checkPOSTHeaders checks a POST's Content-Encoding and Content-Type (application/json, UTF-8).
func checkPOSTHeaders(r *http.Request) *requestError {
	if ce := strings.TrimSpace(r.Header.Get("Content-Encoding")); ce != "" && !strings.EqualFold(ce, "identity") {
		return &requestError{status: http.StatusUnsupportedMediaType, reason: ReasonUnsupportedMediaType,
			message: fmt.Sprintf("request bodies with Content-Encoding %q are not supported: send the body uncompressed", ce)}
	}
	ct := r.Header.Get("Content-Type")
	if strings.TrimSpace(ct) == "" {
		return &requestError{status: http.StatusUnsupportedMediaType, reason: ReasonUnsupportedMediaType,
			message: "a POST needs the header Content-Type: application/json and a JSON body like " + exampleBody}
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != MediaTypeJSON {
		return &requestError{status: http.StatusUnsupportedMediaType, reason: ReasonUnsupportedMediaType,
			message: fmt.Sprintf("Content-Type %q is not supported: send the header Content-Type: application/json and a JSON body like %s", ct, exampleBody)}
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "utf8") {
		return &requestError{status: http.StatusUnsupportedMediaType, reason: ReasonUnsupportedMediaType,
			message: fmt.Sprintf("charset %q is not supported: encode the body as UTF-8 (Content-Type: application/json; charset=utf-8)", cs)}
	}
	return nil
}

// parsePOSTBody reads the parameters of one operation from a POST body holding one JSON object.
func parsePOSTBody(body []byte) (*graphql.RawParams, *requestError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest(ReasonInvalidBody, "the request body is empty: send a JSON object like %s", exampleBody)
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, badRequest(ReasonInvalidBody, "the request body is a JSON %s, not an object: send a JSON object like %s", typeErr.Value, exampleBody)
		}
		return nil, badRequest(ReasonInvalidBody, "the request body is not valid JSON (%s): send a JSON object like %s", jsonProblem(err, body), exampleBody)
	}
	if fields == nil {
		return nil, badRequest(ReasonInvalidBody, "the request body is JSON null, not an object: send a JSON object like %s", exampleBody)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badRequest(ReasonInvalidBody, "the request body has more after its JSON object: send exactly one JSON object like %s", exampleBody)
	}
	p := &graphql.RawParams{}
	var rerr *requestError
	if p.Query, rerr = stringField(fields, "query", "the GraphQL document, e.g. \"{ viewer { repositories(first: 10) { totalCount } } }\""); rerr != nil {
		return nil, rerr
	}
	if p.OperationName, rerr = stringField(fields, "operationName", "the name of the operation in \"query\" to run"); rerr != nil {
		return nil, rerr
	}
	if p.Variables, rerr = objectField(fields["variables"], "variables", `{"first": 10}`); rerr != nil {
		return nil, rerr
	}
	if p.Extensions, rerr = objectField(fields["extensions"], "extensions", `{"persistedQuery": {"version": 1, "sha256Hash": "<hex SHA-256 of the query>"}}`); rerr != nil {
		return nil, rerr
	}
	return p, checkParams(p, `"query"`)
}

// jsonProblem describes a JSON syntax error with its byte offset.
func jsonProblem(err error, body []byte) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Sprintf("%v at byte %d", syn, syn.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("it ends early, after %d bytes", len(body))
	}
	return err.Error()
}

// stringField reads an optional string member; null is the same as absent.
func stringField(fields map[string]json.RawMessage, name, what string) (string, *requestError) {
	raw, ok := fields[name]
	if !ok || isNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", badRequest(ReasonInvalidParameter, "%q must be a string holding %s, not %s", name, what, jsonKind(raw))
	}
	return s, nil
}

// objectField decodes an optional JSON object (numbers kept as json.Number, as gqlgen expects);
// null is the same as absent.
func objectField(raw json.RawMessage, name, example string) (map[string]any, *requestError) {
	if len(raw) == 0 || isNull(raw) {
		return nil, nil
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return nil, badRequest(ReasonInvalidParameter, "%q must be a JSON object, like %s, not %s", name, example, jsonKind(raw))
	}
	return m, nil
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// jsonKind names the kind of a JSON value for messages.
func jsonKind(raw json.RawMessage) string {
	s := bytes.TrimSpace(raw)
	if len(s) == 0 {
		return "nothing"
	}
	switch s[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// readGET reads a GET request: parameters in the URL query, variables and extensions as JSON.
func readGET(r *http.Request) (*graphql.RawParams, *requestError) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badRequest(ReasonInvalidParameter, "the URL query is malformed (%v): encode the parameters query, operationName, variables and extensions as application/x-www-form-urlencoded", err)
	}
	one := func(name string) (string, *requestError) {
		if vs := q[name]; len(vs) > 1 {
			return "", badRequest(ReasonInvalidParameter, "the parameter %q is given %d times: give it once", name, len(vs))
		}
		return q.Get(name), nil
	}
	p := &graphql.RawParams{}
	var rerr *requestError
	if p.Query, rerr = one("query"); rerr != nil {
		return nil, rerr
	}
	if p.OperationName, rerr = one("operationName"); rerr != nil {
		return nil, rerr
	}
	for _, f := range []struct {
		name, example string
		dst           *map[string]any
	}{
		{"variables", `{"first":10}`, &p.Variables},
		{"extensions", `{"persistedQuery":{"version":1,"sha256Hash":"<hex SHA-256 of the query>"}}`, &p.Extensions},
	} {
		s, rerr := one(f.name)
		if rerr != nil {
			return nil, rerr
		}
		if s == "" {
			continue
		}
		if !json.Valid([]byte(s)) {
			return nil, badRequest(ReasonInvalidParameter, "the parameter %q is not valid JSON: give a URL-encoded JSON object, like %s=%s", f.name, f.name, url.QueryEscape(f.example))
		}
		if *f.dst, rerr = objectField(json.RawMessage(s), f.name, f.example); rerr != nil {
			return nil, rerr
		}
	}
	return p, checkParams(p, "the parameter query")
}

// checkParams checks what both methods share: a query or a persisted query's hash, and a
// well-formed persisted query extension (its hash normalized to lower case).
func checkParams(p *graphql.RawParams, queryParam string) *requestError {
	pq, has := p.Extensions["persistedQuery"]
	if !has || pq == nil {
		if p.Query == "" {
			return badRequest(ReasonMissingQuery, "the request has no GraphQL document: send it in %s (or, for an automatic persisted query, its hash in extensions.persistedQuery.sha256Hash)", queryParam)
		}
		return nil
	}
	const fix = `: send extensions.persistedQuery as {"version": 1, "sha256Hash": "<lowercase hex SHA-256 of the query text>"}`
	m, ok := pq.(map[string]any)
	if !ok {
		return badRequest(ReasonInvalidPersisted, "extensions.persistedQuery is not an object"+fix)
	}
	if v, _ := m["version"].(json.Number); v.String() != "1" {
		return badRequest(ReasonInvalidPersisted, "extensions.persistedQuery.version must be 1"+fix)
	}
	hash, _ := m["sha256Hash"].(string)
	hash = strings.ToLower(hash)
	if b, err := hex.DecodeString(hash); err != nil || len(b) != sha256.Size {
		return badRequest(ReasonInvalidPersisted, "extensions.persistedQuery.sha256Hash is not a hex SHA-256 (64 hex digits)"+fix)
	}
	if p.Query != "" {
		if sum := sha256.Sum256([]byte(p.Query)); hex.EncodeToString(sum[:]) != hash {
			return badRequest(ReasonInvalidPersisted, "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query: hash the exact query text sent (UTF-8), or send only the hash of a query registered before")
		}
	}
	m["sha256Hash"] = hash
	return nil
}
