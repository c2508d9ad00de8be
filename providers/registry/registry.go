// Package registry holds one descriptor per forge source: its configuration name, the forge it
// fronts, its environment variables, its per-request credential header, its constructor, its fake
// and its demo data. Configuration (internal/config), the credentials middleware (internal/server),
// the source builder (internal/sources), the demo, cmd/fakeforge and the bench harness loop over
// All instead of naming each forge, so adding a forge is one forge package plus one descriptor in
// forges.go (and its value in the Provider enum).
//
// The domain package providers does not import this package; it imports the forge packages.
package registry

import (
	"net/http"
	"time"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/demo"
	"github.com/forgegraph/forgegraph/providers/rest"
)

// Forge describes one configurable source. Every field but Demo and Settings is required.
type Forge struct {
	// Name is the source's configuration name: the PROVIDERS value, Source.Name(), and the key of
	// server-held tokens, URLs and per-request credentials ("github").
	Name string
	// Provider is the forge whose repositories the source serves; "" for an aggregator that fronts
	// several forges (OpenHands).
	Provider providers.Provider
	// TokenVar and URLVar are the environment variables of the server-held token and the API base
	// URL ("GITHUB_TOKEN", "GITHUB_API_URL").
	TokenVar, URLVar string
	// URLRequired, when not "", means the source has no default URL: enabling it without URLVar
	// fails at start with "NAME is enabled but URLVar is not set: " followed by this text, which
	// says what to set it to.
	URLRequired string
	// Settings are the source's other environment variables (CODEARTS_API_VERSION), nil when none.
	Settings []Setting
	// Header is the per-request credential header ("X-GitHub-Token").
	Header string
	// New builds the source from s. Errors name the source and say what to fix.
	New func(s Settings) (providers.Source, error)
	// Fake returns the forge's fake API serving repos to requests that carry token.
	Fake func(token string, repos []providers.Repository) Fake
	// Demo, when not nil, puts the forge in demo mode, cmd/fakeforge and the bench harness.
	Demo *Demo
}

// Setting is one extra environment variable of a source, with a fixed set of values.
type Setting struct {
	// Var is the variable's name ("CODEARTS_API_VERSION").
	Var string
	// Default is the value when Var is unset or blank.
	Default string
	// Allowed are the accepted values, lower case; the value read is trimmed and lower-cased.
	Allowed []string
}

// Settings are what a source is built from: its configuration and what all sources share.
type Settings struct {
	// BaseURL is the API base URL; "" means the forge's default (a source with URLRequired fails).
	BaseURL string
	// HTTP is the client requests go through; nil means http.DefaultClient.
	HTTP *http.Client
	// Timeout bounds each upstream request; 0 means rest.DefaultTimeout.
	Timeout time.Duration
	// Local serves lists the forge cannot sort itself; nil means the forge's default.
	Local *providers.Local
	// Upstream are the shared request behaviours (retries, rate-limit state, metrics).
	Upstream rest.Options
	// Workspaces caches Bitbucket workspace lists; nil keeps them in memory.
	Workspaces providers.UserCache[[]string]
	// Values are the sources' Settings by variable name; a missing one is its Default.
	Values map[string]string
}

// value returns the setting st from s.Values, or its default.
func (s Settings) value(st Setting) string {
	if v := s.Values[st.Var]; v != "" {
		return v
	}
	return st.Default
}

// Fake is a forge's fake API (the forge packages' fake subpackages).
type Fake interface {
	http.Handler
	// Requests returns how many requests the fake has served.
	Requests() int64
}

// Limited is a Fake that enforces a request quota, as the GitHub fake does.
type Limited interface {
	Fake
	// SetRateLimit sets the quota and starts a new window; limit <= 0 removes the quota.
	SetRateLimit(limit int)
}

// Demo is a forge's part in demo mode, cmd/fakeforge and the bench harness.
type Demo struct {
	// Path is the API's base path on the demo host ("/api/v3"; "" for the root). The demo serves
	// the forge at http://NAME.demo.invalid+Path, cmd/fakeforge at /NAME+Path.
	Path string
	// Data is what the forge's demo repositories look like.
	Data demo.Data
	// RateLimit is the quota a Limited fake starts a fresh window with (cmd/fakeforge's /_reset);
	// 0 for fakes without one.
	RateLimit int
	// Users are the owners of Data.Owners that are user accounts, the token holder first; the
	// other owners are organizations, groups or workspaces (repositoryOwner). nil: the fake's own
	// rule.
	Users []string
	// Public, when not nil, are public repositories of other accounts that only the forge's public
	// list (publicRepositories) shows, with its own Seed so they differ from Data's.
	Public *demo.Data
}

// All returns every source's descriptor in build order (the order PROVIDERS lists them in its
// error message and the default set is enabled in). The slice is a copy; the descriptors share
// their slices and must not be modified.
func All() []Forge { return append([]Forge(nil), forges...) }

// Names returns every source's name in build order.
func Names() []string {
	out := make([]string, len(forges))
	for i, f := range forges {
		out[i] = f.Name
	}
	return out
}

// Lookup returns the descriptor of the source named name; false when there is none.
func Lookup(name string) (Forge, bool) {
	for _, f := range forges {
		if f.Name == name {
			return f, true
		}
	}
	return Forge{}, false
}

// Headers returns the per-request credential header of every source, by source name.
func Headers() map[string]string {
	out := make(map[string]string, len(forges))
	for _, f := range forges {
		out[f.Name] = f.Header
	}
	return out
}

// source turns a forge constructor's typed result into a providers.Source that is nil on error
// (a nil *T in an interface would not be).
func source[T providers.Source](s T, err error) (providers.Source, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

// DemoForges returns the descriptors of the forges in the demo (Demo not nil), in build order.
func DemoForges() []Forge {
	var out []Forge
	for _, f := range forges {
		if f.Demo != nil {
			out = append(out, f)
		}
	}
	return out
}

// DemoNames returns the names of the forges in the demo, in build order.
func DemoNames() []string {
	var out []string
	for _, f := range DemoForges() {
		out = append(out, f.Name)
	}
	return out
}

// DemoRepositories returns the forge's demo repositories, the same on every call; nil for a
// source without demo data.
func (f Forge) DemoRepositories() []providers.Repository {
	if f.Demo == nil {
		return nil
	}
	return demo.Generate(f.Provider, f.Demo.Data)
}

// DemoRepositoriesOf returns the demo repositories of provider p; nil when no demo forge serves p.
func DemoRepositoriesOf(p providers.Provider) []providers.Repository {
	for _, f := range DemoForges() {
		if f.Provider == p {
			return f.DemoRepositories()
		}
	}
	return nil
}

// NewDemo returns the demo: every demo forge's fake, serving its demo repositories to demo.Token
// at http://NAME.demo.invalid+Path, reached in process through the demo's client.
func NewDemo() *demo.Demo {
	var fs []demo.Forge
	for _, f := range DemoForges() {
		fake := f.DemoFake()
		fs = append(fs, demo.Forge{Source: f.Name, BaseURL: "http://" + f.Name + ".demo.invalid" + f.Demo.Path,
			Handler: fake, Requests: fake.Requests})
	}
	return demo.New(fs)
}

// DemoFake returns the forge's fake serving its demo repositories to demo.Token, set up with the
// demo's users (the token holder first) and public repositories of others where the fake has them
// (SetLogin, SetUsers, SetPublicOthers). It panics for a source without demo data (a programming
// error: callers loop over DemoForges).
func (f Forge) DemoFake() Fake {
	fake := f.Fake(demo.Token, f.DemoRepositories())
	if len(f.Demo.Users) > 0 {
		if l, ok := fake.(interface{ SetLogin(string) }); ok {
			l.SetLogin(f.Demo.Users[0])
		}
		if u, ok := fake.(interface{ SetUsers(...string) }); ok {
			u.SetUsers(f.Demo.Users...)
		}
	}
	if f.Demo.Public != nil {
		if p, ok := fake.(interface{ SetPublicOthers([]providers.Repository) }); ok {
			p.SetPublicOthers(demo.Generate(f.Provider, *f.Demo.Public))
		}
	}
	return fake
}
