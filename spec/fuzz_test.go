package spec

import (
	"bytes"
	"path/filepath"
	"testing"
)

// FuzzNormalize feeds Normalize documents derived from the fixtures: it must
// never panic, and what it accepts it must turn into a document that
// normalizes to itself. The seeds run as an ordinary test; fuzz with
// `go test ./spec -run '^$' -fuzz FuzzNormalize`.
func FuzzNormalize(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		f.Add(readFile(f, s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		out, _, err := Normalize(doc)
		if err != nil {
			return
		}
		again, stats, err := Normalize(out)
		if err != nil {
			t.Fatalf("Normalize accepted a document but not its own output: %v", err)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("Normalize is not idempotent (%s): %s", stats, firstDifference(again, out))
		}
	})
}
