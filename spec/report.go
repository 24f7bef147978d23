package spec

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Operation identifies one API operation.
type Operation struct {
	Method, Path, ID string
}

// String renders "GET /v2/actors (actors_get)".
func (o Operation) String() string {
	return fmt.Sprintf("%s %s (%s)", strings.ToUpper(o.Method), o.Path, o.ID)
}

// Rename is an operation kept on the same method and path under a new
// operationId, which renames its generated Go methods.
type Rename struct {
	Method, Path, From, To string
}

// ParameterRename is an operation kept on the same method and route whose
// path parameters were renamed (/acts/{actorId} → /acts/{actId}): the
// generated methods keep their names; only their argument names change.
type ParameterRename struct {
	Method, From, To, ID string
}

// Report is what changed between two versions of the document. Operations
// are matched by method and route: the path with its parameters' names
// dropped.
type Report struct {
	OldVersion, NewVersion       string
	Added, Removed               []Operation
	Renamed                      []Rename
	ParametersRenamed            []ParameterRename
	SchemasAdded, SchemasRemoved []string
	OldOperations, NewOperations int
}

// Operations lists the operations of a document, sorted by path and method.
func Operations(doc []byte) ([]Operation, error) {
	root, err := decodeTree(doc)
	if err != nil {
		return nil, err
	}
	var out []Operation
	for _, op := range operations(root) {
		out = append(out, Operation{Method: op.Method, Path: op.Path, ID: op.id()})
	}
	return out, nil
}

// Compare reports the operations added, removed and renamed (or with their
// path parameters renamed), and the schemas added and removed, from
// document old to document new.
func Compare(old, new []byte) (Report, error) {
	var r Report
	oldOps, err := Operations(old)
	if err != nil {
		return r, err
	}
	newOps, err := Operations(new)
	if err != nil {
		return r, err
	}
	r.OldOperations, r.NewOperations = len(oldOps), len(newOps)
	r.OldVersion, _ = DocumentVersion(old)
	r.NewVersion, _ = DocumentVersion(new)
	key := func(o Operation) string { return o.Method + " " + route(o.Path) }
	oldBy := map[string]Operation{}
	for _, o := range oldOps {
		oldBy[key(o)] = o
	}
	newBy := map[string]Operation{}
	for _, o := range newOps {
		newBy[key(o)] = o
		prev, ok := oldBy[key(o)]
		switch {
		case !ok:
			r.Added = append(r.Added, o)
		case prev.ID != o.ID:
			r.Renamed = append(r.Renamed, Rename{Method: o.Method, Path: o.Path, From: prev.ID, To: o.ID})
		}
		if ok && prev.Path != o.Path {
			r.ParametersRenamed = append(r.ParametersRenamed, ParameterRename{Method: o.Method, From: prev.Path, To: o.Path, ID: o.ID})
		}
	}
	for _, o := range oldOps {
		if _, ok := newBy[key(o)]; !ok {
			r.Removed = append(r.Removed, o)
		}
	}
	oldS, err := schemaNames(old)
	if err != nil {
		return r, err
	}
	newS, err := schemaNames(new)
	if err != nil {
		return r, err
	}
	r.SchemasAdded = minus(newS, oldS)
	r.SchemasRemoved = minus(oldS, newS)
	return r, nil
}

var pathParameter = regexp.MustCompile(`\{[^}/]*\}`)

// route is a path with its parameters' names dropped: /acts/{actorId} and
// /acts/{actId} are one route.
func route(path string) string { return pathParameter.ReplaceAllString(path, "{}") }

func schemaNames(doc []byte) (map[string]bool, error) {
	root, err := decodeTree(doc)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for n := range child(child(root, "components"), "schemas") {
		names[n] = true
	}
	return names, nil
}

func minus(a, b map[string]bool) []string {
	var out []string
	for n := range a {
		if !b[n] {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// String renders the report for a person reading a regeneration's effect.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Change report %s → %s: %d → %d operations\n", r.OldVersion, r.NewVersion, r.OldOperations, r.NewOperations)
	params := ""
	if len(r.ParametersRenamed) > 0 {
		params = fmt.Sprintf("; path parameters renamed: %d", len(r.ParametersRenamed))
	}
	fmt.Fprintf(&b, "  operations added: %d, removed: %d, renamed: %d%s; schemas added: %d, removed: %d\n",
		len(r.Added), len(r.Removed), len(r.Renamed), params, len(r.SchemasAdded), len(r.SchemasRemoved))
	for _, o := range r.Added {
		fmt.Fprintf(&b, "  + %s\n", o)
	}
	for _, o := range r.Removed {
		fmt.Fprintf(&b, "  - %s\n", o)
	}
	for _, o := range r.Renamed {
		fmt.Fprintf(&b, "  ~ %s %s: %s → %s (generated names change; the old ones stay as deprecated aliases)\n", strings.ToUpper(o.Method), o.Path, o.From, o.To)
	}
	for _, o := range r.ParametersRenamed {
		fmt.Fprintf(&b, "  ~ %s %s → %s (%s): path parameters renamed (generated names stay; argument names change)\n", strings.ToUpper(o.Method), o.From, o.To, o.ID)
	}
	for _, s := range r.SchemasAdded {
		fmt.Fprintf(&b, "  + schema %s\n", s)
	}
	for _, s := range r.SchemasRemoved {
		fmt.Fprintf(&b, "  - schema %s\n", s)
	}
	return b.String()
}
