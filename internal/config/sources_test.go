package config

import (
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers/registry"
)

// TestEveryForgeIsConfigurable checks, for every registry descriptor, that its token variable
// enables it (trimmed, server-held, so the loopback rule applies), its URL variable is read, a
// required URL is asked for by name, and PROVIDERS accepts its name.
func TestEveryForgeIsConfigurable(t *testing.T) {
	for _, f := range registry.All() {
		env := map[string]string{f.TokenVar: " tok "}
		if f.URLRequired != "" {
			if _, err := load(env); err == nil || !strings.Contains(err.Error(), f.URLVar) || !strings.Contains(err.Error(), f.Name) {
				t.Errorf("%s without %s: %v, want an error naming both", f.Name, f.URLVar, err)
			}
		}
		env[f.URLVar] = "http://" + f.Name + ".example"
		c, err := load(env)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if strings.Join(c.Sources, ",") != f.Name || c.Tokens[f.Name] != "tok" || c.URLs[f.Name] != env[f.URLVar] || !c.LoopbackOnly {
			t.Errorf("%s=tok: sources %v, tokens %v, URLs %v, loopback %v", f.TokenVar, c.Sources, c.Tokens, c.URLs, c.LoopbackOnly)
		}
		for _, st := range f.Settings {
			if c.Settings[st.Var] != st.Default {
				t.Errorf("%s defaults to %q, want %q", st.Var, c.Settings[st.Var], st.Default)
			}
		}
		c, err = load(map[string]string{"PROVIDERS": strings.ToUpper(f.Name), f.URLVar: "http://x.example"})
		if err != nil || strings.Join(c.Sources, ",") != f.Name || c.LoopbackOnly {
			t.Errorf("PROVIDERS=%s: %v, sources %v", strings.ToUpper(f.Name), err, c.Sources)
		}
	}
}
