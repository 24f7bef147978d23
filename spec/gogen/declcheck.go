package gogen

import (
	"fmt"
	"go/ast"
	"slices"
	"sort"
	"strings"
)

// checkDeclarations refuses generated packages that declare a name twice
// (two top-level declarations, two methods of one type, or a field and a
// method of one type with one name): Go would not compile them. It happens
// when two names of the document make one Go name (operationIds that differ
// only in case or separators, a schema named like a type generated for an
// operation); the error names them, so nothing is written.
func checkDeclarations(sources []pkgSource, ops []Operation, schemas []Schema) error {
	seen := map[string][]string{} // package + " " + name → files
	for _, s := range sources {
		pkg, file := s.pkg, s.fset.File(s.file.Pos()).Name()
		note := func(name string) { seen[pkg+" "+name] = append(seen[pkg+" "+name], file) }
		for _, d := range s.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					if d.Name.Name != "init" && d.Name.Name != "_" {
						note(d.Name.Name)
					}
					continue
				}
				note(receiverType(d.Recv.List[0].Type) + "." + d.Name.Name)
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					switch sp := sp.(type) {
					case *ast.TypeSpec:
						note(sp.Name.Name)
						if st, ok := sp.Type.(*ast.StructType); ok {
							for _, fl := range st.Fields.List {
								for _, n := range fieldNames(fl) {
									note(sp.Name.Name + "." + n)
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							if n.Name != "_" {
								note(n.Name)
							}
						}
					}
				}
			}
		}
	}
	var dups []string
	for key, where := range seen {
		if len(where) < 2 {
			continue
		}
		pkg, name, _ := strings.Cut(key, " ")
		dups = append(dups, fmt.Sprintf("%s.%s, declared %d times (in %s)%s", pkg, name, len(where), strings.Join(slices.Compact(where), ", "), origins(name, ops, schemas)))
	}
	if len(dups) == 0 {
		return nil
	}
	sort.Strings(dups)
	return fmt.Errorf("gogen: the generated code would not compile, because two names of the document make one Go name; nothing was written. Rename one of them upstream (or, for a schema, give it an x-go-name in api/overlay.yaml):\n  %s", strings.Join(dups, "\n  "))
}

// origins names the operations and schemas whose Go names a generated name
// derives from.
func origins(name string, ops []Operation, schemas []Schema) string {
	typ, _, _ := strings.Cut(name, ".")
	var from []string
	for _, s := range schemas {
		if s.Go != "" && s.Go == typ {
			from = append(from, "schema "+s.Name)
		}
	}
	longest := longestOpName(name, ops)
	for _, op := range ops {
		if longest != "" && op.Go == longest {
			from = append(from, fmt.Sprintf("operation %s %s (%s)", op.Method, op.Path, op.OperationID))
		}
	}
	if len(from) == 0 {
		return ""
	}
	return ": from " + strings.Join(from, ", ")
}

// longestOpName is the longest operation Go name that name contains.
func longestOpName(name string, ops []Operation) string {
	best := ""
	for _, op := range ops {
		if op.Go != "" && strings.Contains(name, op.Go) && len(op.Go) > len(best) {
			best = op.Go
		}
	}
	return best
}

// collisionError is a name that both of oapi-codegen's outputs declare (a
// schema named like a type generated for an operation, such as
// <Operation>Response).
type collisionError struct{ name string }

func (e *collisionError) Error() string {
	return fmt.Sprintf("gogen: %s is declared by both the models and the client output", e.name)
}

// explainCollision says which names of the document a collision comes from,
// matched on the document itself (the Go names fold operationIds and schema
// names to letters and digits).
func explainCollision(e *collisionError, doc []byte) error {
	d, _ := parseDocument(doc) // what cannot be read names no origin
	var ops []Operation
	for p, item := range d.paths {
		for method, v := range item {
			op, _ := v.(map[string]any)
			if id, _ := op["operationId"].(string); id != "" {
				ops = append(ops, Operation{Method: strings.ToUpper(method), Path: p, OperationID: id, Go: foldName(id)})
			}
		}
	}
	var schemas []Schema
	for name := range d.components["schemas"] {
		schemas = append(schemas, Schema{Name: name, Go: foldName(name)})
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Path+ops[i].Method < ops[j].Path+ops[j].Method })
	sort.Slice(schemas, func(i, j int) bool { return schemas[i].Name < schemas[j].Name })
	return fmt.Errorf("gogen: the generated code would not compile: %s is both a model and a type of the typed client%s; nothing was written. Rename one of them upstream (or, for a schema, give it an x-go-name in api/overlay.yaml)",
		e.name, origins(foldName(e.name), ops, schemas))
}
