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

// TestSourceMessagesAndVariables pins the start-up messages and variables of the sources, which
// the registry now supplies: they are part of the contract and must read as they always did.
func TestSourceMessagesAndVariables(t *testing.T) {
	for env, want := range map[string]string{
		"PROVIDERS=github,sourceforge": `PROVIDERS names "sourceforge": use a comma list of github,gitlab,bitbucket,codearts,gitea,openhands`,
		"PROVIDERS=gitea":              "gitea is enabled but GITEA_API_URL is not set: set it to the instance's API root, e.g. https://codeberg.org/api/v1 or https://git.example.com/api/v1",
		"PROVIDERS=codearts":           "codearts is enabled but CODEARTS_API_URL is not set: set it to your region's CodeArts Repo endpoint, e.g. https://codehub-ext.cn-north-4.myhuaweicloud.com",
		"CODEARTS_API_VERSION= V3 ":    `CODEARTS_API_VERSION="v3": use v4 or v2`,
	} {
		k, v, _ := strings.Cut(env, "=")
		if _, err := load(map[string]string{k: v}); err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %q", env, err, want)
		}
	}
	c, err := load(map[string]string{
		"GITHUB_TOKEN": "a", "GITLAB_TOKEN": "b", "BITBUCKET_TOKEN": "c", "CODEARTS_TOKEN": "d", "GITEA_TOKEN": "e", "OPENHANDS_API_KEY": "f",
		"GITHUB_API_URL": "u1", "GITLAB_API_URL": "u2", "BITBUCKET_API_URL": "u3", "CODEARTS_API_URL": "u4", "GITEA_API_URL": "u5", "OPENHANDS_API_URL": "u6",
		"CODEARTS_API_VERSION": "V2",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Sources, ","); got != "github,gitlab,bitbucket,codearts,gitea,openhands" {
		t.Errorf("default sources %q", got)
	}
	for i, s := range []string{"github", "gitlab", "bitbucket", "codearts", "gitea", "openhands"} {
		if c.Tokens[s] != string(rune('a'+i)) || c.URLs[s] != "u"+string(rune('1'+i)) {
			t.Errorf("%s: token %q, URL %q", s, c.Tokens[s], c.URLs[s])
		}
	}
	if v := c.Settings["CODEARTS_API_VERSION"]; v != "v2" {
		t.Errorf("CODEARTS_API_VERSION read as %q, want v2", v)
	}
}
