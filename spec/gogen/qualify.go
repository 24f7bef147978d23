package gogen

import (
	"bytes"
	"go/ast"
	"sort"
)

// qualify rewrites every reference the client source makes to a model
// (a name in models) as pkg.Name, so the client can live in its own package.
// Names in positions that are not references (field names, selectors,
// composite-literal keys, declarations) and names resolved to local
// declarations are left alone.
func qualify(cs *source, models map[string]bool, pkg string) ([]byte, error) {
	skip := map[*ast.Ident]bool{}
	var refs []int
	ast.Inspect(cs.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			skip[n.Sel] = true
		case *ast.Field:
			for _, id := range n.Names {
				skip[id] = true
			}
		case *ast.CompositeLit:
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						skip[id] = true
					}
				}
			}
		case *ast.FuncDecl:
			skip[n.Name] = true
		case *ast.TypeSpec:
			skip[n.Name] = true
		case *ast.ValueSpec:
			for _, id := range n.Names {
				skip[id] = true
			}
		case *ast.Ident:
			if !skip[n] && n.Obj == nil && models[n.Name] {
				refs = append(refs, cs.offset(n.Pos()))
			}
		}
		return true
	})
	sort.Ints(refs)
	var out bytes.Buffer
	last := 0
	for _, off := range refs {
		out.Write(cs.src[last:off])
		out.WriteString(pkg + ".")
		last = off
	}
	out.Write(cs.src[last:])
	return out.Bytes(), nil
}
