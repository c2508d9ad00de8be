// Command gen rewrites graph/generated.go with seqlists and writes graph/lists_gen.go. Run it from
// the graph directory after gqlgen (`go generate ./graph` does both):
//
//	go run ../internal/seqlists/gen
package main

import (
	"fmt"
	"os"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/forgegraph/forgegraph/internal/seqlists"
)

func main() {
	if err := run("generated.go", "../schema.graphqls", "lists_gen.go"); err != nil {
		fmt.Fprintln(os.Stderr, "seqlists:", err)
		os.Exit(1)
	}
}

func run(generatedPath, schemaPath, tablePath string) error {
	generated, err := os.ReadFile(generatedPath)
	if err != nil {
		return fmt.Errorf("%w (run it from the graph directory, after gqlgen)", err)
	}
	sdl, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: schemaPath, Input: string(sdl)})
	if gerr != nil {
		return gerr
	}
	out, table, err := seqlists.Rewrite(generated, schema)
	if err != nil {
		return err
	}
	if err := os.WriteFile(generatedPath, out, 0o644); err != nil {
		return err
	}
	return os.WriteFile(tablePath, table, 0o644)
}
