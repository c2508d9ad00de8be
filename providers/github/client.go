package github

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers/rest"
)

// TokenVar and TokenHeader are where the source's credential comes from: the server's environment
// variable and the per-request header that replaces it (the registry and error messages use them).
const (
	TokenVar    = "GITHUB_TOKEN"
	TokenHeader = "X-GitHub-Token"
)

// SourceName is the configuration name of the GitHub source, used in errors, stream IDs and the
// PROVIDERS setting.
const SourceName = "github"

// DefaultBaseURL is the API root used when Config.BaseURL is empty. GitHub Enterprise Server's root
// is https://HOST/api/v3.
const DefaultBaseURL = "https://api.github.com"

// APIVersion is the REST API version sent in X-GitHub-Api-Version.
const APIVersion = "2022-11-28"

// mediaType is GitHub's recommended Accept value.
const mediaType = "application/vnd.github+json"

// newClient builds the one rest.Client of a Source: bearer token, GitHub's version and media type
// headers, its x-ratelimit-* headers, its {"message", "documentation_url"} error bodies (logged) and
// its name rule for path segments.
func newClient(hc *http.Client, timeout time.Duration, opts rest.Options) *rest.Client {
	return &rest.Client{
		Options:     opts,
		Source:      SourceName,
		TokenEnv:    TokenVar,
		TokenHeader: TokenHeader,
		HTTP:        hc,
		Timeout:     timeout,
		Auth:        rest.Bearer,
		Header: func(req *http.Request) {
			req.Header.Set("Accept", mediaType)
			req.Header.Set("X-GitHub-Api-Version", APIVersion)
		},
		RateLimit:    rateLimit,
		ErrorMessage: errorMessage,
		WriteError:   writeError,
		// GitHub owner and repository names are ASCII letters, digits, "-", "_" and ".".
		Segment:     rest.NameChars,
		SegmentRule: rest.NameCharsRule,
	}
}

// rateLimit reads x-ratelimit-limit, x-ratelimit-remaining and x-ratelimit-reset (epoch seconds).
// The state is Known only when the remaining count is given.
func rateLimit(h http.Header) rest.Rate {
	remaining, ok := rest.HeaderInt(h, "X-RateLimit-Remaining")
	if !ok {
		return rest.Rate{}
	}
	r := rest.Rate{Known: true, Remaining: remaining}
	r.Limit, _ = rest.HeaderInt(h, "X-RateLimit-Limit")
	if reset, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-RateLimit-Reset")), 10, 64); err == nil && reset > 0 {
		r.Reset = time.Unix(reset, 0).UTC()
	}
	return r
}

// errorBody is GitHub's error answer.
type errorBody struct {
	Message          string `json:"message"`
	DocumentationURL string `json:"documentation_url"`
}

// errorMessage returns the message of an error body with its documentation link, "" when the body
// is not GitHub's error JSON.
func errorMessage(body []byte) string {
	var e errorBody
	if json.Unmarshal(body, &e) != nil || e.Message == "" {
		return ""
	}
	if e.DocumentationURL != "" {
		return e.Message + "; see " + e.DocumentationURL
	}
	return e.Message
}
