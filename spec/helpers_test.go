package spec

import (
	"fmt"
	"github.com/apifygo/apify/api/apidoc"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The upstream documents live outside the repository (they must never be
// copied into it): package apidoc finds them, and upstream skips the test
// (fails it in CI) without them. These names select one.
const (
	currentDocPath  = "the current published document"
	previousDocPath = "the previous published document"
)

// readFile returns a file's bytes or stops the test.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var (
	docsMu sync.Mutex
	docs   = map[string][]byte{}
)

// upstream returns one of the shared upstream documents (currentDocPath or
// previousDocPath), read once per test binary (they are about 1 MB each). It
// skips the test (fails it in CI) when the document is missing.
func upstream(t testing.TB, which string) []byte {
	t.Helper()
	path := apidoc.Current(t)
	if which == previousDocPath {
		path = apidoc.Previous(t)
	}
	docsMu.Lock()
	defer docsMu.Unlock()
	if b, ok := docs[which]; ok {
		return b
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", which, err)
	}
	docs[which] = b
	return b
}

// writeFile writes a file under a test's temporary directory and returns its path.
func writeFile(t testing.TB, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// firstDifference describes where two texts first differ, line by line, for
// failure messages about large documents.
func firstDifference(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl || i >= len(g) || i >= len(w) {
			return fmt.Sprintf("first difference at line %d:\n  got:  %q\n  want: %q", i+1, gl, wl)
		}
	}
	return "no difference"
}

// wantErrorContaining fails the test unless err is non-nil and its message
// holds every fragment.
func wantErrorContaining(t testing.TB, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one mentioning %q", fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not mention %q", err, f)
		}
	}
}
