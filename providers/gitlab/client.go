// Package gitlab is forgegraph's source for GitLab (gitlab.com or a self-managed instance) through
// its REST API v4. It lists the projects the credential's user is a member of
// (GET /projects?membership=true), natively sorted by last activity, update or creation time, and
// locally sorted by full path (GitLab's name and path sorts use the project's own name, not its full
// path). Tokens are sent as PRIVATE-TOKEN (personal, group, project or OAuth access tokens).
package gitlab

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// TokenVar and TokenHeader are where the source's credential comes from: the server's environment
// variable and the per-request header that replaces it (the registry and error messages use them).
const (
	TokenVar    = "GITLAB_TOKEN"
	TokenHeader = "X-GitLab-Token"
)

// SourceName is the configuration name of the source (PROVIDERS=gitlab, GITLAB_TOKEN).
const SourceName = "gitlab"

// DefaultBaseURL is the API root used when Config.BaseURL is empty.
const DefaultBaseURL = "https://gitlab.com/api/v4"

// Config configures a Source. The zero value talks to gitlab.com with the default client.
type Config struct {
	// BaseURL is the API root, e.g. https://gitlab.example.com/api/v4; "" means DefaultBaseURL.
	BaseURL string
	// HTTP sends the requests; nil means http.DefaultClient.
	HTTP *http.Client
	// Timeout bounds each upstream request; 0 means rest.DefaultTimeout.
	Timeout time.Duration
	// Local serves the FULL_NAME sort, which GitLab cannot give natively; nil means
	// providers.NewLocal(nil, 0, 0).
	Local *providers.Local
	// Upstream are the shared request behaviours (retries, rate-limit state, metrics); the zero
	// value disables them.
	Upstream rest.Options
}

// Source is the GitLab source. It is safe for concurrent use.
type Source struct {
	client *rest.Client
	local  *providers.Local
	// viewers keeps each credential's username (GET /user) for affiliation filters.
	viewers *providers.Viewers
}

// New returns a GitLab source. It fails when cfg.BaseURL is not an absolute http(s) URL without a
// query.
func New(cfg Config) (*Source, error) {
	client, err := (&rest.Client{Source: SourceName, TokenEnv: TokenVar, TokenHeader: TokenHeader, Options: cfg.Upstream, HTTP: cfg.HTTP, Timeout: cfg.Timeout,
		Auth: rest.HeaderAuth("PRIVATE-TOKEN"), RateLimit: rateLimit, ErrorMessage: errorMessage, WriteError: writeError,
		// Slugs of users, groups and projects: ASCII letters, digits, "_", "." and "-".
		Segment: rest.NameChars, SegmentRule: rest.NameCharsRule}).WithBase(cfg.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, err
	}
	return &Source{client: client, local: providers.LocalOr(cfg.Local), viewers: providers.NewViewers(0)}, nil
}

// rateLimit reads GitLab's RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (Unix seconds;
// RateLimit-ResetTime, an HTTP date, as a fallback). The state is known only when Remaining is sent.
func rateLimit(h http.Header) rest.Rate {
	remaining, ok := rest.HeaderInt(h, "RateLimit-Remaining")
	if !ok {
		return rest.Rate{}
	}
	r := rest.Rate{Known: true, Remaining: remaining}
	r.Limit, _ = rest.HeaderInt(h, "RateLimit-Limit")
	if s, ok := rest.HeaderInt(h, "RateLimit-Reset"); ok && s > 0 {
		r.Reset = time.Unix(int64(s), 0).UTC()
	} else if t, err := http.ParseTime(h.Get("RateLimit-ResetTime")); err == nil {
		r.Reset = t.UTC()
	}
	return r
}

// maxMessage bounds an error message taken from a body.
const maxMessage = 300

// errorMessage extracts the readable message of a GitLab error body: {"message": "401 Unauthorized"},
// {"message": {"name": ["has already been taken"]}}, {"message": ["..."]} or the OAuth shape
// {"error": "insufficient_scope", "error_description": "..."}. It returns "" for anything else.
func errorMessage(body []byte) string {
	var e struct {
		Message          json.RawMessage `json:"message"`
		Error            json.RawMessage `json:"error"`
		ErrorDescription json.RawMessage `json:"error_description"`
	}
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	msg := flatten(e.Message)
	if msg == "" {
		errText, desc := flatten(e.Error), flatten(e.ErrorDescription)
		switch {
		case errText != "" && desc != "":
			msg = errText + ": " + desc
		case desc != "":
			msg = desc
		default:
			msg = errText
		}
	}
	if len(msg) > maxMessage {
		msg = msg[:maxMessage] + "…"
	}
	return msg
}

// flatten renders a JSON message value as text: strings as they are, arrays joined with "; ", and
// objects as "field message" pairs sorted by field ("base" messages without their field name), as
// GitLab's validation errors read.
func flatten(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil {
		parts := make([]string, 0, len(list))
		for _, v := range list {
			if t := flatten(v); t != "" {
				parts = append(parts, t)
			}
		}
		return strings.Join(parts, "; ")
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			t := flatten(obj[k])
			switch {
			case t == "":
			case k == "base":
				parts = append(parts, t)
			default:
				parts = append(parts, k+" "+t)
			}
		}
		return strings.Join(parts, "; ")
	}
	if string(raw) == "null" {
		return ""
	}
	return strings.TrimSpace(string(raw))
}
