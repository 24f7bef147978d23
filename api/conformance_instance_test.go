package api

import (
	"encoding/json"
	"math"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// instance returns a minimal JSON value valid against schema: required
// properties only, empty arrays unless minItems says otherwise, the first
// enum value or the const, a leaf example when it fits the constraints, else
// the smallest value the constraints allow. $refs, allOf (merged), and
// anyOf/oneOf (first non-null branch) are resolved first.
func (d *confDoc) instance(schema any) any {
	return d.instanceAt(schema, 0)
}

func (d *confDoc) instanceAt(schema any, depth int) any {
	s := d.deref(schema)
	if depth > 24 {
		return nil
	}
	if len(s) == 0 {
		return map[string]any{} // any value is valid; an object is the usual one
	}
	if v, ok := s["const"]; ok {
		return v
	}
	if enum, ok := s["enum"].([]any); ok && len(enum) > 0 {
		for _, v := range enum {
			if v != nil {
				return v
			}
		}
		return enum[0]
	}
	if all, ok := s["allOf"].([]any); ok && len(all) > 0 {
		return d.instanceAt(d.mergeAllOf(s, all), depth+1)
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if branches, ok := s[k].([]any); ok && len(branches) > 0 {
			chosen := branches[0]
			for _, b := range branches {
				if !isNullSchema(d.deref(b)) {
					chosen = b
					break
				}
			}
			base := map[string]any{}
			for key, v := range s {
				if key != k {
					base[key] = v
				}
			}
			if len(base) > 0 && !hasOnlyAnnotations(base) {
				return d.instanceAt(d.mergeAllOf(base, []any{chosen}), depth+1)
			}
			return d.instanceAt(chosen, depth+1)
		}
	}
	switch schemaType(s) {
	case "null":
		return nil
	case "boolean":
		if v, ok := leafExample(s); ok {
			if _, isBool := v.(bool); isBool {
				return v
			}
		}
		return false
	case "integer", "number":
		return numberInstance(s)
	case "string":
		return stringInstance(s)
	case "array":
		n := intKeyword(s, "minItems")
		items := []any{}
		for range n {
			items = append(items, d.instanceAt(s["items"], depth+1))
		}
		return items
	default: // object, or properties without a type
		obj := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		req, _ := s["required"].([]any)
		for _, r := range req {
			name, _ := r.(string)
			obj[name] = d.instanceAt(props[name], depth+1)
		}
		return obj
	}
}

// mergeAllOf merges the branches of an allOf (and the schema around it)
// into one object schema: properties and required lists are united, and the
// first type, enum or const wins.
func (d *confDoc) mergeAllOf(outer map[string]any, branches []any) map[string]any {
	merged := map[string]any{}
	props := map[string]any{}
	var required []any
	add := func(s map[string]any) {
		for k, v := range s {
			switch k {
			case "allOf", "$ref":
			case "properties":
				p, _ := v.(map[string]any)
				for name, ps := range p {
					props[name] = ps
				}
			case "required":
				r, _ := v.([]any)
				required = append(required, r...)
			default:
				if _, set := merged[k]; !set {
					merged[k] = v
				}
			}
		}
	}
	var walk func(s map[string]any, depth int)
	walk = func(s map[string]any, depth int) {
		if depth > 16 {
			return
		}
		add(s)
		if all, ok := s["allOf"].([]any); ok {
			for _, b := range all {
				walk(d.deref(b), depth+1)
			}
		}
	}
	outerCopy := map[string]any{}
	for k, v := range outer {
		if k != "allOf" {
			outerCopy[k] = v
		}
	}
	walk(outerCopy, 0)
	for _, b := range branches {
		walk(d.deref(b), 1)
	}
	if len(props) > 0 {
		merged["properties"] = props
	}
	if len(required) > 0 {
		merged["required"] = required
	}
	return merged
}

func isNullSchema(s map[string]any) bool {
	return schemaType(s) == "null" && s["properties"] == nil
}

// hasOnlyAnnotations reports whether s adds nothing that constrains a value.
func hasOnlyAnnotations(s map[string]any) bool {
	for k := range s {
		switch k {
		case "description", "title", "example", "examples", "deprecated", "readOnly", "writeOnly", "default", "discriminator", "externalDocs":
		default:
			if !strings.HasPrefix(k, "x-") {
				return false
			}
		}
	}
	return true
}

// schemaType returns the schema's type; for a type list, the first that is
// not "null"; with no type, what the keywords imply.
func schemaType(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		for _, e := range t {
			if str, _ := e.(string); str != "null" {
				return str
			}
		}
		return "null"
	}
	switch {
	case s["properties"] != nil || s["required"] != nil || s["additionalProperties"] != nil:
		return "object"
	case s["items"] != nil:
		return "array"
	}
	return "object"
}

func intKeyword(s map[string]any, k string) int {
	if f, ok := floatKeyword(s, k); ok {
		return int(f)
	}
	return 0
}

func floatKeyword(s map[string]any, k string) (float64, bool) {
	switch v := s[k].(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	}
	return 0, false
}

// leafExample returns the schema's own example value, if it has one.
func leafExample(s map[string]any) (any, bool) {
	if v, ok := s["example"]; ok {
		return v, true
	}
	if l, ok := s["examples"].([]any); ok && len(l) > 0 {
		return l[0], true
	}
	return nil, false
}

func numberInstance(s map[string]any) any {
	integer := schemaType(s) == "integer" || s["format"] == "int32" || s["format"] == "int64"
	lo, hasLo := floatKeyword(s, "minimum")
	if x, ok := floatKeyword(s, "exclusiveMinimum"); ok && (!hasLo || x >= lo) {
		lo, hasLo = x+1, true
	}
	hi, hasHi := floatKeyword(s, "maximum")
	if x, ok := floatKeyword(s, "exclusiveMaximum"); ok && (!hasHi || x <= hi) {
		hi, hasHi = x-1, true
	}
	fits := func(f float64) bool {
		return (!hasLo || f >= lo) && (!hasHi || f <= hi) && (!integer || f == math.Trunc(f))
	}
	if v, ok := leafExample(s); ok {
		if n, isNum := v.(json.Number); isNum {
			if f, err := n.Float64(); err == nil && fits(f) {
				return n
			}
		}
	}
	f := 0.0
	switch {
	case hasLo && f < lo:
		f = lo
	case hasHi && f > hi:
		f = hi
	}
	if integer {
		f = math.Ceil(f)
	}
	return json.Number(strconv.FormatFloat(f, 'f', -1, 64))
}

// formatValues are valid values of the string formats the document uses.
var formatValues = map[string]string{
	"date-time":     "2026-01-02T03:04:05.000Z",
	"date":          "2026-01-02",
	"time":          "03:04:05Z",
	"uri":           "https://example.com/conformance",
	"url":           "https://example.com/conformance",
	"uri-reference": "/conformance",
	"email":         "conformance@example.com",
	"uuid":          "00000000-0000-4000-8000-000000000000",
	"hostname":      "example.com",
	"ipv4":          "192.0.2.1",
	"ipv6":          "2001:db8::1",
}

func stringInstance(s map[string]any) string {
	format, _ := s["format"].(string)
	pattern, _ := s["pattern"].(string)
	var re *regexp.Regexp
	if pattern != "" {
		re, _ = regexp.Compile(pattern)
	}
	minLen, maxLen := intKeyword(s, "minLength"), intKeyword(s, "maxLength")
	_, hasMax := s["maxLength"]
	fits := func(v string) bool {
		n := utf8.RuneCountInString(v)
		if n < minLen || (hasMax && n > maxLen) {
			return false
		}
		if re != nil && !re.MatchString(v) {
			return false
		}
		return formatFits(format, v)
	}
	if v, ok := leafExample(s); ok {
		if str, isStr := v.(string); isStr && fits(str) {
			return str
		}
	}
	candidates := []string{}
	if v, ok := formatValues[format]; ok {
		candidates = append(candidates, v)
	}
	if pattern != "" {
		candidates = append(candidates, stringMatching(pattern))
	}
	candidates = append(candidates, "conformance", "")
	for _, c := range candidates {
		if fits(c) {
			return c
		}
		if padded := c + strings.Repeat("a", max(0, minLen-utf8.RuneCountInString(c))); fits(padded) {
			return padded
		}
	}
	return strings.Repeat("a", minLen)
}

// formatFits is a light check that an example string has the format.
func formatFits(format, v string) bool {
	switch format {
	case "date-time":
		return regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`).MatchString(v)
	case "date":
		return regexp.MustCompile(`^\d{4}-\d\d-\d\d$`).MatchString(v)
	case "uri", "url":
		return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:\S*$`).MatchString(v)
	case "email":
		return regexp.MustCompile(`^[^@\s]+@[^@\s]+$`).MatchString(v)
	case "uuid":
		return regexp.MustCompile(`^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$`).MatchString(v)
	}
	return true
}

// stringMatching returns a short string that matches a regular expression:
// the first branch of each alternation, the minimum of each repetition and
// the first character of each class.
func stringMatching(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return ""
	}
	var b strings.Builder
	var gen func(re *syntax.Regexp)
	gen = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpLiteral:
			b.WriteString(string(re.Rune))
		case syntax.OpCharClass:
			if len(re.Rune) > 0 {
				b.WriteRune(re.Rune[0])
			}
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			b.WriteByte('a')
		case syntax.OpCapture:
			gen(re.Sub[0])
		case syntax.OpConcat:
			for _, s := range re.Sub {
				gen(s)
			}
		case syntax.OpAlternate:
			gen(re.Sub[0])
		case syntax.OpPlus:
			gen(re.Sub[0])
		case syntax.OpRepeat:
			for range re.Min {
				gen(re.Sub[0])
			}
		}
	}
	gen(re.Simplify())
	return b.String()
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
