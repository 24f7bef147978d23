package pager

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func spansOf(t *testing.T, b []byte) []string {
	t.Helper()
	spans, err := splitArray(b, 0, nil)
	if err != nil {
		t.Fatalf("splitArray(%s): %v", b, err)
	}
	var out []string
	for _, s := range spans {
		out = append(out, string(b[s.start:s.end]))
	}
	return out
}

func TestSplitArrayElements(t *testing.T) {
	in := []byte(` [ {"a":"x\"]}","b":[1,2,{"c":null}]} , "str\\" ,-1.5e3,true,false,null,[],{},"\u00e9\n" ] `)
	want := []string{`{"a":"x\"]}","b":[1,2,{"c":null}]}`, `"str\\"`, `-1.5e3`, `true`, `false`, `null`, `[]`, `{}`, `"\u00e9\n"`}
	got := spansOf(t, in)
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("element %d: %s, want %s", i, got[i], want[i])
		}
		if !json.Valid([]byte(got[i])) {
			t.Errorf("element %d is not valid JSON: %s", i, got[i])
		}
	}
	if got := spansOf(t, []byte("[]")); len(got) != 0 {
		t.Errorf("empty array gave %q", got)
	}
	if got := spansOf(t, []byte(" \n[\n]\n")); len(got) != 0 {
		t.Errorf("empty array with whitespace gave %q", got)
	}
}

// TestSplitArrayEveryCut cuts a valid array at every byte: each cut must
// report errIncomplete and only elements that are complete in the prefix.
func TestSplitArrayEveryCut(t *testing.T) {
	full := []byte(`[{"id":1,"s":"a\\\"b]"},{"id":2,"n":[1,[2,{"x":"}"}]]},12345,"tail\"",{}]`)
	all := spansOf(t, full)
	for cut := range len(full) {
		spans, err := splitArray(full[:cut], 0, nil)
		if !errors.Is(err, errIncomplete) {
			t.Fatalf("cut at %d (%s): err %v, want errIncomplete", cut, full[:cut], err)
		}
		for i, s := range spans {
			if string(full[s.start:s.end]) != all[i] {
				t.Fatalf("cut at %d: element %d is %s, want %s", cut, i, full[s.start:s.end], all[i])
			}
		}
	}
}

func TestSplitArrayMalformed(t *testing.T) {
	for _, in := range []string{
		`{"a":1}`, `[1 2]`, `[1,]`, `[{]`, `[[}]`, `[1]x`, `[@]`, `[{"a":1}}`, `[{"a"::<}]`,
	} {
		_, err := splitArray([]byte(in), 0, nil)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%s: err %v, want *SyntaxError", in, err)
		}
	}
}

func TestSplitArrayFromOffset(t *testing.T) {
	b := []byte(`{"kept":1}[{"a":1},{"b":2}]`)
	spans, err := splitArray(b, 10, []span{{0, 10}})
	if err != nil || len(spans) != 3 || !bytes.Equal(b[spans[2].start:spans[2].end], []byte(`{"b":2}`)) {
		t.Fatalf("spans %v, err %v", spans, err)
	}
}

func FuzzSplitArray(f *testing.F) {
	f.Add([]byte(`[{"a":"b"},1,"x"]`))
	f.Add([]byte(`[{"a":[1,{"b":"\\\""}]}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		spans, err := splitArray(b, 0, nil)
		for _, s := range spans {
			if s.start < 0 || s.end > len(b) || s.start >= s.end {
				t.Fatalf("bad span %v in %q", s, b)
			}
		}
		if err == nil && json.Valid(b) {
			var want []json.RawMessage
			if json.Unmarshal(b, &want) == nil && len(want) != len(spans) {
				t.Fatalf("%q: %d spans, encoding/json sees %d elements", b, len(spans), len(want))
			}
		}
	})
}
