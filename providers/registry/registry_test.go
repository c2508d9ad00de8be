package registry_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/demo"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// TestEveryProviderHasAForge fails when a forge of the Provider enum has no descriptor (its source
// would be unreachable by configuration, headers, the demo and the bench) or a descriptor serves a
// provider the enum does not have.
func TestEveryProviderHasAForge(t *testing.T) {
	served := map[providers.Provider]string{}
	for _, f := range registry.All() {
		if f.Provider == "" {
			continue // an aggregator
		}
		if !f.Provider.Valid() {
			t.Errorf("%s serves %q, which is not in the Provider enum", f.Name, f.Provider)
		}
		if other, ok := served[f.Provider]; ok {
			t.Errorf("%s and %s both serve %s", other, f.Name, f.Provider)
		}
		served[f.Provider] = f.Name
	}
	for _, p := range providers.AllProviders {
		if _, ok := served[p]; !ok {
			t.Errorf("no registry descriptor serves %s: add one to providers/registry/forges.go", p)
		}
		if len(registry.DemoRepositoriesOf(p)) == 0 {
			t.Errorf("the demo has no %s repositories: give its descriptor Demo data", p)
		}
	}
}

// TestDescriptorsAreCompleteAndUnique checks every descriptor has what the loops over the registry
// rely on, and that no name, variable or header is used twice.
func TestDescriptorsAreCompleteAndUnique(t *testing.T) {
	seen := map[string]string{}
	unique := func(what, v, owner string) {
		t.Helper()
		k := what + ":" + strings.ToLower(v)
		if v == "" {
			t.Errorf("%s has no %s", owner, what)
		} else if prev, ok := seen[k]; ok {
			t.Errorf("%s %q is used by %s and %s", what, v, prev, owner)
		}
		seen[k] = owner
	}
	for _, f := range registry.All() {
		unique("name", f.Name, f.Name)
		unique("variable", f.TokenVar, f.Name)
		unique("variable", f.URLVar, f.Name)
		for _, st := range f.Settings {
			unique("variable", st.Var, f.Name)
			if !slices.Contains(st.Allowed, st.Default) {
				t.Errorf("%s: %s's default %q is not among %v", f.Name, st.Var, st.Default, st.Allowed)
			}
		}
		unique("header", f.Header, f.Name)
		if f.Name != strings.ToLower(f.Name) || strings.ContainsAny(f.Name, ", ") {
			t.Errorf("name %q: PROVIDERS is read in lower case and split at commas", f.Name)
		}
		if f.New == nil || f.Fake == nil {
			t.Fatalf("%s has no constructor or no fake", f.Name)
		}
		// The constructor builds the source the descriptor names.
		s, err := f.New(registry.Settings{BaseURL: "http://" + f.Name + ".test.invalid"})
		if err != nil {
			t.Fatalf("%s: New: %v", f.Name, err)
		}
		if s.Name() != f.Name {
			t.Errorf("descriptor %s builds a source named %s", f.Name, s.Name())
		}
		if f.Provider != "" && !slices.Contains(s.Providers(), f.Provider) {
			t.Errorf("%s's source serves %v, not its descriptor's %s", f.Name, s.Providers(), f.Provider)
		}
		// Bad settings fail with an error that names the source, never a nil source without one.
		if s, err := f.New(registry.Settings{BaseURL: "not a url"}); err == nil || s != nil {
			t.Errorf("%s: New with a bad URL = %v, %v; want an error and no source", f.Name, s, err)
		} else if !strings.Contains(err.Error(), f.Name) {
			t.Errorf("%s: error %q does not name the source", f.Name, err)
		}
	}
	if got := registry.Names(); len(got) != len(registry.All()) || len(registry.Headers()) != len(got) {
		t.Fatalf("Names %v and Headers %v do not match All", got, registry.Headers())
	}
}

// TestDemoServesEveryDemoForge checks the demo routes each demo forge's host to its own fake, with
// the demo token.
func TestDemoServesEveryDemoForge(t *testing.T) {
	d := registry.NewDemo()
	if len(d.Forges) != len(registry.DemoForges()) || len(d.Forges) == 0 {
		t.Fatalf("demo has %d forges, registry %d", len(d.Forges), len(registry.DemoForges()))
	}
	total := 0
	for _, f := range registry.DemoForges() {
		total += len(f.DemoRepositories())
		url := d.URLs()[f.Name]
		if url == "" || d.Tokens()[f.Name] != demo.Token {
			t.Fatalf("%s: demo URL %q, token %q", f.Name, url, d.Tokens()[f.Name])
		}
		var fake registry.Fake
		for _, df := range d.Forges {
			if df.Source == f.Name {
				fake = df.Handler.(registry.Fake)
			}
		}
		before := fake.Requests()
		resp, err := d.Client.Get(url + "/some/path")
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if fake.Requests() != before+1 {
			t.Errorf("%s: a request to %s did not reach its fake", f.Name, url)
		}
	}
	if total == 0 {
		t.Fatal("the demo has no repositories")
	}
	// Every forge's fake, demo or not, is an HTTP API that refuses a request without the token.
	for _, f := range registry.All() {
		rec := httptest.NewRecorder()
		f.Fake("t", nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if rec.Code < 400 {
			t.Errorf("%s's fake answered %d to a request without a token", f.Name, rec.Code)
		}
	}
}
