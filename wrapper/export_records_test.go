package apify

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadJSONArray splits arrays into their elements as sent, whatever the
// chunks the body arrives in, and tells a cut body from one that is not an
// array.
func TestReadJSONArray(t *testing.T) {
	items := []string{`{"a":"]},[\"{"}`, `[1,[2,{"b":[]}]]`, `"s,]"`, `12.5e3`, `true`, `null`, `{}`, `{"esc":"\\\\"}`}
	body := "\uFEFF [ " + strings.Join(items, " ,\n") + " ] \n"
	for name, r := range map[string]func(string) io.Reader{
		"whole":    func(s string) io.Reader { return strings.NewReader(s) },
		"one byte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"halves":   func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
	} {
		var got []string
		err := readJSONArray(&itemBudget{r: r(body), limit: 1 << 20}, func(item []byte) error {
			got = append(got, string(item))
			return nil
		})
		if err != nil || strings.Join(got, "|") != strings.Join(items, "|") {
			t.Errorf("%s: got %q, %v; want %q", name, got, err, items)
		}
		for cut := len("\uFEFF") + 1; cut < len(body)-3; cut += 7 {
			err := readJSONArray(&itemBudget{r: r(body[:cut]), limit: 1 << 20}, func([]byte) error { return nil })
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("%s: cut at %d: err = %v, want io.ErrUnexpectedEOF", name, cut, err)
			}
		}
	}
	for _, bad := range []string{`{"a":1}`, `<html>`, `[1 2]`, `[}`} {
		err := readJSONArray(&itemBudget{r: strings.NewReader(bad), limit: 1 << 20}, func([]byte) error { return nil })
		if !errors.Is(err, ErrUnexpectedResponse) {
			t.Errorf("%q: err = %v, want ErrUnexpectedResponse", bad, err)
		}
	}
	var n int
	err := readJSONArray(&itemBudget{r: strings.NewReader(`[]`), limit: 1 << 20}, func([]byte) error { n++; return nil })
	if err != nil || n != 0 {
		t.Errorf("empty array: %d items, %v", n, err)
	}
}

// TestCSVRecords keeps quoted line breaks inside their row.
func TestCSVRecords(t *testing.T) {
	body := "\uFEFFa,b\r\n\"x\ny\",\"q\"\"\n\"\n1,2\n\"open"
	rec := newCSVRecords(&itemBudget{r: iotest.OneByteReader(strings.NewReader(body)), limit: 1 << 20})
	prologue, err := rec.prologue()
	if err != nil || string(prologue) != "\uFEFFa,b\r\n" || rec.bom != 3 {
		t.Fatalf("prologue %q, bom %d, %v", prologue, rec.bom, err)
	}
	for _, want := range []string{"\"x\ny\",\"q\"\"\n\"\n", "1,2\n"} {
		if got, err := rec.next(); err != nil || string(got) != want {
			t.Fatalf("record %q, %v; want %q", got, err, want)
		}
	}
	if _, err := rec.next(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("a record cut inside quotes: err = %v", err)
	}
}

// FuzzReadJSONArray: on any valid JSON array, the scanner yields exactly
// the elements encoding/json finds, byte for byte.
func FuzzReadJSONArray(f *testing.F) {
	for _, s := range []string{`[]`, `[1,"a",{"b":[1,2]},null]`, `[ {"x":"]\""} , [[],{}] ]`, `["\\",true,false,-0.5e-3]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want []json.RawMessage
		if json.Unmarshal([]byte(s), &want) != nil {
			return
		}
		var got []string
		err := readJSONArray(&itemBudget{r: iotest.HalfReader(strings.NewReader(s)), limit: 1 << 20}, func(item []byte) error {
			got = append(got, string(item))
			return nil
		})
		if err != nil || len(got) != len(want) {
			t.Fatalf("%q: %d elements, %v; encoding/json finds %d", s, len(got), err, len(want))
		}
		for i := range want {
			if got[i] != strings.TrimSpace(string(want[i])) {
				t.Fatalf("%q: element %d is %q, encoding/json says %q", s, i, got[i], want[i])
			}
		}
	})
}
