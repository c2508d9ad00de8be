package registry

import (
	"github.com/forgegraph/forgegraph/providers"
	"github.com/forgegraph/forgegraph/providers/demo"
)

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
		fake := f.Fake(demo.Token, f.DemoRepositories())
		fs = append(fs, demo.Forge{Source: f.Name, BaseURL: "http://" + f.Name + ".demo.invalid" + f.Demo.Path,
			Handler: fake, Requests: fake.Requests})
	}
	return demo.New(fs)
}
