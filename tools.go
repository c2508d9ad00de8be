//go:build tools

// Package tools pins, in go.mod, the code generator and the modules that parts of the tree under
// construction use (so `go mod tidy` keeps them).
package tools

import (
	_ "github.com/99designs/gqlgen"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/redis/go-redis/v9"
	_ "go.uber.org/goleak"
)
