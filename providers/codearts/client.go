// Package codearts is forgegraph's source for Huawei Cloud CodeArts Repo (formerly CodeHub). It
// lists the repositories of the user an IAM token belongs to through one of two documented APIs:
//
//   - v4 (the default): GET /v4/user/repositories?offset=&limit=&order_by=&sort=, a bare JSON array.
//     It sorts by created_at and updated_at only, so CREATED and UPDATED are paged natively and
//     PUSHED and FULL_NAME are sorted locally over the whole list. It gives no total.
//   - v2: GET /v2/projects/repositories?page_index=&page_size=, answering
//     {"result":{"repositories":[...],"total":N},"status":"success"}. It cannot sort, so every order
//     is sorted locally over the whole list.
//
// It creates and deletes repositories through the documented v1 API (write.go); CodeArts has no
// rename or archive. The token is sent as X-Auth-Token. There is no public default endpoint: the configured base URL is
// the regional endpoint, e.g. https://codehub-ext.cn-north-4.myhuaweicloud.com.
package codearts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// TokenVar and TokenHeader are where the source's credential comes from: the server's environment
// variable and the per-request header that replaces it (the registry and error messages use them).
const (
	TokenVar    = "CODEARTS_TOKEN"
	TokenHeader = "X-CodeArts-Token"
)

// SourceName is the source's configuration name, returned by Name.
const SourceName = "codearts"

// The API versions Config.APIVersion accepts.
const (
	APIv4 = "v4"
	APIv2 = "v2"
)

// The list endpoints, relative to the base URL.
const (
	v4Path = "/v4/user/repositories"
	v2Path = "/v2/projects/repositories"
)

// Config configures a Source.
type Config struct {
	// BaseURL is the regional CodeArts endpoint, e.g.
	// https://codehub-ext.cn-north-4.myhuaweicloud.com, without the API version. It is required:
	// CodeArts has no single public endpoint, so "" makes New fail.
	BaseURL string
	// HTTP is the client used; nil means http.DefaultClient.
	HTTP *http.Client
	// Timeout bounds each upstream request; 0 means rest.DefaultTimeout.
	Timeout time.Duration
	// Local sorts the lists the forge cannot sort itself (all of v2's; PUSHED and FULL_NAME on v4);
	// nil means providers.NewLocal(nil, 0, 0).
	Local *providers.Local
	// APIVersion is "v4" (the default, also for "") or "v2"; anything else makes New fail.
	APIVersion string
	// Upstream are the shared request behaviours (retries, rate-limit state, metrics); the zero
	// value disables them.
	Upstream rest.Options
}

// Source lists CodeArts repositories. It implements providers.Source and is safe for concurrent
// use.
type Source struct {
	client  *rest.Client
	local   *providers.Local
	version string
	// listKey tells apart whole lists of different endpoints and versions in a shared Local.
	listKey string
}

var _ providers.Source = (*Source)(nil)

// New returns a Source for cfg. It fails when BaseURL is empty, is not an absolute http(s) URL, or
// ends with an API version segment (/v2, /v4), and when APIVersion is neither "v4" nor "v2".
func New(cfg Config) (*Source, error) {
	version := strings.ToLower(strings.TrimSpace(cfg.APIVersion))
	if version == "" {
		version = APIv4
	}
	if version != APIv4 && version != APIv2 {
		return nil, fmt.Errorf("codearts: API version %q is not supported: use %q (the default) or %q", cfg.APIVersion, APIv4, APIv2)
	}
	if strings.TrimSpace(cfg.BaseURL) == "" {
		return nil, errors.New("codearts: the base URL is required: set it to the regional CodeArts endpoint, e.g. https://codehub-ext.cn-north-4.myhuaweicloud.com")
	}
	client, err := (&rest.Client{Source: SourceName, TokenEnv: TokenVar, TokenHeader: TokenHeader, Options: cfg.Upstream, HTTP: cfg.HTTP, Timeout: cfg.Timeout,
		Auth: rest.HeaderAuth("X-Auth-Token"), ErrorMessage: errorMessage, WriteError: writeError}).WithBase(cfg.BaseURL, "")
	if err != nil {
		return nil, err
	}
	if last := path.Base(client.Base.Path); last == APIv4 || last == APIv2 {
		return nil, fmt.Errorf("codearts: base URL %q ends with /%s: give the endpoint without the API version (the version is chosen by the API version setting)", cfg.BaseURL, last)
	}
	return &Source{client: client, local: providers.LocalOr(cfg.Local), version: version,
		listKey: version + "|" + client.Base.String()}, nil
}

// Name returns "codearts".
func (s *Source) Name() string { return SourceName }

// APIVersion returns the API version the source uses: "v4" or "v2".
func (s *Source) APIVersion() string { return s.version }

// Providers returns CODEARTS, the only forge the source lists.
func (s *Source) Providers() []providers.Provider { return []providers.Provider{providers.CodeArts} }

// errorMessage returns the message of either documented error body: v4's
// {"error_code":"...","error_msg":"..."} (also the API gateway's) or v2's
// {"error":{"code":"...","message":"..."},"status":"failed"}; "" for anything else.
func errorMessage(body []byte) string {
	var b struct {
		ErrorCode string          `json:"error_code"`
		ErrorMsg  string          `json:"error_msg"`
		Error     json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &b) != nil {
		return ""
	}
	if b.ErrorCode != "" || b.ErrorMsg != "" {
		return joinCode(b.ErrorMsg, b.ErrorCode)
	}
	return v2ErrorMessage(b.Error)
}

// v2ErrorMessage returns the message of v2's "error" member: an object with code and message (or,
// leniently, a string); "" when absent.
func v2ErrorMessage(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return ""
	}
	var e struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &e) == nil {
		return joinCode(e.Message, e.Code)
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return ""
}

func joinCode(msg, code string) string {
	switch {
	case code == "":
		return msg
	case msg == "":
		return code
	}
	return msg + " (" + code + ")"
}

// get sends a GET to the forge; a 304 becomes providers.ErrNotModified. Other errors are
// *providers.Error values from rest.
func (s *Source) get(ctx context.Context, token, p string, q url.Values, etag string) (*rest.Response, error) {
	resp, err := s.client.Get(ctx, token, p, q, etag)
	if err != nil {
		return nil, err
	}
	if resp.NotModified {
		return nil, providers.ErrNotModified
	}
	return resp, nil
}

func (s *Source) errorf(kind providers.Kind, format string, args ...any) *providers.Error {
	return providers.Errorf(kind, SourceName, format, args...)
}
