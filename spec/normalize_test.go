package spec

import (
	"bytes"
	"strings"
	"testing"
)

// TestNormalizeUpstreamIsIdempotentAndDeterministic normalizes the current
// upstream document twice from the same bytes (same output: deterministic)
// and once more from its own output (same output, nothing changed:
// idempotent), and checks that every local reference still resolves.
func TestNormalizeUpstreamIsIdempotentAndDeterministic(t *testing.T) {
	t.Parallel()
	doc := upstream(t, currentDocPath)
	once, stats, err := Normalize(doc)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("hits: %s", stats)
	again, stats2, err := Normalize(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(once, again) {
		t.Errorf("Normalize is not deterministic: %s", firstDifference(again, once))
	}
	if stats.String() != stats2.String() {
		t.Errorf("hit counts differ between runs: %s vs %s", stats, stats2)
	}
	twice, stats3, err := Normalize(once)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(twice, once) {
		t.Errorf("Normalize is not idempotent: %s", firstDifference(twice, once))
	}
	if s := stats3.String(); s != "" {
		t.Errorf("normalizing the normalized document changed %s", s)
	}
	checkNormalized(t, once, stats)
}

// TestNormalizePreviousVersion normalizes the previous published version,
// which the transforms must handle without knowing it.
func TestNormalizePreviousVersion(t *testing.T) {
	t.Parallel()
	out, stats, err := Normalize(upstream(t, previousDocPath))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("hits: %s", stats)
	checkNormalized(t, out, stats)
}

// checkNormalized checks what every normalized document must satisfy: it is
// still an OpenAPI document with operations, every transform that matters
// for the current documents did something, no component parameters are
// left, and every local $ref resolves.
func checkNormalized(t *testing.T, out []byte, stats Stats) {
	t.Helper()
	root, err := decodeTree(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(operations(root)) == 0 {
		t.Fatal("the normalized document has no operations")
	}
	if _, err := DocumentVersion(out); err != nil {
		t.Errorf("the normalized document lost its header: %v", err)
	}
	if child(child(root, "components"), "parameters") != nil {
		t.Error("components.parameters is still there")
	}
	for _, id := range []string{"inline-parameters", "header-content", "raw-data-responses", "free-form-responses", "inline-union-bodies", "collapse-error-responses"} {
		if stats[id] == 0 {
			t.Errorf("%s changed nothing in an upstream document", id)
		}
	}
	for _, ref := range danglingRefs(root) {
		t.Errorf("dangling reference %s", ref)
	}
}

// danglingRefs returns the local "$ref" values of a tree that do not resolve.
func danglingRefs(root obj) []string {
	var bad []string
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case obj:
			if ref, ok := t["$ref"].(string); ok && strings.HasPrefix(ref, "#/") && !resolves(root, ref) {
				bad = append(bad, ref)
			}
			for _, k := range sortedKeys(t) {
				walk(t[k])
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(root)
	return bad
}

// resolves follows a local JSON pointer such as #/components/schemas/Run.
func resolves(root obj, ref string) bool {
	var cur any = root
	for _, seg := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		o, ok := cur.(obj)
		if !ok {
			return false
		}
		if cur, ok = o[seg]; !ok {
			return false
		}
	}
	return true
}

func TestNormalizeRejectsWhatIsNotADocument(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"not JSON", "<!doctype html>", "not a JSON object"},
		{"a JSON array", "[1, 2]", "not a JSON object"},
		{"no paths", `{"openapi": "3.1.0", "info": {"version": "1"}}`, `no "paths" object`},
		{"paths not an object", `{"openapi": "3.1.0", "paths": []}`, `no "paths" object`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := Normalize([]byte(tc.doc))
			wantErrorContaining(t, err, tc.want)
			if out != nil {
				t.Errorf("got output %q with the error", out)
			}
		})
	}
}

func TestStatsStringFollowsPipelineOrder(t *testing.T) {
	last, first := Transforms[len(Transforms)-1].ID, Transforms[0].ID
	s := Stats{last: 2, first: 5, Transforms[1].ID: 0, "not-a-transform": 9}
	if got, want := s.String(), first+"=5 "+last+"=2"; got != want {
		t.Errorf("Stats.String() = %q, want %q", got, want)
	}
	if got := (Stats{}).String(); got != "" {
		t.Errorf("empty Stats.String() = %q", got)
	}
}
