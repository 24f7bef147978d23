package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apifygo/apify/spec/gogen"
)

// TestRegenerationSurvivesSyntheticRenames derives, in memory, a new
// version of the pinned document that changes what upstream plausibly
// changes: operationIds renamed on the same method and path, every path
// parameter renamed, one operation moved to another path and renamed, an
// enum, a member of a union and an object referring to the enum renamed, a
// schema renamed and given a new property, two schemas of identical
// content both renamed, and one operation removed. It regenerates from it
// with the committed names record and compiles a program referencing every
// identifier the committed generation exported, except the removed
// operation's, which the report must name as removed (and nothing else).
// One regeneration and one compile: the published pair of documents is
// TestRegenerationKeepsEveryName's.
func TestRegenerationSurvivesSyntheticRenames(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates and compiles the client once")
	}
	prev := committedRecord(t)
	doc := decodeDoc(t, readDoc(t, currentDoc))
	m := mutate(t, doc, prev)
	path := filepath.Join(t.TempDir(), "synthetic.json")
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := generateFrom(t, path, lockFor(t, path), prev)
	t.Logf("%d operations renamed, %s moved and renamed, schemas renamed %v, %s removed; report: %d added, %d deprecated, %d removed",
		len(m.ops), m.moved.Go, m.schemas, m.removedGo, len(out.Report.Added), len(out.Report.Deprecated), len(out.Report.Removed))

	// Every renamed operation and schema is matched and keeps its name.
	goOf := map[string]string{} // method path → Go name, in the new generation
	for _, op := range out.Record.Operations {
		goOf[op.Method+" "+routeOf(op.Path)] = op.Go
	}
	deprecated := map[string]string{}
	for _, a := range out.Record.Deprecated {
		deprecated[a.Package+" "+a.Kind+" "+a.Name] = a.Target
	}
	for _, op := range m.ops {
		to := goOf[op.Method+" "+routeOf(op.Path)]
		if to == "" || to == op.Go {
			t.Errorf("%s %s: renamed %s has Go name %q in the new generation", op.Method, op.Path, op.OperationID, to)
			continue
		}
		if got := deprecated["genclient method ClientInterface."+op.Go]; got != "ClientInterface."+to {
			t.Errorf("ClientInterface.%s forwards to %q; want ClientInterface.%s", op.Go, got, to)
		}
	}
	movedGo := ""
	for _, op := range out.Record.Operations {
		if op.OperationID == m.movedTo {
			movedGo = op.Go
		}
	}
	if got := deprecated["genclient method ClientInterface."+m.moved.Go]; movedGo == "" || got != "ClientInterface."+movedGo {
		t.Errorf("ClientInterface.%s (moved from %s and renamed %s) forwards to %q; want ClientInterface.%s", m.moved.Go, m.moved.Path, m.movedTo, got, movedGo)
	}
	for from, to := range m.schemas {
		if got := deprecated["gen type "+from]; got != to {
			t.Errorf("gen type %s is an alias of %q; want %s", from, got, to)
		}
	}

	// The removed operation's identifiers, and only those, are removed.
	if !out.Report.Breaking() {
		t.Errorf("the report does not call removing %s breaking:\n%s", m.removedGo, out.Report)
	}
	removed := map[string]bool{}
	var unexplained []string
	for _, id := range out.Report.Removed {
		removed[id.String()] = true
		if !strings.Contains(id.Name, m.removedGo) {
			unexplained = append(unexplained, id.String())
		}
	}
	if n := len(unexplained); n > 0 {
		t.Errorf("%d removed identifiers that the removed operation (%s) does not explain, e.g.\n  %s", n, m.removedGo, strings.Join(unexplained[:min(n, 10)], "\n  "))
	}
	for _, want := range []string{
		"genclient method ClientInterface." + m.removedGo,
		"genclient method ClientWithResponsesInterface." + m.removedGo + "WithResponse",
		"genclient func New" + m.removedGo + "Request",
	} {
		if !removed[want] {
			t.Errorf("the report does not list %s as removed", want)
		}
	}
	if t.Failed() {
		t.Logf("report:\n%s", out.Report)
	}

	program := referenceProgram(prev, out.Report.Removed)
	buildInModule(t, out.Files, map[string][]byte{"namescheck/main.go": program}, "./...")
}

// mutation is what mutate changed: the renamed operations (as the committed
// record had them), the renamed schemas' Go names (old → new) and the Go
// name of the removed operation.
type mutation struct {
	ops       []gogen.Operation
	schemas   map[string]string
	removedGo string
	// moved is an operation whose path and operationId both changed; its
	// new operationId is movedTo.
	moved   gogen.Operation
	movedTo string
}

// mutate renames, moves and removes in doc, choosing what to change from
// the document's shape (so that it keeps working on later documents).
func mutate(t *testing.T, doc map[string]any, prev *gogen.Record) mutation {
	t.Helper()
	m := mutation{schemas: map[string]string{}}
	goOf := map[string]string{}
	for _, op := range prev.Operations {
		goOf[op.Method+" "+op.Path] = op.Go
	}
	paths := obj(t, doc, "paths")
	routes := sortedKeys(paths)
	var all []gogen.Operation
	for _, p := range routes {
		for _, method := range sortedKeys(obj(t, paths, p)) {
			op, ok := obj(t, paths, p)[method].(map[string]any)
			if id, _ := op["operationId"].(string); ok && id != "" {
				all = append(all, gogen.Operation{Method: strings.ToUpper(method), Path: p, OperationID: id, Go: goOf[strings.ToUpper(method)+" "+p]})
			}
		}
	}
	for i, op := range all {
		if op.Go == "" {
			t.Fatalf("%s %s (%s) is not in the committed names record; run `make generate`", op.Method, op.Path, op.OperationID)
		}
		if i%9 == 4 {
			obj(t, obj(t, paths, op.Path), strings.ToLower(op.Method))["operationId"] = op.OperationID + "_renamed"
			m.ops = append(m.ops, op)
		}
	}
	refers := map[string]bool{} // method path of the operations that refer to a schema
	for _, op := range prev.Operations {
		refers[op.Method+" "+op.Path] = len(op.Refs) > 0
	}
	for i, op := range all {
		segments := strings.Split(op.Path, "/")
		if i%9 != 5 || op.Method != "GET" || m.movedTo != "" || !refers[op.Method+" "+op.Path] || len(segments) < 4 {
			continue
		}
		// One segment changes (/v2/actors/{actorId} → /v2/actors-moved/{actorId}),
		// as when upstream moved /v2/acts/… to /v2/actors/….
		item := obj(t, paths, op.Path)
		o := obj(t, item, "get")
		delete(item, "get")
		m.moved, m.movedTo = op, op.OperationID+"_moved"
		o["operationId"] = m.movedTo
		segments[2] += "-moved"
		paths[strings.Join(segments, "/")] = map[string]any{"get": o}
	}
	if m.movedTo == "" {
		t.Fatal("no GET operation to move")
	}
	for _, op := range all {
		if op.Method != "DELETE" || isRenamed(m.ops, op) {
			continue
		}
		contained := false
		for _, other := range all {
			contained = contained || other.Go != op.Go && strings.Contains(other.Go, op.Go)
		}
		if !contained {
			delete(obj(t, paths, op.Path), "delete")
			m.removedGo = op.Go
			break
		}
	}
	if m.removedGo == "" {
		t.Fatal("no DELETE operation to remove")
	}
	renamePathParameters(t, doc)

	schemas := obj(t, obj(t, doc, "components"), "schemas")
	goType := map[string]string{}
	used := map[string]bool{}
	for _, s := range prev.Schemas {
		goType[s.Name] = s.Go
		used[s.Name] = len(s.Uses) > 0
	}
	members := map[string]bool{}
	for _, name := range sortedKeys(schemas) {
		s, _ := schemas[name].(map[string]any)
		one, _ := s["oneOf"].([]any)
		for _, x := range one {
			if ref, _ := x.(map[string]any)["$ref"].(string); ref != "" {
				members[strings.TrimPrefix(ref, "#/components/schemas/")] = true
			}
		}
	}
	var enum string
	pick := func(what string, ok func(name string, s map[string]any) bool) string {
		for _, name := range sortedKeys(schemas) {
			s, _ := schemas[name].(map[string]any)
			if _, done := m.schemas[name]; !done && goType[name] == name && ok(name, s) {
				m.schemas[name] = name + "Renamed"
				return name
			}
		}
		t.Fatalf("no schema is %s", what)
		return ""
	}
	enum = pick("an enum", func(_ string, s map[string]any) bool { return s["enum"] != nil })
	pick("a oneOf member", func(name string, _ map[string]any) bool { return members[name] })
	pick("an object with properties that refers to the enum "+enum, func(name string, s map[string]any) bool {
		b, _ := json.Marshal(s)
		return s["type"] == "object" && s["properties"] != nil && !members[name] &&
			bytes.Contains(b, []byte(`"#/components/schemas/`+enum+`"`))
	})
	changed := pick("an object with properties that is used somewhere", func(name string, s map[string]any) bool {
		return s["type"] == "object" && s["properties"] != nil && !members[name] && used[name]
	})
	obj(t, obj(t, schemas, changed), "properties")["addedBySyntheticDocument"] = map[string]any{"type": "string"}
	// Two object schemas of one content: the record's form and the schemas
	// each refers to.
	forms := map[string][]string{}
	for _, sc := range prev.Schemas {
		if _, done := m.schemas[sc.Name]; !done && sc.Kind == "object" && goType[sc.Name] == sc.Name {
			key := sc.Form + " " + strings.Join(sc.Refs, ",")
			forms[key] = append(forms[key], sc.Name)
		}
	}
	twins := false
	for _, form := range sortedKeys(forms) {
		if names := forms[form]; len(names) == 2 {
			m.schemas[names[0]], m.schemas[names[1]] = names[0]+"Renamed", names[1]+"Renamed"
			twins = true
			break
		}
	}
	if !twins {
		t.Fatal("no two object schemas of identical content")
	}
	for _, from := range sortedKeys(m.schemas) {
		renameSchema(t, doc, from, m.schemas[from])
	}
	return m
}

func isRenamed(ops []gogen.Operation, op gogen.Operation) bool {
	for _, o := range ops {
		if o.Go == op.Go {
			return true
		}
	}
	return false
}

// renamePathParameters renames every path parameter (x → xID): in the path
// templates, in components.parameters and in operations' own parameters.
func renamePathParameters(t *testing.T, doc map[string]any) {
	t.Helper()
	rename := func(p any) {
		if q, ok := p.(map[string]any); ok && q["in"] == "path" {
			q["name"] = fmt.Sprint(q["name"]) + "ID"
		}
	}
	if params, ok := obj(t, doc, "components")["parameters"].(map[string]any); ok {
		for _, p := range params {
			rename(p)
		}
	}
	paths := obj(t, doc, "paths")
	for _, p := range sortedKeys(paths) {
		item := obj(t, paths, p)
		for _, op := range item {
			if list, ok := op.([]any); ok { // path-level parameters
				for _, q := range list {
					rename(q)
				}
			}
			if o, ok := op.(map[string]any); ok {
				list, _ := o["parameters"].([]any)
				for _, q := range list {
					rename(q)
				}
			}
		}
		delete(paths, p)
		paths[strings.ReplaceAll(p, "}", "ID}")] = item
	}
}

// renameSchema renames a component schema and every reference to it.
func renameSchema(t *testing.T, doc map[string]any, from, to string) {
	t.Helper()
	schemas := obj(t, obj(t, doc, "components"), "schemas")
	schemas[to] = schemas[from]
	delete(schemas, from)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if v["$ref"] == "#/components/schemas/"+from {
				v["$ref"] = "#/components/schemas/" + to
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(doc)
}

// routeOf drops the names of a path's parameters: /a/{x}/b → /a/{}/b.
func routeOf(p string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(p, '{')
		j := strings.IndexByte(p, '}')
		if i < 0 || j < i {
			return b.String() + p
		}
		b.WriteString(p[:i+1] + "}")
		p = p[j+1:]
	}
}

func decodeDoc(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func obj(t *testing.T, v map[string]any, key string) map[string]any {
	t.Helper()
	o, ok := v[key].(map[string]any)
	if !ok {
		t.Fatalf("the document's %q is not an object", key)
	}
	return o
}
