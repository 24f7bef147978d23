// Package gen is the client for every operation of the Apify API, generated
// by oapi-codegen from the Apify OpenAPI document pinned in spec/apify.lock.
//
// Everything in gen.go is generated: do not edit it; run `make generate`
// (see the README's "Regenerating the client"). Names here follow the
// upstream operationIds and schema names, so they can change when Apify
// publishes a new document: [github.com/apifygo/apify/wrapper] (package
// apify) is the stable surface, and its Client.API method returns this
// package's ClientWithResponses wired with authentication, retries and
// typed errors.
//
// Raw data endpoints (dataset items, key-value records, logs, run-sync
// results) return their body as bytes in Body, with the
// X-Apify-Pagination-* headers parsed into integers where the API sends them.
// 4xx error answers decode into JSON4XX (*ErrorResponse); the wrapper turns
// every error answer into a typed error.
package gen
