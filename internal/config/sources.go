package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/forgegraph/forgegraph/providers/registry"
)

// sourceSettings checks what the enabled sources need (a URL where the forge has no default) and
// reads every source's extra settings into c.Settings, defaulted and validated, so a mistake is
// reported at start with what to change.
func sourceSettings(c *Config, getenv func(string) string) error {
	for _, f := range registry.All() {
		if f.URLRequired != "" && slices.Contains(c.Sources, f.Name) && c.URLs[f.Name] == "" {
			return fmt.Errorf("%s is enabled but %s is not set: %s", f.Name, f.URLVar, f.URLRequired)
		}
	}
	for _, f := range registry.All() {
		for _, st := range f.Settings {
			v := strings.ToLower(strings.TrimSpace(getenv(st.Var)))
			if v == "" {
				v = st.Default
			}
			if !slices.Contains(st.Allowed, v) {
				return fmt.Errorf("%s=%q: use %s", st.Var, v, orList(st.Allowed))
			}
			c.Settings[st.Var] = v
		}
	}
	return nil
}

// orList joins values as "a, b or c".
func orList(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}
