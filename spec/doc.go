// Package spec fetches, verifies and normalizes the Apify OpenAPI document
// so that oapi-codegen generates a correct client from it.
//
// The pipeline is:
//
//  1. [Read] the bundled upstream document from a path or an http(s) URL
//     (by default [DefaultURL]).
//  2. [Lock.Check] it against the pinned version and sha256 in spec/apify.lock;
//     a mismatch is refused unless the lock is being updated on purpose.
//  3. [Normalize] it with transforms keyed only on the document's shape (never
//     on a version, a path or a schema name), so that the next published
//     version works unchanged. Each transform is listed in [Transforms].
//  4. Write the normalized document to a git-ignored build path, from which
//     api/ runs oapi-codegen.
//
// When the lock is updated, [Compare] reports the operations added, removed
// and renamed (same method and path, new operationId) and the schemas added
// and removed, so a regeneration's effect on generated names is visible.
//
// The command spec/cmd/apify-spec runs the pipeline; the Makefile's generate,
// spec-update and check-generated targets call it.
package spec
