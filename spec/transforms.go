package spec

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
)

const (
	componentParamPrefix    = "#/components/parameters/"
	componentResponsePrefix = "#/components/responses/"
	componentSchemaPrefix   = "#/components/schemas/"
)

// inlineParameters replaces every reference to a component parameter with a
// copy of it and deletes the component parameters.
func inlineParameters(root obj) int {
	comps := child(root, "components")
	params := child(comps, "parameters")
	if params == nil {
		return 0
	}
	var resolve func(ref string, depth int) (obj, bool)
	resolve = func(ref string, depth int) (obj, bool) {
		p, ok := asObj(params[strings.TrimPrefix(ref, componentParamPrefix)])
		if !ok || depth > 8 {
			return nil, false
		}
		if next, ok := p["$ref"].(string); ok && strings.HasPrefix(next, componentParamPrefix) {
			return resolve(next, depth+1)
		}
		return p, true
	}
	hits := 0
	var visit func(v any) any
	visit = func(v any) any {
		switch t := v.(type) {
		case obj:
			if ref, ok := t["$ref"].(string); ok && isReference(t) && strings.HasPrefix(ref, componentParamPrefix) {
				if p, ok := resolve(ref, 0); ok {
					hits++
					c := deepCopy(p).(obj)
					if d, ok := t["description"]; ok {
						c["description"] = d // a reference's description overrides the target's
					}
					return c
				}
				return t
			}
			for k, e := range t {
				t[k] = visit(e)
			}
		case []any:
			for i, e := range t {
				t[i] = visit(e)
			}
		}
		return v
	}
	for k, v := range root {
		if k != "components" {
			root[k] = visit(v)
		}
	}
	for k, v := range comps {
		if k != "parameters" {
			comps[k] = visit(v)
		}
	}
	delete(comps, "parameters")
	return hits
}

// isReference reports whether o is a Reference Object: a $ref with at most
// the summary and description that OpenAPI 3.1 allows beside it.
func isReference(o obj) bool {
	for k := range o {
		if k != "$ref" && k != "summary" && k != "description" {
			return false
		}
	}
	return true
}

// eachResponse calls fn on every response object of every operation and of
// components.responses.
func eachResponse(root obj, fn func(code string, r obj)) {
	for _, op := range operations(root) {
		rs := child(op.Op, "responses")
		for _, code := range sortedKeys(rs) {
			if r := child(rs, code); r != nil {
				fn(code, r)
			}
		}
	}
	rs := child(child(root, "components"), "responses")
	for _, name := range sortedKeys(rs) {
		if r := child(rs, name); r != nil {
			fn("", r)
		}
	}
}

// headerContent turns a header described by a single-media `content` into
// one described by `schema`.
func headerContent(root obj) int {
	hits := 0
	fix := func(h obj) {
		content := child(h, "content")
		if content == nil || h["schema"] != nil || len(content) != 1 {
			return
		}
		for _, mt := range content {
			m, _ := asObj(mt)
			if s, ok := asObj(m["schema"]); ok {
				h["schema"] = s
				delete(h, "content")
				hits++
			}
		}
	}
	eachResponse(root, func(_ string, r obj) {
		hs := child(r, "headers")
		for _, name := range sortedKeys(hs) {
			if h := child(hs, name); h != nil {
				fix(h)
			}
		}
	})
	hs := child(child(root, "components"), "headers")
	for _, name := range sortedKeys(hs) {
		if h := child(hs, name); h != nil {
			fix(h)
		}
	}
	return hits
}

// eachParameter calls fn on every inline parameter of every path item and
// operation.
func eachParameter(root obj, fn func(p obj)) {
	paths := child(root, "paths")
	for _, p := range sortedKeys(paths) {
		item := child(paths, p)
		lists := []any{item["parameters"]}
		for _, m := range sortedKeys(item) {
			if httpMethods[m] {
				lists = append(lists, child(item, m)["parameters"])
			}
		}
		for _, l := range lists {
			ps, _ := asList(l)
			for _, e := range ps {
				if param, ok := asObj(e); ok {
					fn(param)
				}
			}
		}
	}
}

// parameterContentKeywords drops the string-content keywords from parameter
// schemas.
func parameterContentKeywords(root obj) int {
	hits := 0
	eachParameter(root, func(p obj) {
		var strip func(v any)
		strip = func(v any) {
			s, ok := asObj(v)
			if !ok {
				return
			}
			for _, k := range []string{"contentMediaType", "contentEncoding", "contentSchema"} {
				if _, ok := s[k]; ok {
					delete(s, k)
					hits++
				}
			}
			for _, k := range []string{"items", "additionalProperties"} {
				strip(s[k])
			}
			for _, k := range schemaListKeys {
				l, _ := asList(s[k])
				for _, e := range l {
					strip(e)
				}
			}
		}
		strip(p["schema"])
	})
	return hits
}

// integerFormats turns `type: number` with an int32/int64 format into
// `type: integer`.
func integerFormats(root obj) int {
	hits := 0
	walkSchemas(root, func(s obj) {
		if s["type"] == "number" && (s["format"] == "int32" || s["format"] == "int64") {
			s["type"] = "integer"
			hits++
		}
	})
	return hits
}

// typeList returns the non-null entries of a type array and whether "null"
// was among them; ok is false when type is not an array.
func typeList(s obj) (types []string, null bool, ok bool) {
	l, ok := asList(s["type"])
	if !ok {
		return nil, false, false
	}
	for _, e := range l {
		if t, _ := e.(string); t == "null" {
			null = true
		} else if t != "" {
			types = append(types, t)
		}
	}
	return types, null, true
}

// multiType drops a type array that allows several non-null types: the
// schema then accepts any value, which is what such a field holds.
func multiType(root obj) int {
	hits := 0
	walkSchemas(root, func(s obj) {
		if types, _, ok := typeList(s); ok && len(types) > 1 {
			delete(s, "type")
			hits++
		}
	})
	return hits
}

// tupleItems turns `items` given as a list of schemas into one schema: the
// only one, the common one when all are equal, else anyOf of them (each
// element of the Go slice may be any of them).
func tupleItems(root obj) int {
	hits := 0
	walkSchemas(root, func(s obj) {
		l, ok := asList(s["items"])
		if !ok {
			return
		}
		var members []any
		seen := map[string]bool{}
		for _, e := range l {
			if _, ok := asObj(e); !ok {
				continue
			}
			if key := canonical(e); !seen[key] {
				seen[key] = true
				members = append(members, e)
			}
		}
		switch len(members) {
		case 0:
			s["items"] = obj{}
		case 1:
			s["items"] = members[0]
		default:
			s["items"] = obj{"anyOf": members}
		}
		hits++
	})
	return hits
}

// nullableBranches rewrites a oneOf/anyOf branch that holds nothing but
// `nullable: true` (and words: title, description) as {type: null}, the
// OpenAPI 3.1 spelling the other transforms and oapi-codegen read as "X or
// null".
func nullableBranches(root obj) int {
	hits := 0
	walkSchemas(root, func(s obj) {
		for _, k := range []string{"oneOf", "anyOf"} {
			l, _ := asList(s[k])
			for i, e := range l {
				b, ok := asObj(e)
				if !ok || b["nullable"] != true {
					continue
				}
				only := true
				for key := range b {
					if key != "nullable" && key != "title" && key != "description" {
						only = false
					}
				}
				if only {
					l[i] = obj{"type": "null"}
					hits++
				}
			}
		}
	})
	return hits
}

// annotatedRefs replaces allOf [{$ref: X}, {example: …}] (one reference and
// members holding only examples, a title or a description) with the
// reference itself, when the allOf is the schema's only structure and X has
// types named inside it (x-go-type-name, set by name-inline-schemas), which
// oapi-codegen's copy of X would declare a second time. Other such allOfs
// are left alone: their generated copies are exported names.
func annotatedRefs(root obj) int {
	words := map[string]bool{"example": true, "examples": true, "title": true, "description": true}
	comps := child(child(root, "components"), "schemas")
	hits := 0
	walkSchemas(root, func(s obj) {
		l, ok := asList(s["allOf"])
		if !ok || len(l) < 2 {
			return
		}
		for k := range s {
			if k != "allOf" && !words[k] {
				return
			}
		}
		var ref any
		for _, e := range l {
			m, ok := asObj(e)
			if !ok {
				return
			}
			if isRef(m) && len(m) == 1 && ref == nil {
				ref = m["$ref"]
				continue
			}
			for k := range m {
				if !words[k] {
					return
				}
			}
		}
		name, _ := ref.(string)
		if ref == nil || !strings.HasPrefix(name, componentSchemaPrefix) || !namesInside(child(comps, strings.TrimPrefix(name, componentSchemaPrefix))) {
			return
		}
		delete(s, "allOf")
		s["$ref"] = ref
		hits++
	})
	return hits
}

// namesInside reports whether a schema names a type inside itself
// (x-go-type-name below its top level), not following references.
func namesInside(s obj) bool {
	found := false
	var walk func(v any, top bool)
	walk = func(v any, top bool) {
		switch t := v.(type) {
		case obj:
			if _, ok := t["x-go-type-name"]; ok && !top {
				found = true
			}
			for k, c := range t {
				if k != "example" && k != "examples" && k != "default" && k != "enum" && k != "const" {
					walk(c, false)
				}
			}
		case []any:
			for _, c := range t {
				walk(c, false)
			}
		}
	}
	walk(s, true)
	return found
}

// distinctOperationNames gives each operation whose operationId makes the
// same Go name as an earlier one (in path and method order) an operationId
// made of its method and path, which is unique and says which route it is.
func distinctOperationNames(root obj) int {
	hits := 0
	taken := map[string]bool{}
	var clashing []operation
	for _, op := range operations(root) {
		if op.id() == "" {
			continue
		}
		if n := goName(op.id()); taken[n] {
			clashing = append(clashing, op)
		} else {
			taken[n] = true
		}
	}
	for _, op := range clashing {
		base := op.Method + " " + strings.NewReplacer("{", " ", "}", " ", "/", " ").Replace(op.Path)
		id := base
		for n := 2; taken[goName(id)]; n++ {
			id = base + " " + strconv.Itoa(n)
		}
		taken[goName(id)] = true
		op.Op["operationId"] = strings.Join(strings.Fields(id), "_")
		hits++
	}
	return hits
}

// singleType turns a one-element type array into a plain type.
func singleType(root obj) int {
	hits := 0
	walkSchemas(root, func(s obj) {
		if l, ok := asList(s["type"]); ok && len(l) == 1 {
			if t, ok := l[0].(string); ok {
				s["type"] = t
				hits++
			}
		}
	})
	return hits
}

// nullExamples drops `examples` lists that hold only nulls.
func nullExamples(root obj) int {
	hits := 0
	walkSchemas(root, func(s obj) {
		l, ok := asList(s["examples"])
		if !ok || len(l) == 0 {
			return
		}
		for _, e := range l {
			if e != nil {
				return
			}
		}
		delete(s, "examples")
		hits++
	})
	return hits
}

// jsonType returns the JSON Schema type of a decoded value.
func jsonType(v any) string {
	switch t := v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := strconv.ParseInt(t.String(), 10, 64); err == nil {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case obj:
		return "object"
	}
	return ""
}

// typelessConst gives a `const` without a type the type of its value.
func typelessConst(root obj) int {
	hits := 0
	walkSchemas(root, func(s obj) {
		c, has := s["const"]
		if !has || s["type"] != nil {
			return
		}
		if t := jsonType(c); t != "" {
			s["type"] = t
			hits++
		}
	})
	return hits
}

// constraintKeys are the keywords of a schema that only constrains an
// object's keys and has no shape of its own.
var constraintKeys = map[string]bool{
	"required": true, "description": true, "title": true,
	"minProperties": true, "maxProperties": true,
}

// constraintOnlyUnions drops anyOf/oneOf lists whose branches only constrain
// which keys are present.
func constraintOnlyUnions(root obj) int {
	hits := 0
	walkSchemas(root, func(s obj) {
		for _, k := range []string{"anyOf", "oneOf"} {
			l, ok := asList(s[k])
			if !ok || len(l) == 0 {
				continue
			}
			only := true
			for _, e := range l {
				b, ok := asObj(e)
				if !ok || len(b) == 0 {
					only = false
					break
				}
				for key := range b {
					if !constraintKeys[key] {
						only = false
					}
				}
			}
			if only {
				delete(s, k)
				hits++
			}
		}
	})
	return hits
}

// isRef reports whether a schema is a bare reference.
func isRef(v any) bool {
	s, ok := asObj(v)
	if !ok {
		return false
	}
	_, has := s["$ref"]
	return has
}

// schemas returns components.schemas, creating it if needed.
func schemas(root obj) obj {
	comps := child(root, "components")
	if comps == nil {
		comps = obj{}
		root["components"] = comps
	}
	ss := child(comps, "schemas")
	if ss == nil {
		ss = obj{}
		comps["schemas"] = ss
	}
	return ss
}

// hoist stores schema s in components.schemas under name (or a free variant
// of it, or an identical existing schema) and returns a reference to it.
func hoist(root obj, name string, s obj) obj {
	ss := schemas(root)
	for i := 0; ; i++ {
		n := name
		if i > 0 {
			n = name + strings.Repeat("Variant", i)
		}
		existing, taken := ss[n]
		if !taken {
			ss[n] = s
			return obj{"$ref": componentSchemaPrefix + n}
		}
		if canonical(existing) == canonical(s) {
			return obj{"$ref": componentSchemaPrefix + n}
		}
	}
}

// discriminatorValue returns the value that selects a union member: the
// `const` or first `enum` value of its discriminator property.
func discriminatorValue(member obj, prop string) string {
	p := child(child(member, "properties"), prop)
	if c, ok := p["const"].(string); ok {
		return c
	}
	if l, ok := asList(p["enum"]); ok && len(l) > 0 {
		if v, ok := l[0].(string); ok {
			return v
		}
	}
	return ""
}

// inlineDiscriminatorMembers moves inline members of a discriminated union
// into components and fills in the discriminator mapping.
func inlineDiscriminatorMembers(root obj) int {
	hits := 0
	ss := schemas(root)
	fix := func(parent string, s obj) {
		d := child(s, "discriminator")
		prop, _ := d["propertyName"].(string)
		if prop == "" {
			return
		}
		for _, k := range []string{"oneOf", "anyOf"} {
			l, _ := asList(s[k])
			for i, e := range l {
				m, ok := asObj(e)
				if !ok || isRef(m) {
					continue
				}
				val := discriminatorValue(m, prop)
				name := goName(stringOf(m["title"]))
				if name == "" {
					name = parent + goName(strings.ToLower(val))
				}
				if name == parent || name == "" {
					name = parent + "Member" + strconv.Itoa(i+1)
				}
				ref := hoist(root, name, m)
				l[i] = ref
				hits++
				if val != "" {
					mapping := child(d, "mapping")
					if mapping == nil {
						mapping = obj{}
						d["mapping"] = mapping
					}
					if _, ok := mapping[val]; !ok {
						mapping[val] = ref["$ref"]
					}
				}
			}
		}
	}
	for _, name := range sortedKeys(ss) {
		s := child(ss, name)
		fix(name, s)
		props := child(s, "properties")
		for _, p := range sortedKeys(props) {
			if ps := child(props, p); ps != nil {
				fix(name+goName(p), ps)
			}
		}
	}
	return hits
}

func stringOf(v any) string {
	s, _ := v.(string)
	return s
}

// successResponses calls fn on each 2xx response of op. A reference to
// components.responses is resolved into an inline copy, which replaces the
// reference only if fn changed it.
func successResponses(root obj, op operation, fn func(r obj)) {
	rs := child(op.Op, "responses")
	for _, code := range sortedKeys(rs) {
		if !strings.HasPrefix(code, "2") {
			continue
		}
		r := child(rs, code)
		if ref, ok := r["$ref"].(string); ok && strings.HasPrefix(ref, componentResponsePrefix) {
			target := child(child(child(root, "components"), "responses"), strings.TrimPrefix(ref, componentResponsePrefix))
			if target == nil {
				continue
			}
			r = deepCopy(target).(obj)
			fn(r)
			if canonical(r) != canonical(target) {
				rs[code] = r
			}
			continue
		}
		if r != nil {
			fn(r)
		}
	}
}

// hasQueryParam reports whether op (or its path item) takes a query
// parameter with this name.
func hasQueryParam(op operation, name string) bool {
	for _, l := range []any{op.Item["parameters"], op.Op["parameters"]} {
		ps, _ := asList(l)
		for _, e := range ps {
			if p, ok := asObj(e); ok && p["in"] == "query" && p["name"] == name {
				return true
			}
		}
	}
	return false
}

// rawDataResponses describes a success body that may come in several media
// types as raw bytes, so the client hands it over instead of guessing.
func rawDataResponses(root obj) int {
	hits := 0
	for _, op := range operations(root) {
		chooses := hasQueryParam(op, "format")
		successResponses(root, op, func(r obj) {
			content := child(r, "content")
			if len(content) == 0 || (len(content) == 1 && !chooses) {
				return
			}
			if len(content) == 1 && content["application/octet-stream"] != nil {
				return
			}
			r["content"] = obj{"application/octet-stream": obj{
				"schema": obj{"type": "string", "format": "binary"},
			}}
			hits++
		})
	}
	return hits
}

// isFreeForm reports whether s is an inline JSON object with no declared
// properties, or an array of them.
func isFreeForm(s obj) bool {
	if s == nil || isRef(s) {
		return false
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf", "enum", "const"} {
		if _, ok := s[k]; ok {
			return false
		}
	}
	switch s["type"] {
	case "array":
		items, ok := asObj(s["items"])
		return ok && isFreeForm(items)
	case "object":
		if len(child(s, "properties")) > 0 {
			return false
		}
		switch ap := s["additionalProperties"].(type) {
		case nil, bool:
			return true
		case obj:
			return len(ap) == 0
		}
	}
	return false
}

// freeFormResponses replaces a free-form JSON success body with the empty
// schema, which decodes into any JSON value.
func freeFormResponses(root obj) int {
	hits := 0
	for _, op := range operations(root) {
		successResponses(root, op, func(r obj) {
			content := child(r, "content")
			for _, mt := range sortedKeys(content) {
				m := child(content, mt)
				s, _ := asObj(m["schema"])
				if strings.Contains(mt, "json") && isFreeForm(s) {
					repl := obj{}
					if d, ok := s["description"]; ok {
						repl["description"] = d
					}
					m["schema"] = repl
					hits++
				}
			}
		})
	}
	return hits
}

// branchName names one member of a union for a combined type name.
func branchName(v any) string {
	s, _ := asObj(v)
	if ref, ok := s["$ref"].(string); ok {
		return goName(refName(ref))
	}
	if t := goName(stringOf(s["title"])); t != "" {
		return t
	}
	if s["type"] == "array" {
		return branchName(s["items"]) + "List"
	}
	if t := goName(stringOf(s["type"])); t != "" {
		return t
	}
	return "Value"
}

// inlineUnionBodies moves inline union request bodies into components, named
// after their members joined by "Or".
func inlineUnionBodies(root obj) int {
	hits := 0
	for _, op := range operations(root) {
		rb := child(op.Op, "requestBody")
		content := child(rb, "content")
		for _, mt := range sortedKeys(content) {
			m := child(content, mt)
			s, _ := asObj(m["schema"])
			if s == nil || isRef(s) {
				continue
			}
			var members []any
			for _, k := range []string{"oneOf", "anyOf"} {
				if l, ok := asList(s[k]); ok {
					members = l
				}
			}
			if len(members) == 0 {
				continue
			}
			names := make([]string, len(members))
			for i, b := range members {
				names[i] = branchName(b)
			}
			m["schema"] = hoist(root, strings.Join(names, "Or"), s)
			hits++
		}
	}
	return hits
}

// nameInlineSchemas gives inline objects, maps, enums and unions inside
// component schemas the name Parent+Property (x-go-type-name), moves inline
// union members and inline objects under allOf into components (where
// oapi-codegen ignores x-go-type-name), so no generated name has an
// underscore or a numeric suffix.
func nameInlineSchemas(root obj) int {
	hits := 0
	ss := schemas(root)
	var name func(parent string, s obj)
	var inside func(parent string, s obj)
	var named func(s obj) bool
	// named decides whether an inline schema becomes a named type of its own.
	named = func(s obj) bool {
		if s == nil || isRef(s) {
			return false
		}
		if len(child(s, "properties")) > 0 {
			return true
		}
		if _, ok := nullableOf(s); ok {
			return false
		}
		if _, ok := s["oneOf"]; ok {
			return true
		}
		if _, ok := s["anyOf"]; ok {
			return true
		}
		if _, ok := s["allOf"]; ok {
			return true
		}
		ap, _ := asObj(s["additionalProperties"])
		return ap != nil && named(ap)
	}
	// name handles an inline schema that will be a type called parent.
	name = func(parent string, s obj) {
		if s == nil || isRef(s) {
			return
		}
		if named(s) {
			if _, set := s["x-go-type-name"]; !set {
				s["x-go-type-name"] = parent
				hits++
			}
		}
		inside(parent, s)
	}
	inside = func(parent string, s obj) {
		props := child(s, "properties")
		for _, p := range sortedKeys(props) {
			ps, n := child(props, p), parent+goName(p)
			if ps != nil && !isRef(ps) && ps["allOf"] != nil {
				// x-go-type-name is ignored on allOf: name it as a component.
				inside(n, ps)
				props[p] = hoist(root, n, ps)
				hits++
				continue
			}
			name(n, ps)
		}
		if items, ok := asObj(s["items"]); ok && !isRef(items) {
			name(parent+"Item", items)
		}
		if ap, ok := asObj(s["additionalProperties"]); ok && !isRef(ap) {
			name(parent+"Value", ap)
		}
		if inner, ok := nullableOf(s); ok {
			// "X or null" is generated as a nullable X: name X itself.
			name(parent, inner)
			return
		}
		for _, k := range []string{"oneOf", "anyOf"} {
			l, _ := asList(s[k])
			for i, e := range l {
				b, ok := asObj(e)
				if !ok || isRef(b) || len(b) == 0 || isNull(b) {
					continue
				}
				n := parent + branchName(b)
				if items, ok := asObj(b["items"]); ok && b["type"] == "array" && isRef(items) {
					n = branchName(b) // a list of a named type needs no parent
				}
				inside(n, b)
				l[i] = hoist(root, n, b)
				hits++
			}
		}
		if l, ok := asList(s["allOf"]); ok {
			for _, e := range l {
				b, ok := asObj(e)
				if !ok || isRef(b) {
					continue
				}
				bprops := child(b, "properties")
				for _, p := range sortedKeys(bprops) {
					ps := child(bprops, p)
					if !named(ps) {
						continue
					}
					n := parent + goName(p)
					inside(n, ps)
					delete(ps, "x-go-type-name")
					bprops[p] = hoist(root, n, ps)
					hits++
				}
			}
		}
	}
	// Inline request and response bodies: oapi-codegen names the body
	// itself; what it holds is named after the operation.
	for _, op := range operations(root) {
		base := goName(op.id())
		if base == "" {
			continue
		}
		bodies := []struct {
			suffix string
			r      obj
		}{{"Request", child(op.Op, "requestBody")}}
		rs := child(op.Op, "responses")
		for _, code := range sortedKeys(rs) {
			bodies = append(bodies, struct {
				suffix string
				r      obj
			}{"Response", child(rs, code)})
		}
		for _, b := range bodies {
			content := child(b.r, "content")
			for _, mt := range sortedKeys(content) {
				if s, ok := asObj(child(content, mt)["schema"]); ok && !isRef(s) {
					inside(base+b.suffix, s)
				}
			}
		}
	}
	done := map[string]bool{}
	for {
		progressed := false
		for _, n := range sortedKeys(ss) {
			if done[n] {
				continue
			}
			done[n] = true
			progressed = true
			if s := child(ss, n); s != nil {
				inside(goName(n), s)
			}
		}
		if !progressed {
			break
		}
	}
	return hits
}

// isNull reports whether s is the schema {type: null}.
func isNull(s obj) bool {
	return len(s) >= 1 && s["type"] == "null" && len(child(s, "properties")) == 0
}

// nullableOf returns X when s is a union of X and {type: null}, which
// oapi-codegen generates as a nullable X.
func nullableOf(s obj) (obj, bool) {
	for _, k := range []string{"anyOf", "oneOf"} {
		l, ok := asList(s[k])
		if !ok {
			continue
		}
		var inner obj
		nulls := 0
		for _, e := range l {
			b, _ := asObj(e)
			if isNull(b) {
				nulls++
			} else {
				inner = b
			}
		}
		if nulls > 0 && nulls == len(l)-1 && inner != nil {
			return inner, true
		}
	}
	return nil, false
}

// collapseErrorResponses replaces an operation's error responses of one
// class (4xx or 5xx) that share one body schema with a single range response
// ("4XX", "5XX"). A range, unlike `default`, never matches a success status,
// so a raw success body is not decoded as an error.
//
// The body most operations use for errors of the class (the API's error
// envelope) goes into the range even when an operation lists a
// single status with it: the generated field is then JSON4XX whether
// upstream documents one error status or five, so a regeneration that adds or
// drops statuses does not rename it (JSON400 → JSON4XX). Without the envelope
// among an operation's responses, the largest group of two or more identical
// ones is collapsed.
func collapseErrorResponses(root obj) int {
	hits := 0
	comps := child(child(root, "components"), "responses")
	resolve := func(r obj) obj {
		if ref, ok := r["$ref"].(string); ok && strings.HasPrefix(ref, componentResponsePrefix) {
			return child(comps, strings.TrimPrefix(ref, componentResponsePrefix))
		}
		return r
	}
	// errorBodies groups an operation's error responses of one class by
	// body; withRange includes the class's range response.
	errorBodies := func(rs obj, class string, withRange bool) (groups map[string][]string, bodies map[string]obj) {
		groups, bodies = map[string][]string{}, map[string]obj{}
		for _, code := range sortedKeys(rs) {
			isRange := strings.EqualFold(code, class+"XX")
			if len(code) != 3 || !strings.HasPrefix(code, class) || (strings.ContainsAny(code, "Xx") && !(withRange && isRange)) {
				continue
			}
			content := child(resolve(child(rs, code)), "content")
			if len(content) == 0 {
				continue
			}
			shape := obj{}
			for mt, m := range content {
				mo, _ := asObj(m)
				shape[mt] = obj{"schema": child(mo, "schema")}
			}
			key := canonical(shape)
			groups[key] = append(groups[key], code)
			bodies[key] = shape
		}
		return groups, bodies
	}
	ops := operations(root)
	envelope := map[string]string{}
	for _, class := range []string{"4", "5"} {
		uses := map[string]int{} // operations using each body (ranges included, so a second run agrees)
		for _, op := range ops {
			groups, _ := errorBodies(child(op.Op, "responses"), class, true)
			for key := range groups {
				uses[key]++
			}
		}
		for key, n := range uses {
			if best := envelope[class]; n > uses[best] || (n == uses[best] && key < best) {
				envelope[class] = key
			}
		}
	}
	for _, op := range ops {
		rs := child(op.Op, "responses")
		for _, class := range []string{"4", "5"} {
			rangeCode := class + "XX"
			if _, has := rs[rangeCode]; has {
				continue
			}
			groups, bodies := errorBodies(rs, class, false)
			best := envelope[class]
			if len(groups[best]) == 0 {
				best = ""
				for key, codes := range groups {
					if len(codes) > len(groups[best]) || (len(codes) == len(groups[best]) && key < best) {
						best = key
					}
				}
				if len(groups[best]) < 2 {
					continue
				}
			}
			codes := groups[best]
			sort.Strings(codes)
			for _, c := range codes {
				delete(rs, c)
			}
			rs[rangeCode] = obj{
				"description": "An error (HTTP " + strings.Join(codes, ", ") + ") with the API's error envelope.",
				"content":     deepCopy(bodies[best]),
			}
			hits++
		}
	}
	return hits
}

// noBodyResponses drops the body description of responses that HTTP says
// carry no body (204, 205, 304, and every answer to HEAD): the generated
// parser would otherwise try to decode the empty body by its Content-Type
// and fail on a successful DELETE or a HEAD that answers 404.
func noBodyResponses(root obj) int {
	hits := 0
	for _, op := range operations(root) {
		rs := child(op.Op, "responses")
		for _, code := range sortedKeys(rs) {
			if op.Method != "head" && code != "204" && code != "205" && code != "304" {
				continue
			}
			r := child(rs, code)
			if ref, ok := r["$ref"].(string); ok && strings.HasPrefix(ref, componentResponsePrefix) {
				target := child(child(child(root, "components"), "responses"), strings.TrimPrefix(ref, componentResponsePrefix))
				if len(child(target, "content")) == 0 {
					continue
				}
				r = deepCopy(target).(obj)
				rs[code] = r
			}
			if _, ok := r["content"]; ok {
				delete(r, "content")
				hits++
			}
		}
	}
	return hits
}

// ignoredHeaderParameters drops header parameters named Accept, Content-Type
// or Authorization, which OpenAPI says SHALL be ignored: generated as
// parameters, a required Content-Type overwrites the body's content type.
func ignoredHeaderParameters(root obj) int {
	hits := 0
	for _, op := range operations(root) {
		for _, holder := range []obj{op.Item, op.Op} {
			ps, ok := asList(holder["parameters"])
			if !ok {
				continue
			}
			kept := make([]any, 0, len(ps))
			for _, e := range ps {
				p, _ := asObj(e)
				switch strings.ToLower(stringOf(p["name"])) {
				case "accept", "content-type", "authorization":
					if p["in"] == "header" {
						hits++
						continue
					}
				}
				kept = append(kept, e)
			}
			holder["parameters"] = kept
		}
	}
	return hits
}
