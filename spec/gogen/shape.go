package gogen

import (
	"bytes"
	"fmt"
	"go/ast"
	"path"
	"sort"
	"strings"
)

// Options names the two generated packages.
type Options struct {
	// ModelsDir and ModelsImport locate the models package (package gen).
	ModelsDir, ModelsImport string
	// ClientDir locates the typed client package; its package name is the
	// folder's last element.
	ClientDir string
}

// DefaultOptions is this module's layout.
var DefaultOptions = Options{
	ModelsDir:    "gen",
	ModelsImport: "github.com/apifygo/apify/gen",
	ClientDir:    "gen/genclient",
}

// Shape turns oapi-codegen's models output and client output (both written
// for one package) into the files of the models package and the client
// package.
func Shape(models, client []byte, o Options) ([]File, error) {
	ms, err := parseSource("models.go", models)
	if err != nil {
		return nil, err
	}
	cs, err := parseSource("client.go", client)
	if err != nil {
		return nil, err
	}
	modelNames := ms.topLevelNames()
	for name := range cs.topLevelNames() {
		if modelNames[name] {
			return nil, &collisionError{name: name}
		}
	}
	files, err := shapeModels(ms, o)
	if err != nil {
		return nil, err
	}
	cf, err := shapeClient(cs, ms, modelNames, o)
	if err != nil {
		return nil, err
	}
	files = append(files, cf...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// shapeModels files the models by kind: enums (types with constant values and
// their methods), params (operation parameters and request bodies), models.
func shapeModels(ms *source, o Options) ([]File, error) {
	enums := map[string]bool{}
	for _, d := range ms.file.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok.String() == "const" {
			enums[declName(g)] = true
		}
	}
	kinds := map[string][][]byte{}
	merges := false
	for _, d := range ms.file.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok.String() == "import" {
			continue
		}
		name := declName(d)
		kind := "models.go"
		switch {
		case enums[name]:
			kind = "enums.go"
		case strings.HasSuffix(name, "Params") || strings.HasSuffix(name, "RequestBody") || strings.HasSuffix(name, "JSONBody"):
			kind = "params.go"
		}
		text := ms.declText(d)
		if bytes.Contains(text, []byte("runtime.JSONMerge(")) {
			text = bytes.ReplaceAll(text, []byte("runtime.JSONMerge("), []byte("jsonMerge("))
			merges = true
		}
		kinds[kind] = append(kinds[kind], text)
	}
	imports := ms.imports()
	if merges {
		kinds["models.go"] = append(kinds["models.go"], []byte(jsonMergeHelper))
		imports["jsonmerge"] = `jsonmerge "github.com/apapsch/go-jsonmerge/v2"`
		imports["json"] = `"encoding/json"`
	}
	return assembleKinds(o.ModelsDir, path.Base(o.ModelsImport), ms.generator()+" and spec/gogen", imports, kinds)
}

// jsonMergeHelper replaces the union types' calls of runtime.JSONMerge, the
// only use the models make of package runtime: without it, programs that
// import only the models (the hand-written client) do not compile runtime's
// parameter binding. Same merge: go-jsonmerge with CopyNonexistent, nil as {}.
const jsonMergeHelper = `// jsonMerge merges patch into data (a JSON merge with missing members
// copied), as runtime.JSONMerge does.
func jsonMerge(data, patch json.RawMessage) (json.RawMessage, error) {
	merger := jsonmerge.Merger{CopyNonexistent: true}
	if data == nil {
		data = []byte("{}")
	}
	if patch == nil {
		patch = []byte("{}")
	}
	return merger.MergeBytes(data, patch)
}`

func assembleKinds(dir, pkg, generator string, imports map[string]string, kinds map[string][][]byte) ([]File, error) {
	var files []File
	for name, parts := range kinds {
		f, err := assemble(path.Join(dir, name), pkg, generator, imports, parts)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	return files, nil
}

// shapeClient qualifies the client's references to models, files the client
// by kind (client: Client and request builders; responses: the
// ClientWithResponses layer and response types) and adds the payload methods.
func shapeClient(cs, ms *source, modelNames map[string]bool, o Options) ([]File, error) {
	models := path.Base(o.ModelsImport)
	qualified, err := qualify(cs, modelNames, models)
	if err != nil {
		return nil, err
	}
	qs, err := parseSource("client.go", qualified)
	if err != nil {
		return nil, err
	}
	responses := responseTypes(qs)
	kinds := map[string][][]byte{}
	for _, d := range qs.file.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok.String() == "import" {
			continue
		}
		name := declName(d)
		kind := "client.go"
		if f, ok := d.(*ast.FuncDecl); ok && f.Recv == nil && strings.HasPrefix(name, "Parse") ||
			responses[name] != nil || strings.HasPrefix(name, "ClientWithResponses") || name == "NewClientWithResponses" {
			kind = "responses.go"
		}
		kinds[kind] = append(kinds[kind], qs.declText(d))
	}
	payload, err := payloadMethods(qs, ms, modelNames, models)
	if err != nil {
		return nil, err
	}
	kinds["payload.go"] = payload
	imports := qs.imports()
	imports[models] = fmt.Sprintf("%q", o.ModelsImport)
	imports["errors"] = `"errors"`
	imports["fmt"] = `"fmt"`
	imports["http"] = `"net/http"`
	return assembleKinds(o.ClientDir, path.Base(o.ClientDir), cs.generator()+" and spec/gogen", imports, kinds)
}

// responseTypes lists the generated response types: structs with an
// HTTPResponse field.
func responseTypes(s *source) map[string]*ast.StructType {
	out := map[string]*ast.StructType{}
	for _, ts := range typeSpecs(s) {
		if st, ok := ts.Type.(*ast.StructType); ok && fieldNamed(st, "HTTPResponse") != nil {
			out[ts.Name.Name] = st
		}
	}
	return out
}

func fieldNamed(st *ast.StructType, name string) *ast.Field {
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if n.Name == name {
				return f
			}
		}
	}
	return nil
}
