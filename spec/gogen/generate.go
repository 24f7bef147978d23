package gogen

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/format"
	"path"
	"sort"
	"strings"
)

// RecordPath is where the names record is committed, relative to the module
// root.
const RecordPath = "api/names.json"

// Input is what one generation starts from.
type Input struct {
	// Models and Client are oapi-codegen's two outputs; Document is the
	// normalized document they were generated from.
	Models, Client, Document []byte
	// Previous is the names record of the committed generation (nil or
	// empty for the first one).
	Previous *Record
	Options  Options
	// DocumentSHA256 is the hex sha256 of the document as published (from
	// the lock); it names the document in deprecations and the changelog
	// when its info.version did not change. Empty: the normalized
	// document's hash is used.
	DocumentSHA256 string
}

// Output is one generation: the files to commit (the generated packages
// and the names record), and the compatibility report against the previous
// generation.
type Output struct {
	Files  []File
	Record *Record
	Report Report
}

// Generate shapes oapi-codegen's outputs into the generated packages and
// keeps every name the previous generation exported: an identifier that an
// upstream rename took away (an operation's new operationId or path, a
// schema's new name; see the package doc) gets a generated deprecated alias
// or forwarding function in compat.go; one that nothing replaces is
// reported as removed.
func Generate(in Input) (*Output, error) {
	files, err := Shape(in.Models, in.Client, in.Options)
	var collision *collisionError
	if errors.As(err, &collision) {
		return nil, explainCollision(collision, in.Document)
	}
	if err != nil {
		return nil, err
	}
	// The shaped files, parsed once here and again below if compat
	// declarations are added.
	sources, err := goSources(files)
	if err != nil {
		return nil, err
	}
	plain := exportedIdents(sources)
	doc, err := parseDocument(in.Document)
	if err != nil {
		return nil, err
	}
	models := path.Base(in.Options.ModelsImport)
	ops := documentOperations(doc, plain)
	schemas := documentSchemas(doc, plain, models)
	version := doc.version
	prev := in.Previous
	if prev == nil {
		prev = &Record{Exported: map[string][]string{}}
	}
	schemaRen, changed, schemaNames := schemaRenames(prev.Schemas, schemas, nil)
	moved, routes, moves, near := movedOperations(prev.Operations, ops, schemaNames)
	if len(routes) > 0 { // where the moved operations use schemas counts too
		schemaRen, changed, schemaNames = schemaRenames(prev.Schemas, schemas, routes)
	}
	renames := longestFirst(append(append(operationRenames(prev.Operations, ops), moved...), schemaRen...))
	// Types named after an inline schema that no rename above keeps.
	var inlineGone []string
	plainSet := newIdentSet(plain)
	for _, t := range goneInlineTypes(prev, plain, models) {
		if _, ok := renamed(Ident{Package: models, Kind: "type", Name: t}, renames, plainSet); !ok {
			inlineGone = append(inlineGone, t)
		}
	}
	inlineRen, inlineChanged := inlineRenames(inlineGone, schemas, oldSchemaGo(prev.Schemas, schemaNames), oldOperationGo(prev.Operations, routes))
	changed = append(changed, inlineChanged...)
	renames = longestFirst(append(renames, inlineRen...))
	aliasOf := typeAliases(sources)
	revision := version
	if len(prev.Exported) > 0 && prev.Version == version {
		// The same info.version with other content: say which content.
		sum := in.DocumentSHA256
		if sum == "" {
			h := sha256.Sum256(in.Document)
			sum = hex.EncodeToString(h[:])
		}
		revision = fmt.Sprintf("%s (sha256 %s)", version, sum[:min(12, len(sum))])
	}
	aliases, removed, reused := compatibility(prev, plain, renames, revision, aliasOf)
	files, err = addCompat(files, sources, aliases, in.Options)
	if err != nil {
		return nil, err
	}
	if len(aliases) > 0 { // addCompat changed the files
		if sources, err = goSources(files); err != nil {
			return nil, err
		}
	}
	if err := checkDeclarations(sources, ops, schemas); err != nil {
		return nil, err
	}
	final := exportedIdents(sources)
	rec := &Record{Version: version, Operations: ops, Schemas: schemas, Deprecated: aliases, Exported: map[string][]string{}}
	for _, id := range final {
		rec.Exported[id.Package] = append(rec.Exported[id.Package], id.key())
	}
	rec.Signatures = signaturesOf(sources)
	files = append(files, File{Path: RecordPath, Content: rec.Marshal()})
	r := report(prev, rec, final, aliases, removed, changed, reused, moves, repointedOperations(prev.Operations, ops))
	r.Revision = revision
	r.NotMoved = near
	if !r.First {
		r.Retyped, r.Revalued = retyped(prev.Signatures, rec.Signatures, aliases)
	}
	return &Output{Files: files, Record: rec, Report: r}, nil
}

// addCompat adds the compat.go file of each package that has deprecated
// names, and the deprecated methods of its interfaces; sources are files
// parsed (goSources).
func addCompat(files []File, sources []pkgSource, aliases []Alias, o Options) ([]File, error) {
	if len(aliases) == 0 {
		return files, nil
	}
	ix := indexFiles(sources)
	dirOf := map[string]string{path.Base(o.ModelsImport): o.ModelsDir, path.Base(o.ClientDir): o.ClientDir}
	decls := map[string][][]byte{}
	inserts := map[int]map[int]string{} // file index → offset → text
	for _, a := range aliases {
		if a.Kind == "method" {
			typ, _, _ := strings.Cut(a.Name, ".")
			if it, ok := ix.interfaces[a.Package+" "+typ]; ok {
				s := ix.srcOf[it]
				line, ok := interfaceMethod(a, it, s)
				if !ok {
					return nil, fmt.Errorf("gogen: interface %s has no method %s", typ, a.Target)
				}
				fi := ix.files[a.Package+" "+typ]
				if inserts[fi] == nil {
					inserts[fi] = map[int]string{}
				}
				inserts[fi][s.offset(it.Methods.Closing)] += line
				continue
			}
		}
		d, err := aliasDecl(a, ix)
		if err != nil {
			return nil, err
		}
		decls[a.Package] = append(decls[a.Package], []byte(d))
	}
	for fi, at := range inserts {
		offsets := make([]int, 0, len(at))
		for off := range at {
			offsets = append(offsets, off)
		}
		sort.Sort(sort.Reverse(sort.IntSlice(offsets)))
		content := files[fi].Content
		for _, off := range offsets {
			content = append(content[:off:off], append([]byte(at[off]), content[off:]...)...)
		}
		src, err := format.Source(content)
		if err != nil {
			return nil, fmt.Errorf("gogen: %s with deprecated interface methods: %w", files[fi].Path, err)
		}
		files[fi].Content = src
	}
	pkgs := make([]string, 0, len(decls))
	for p := range decls {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		imports := map[string]string{}
		for _, s := range sources {
			if s.pkg == pkg {
				for name, line := range s.imports() {
					imports[name] = line
				}
			}
		}
		f, err := assemble(path.Join(dirOf[pkg], "compat.go"), pkg, "spec/gogen from "+RecordPath, imports, decls[pkg])
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}
