//go:build tools

// Package tools pins the code generator used by go generate (see api/), so
// that `go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen`
// always runs the version recorded in go.mod.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
