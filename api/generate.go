// Package api holds the oapi-codegen configuration and overlay that turn the
// pinned Apify OpenAPI document into package gen.
//
// `go generate ./api/` (or `make generate`) reads the document named by
// APIFY_OPENAPI (a path or URL), else the cached copy of the document pinned
// in spec/apify.lock, else https://docs.apify.com/api/openapi.json; checks it
// against the lock; normalizes it into ../build/openapi.json; and generates
// ../gen/gen.go from that.
package api

//go:generate go run ../spec/cmd/apify-spec -lock ../spec/apify.lock -out ../build/openapi.json
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config oapi-codegen.yaml -o ../gen/gen.go ../build/openapi.json
