package gogen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Record is the committed record of names (api/names.json) that each
// generation writes and the next one reads: the operations (method, path,
// operationId and the Go name generated from it), the schemas, and the
// deprecated names kept for compatibility. It holds names only, never the
// document; what the generated packages export is read from their code.
type Record struct {
	// Version is the info.version of the document the names come from.
	Version    string      `json:"version"`
	Operations []Operation `json:"operations"`
	// Schemas lists the document's schemas with what recognises each under
	// another name (see Schema).
	Schemas []Schema `json:"schemas"`
	// Deprecated lists the forwarding declarations of the compat files.
	Deprecated []Alias `json:"deprecated"`
	// Exported maps a package name (gen, genclient) to its exported
	// identifiers, each "kind Name", or "method Type.Name" and "field
	// Type.Name" (see Ident). It is not written to the record: ReadRecord
	// computes it from the committed generated code, and Generate from the
	// code it generates.
	Exported map[string][]string `json:"-"`
	// Signatures maps each identifier (Ident.String) to its type, as
	// signaturesOf writes it; in memory only, like Exported.
	Signatures map[string]string `json:"-"`
}

// Operation is one operation of the document, its generated Go name, and
// what recognises it when its path and operationId both change: a hash of
// its form and the schemas it refers to (see operationForm).
type Operation struct {
	Method      string   `json:"method"`
	Path        string   `json:"path"`
	OperationID string   `json:"operationId"`
	Go          string   `json:"go"`
	Form        string   `json:"form,omitempty"`
	Refs        []string `json:"refs,omitempty"`
}

// Schema is one schema of the document: its name, its Go type, and what
// recognises it under another name: its kind, its form (a hash of its
// content without prose and without the names of the schemas it refers
// to), the schemas it refers to, and where the document uses it (see
// documentSchemas).
type Schema struct {
	Name string `json:"name"`
	Go   string `json:"go"`
	// Shape is the hash records had before forms (the content without
	// prose, names of referred schemas included): read from such a record,
	// and computed for the new document to compare with it, but never
	// written to the record.
	Shape string   `json:"shape,omitempty"`
	Kind  string   `json:"kind,omitempty"`
	Form  string   `json:"form,omitempty"`
	Refs  []string `json:"refs,omitempty"`
	Uses  []string `json:"uses,omitempty"`
}

// Alias is one deprecated name: Name in Package forwards to Target, the name
// that replaced it when upstream renamed it in Since.
type Alias struct {
	Package string `json:"package"`
	Kind    string `json:"kind"` // type, const, var, func, method
	Name    string `json:"name"` // Type.Method for methods
	Target  string `json:"target"`
	Since   string `json:"since"`
}

// Ident is one exported identifier of a generated package.
type Ident struct {
	Package string
	Kind    string // type, interface, const, var, func, method
	Name    string // Type.Method for methods
}

func (id Ident) String() string { return id.Package + " " + id.Kind + " " + id.Name }

// key is how an identifier is listed in Record.Exported.
func (id Ident) key() string { return id.Kind + " " + id.Name }

// ParseRecord reads a record; empty input is the empty record.
func ParseRecord(b []byte) (*Record, error) {
	r := &Record{Exported: map[string][]string{}}
	if len(bytes.TrimSpace(b)) == 0 {
		return r, nil
	}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("gogen: the names record is not valid: %w", err)
	}
	if r.Exported == nil {
		r.Exported = map[string][]string{}
	}
	return r, nil
}

// ReadRecord reads the committed names record under root and computes the
// identifiers the committed generation exports from its generated files
// (the folders of o; hand-written files such as doc.go are not counted).
func ReadRecord(root string, o Options) (*Record, error) {
	b, err := os.ReadFile(filepath.Join(root, RecordPath))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	r, err := ParseRecord(b)
	if err != nil {
		return nil, err
	}
	committed, err := existingGenerated(root, []File{{Path: path.Join(o.ModelsDir, "x.go")}, {Path: path.Join(o.ClientDir, "x.go")}})
	if err != nil {
		return nil, err
	}
	files := make([]File, 0, len(committed))
	for p, src := range committed {
		files = append(files, File{Path: p, Content: src})
	}
	sources, err := goSources(files)
	if err != nil {
		return nil, fmt.Errorf("gogen: reading the committed generated code: %w", err)
	}
	for _, id := range exportedIdents(sources) {
		r.Exported[id.Package] = append(r.Exported[id.Package], id.key())
	}
	r.Signatures = signaturesOf(sources)
	return r, nil
}

// Marshal writes the record deterministically, one entry per line.
func (r *Record) Marshal() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "{\n  \"version\": %s,\n  \"operations\": [", quote(r.Version))
	writeEntries(&b, len(r.Operations), func(i int) string {
		op := r.Operations[i]
		return fmt.Sprintf("{\"method\": %s, \"path\": %s, \"operationId\": %s, \"go\": %s, \"form\": %s, \"refs\": %s}",
			quote(op.Method), quote(op.Path), quote(op.OperationID), quote(op.Go), quote(op.Form), quoteList(op.Refs))
	})
	b.WriteString("\n  ],\n  \"schemas\": [")
	writeEntries(&b, len(r.Schemas), func(i int) string {
		sc := r.Schemas[i]
		return fmt.Sprintf("{\"name\": %s, \"go\": %s, \"kind\": %s, \"form\": %s, \"refs\": %s, \"uses\": %s}",
			quote(sc.Name), quote(sc.Go), quote(sc.Kind), quote(sc.Form), quoteList(sc.Refs), quoteList(sc.Uses))
	})
	b.WriteString("\n  ],\n  \"deprecated\": [")
	writeEntries(&b, len(r.Deprecated), func(i int) string {
		a := r.Deprecated[i]
		return fmt.Sprintf("{\"package\": %s, \"kind\": %s, \"name\": %s, \"target\": %s, \"since\": %s}",
			quote(a.Package), quote(a.Kind), quote(a.Name), quote(a.Target), quote(a.Since))
	})
	b.WriteString("\n  ]\n}\n")
	return b.Bytes()
}

// writeEntries writes the n entries of a JSON array, each on its own line.
func writeEntries(b *bytes.Buffer, n int, entry func(i int) string) {
	for i := range n {
		b.WriteString("\n    " + entry(i))
		if i < n-1 {
			b.WriteString(",")
		}
	}
}

func quoteList(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(l)
	return strings.ReplaceAll(string(b), `","`, `", "`)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Idents lists the identifiers of a record.
func (r *Record) Idents() []Ident {
	var out []Ident
	for pkg, names := range r.Exported {
		for _, n := range names {
			kind, name, _ := strings.Cut(n, " ")
			out = append(out, Ident{Package: pkg, Kind: kind, Name: name})
		}
	}
	sortIdents(out)
	return out
}

func sortIdents(ids []Ident) {
	sort.Slice(ids, func(i, j int) bool {
		if ids[i].Package != ids[j].Package {
			return ids[i].Package < ids[j].Package
		}
		if ids[i].Name != ids[j].Name {
			return ids[i].Name < ids[j].Name
		}
		return ids[i].Kind < ids[j].Kind
	})
}

// exportedIdents lists the exported identifiers that sources declare:
// types, constants, variables, functions, and the exported methods
// (interface methods included) and struct fields of exported types.
func exportedIdents(sources []pkgSource) []Ident {
	var out []Ident
	for _, s := range sources {
		out = append(out, declaredIdents(s.source, s.pkg)...)
	}
	sortIdents(out)
	return out
}

func declaredIdents(s *source, pkg string) []Ident {
	var out []Ident
	add := func(kind, name string) {
		if ast.IsExported(name[strings.LastIndex(name, ".")+1:]) {
			out = append(out, Ident{Package: pkg, Kind: kind, Name: name})
		}
	}
	for _, d := range s.file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				add("func", d.Name.Name)
				continue
			}
			recv := receiverType(d.Recv.List[0].Type)
			if ast.IsExported(recv) {
				add("method", recv+"."+d.Name.Name)
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					if !ast.IsExported(sp.Name.Name) {
						continue
					}
					if it, ok := sp.Type.(*ast.InterfaceType); ok {
						add("interface", sp.Name.Name)
						for _, m := range it.Methods.List {
							for _, n := range m.Names {
								add("method", sp.Name.Name+"."+n.Name)
							}
						}
						continue
					}
					add("type", sp.Name.Name)
					if st, ok := sp.Type.(*ast.StructType); ok && !sp.Assign.IsValid() {
						for _, f := range st.Fields.List {
							for _, n := range fieldNames(f) {
								add("field", sp.Name.Name+"."+n)
							}
						}
					}
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						add(d.Tok.String(), n.Name)
					}
				}
			}
		}
	}
	return out
}

// fieldNames lists the names of a struct field declaration; an embedded
// field is named after its type.
func fieldNames(f *ast.Field) []string {
	if len(f.Names) > 0 {
		names := make([]string, len(f.Names))
		for i, n := range f.Names {
			names[i] = n.Name
		}
		return names
	}
	t := f.Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	switch t := t.(type) {
	case *ast.Ident:
		return []string{t.Name}
	case *ast.SelectorExpr:
		return []string{t.Sel.Name}
	}
	return nil
}

// httpMethods are the keys of a path item that are operations.
var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

var notLetters = regexp.MustCompile(`[^A-Za-z0-9]`)

// foldName folds an operationId or a Go name to lower-case letters and
// digits: the generator only changes case and drops separators.
func foldName(s string) string { return strings.ToLower(notLetters.ReplaceAllString(s, "")) }

// documentOperations lists the operations of a normalized document, with the
// Go name of each taken from the generated ClientInterface methods.
func documentOperations(d document, client []Ident) []Operation {
	methods := map[string]string{}
	for _, id := range client {
		if id.Kind == "method" && strings.HasPrefix(id.Name, "ClientInterface.") {
			name := strings.TrimSuffix(strings.TrimPrefix(id.Name, "ClientInterface."), "WithBody")
			methods[foldName(name)] = name
		}
	}
	var ops []Operation
	for p, item := range d.paths {
		for method, v := range item {
			op, _ := v.(map[string]any)
			if op == nil || !httpMethods[strings.ToLower(method)] {
				continue
			}
			id, _ := op["operationId"].(string)
			name := id
			if name == "" {
				// The generator names it after its method and path.
				name = method + p
			}
			form, refs := operationForm(op)
			ops = append(ops, Operation{Method: strings.ToUpper(method), Path: p, OperationID: id, Go: methods[foldName(name)], Form: form, Refs: refs})
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops
}
