package spec

import (
	"fmt"
	"strings"
)

// A Transform is one rewrite of the document. Every transform is keyed on
// the document's shape, never on a version, a path or a schema name, so the
// same list works for documents it has never seen.
type Transform struct {
	// ID is a short stable name used in reports and golden tests.
	ID string
	// Why says what goes wrong in oapi-codegen (v2.8.2) without it.
	Why string
	// Apply rewrites the tree in place and returns how many places it changed.
	Apply func(root obj) int
}

// Transforms is the normalization pipeline, in the order it runs.
var Transforms = []Transform{
	{"distinct-operation-names", "two operationIds that differ only in separators or case (webhook_dispatches_get, webhookDispatches_get) become the same Go name, declared twice", distinctOperationNames},
	{"inline-parameters", "component parameters with the same name (limit, limit-2, …) become numbered aliases (Limit2) and can collide with schema names", inlineParameters},
	{"ignored-header-parameters", "Accept, Content-Type and Authorization header parameters (which OpenAPI says to ignore) become parameter fields; a required Content-Type field overwrites the body's content type", ignoredHeaderParameters},
	{"no-body-responses", "a 204 or a HEAD answer described with JSON content makes the generated parser decode an empty body and fail", noBodyResponses},
	{"header-content", "a response header described with `content` instead of `schema` is generated as *interface{} and binding it fails on every response", headerContent},
	{"parameter-content-keywords", "contentMediaType/contentEncoding/contentSchema on a parameter turn it into openapi_types.File", parameterContentKeywords},
	{"tuple-items", "`items` written as a list of schemas (the old JSON Schema tuple form, which OpenAPI does not allow) stops oapi-codegen from loading the document", tupleItems},
	{"nullable-branches", "a union branch that only says `nullable: true` (OpenAPI 3.0's way to write \"or null\") becomes a union type of its own, which name-inline-schemas can name like an existing schema (duplicate typename)", nullableBranches},
	{"integer-formats", "`type: number` with an integer format is generated as float32", integerFormats},
	{"multi-type", "a type array with several non-null types fails generation (unhandled Schema type)", multiType},
	{"single-type", "a one-element type array is noise", singleType},
	{"null-examples", "`examples: [null]` renders as a useless comment", nullExamples},
	{"typeless-const", "a `const` without `type` is generated as interface{}", typelessConst},
	{"constraint-only-unions", "anyOf/oneOf branches that only list `required` are generated as bogus types", constraintOnlyUnions},
	{"inline-discriminator-members", "a discriminator with inline members fails generation (not all schemas were mapped)", inlineDiscriminatorMembers},
	{"raw-data-responses", "a success response with several media types (or a `format` query parameter) is decoded by matching Content-Type substrings, which fails for jsonl, csv, xml and xlsx", rawDataResponses},
	{"free-form-responses", "an inline free-form JSON success body (object without properties, or an array of them) fails to decode arrays and scalars", freeFormResponses},
	{"inline-union-bodies", "an inline union request body becomes a type without MarshalJSON, so the client sends {}", inlineUnionBodies},
	{"name-inline-schemas", "inline objects, maps and unions inside schemas get names with underscores or numeric suffixes", nameInlineSchemas},
	{"annotated-refs", "an allOf of one $ref and members that only add examples or words is generated as a copy of the referenced schema, which redeclares the types named inside it (duplicate declarations)", annotatedRefs},
	{"collapse-error-responses", "identical 4xx/5xx responses per operation multiply the generated code (and its compile time) by about eight", collapseErrorResponses},
}

// Stats reports how many places each transform changed, by Transform.ID.
type Stats map[string]int

// String lists the transforms that changed something, in pipeline order.
func (s Stats) String() string {
	var b strings.Builder
	for _, t := range Transforms {
		if n := s[t.ID]; n > 0 {
			fmt.Fprintf(&b, "%s=%d ", t.ID, n)
		}
	}
	return strings.TrimSpace(b.String())
}

// Normalize applies [Transforms] to a document and returns the result as
// indented JSON with sorted keys.
func Normalize(doc []byte) ([]byte, Stats, error) {
	root, err := decodeTree(doc)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := root["paths"].(obj); !ok {
		return nil, nil, fmt.Errorf("spec: the document has no \"paths\" object; is it an OpenAPI document?")
	}
	nameUnversioned(root, doc)
	stats := Stats{}
	for _, t := range Transforms {
		stats[t.ID] = t.Apply(root)
	}
	out, err := encodeTree(root)
	if err != nil {
		return nil, nil, err
	}
	return out, stats, nil
}

// applyOne runs a single transform by ID; the golden tests use it.
func applyOne(id string, doc []byte) ([]byte, int, error) {
	root, err := decodeTree(doc)
	if err != nil {
		return nil, 0, err
	}
	for _, t := range Transforms {
		if t.ID == id {
			n := t.Apply(root)
			out, err := encodeTree(root)
			return out, n, err
		}
	}
	return nil, 0, fmt.Errorf("spec: no transform %q", id)
}

// nameUnversioned writes the name [DocumentVersion] gives a document without
// an info.version into the normalized one, so the generator records and cites
// the same version as the lock. A document [DocumentVersion] refuses is left
// as it is (the pipeline has refused it before normalizing).
func nameUnversioned(root obj, doc []byte) {
	info := child(root, "info")
	if v, _ := info["version"].(string); strings.TrimSpace(v) != "" {
		return
	}
	v, err := DocumentVersion(doc)
	if err != nil {
		return
	}
	if info == nil {
		info = obj{}
		root["info"] = info
	}
	info["version"] = v
}
