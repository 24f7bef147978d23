package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// obj is a JSON object of the document tree.
type obj = map[string]any

// decodeTree parses a JSON document keeping numbers exact.
func decodeTree(b []byte) (obj, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var root obj
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("spec: the API document is not a JSON object: %w", err)
	}
	return root, nil
}

// encodeTree renders the tree as indented JSON with sorted keys, so equal
// trees always give equal bytes.
func encodeTree(root obj) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func asObj(v any) (obj, bool) {
	o, ok := v.(obj)
	return o, ok
}

func asList(v any) ([]any, bool) {
	l, ok := v.([]any)
	return l, ok
}

// child returns o[key] as an object, or nil.
func child(o obj, key string) obj {
	c, _ := o[key].(obj)
	return c
}

// sortedKeys returns the keys of o in order, for deterministic walks.
func sortedKeys(o obj) []string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// deepCopy copies a JSON tree.
func deepCopy(v any) any {
	switch t := v.(type) {
	case obj:
		c := make(obj, len(t))
		for k, e := range t {
			c[k] = deepCopy(e)
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, e := range t {
			c[i] = deepCopy(e)
		}
		return c
	default:
		return v
	}
}

// canonical returns a stable string form of a tree, for comparisons.
func canonical(v any) string {
	b, _ := json.Marshal(v) // maps marshal with sorted keys
	return string(b)
}

// refName returns the last segment of a local $ref ("#/components/schemas/X" → "X").
func refName(ref string) string {
	return ref[strings.LastIndex(ref, "/")+1:]
}

// operations lists every operation of the document in path and method order.
func operations(root obj) []operation {
	var ops []operation
	paths := child(root, "paths")
	for _, p := range sortedKeys(paths) {
		item := child(paths, p)
		for _, m := range sortedKeys(item) {
			if !httpMethods[m] {
				continue
			}
			if op := child(item, m); op != nil {
				ops = append(ops, operation{Path: p, Method: m, Item: item, Op: op})
			}
		}
	}
	return ops
}

var httpMethods = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true,
	"options": true, "head": true, "patch": true, "trace": true,
}

type operation struct {
	Path, Method string
	Item, Op     obj
}

// id returns the operation's operationId.
func (o operation) id() string {
	s, _ := o.Op["operationId"].(string)
	return s
}

// goName turns a name such as "actor_runs_get" or "default memory" into
// an exported identifier ("ActorRunsGet", "DefaultMemory").
func goName(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if out != "" && unicode.IsDigit(rune(out[0])) {
		out = "N" + out
	}
	parts := camelParts.FindAllString(out, -1)
	for i, p := range parts {
		if v, ok := initialisms[strings.ToLower(p)]; ok {
			parts[i] = v
		}
	}
	return strings.Join(parts, "")
}

// camelParts splits a CamelCase name into words, as oapi-codegen's
// ToCamelCaseWithInitialisms name normalizer does.
var camelParts = regexp.MustCompile(`[\p{Lu}\d]+([\p{Ll}\d]+|$)`)

// initialisms are the words that api/oapi-codegen.yaml's name normalizer
// (ToCamelCaseWithInitialisms plus its additional-initialisms) writes in
// capitals. Names given with x-go-type-name are used verbatim by
// oapi-codegen, so goName applies the same rule to stay consistent.
var initialisms = func() map[string]string {
	m := map[string]string{}
	for _, w := range strings.Fields(`ACL API ASCII CPU CSS DNS EOF GUID HTML HTTP HTTPS ID IP JSON
		QPS RAM RPC SLA SMTP SQL SSH TCP TLS TTL UDP UI GID UID UUID URI URL UTF8 VM XML XMPP
		XSRF XSS SIP RTP AMQP DB TS MCP IDs URLs OpenAPI`) {
		m[strings.ToLower(w)] = w
	}
	return m
}()

// schemaChildKeys are the keys whose values are schemas (or lists or maps of
// them) inside a schema.
var schemaListKeys = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
var schemaOneKeys = []string{"items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else", "contentSchema"}
var schemaMapKeys = []string{"properties", "patternProperties", "$defs", "dependentSchemas"}

// walkSchemas calls fn on every schema in the document, parents before
// children. fn may edit the schema in place; the walk then descends into the
// edited schema.
func walkSchemas(root obj, fn func(s obj)) {
	var schema func(v any)
	schema = func(v any) {
		s, ok := asObj(v)
		if !ok {
			return
		}
		fn(s)
		for _, k := range schemaListKeys {
			if l, ok := asList(s[k]); ok {
				for _, e := range l {
					schema(e)
				}
			}
		}
		for _, k := range schemaOneKeys {
			schema(s[k])
		}
		for _, k := range schemaMapKeys {
			m := child(s, k)
			for _, name := range sortedKeys(m) {
				schema(m[name])
			}
		}
	}
	var node func(v any)
	node = func(v any) {
		switch t := v.(type) {
		case obj:
			for _, k := range sortedKeys(t) {
				switch k {
				case "example", "examples", "default", "enum", "const":
					continue // data, not document structure
				case "schema":
					schema(t[k])
				case "schemas":
					m, _ := asObj(t[k])
					for _, name := range sortedKeys(m) {
						schema(m[name])
					}
				default:
					node(t[k])
				}
			}
		case []any:
			for _, e := range t {
				node(e)
			}
		}
	}
	node(root)
}
