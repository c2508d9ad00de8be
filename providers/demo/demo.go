package demo

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
)

// Token is the server-held token of every demo forge. It opens nothing anywhere else.
const Token = "demo-token"

// Forge is one demo forge: its source name, API base URL and fake server.
type Forge struct {
	Source  string
	BaseURL string
	Handler http.Handler
	// Requests reports how many requests the fake served.
	Requests func() int64
}

// Demo is the set of demo forges and the HTTP client that reaches them in process.
type Demo struct {
	Forges []Forge
	// Client sends every request to the demo forges; any other host fails.
	Client *http.Client
}

// New returns the demo over forges (providers/registry builds them from each forge's descriptor,
// with its fake and Generate's repositories). A request to a host none of forges has fails.
func New(forges []Forge) *Demo {
	d := &Demo{Forges: forges}
	d.Client = &http.Client{Transport: roundTripper(d.Forges)}
	return d
}

// URLs returns the base URL of each demo source by name.
func (d *Demo) URLs() map[string]string {
	out := map[string]string{}
	for _, f := range d.Forges {
		out[f.Source] = f.BaseURL
	}
	return out
}

// Tokens returns the server-held token of each demo source by name.
func (d *Demo) Tokens() map[string]string {
	out := map[string]string{}
	for _, f := range d.Forges {
		out[f.Source] = Token
	}
	return out
}

// roundTripper serves requests to the demo hosts with their fakes, in process.
type roundTripper []Forge

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	for _, f := range rt {
		base := strings.TrimPrefix(f.BaseURL, "http://")
		host, prefix, _ := strings.Cut(base, "/")
		prefix = "/" + prefix
		if req.URL.Host != host {
			continue
		}
		if prefix == "/" {
			prefix = ""
		}
		r := req.Clone(req.Context())
		r.RequestURI = req.URL.RequestURI()
		r.Host = host
		if r.Body == nil { // a server's handler always has a body (DELETE sends none)
			r.Body = http.NoBody
		}
		rec := httptest.NewRecorder()
		if gql, ok := strings.CutSuffix(prefix, "/api/v3"); ok && r.URL.Path == gql+"/api/graphql" {
			// GitHub Enterprise Server's GraphQL endpoint sits beside its REST root: the fake
			// serves it as /graphql.
			prefix = gql + "/api"
		}
		http.StripPrefix(prefix, f.Handler).ServeHTTP(rec, r)
		resp := rec.Result()
		resp.Request = req
		return resp, nil
	}
	return nil, fmt.Errorf("demo: no demo forge at %s (demo mode opens no network connection)", req.URL.Host)
}
