// Package apidoc finds the published Apify API documents for this
// repository's tests. The documents are never part of the repository: a
// checkout finds them in ../shared/apify-openapi/ beside it (as CI has them)
// or where APIFY_OPENAPI (the current document) and APIFY_OPENAPI_PREVIOUS
// (the previous one) point.
//
// A test that needs a document calls Current or Previous. Without the
// document the test is skipped, saying what is missing and how to provide it,
// so that `go test` passes on any clone and in users' `go test all`; in CI
// (CI=true), where every such test must run, it fails instead.
package apidoc

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// The environment variables that name the documents, and their places under
// ../shared beside the repository.
const (
	CurrentEnv      = "APIFY_OPENAPI"
	PreviousEnv     = "APIFY_OPENAPI_PREVIOUS"
	currentShared   = "apify-openapi/openapi.json"
	previousShared  = "apify-openapi/previous/openapi-2026-06-30.json"
	howToProvideDoc = "put the published documents in ../shared/apify-openapi/ beside the repository (as CI has them) or set %s to the document's file"
)

// Current returns the path of the current published API document, or skips
// tb (fails it in CI) when there is none.
func Current(tb testing.TB) string {
	tb.Helper()
	return require(tb, CurrentEnv, currentShared)
}

// Previous returns the path of the previous published API document (the one
// the evolution tests compare with), or skips tb (fails it in CI) when there
// is none.
func Previous(tb testing.TB) string {
	tb.Helper()
	return require(tb, PreviousEnv, previousShared)
}

// CurrentPath returns the path of the current document, or an error saying
// what is missing and how to provide it.
func CurrentPath() (string, error) { return find(CurrentEnv, currentShared) }

// PreviousPath returns the path of the previous document, or an error saying
// what is missing and how to provide it.
func PreviousPath() (string, error) { return find(PreviousEnv, previousShared) }

// InCI reports whether the tests run in CI (CI=true or 1), where a test that
// needs a document must not skip.
func InCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}

// SkipOrFail skips tb with reason, or fails it in CI.
func SkipOrFail(tb testing.TB, reason string) {
	tb.Helper()
	if InCI() {
		tb.Fatalf("%s (CI=true: in CI every test that needs the API document must run)", reason)
	}
	tb.Skip(reason)
}

func require(tb testing.TB, env, shared string) string {
	tb.Helper()
	p, err := find(env, shared)
	if err != nil {
		SkipOrFail(tb, err.Error())
	}
	return p
}

// find returns the document's path from env, else from ../shared.
func find(env, shared string) (string, error) {
	if v := os.Getenv(env); v != "" {
		if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
			return "", fmt.Errorf("%s is a URL (%s); the tests read the document from a file, offline: "+howToProvideDoc, env, v, env)
		}
		if _, err := os.Stat(v); err != nil {
			return "", fmt.Errorf("%s names %s, which is not readable (%v): "+howToProvideDoc, env, v, err, env)
		}
		return filepath.Abs(v)
	}
	p := filepath.Join(repoRoot(), "..", "shared", filepath.FromSlash(shared))
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("the Apify API document is missing (no %s, and %s is unset): "+howToProvideDoc, p, env, env)
	}
	return p, nil
}

// repoRoot is the root of the checkout (or module copy) this file is in.
func repoRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "."
	}
	return filepath.Join(filepath.Dir(file), "..", "..")
}
