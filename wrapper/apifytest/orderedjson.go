package apifytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// field is one member of a JSON object.
type field struct {
	key string
	val json.RawMessage
}

// object is a JSON object that keeps its members in order, as dataset items
// (fields, CSV columns) need.
type object []field

var errNotObject = errors.New("not a JSON object")

// parseObject parses raw as a JSON object. A repeated key keeps its first
// position and its last value.
func parseObject(raw []byte) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errNotObject
	}
	o := object{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, err
		}
		o = o.with(key, val)
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON object")
	}
	return o, nil
}

// get returns the value of key.
func (o object) get(key string) (json.RawMessage, bool) {
	for _, f := range o {
		if f.key == key {
			return f.val, true
		}
	}
	return nil, false
}

// with returns o with key set to val (replacing it in place if present).
func (o object) with(key string, val json.RawMessage) object {
	for i, f := range o {
		if f.key == key {
			out := append(object(nil), o...)
			out[i].val = val
			return out
		}
	}
	return append(o[:len(o):len(o)], field{key, val})
}

// without returns o minus the keys for which drop is true.
func (o object) without(drop func(string) bool) object {
	out := make(object, 0, len(o))
	for _, f := range o {
		if !drop(f.key) {
			out = append(out, f)
		}
	}
	return out
}

// MarshalJSON encodes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		if err := json.Compact(&b, f.val); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// jsonKind returns the kind of a JSON value by its first byte: '{', '[', '"',
// 'n' (null), 't'/'f' (booleans) or '0' (numbers).
func jsonKind(v json.RawMessage) byte {
	t := bytes.TrimLeft(v, " \t\r\n")
	if len(t) == 0 {
		return 0
	}
	switch c := t[0]; c {
	case '{', '[', '"', 'n', 't', 'f':
		return c
	default:
		return '0'
	}
}

// splitList splits a comma-separated query parameter, dropping empty names.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
