package gogen

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// schemaRef is how a $ref to a component schema starts.
const schemaRef = "#/components/schemas/"

// documentSchemas lists the schemas of a normalized document with the Go
// type generated for each (matched by name, as the generator only changes
// case and drops separators), its kind, its form (a hash of its content
// without prose and with the names of the schemas it refers to left out),
// the schemas it refers to, in order, and where the document uses it.
func documentSchemas(d document, idents []Ident, models string) []Schema {
	types := map[string]string{}
	for _, id := range idents {
		if id.Package == models && (id.Kind == "type" || id.Kind == "interface") {
			types[foldName(id.Name)] = id.Name
		}
	}
	uses := map[string]map[string]bool{}
	for p, item := range d.paths {
		for method, op := range item {
			route := Operation{Method: strings.ToUpper(method), Path: p}.route()
			collectUses(op, route+"#", uses)
		}
	}
	for kind, named := range d.components {
		for name, v := range named {
			collectUses(v, kind+" "+name+"#", uses)
		}
	}
	var out []Schema
	for name, schema := range d.components["schemas"] {
		b, _ := json.Marshal(withoutProse(schema))
		sum := sha256.Sum256(b)
		var refs []string
		b, _ = json.Marshal(schemaForm(schema, &refs))
		form := sha256.Sum256(b)
		out = append(out, Schema{
			Name: name, Go: types[foldName(name)], Shape: hex.EncodeToString(sum[:8]),
			Kind: schemaKind(schema), Form: hex.EncodeToString(form[:8]), Refs: refs, Uses: sortedKeys(uses[name]),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// sortedKeys lists a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// collectUses records, for every $ref to a component schema in v, where it
// is: at (an operation's route, or a component's kind and name, then #)
// followed by the JSON pointer of the $ref's object. Parameters are named by
// where they are and their name, not by their place in the list.
func collectUses(v any, at string, uses map[string]map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" && strings.HasPrefix(s, schemaRef) {
				name := strings.TrimPrefix(s, schemaRef)
				if uses[name] == nil {
					uses[name] = map[string]bool{}
				}
				uses[name][at] = true
				continue
			}
			collectUses(x, at+"/"+pointerEscape(k), uses)
		}
	case []any:
		for i, x := range v {
			seg := strconv.Itoa(i)
			if p, ok := x.(map[string]any); ok {
				if name, ok := p["name"].(string); ok {
					if in, ok := p["in"].(string); ok {
						seg = in + ":" + name
					}
				}
			}
			collectUses(x, at+"/"+pointerEscape(seg), uses)
		}
	}
}

func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// prose lists the keywords that do not change a schema's shape.
var prose = map[string]bool{"description": true, "title": true, "example": true, "examples": true, "x-go-type-name": true, "$comment": true}

// schemaForm is a schema without prose and with every $ref to a component
// schema anonymous; the names it referred to are appended to refs in a
// fixed order (object keys sorted), so that two schemas of the same form
// refer to schemas at the same places when their refs are pairwise equal.
func schemaForm(v any, refs *[]string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for _, k := range sortedKeys(m) {
		x := m[k]
		switch {
		case prose[k]:
			continue
		case k == "$ref":
			x = anonymousRef(x, refs)
		case k == "properties" || k == "patternProperties" || k == "$defs" || k == "definitions" || k == "dependentSchemas":
			x = namedSchemas(x, refs)
		case k == "allOf" || k == "anyOf" || k == "oneOf" || k == "prefixItems":
			if l, ok := x.([]any); ok {
				forms := make([]any, len(l))
				for i, s := range l {
					forms[i] = schemaForm(s, refs)
				}
				x = forms
			}
		case k == "items" || k == "additionalProperties" || k == "not" || k == "if" || k == "then" || k == "else" ||
			k == "contains" || k == "propertyNames" || k == "unevaluatedItems" || k == "unevaluatedProperties":
			x = schemaForm(x, refs)
		case k == "discriminator":
			x = discriminatorForm(x, refs)
		}
		out[k] = x
	}
	return out
}

// namedSchemas is the form of a map of names to schemas (properties).
func namedSchemas(v any, refs *[]string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for _, k := range sortedKeys(m) {
		out[k] = schemaForm(m[k], refs)
	}
	return out
}

// discriminatorForm makes the schema references of a discriminator's
// mapping anonymous, like $refs.
func discriminatorForm(v any, refs *[]string) any {
	d, ok := v.(map[string]any)
	if !ok {
		return v
	}
	mapping, ok := d["mapping"].(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, x := range d {
		out[k] = x
	}
	anon := map[string]any{}
	for _, k := range sortedKeys(mapping) {
		anon[k] = anonymousRef(mapping[k], refs)
	}
	out["mapping"] = anon
	return out
}

// anonymousRef is a reference to a component schema without its name,
// which it appends to refs; any other value is returned as it is.
func anonymousRef(v any, refs *[]string) any {
	s, ok := v.(string)
	if !ok || !strings.HasPrefix(s, schemaRef) {
		return v
	}
	*refs = append(*refs, strings.TrimPrefix(s, schemaRef))
	return schemaRef + "*"
}

// schemaKind is what a schema is at its top: its type, or the combinator
// or keyword that makes it (a renamed schema that changed keeps its kind).
func schemaKind(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return "any"
	}
	switch t := m["type"].(type) {
	case string:
		return t
	case []any:
		var parts []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				parts = append(parts, s)
			}
		}
		sort.Strings(parts)
		return strings.Join(parts, "|")
	}
	for _, k := range []string{"oneOf", "anyOf", "allOf", "enum", "const", "$ref", "properties"} {
		if _, ok := m[k]; ok {
			return k
		}
	}
	return "any"
}

// withoutProse drops what does not change a schema's shape: descriptions,
// titles and examples (the shape of records written before forms were).
func withoutProse(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			switch k {
			case "description", "title", "example", "examples", "x-go-type-name":
				continue
			}
			out[k] = withoutProse(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = withoutProse(x)
		}
		return out
	}
	return v
}

// SchemaChange is a schema that upstream renamed and changed at once,
// matched by where the document uses it: its old Go type is kept as an
// alias of the new one, whose fields may differ.
type SchemaChange struct {
	From, To string // Go type names
}

// schemaRenames matches the schemas the previous document had and the new
// one lacks with the new ones that replace them: first by form (the same
// content, with the schemas it refers to matched the same way, so a
// renamed schema that refers to another renamed one is found), then, where
// several have one form, by where the document uses them (the same place
// of the same operation, or of a matched schema); last, a schema that is
// the only one used where the old one was, of the same kind, is taken for
// it renamed and changed. Several old schemas of one form may match one
// new schema used where each of them was (upstream merged them). routes maps the routes of operations that moved
// to their new routes. It returns the renames of Go types, the schemas
// renamed and changed, and the old names of the matched schemas mapped to
// the new ones. Every match is unique both ways: a schema two old
// ones could be is matched to neither, unless it is such a merge.
func schemaRenames(prev, next []Schema, routes map[string]string) ([]rename, []SchemaChange, map[string]string) {
	inNext := map[string]bool{}
	for _, s := range next {
		inNext[s.Name] = true
	}
	inPrev := map[string]bool{}
	for _, s := range prev {
		inPrev[s.Name] = true
	}
	var gone, added []*Schema
	for i := range prev {
		if !inNext[prev[i].Name] {
			gone = append(gone, &prev[i])
		}
	}
	for i := range next {
		if !inPrev[next[i].Name] {
			added = append(added, &next[i])
		}
	}
	to := map[string]*Schema{}   // old name → the new schema
	from := map[string]bool{}    // new names matched
	changed := map[string]bool{} // old names matched as changed
	mapName := func(n string) string {
		if s, ok := to[n]; ok {
			return s.Name
		}
		return n
	}
	unmatchedOld := func(n string) bool { _, ok := to[n]; return !ok && !inNext[n] && inPrev[n] }
	unmatchedNew := func(n string) bool { return !from[n] && !inPrev[n] && inNext[n] }
	// refsAlike compares the references of two schemas of one form; loose
	// also lets a reference to an unmatched old schema pair with one to an
	// unmatched new schema.
	refsAlike := func(a, b *Schema, loose bool) bool {
		if len(a.Refs) != len(b.Refs) {
			return false
		}
		for i := range a.Refs {
			if mapName(a.Refs[i]) == b.Refs[i] {
				continue
			}
			if !loose || !unmatchedOld(a.Refs[i]) || !unmatchedNew(b.Refs[i]) {
				return false
			}
		}
		return true
	}
	sameForm := func(a, b *Schema) bool {
		if a.Form == "" || b.Form == "" {
			return a.Shape != "" && a.Shape == b.Shape // a record from before forms
		}
		return a.Form == b.Form
	}
	// translate is an old use as a place of the new document.
	translate := func(u string) string {
		where, pointer, _ := strings.Cut(u, "#")
		if kind, name, ok := strings.Cut(where, " "); ok && kind == "schemas" {
			where = kind + " " + mapName(name)
		} else if r, ok := routes[where]; ok {
			where = r
		}
		return place(where + "#" + pointer)
	}
	usedAlike := func(a, b *Schema) bool {
		at := map[string]bool{}
		for _, u := range b.Uses {
			at[place(u)] = true
		}
		for _, u := range a.Uses {
			if at[translate(u)] {
				return true
			}
		}
		return false
	}
	// accept matches each unmatched old schema to the one unmatched new
	// schema that alike allows, when no other old schema could be it.
	accept := func(alike func(a, b *Schema) bool, isChange bool) bool {
		fwd := map[*Schema][]*Schema{}
		back := map[*Schema]int{}
		for _, a := range gone {
			if _, ok := to[a.Name]; ok {
				continue
			}
			for _, b := range added {
				if !from[b.Name] && alike(a, b) {
					fwd[a] = append(fwd[a], b)
					back[b]++
				}
			}
		}
		progress := false
		for _, a := range gone {
			if c := fwd[a]; len(c) == 1 && back[c[0]] == 1 {
				to[a.Name], from[c[0].Name] = c[0], true
				if isChange && !(sameForm(a, c[0]) && refsAlike(a, c[0], false)) {
					changed[a.Name] = true
				}
				progress = true
			}
		}
		return progress
	}
	strict := func(a, b *Schema) bool { return sameForm(a, b) && refsAlike(a, b, false) }
	loose := func(a, b *Schema) bool { return sameForm(a, b) && refsAlike(a, b, true) }
	strictUsed := func(a, b *Schema) bool { return strict(a, b) && usedAlike(a, b) }
	// merged matches several old schemas to one new schema of their form
	// that is used where each of them was, when none of them could be
	// another new schema (upstream merged identical schemas into one).
	merged := func() bool {
		progress := false
		for _, b := range added {
			if from[b.Name] {
				continue
			}
			var group []*Schema
			for _, a := range gone {
				if _, ok := to[a.Name]; ok || !strictUsed(a, b) {
					continue
				}
				only := true
				for _, c := range added {
					if c != b && !from[c.Name] && strict(a, c) {
						only = false
						break
					}
				}
				if only {
					group = append(group, a)
				}
			}
			if len(group) < 2 {
				continue
			}
			for _, a := range group {
				to[a.Name] = b
			}
			from[b.Name] = true
			progress = true
		}
		return progress
	}
	for accept(strict, false) ||
		accept(strictUsed, false) ||
		merged() ||
		accept(loose, false) ||
		accept(func(a, b *Schema) bool { return loose(a, b) && usedAlike(a, b) }, false) ||
		accept(func(a, b *Schema) bool { return kindsAlike(a.Kind, b.Kind) && usedAlike(a, b) }, true) {
	}
	// Absorbed: an old schema whose every place that is still there now
	// refers to one schema the old document had too, of its kind (a request
	// body that now refers to the schema it duplicated).
	usedAt := map[string][]*Schema{}
	for i := range next {
		for _, u := range next[i].Uses {
			usedAt[place(u)] = append(usedAt[place(u)], &next[i])
		}
	}
	for _, a := range gone {
		if _, ok := to[a.Name]; ok || a.Kind == "" {
			continue
		}
		var target *Schema
		one := true
		for _, u := range a.Uses {
			at := usedAt[translate(u)]
			if len(at) == 0 {
				continue // the place is gone
			}
			if len(at) > 1 || target != nil && at[0] != target {
				one = false
				break
			}
			target = at[0]
		}
		if one && target != nil && inPrev[target.Name] && kindsAlike(a.Kind, target.Kind) {
			to[a.Name] = target
			changed[a.Name] = true
		}
	}
	var renames []rename
	var changes []SchemaChange
	names := map[string]string{}
	for _, a := range gone {
		b, ok := to[a.Name]
		if ok {
			names[a.Name] = b.Name
		}
		if !ok || a.Go == "" || b.Go == "" || a.Go == b.Go {
			continue
		}
		renames = append(renames, rename{from: a.Go, to: b.Go, prefixOnly: true})
		if changed[a.Name] {
			changes = append(changes, SchemaChange{From: a.Go, To: b.Go})
		}
	}
	return renames, changes, names
}

// document is what the names record reads of a normalized document: its
// info.version ("an unversioned document" when it has none), its path items
// and its components by kind, each an object (extensions and other values
// that are not objects are left out).
type document struct {
	version           string
	paths, components map[string]map[string]any
}

func parseDocument(doc []byte) (document, error) {
	var d struct {
		Info struct {
			Version string `json:"version"`
		} `json:"info"`
		Paths      map[string]any `json:"paths"`
		Components map[string]any `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return document{}, fmt.Errorf("gogen: the normalized document is not JSON: %w", err)
	}
	objects := func(m map[string]any) map[string]map[string]any {
		out := map[string]map[string]any{}
		for k, v := range m {
			if o, ok := v.(map[string]any); ok {
				out[k] = o
			}
		}
		return out
	}
	version := d.Info.Version
	if version == "" {
		version = "an unversioned document"
	}
	return document{version: version, paths: objects(d.Paths), components: objects(d.Components)}, nil
}

// objectKinds are the kinds of schemas generated as structs: an object, a
// schema with properties but no type, a composition (allOf), a union.
var objectKinds = map[string]bool{"object": true, "properties": true, "allOf": true, "oneOf": true, "anyOf": true}

// kindsAlike reports whether a schema of one kind may have become one of
// the other (a renamed and changed schema keeps its kind).
func kindsAlike(a, b string) bool {
	return a != "" && (a == b || objectKinds[a] && objectKinds[b])
}

var allOfMember = regexp.MustCompile(`/allOf/[0-9]+`)

// place is a use without the allOf members on its way: a property of a
// composition is a property of the schema (ListOfSchedules.items, whether
// the items property is in the schema or in one of its allOf members).
func place(use string) string { return allOfMember.ReplaceAllString(use, "") }
