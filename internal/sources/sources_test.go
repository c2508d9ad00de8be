package sources

import (
	"slices"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/internal/config"
	"github.com/forgegraph/forgegraph/providers/registry"
)

// TestBuildEveryForge builds every registry source from its own variables, and checks a bad URL
// fails naming the variable to fix.
func TestBuildEveryForge(t *testing.T) {
	env := map[string]string{}
	for _, f := range registry.All() {
		env[f.TokenVar] = "t"
		env[f.URLVar] = "http://" + f.Name + ".example"
	}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(cfg, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range b.Sources {
		names = append(names, s.Name())
	}
	if !slices.Equal(names, registry.Names()) || b.Demo != nil {
		t.Fatalf("built %v (demo %v), want %v", names, b.Demo != nil, registry.Names())
	}
	for _, f := range registry.All() {
		bad := cfg
		bad.URLs = map[string]string{f.Name: "ftp://nowhere"}
		bad.Sources = []string{f.Name}
		if _, err := Build(bad, Deps{}); err == nil || !strings.Contains(err.Error(), "check "+f.URLVar) {
			t.Errorf("%s with a bad URL: %v, want it to say check %s", f.Name, err, f.URLVar)
		}
	}
}

// TestBuildDemo checks demo mode builds every demo forge, reached through the demo's client.
func TestBuildDemo(t *testing.T) {
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(cfg, Deps{})
	if err != nil {
		t.Fatal(err)
	}
	if b.Demo == nil || len(b.Sources) != len(registry.DemoForges()) {
		t.Fatalf("demo mode built %d sources, want %d", len(b.Sources), len(registry.DemoForges()))
	}
	for i, f := range registry.DemoForges() {
		if b.Sources[i].Name() != f.Name || !slices.Contains(b.Sources[i].Providers(), f.Provider) || b.Tokens[f.Name] == "" {
			t.Errorf("demo source %d is %s serving %v, want %s serving %s", i, b.Sources[i].Name(), b.Sources[i].Providers(), f.Name, f.Provider)
		}
	}
}
