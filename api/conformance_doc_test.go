package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/apifygo/apify/spec"
)

// confDoc is the upstream API document as a JSON tree (numbers kept as
// json.Number so examples round-trip exactly), with local $ref resolution.
type confDoc struct {
	root map[string]any
}

func parseConfDoc(b []byte) (*confDoc, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("the API document is not JSON: %w", err)
	}
	return &confDoc{root: root}, nil
}

// lookup resolves a local JSON pointer such as "#/components/schemas/Run".
func (d *confDoc) lookup(ref string) (any, bool) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	var cur any = d.root
	for _, seg := range strings.Split(ref[2:], "/") {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		if s, err := url.PathUnescape(seg); err == nil {
			seg = s
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[seg]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// deref follows $ref chains. Keywords beside a $ref (OpenAPI 3.1 allows
// them) are laid over the target.
func (d *confDoc) deref(v any) map[string]any {
	m, _ := v.(map[string]any)
	for range 32 {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		target, _ := d.lookup(ref)
		tm, _ := target.(map[string]any)
		if len(m) > 1 {
			merged := map[string]any{}
			for k, v := range tm {
				merged[k] = v
			}
			for k, v := range m {
				if k != "$ref" {
					merged[k] = v
				}
			}
			tm = merged
		}
		m = tm
	}
	return m
}

// confParam is one parameter of an operation, resolved.
type confParam struct {
	Name, In string
	Required bool
	Def      map[string]any // the parameter object
}

// confOperation is one operation of the document with what the test needs.
type confOperation struct {
	spec.Operation
	Op     map[string]any
	Params []confParam
}

// confOperations lists the document's operations (via spec.Operations, so
// the list is the generator's) with their resolved parameters.
func (d *confDoc) operations(raw []byte) ([]confOperation, error) {
	ops, err := spec.Operations(raw)
	if err != nil {
		return nil, err
	}
	paths, _ := d.root["paths"].(map[string]any)
	var out []confOperation
	for _, o := range ops {
		item := d.deref(paths[o.Path])
		op := d.deref(item[strings.ToLower(o.Method)])
		if op == nil {
			return nil, fmt.Errorf("operation %s not found in the document", o)
		}
		co := confOperation{Operation: o, Op: op}
		seen := map[string]int{}
		for _, l := range []any{item["parameters"], op["parameters"]} {
			list, _ := l.([]any)
			for _, e := range list {
				p := d.deref(e)
				name, _ := p["name"].(string)
				in, _ := p["in"].(string)
				req, _ := p["required"].(bool)
				cp := confParam{Name: name, In: in, Required: req || in == "path", Def: p}
				key := in + "\x00" + name
				if i, ok := seen[key]; ok {
					co.Params[i] = cp // an operation parameter overrides the path item's
					continue
				}
				seen[key] = len(co.Params)
				co.Params = append(co.Params, cp)
			}
		}
		out = append(out, co)
	}
	return out, nil
}

// pathParams returns the path parameters in the order they appear in the
// path template, which is the order of the generated method's arguments.
func (o confOperation) pathParams() []confParam {
	var ps []confParam
	for _, p := range o.Params {
		if p.In == "path" {
			ps = append(ps, p)
		}
	}
	sort.SliceStable(ps, func(i, j int) bool {
		return strings.Index(o.Path, "{"+ps[i].Name+"}") < strings.Index(o.Path, "{"+ps[j].Name+"}")
	})
	return ps
}

// confMedia is one media type of a request body or response.
type confMedia struct {
	Type string
	Def  map[string]any
}

// media lists the media types of a content map, JSON first, then by name.
func (d *confDoc) media(content any) []confMedia {
	c, _ := content.(map[string]any)
	var out []confMedia
	for mt, def := range c {
		out = append(out, confMedia{Type: mt, Def: d.deref(def)})
	}
	sort.Slice(out, func(i, j int) bool {
		ji, jj := isJSONMedia(out[i].Type), isJSONMedia(out[j].Type)
		if ji != jj {
			return ji
		}
		return out[i].Type < out[j].Type
	})
	return out
}

// isJSONMedia reports whether a media type carries one JSON document
// (application/json, application/problem+json; not application/jsonl).
func isJSONMedia(mt string) bool {
	mt, _, _ = strings.Cut(mt, ";")
	mt = strings.TrimSpace(strings.ToLower(mt))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// example returns a documented example of a media type, parameter or header
// object: its `example`, else its first `examples` entry (by name), else the
// same keywords on its schema.
func (d *confDoc) example(def map[string]any) (any, bool) {
	for _, m := range []map[string]any{def, d.deref(def["schema"])} {
		if m == nil {
			continue
		}
		if v, ok := m["example"]; ok {
			return v, true
		}
		switch ex := m["examples"].(type) {
		case map[string]any: // media type / parameter: name -> Example object
			keys := make([]string, 0, len(ex))
			for k := range ex {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if v, ok := d.deref(ex[k])["value"]; ok {
					return v, true
				}
			}
		case []any: // schema: a list of values
			if len(ex) > 0 {
				return ex[0], true
			}
		}
	}
	return nil, false
}

// response is a documented response of an operation.
type confResponse struct {
	Code int
	Def  map[string]any
}

// responses lists the operation's responses with a numeric status in the
// class (2 or 4), lowest status first.
func (d *confDoc) responses(op map[string]any, class byte) []confResponse {
	rs, _ := op["responses"].(map[string]any)
	var out []confResponse
	for code, r := range rs {
		var n int
		if len(code) != 3 || code[0] != class {
			continue
		}
		if _, err := fmt.Sscanf(code, "%d", &n); err != nil {
			continue
		}
		out = append(out, confResponse{Code: n, Def: d.deref(r)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
