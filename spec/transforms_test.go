package spec

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the transforms' golden files (testdata/<id>/want.json and hits.txt) from the current output")

// TestTransformGoldens runs each transform alone on its hand-written fixture
// testdata/<id>/in.json and compares the result with want.json byte for byte
// and the number of places changed with hits.txt. Each fixture also holds
// shapes the transform must leave alone. Run `go test ./spec -update` to
// rewrite the goldens, then read the diff.
func TestTransformGoldens(t *testing.T) {
	for _, tr := range Transforms {
		t.Run(tr.ID, func(t *testing.T) {
			dir := filepath.Join("testdata", tr.ID)
			in := readFile(t, filepath.Join(dir, "in.json"))
			got, hits, err := applyOne(tr.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			wantPath, hitsPath := filepath.Join(dir, "want.json"), filepath.Join(dir, "hits.txt")
			if *update {
				if err := os.WriteFile(wantPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(hitsPath, []byte(strconv.Itoa(hits)+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := readFile(t, wantPath); !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden %s (run go test ./spec -update and review the diff); %s",
					tr.ID, wantPath, firstDifference(got, want))
			}
			wantHits, err := strconv.Atoi(strings.TrimSpace(string(readFile(t, hitsPath))))
			if err != nil {
				t.Fatalf("%s: %v", hitsPath, err)
			}
			if hits != wantHits {
				t.Errorf("%s changed %d places, want %d", tr.ID, hits, wantHits)
			}
			if hits == 0 {
				t.Errorf("the fixture %s does not exercise %s", dir, tr.ID)
			}
			if canonicalJSON(t, in) == canonicalJSON(t, got) {
				t.Errorf("%s reported %d changes but the document is unchanged", tr.ID, hits)
			}

			// No transform leaves a reference pointing nowhere.
			root, err := decodeTree(got)
			if err != nil {
				t.Fatal(err)
			}
			for _, ref := range danglingRefs(root) {
				t.Errorf("%s left the dangling reference %s", tr.ID, ref)
			}

			// A transform's output is a fixed point of it.
			again, hits2, err := applyOne(tr.ID, got)
			if err != nil {
				t.Fatal(err)
			}
			if hits2 != 0 || !bytes.Equal(again, got) {
				t.Errorf("%s is not idempotent: a second run changed %d places; %s", tr.ID, hits2, firstDifference(again, got))
			}
		})
	}
}

// canonicalJSON returns a document re-encoded the way the transforms write
// it, so that a fixture and its output compare by content.
func canonicalJSON(t *testing.T, b []byte) string {
	t.Helper()
	root, err := decodeTree(b)
	if err != nil {
		t.Fatal(err)
	}
	out, err := encodeTree(root)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// TestTransformsAreListedOnce checks that the transform list and the golden
// fixtures agree: unique IDs with a reason, and no fixture folder for a
// transform that no longer exists.
func TestTransformsAreListedOnce(t *testing.T) {
	ids := map[string]bool{}
	for _, tr := range Transforms {
		if tr.ID == "" || tr.Why == "" || tr.Apply == nil {
			t.Errorf("transform %+q needs an ID, a reason and a function", tr.ID)
		}
		if ids[tr.ID] {
			t.Errorf("transform %q is listed twice", tr.ID)
		}
		ids[tr.ID] = true
	}
	fixtures, err := filepath.Glob(filepath.Join("testdata", "*", "in.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fixtures {
		if id := filepath.Base(filepath.Dir(f)); !ids[id] {
			t.Errorf("%s is the fixture of a transform %q that is not in Transforms", f, id)
		}
	}
}

func TestApplyOneUnknownTransform(t *testing.T) {
	_, _, err := applyOne("no-such-transform", []byte(`{"paths":{}}`))
	wantErrorContaining(t, err, `no transform "no-such-transform"`)
}
