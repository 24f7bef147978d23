// Package api holds the oapi-codegen configuration and overlay that turn the
// pinned Apify OpenAPI document into the generated packages: gen (models,
// enums, parameter types; what the hand-written client imports) and
// gen/genclient (Client, ClientWithResponses, request builders and response
// types; only users of the full generated surface import it).
//
// `go generate ./api/` (or `make generate`) reads the document named by
// APIFY_OPENAPI (a path or URL), else the cached copy of the document pinned
// in spec/apify.lock, else https://docs.apify.com/api/openapi.json; checks it
// against the lock; normalizes it into ../build/openapi.json; runs
// oapi-codegen on it twice with one configuration (models, then client); and
// shapes the two outputs into gen/ and gen/genclient/ (spec/gogen), keeping
// every name the committed generation exports (read from its code; the
// operations and schemas it came from are recorded in names.json) with
// deprecated aliases for renamed ones, rewriting names.json and printing the
// compatibility report.
// With APIFY_GEN_CHECK set, the last step compares instead of writing
// (`make check-generated`). oapi-codegen warns that the client run does not
// declare the models; the models run does, into package gen.
package api

//go:generate go run ../spec/cmd/apify-spec -lock ../spec/apify.lock -out ../build/openapi.json
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config oapi-codegen.yaml -generate types -o ../build/_oapi/models.go ../build/openapi.json
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config oapi-codegen.yaml -generate client -o ../build/_oapi/client.go ../build/openapi.json
//go:generate go run ../spec/cmd/apify-gen -models ../build/_oapi/models.go -client ../build/_oapi/client.go -doc ../build/openapi.json -root ..
