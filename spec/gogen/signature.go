package gogen

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"sort"
	"strings"
)

// Retype is an identifier that still exists (under its name, or through a
// deprecated alias) but whose type changed: a function's or method's
// parameters or results, a field's type, or what a type is. Code that uses
// it may need to change; the report lists it for review.
type Retype struct {
	Ident    Ident
	Was, Now string
}

func (r Retype) String() string { return fmt.Sprintf("%s: %s → %s", r.Ident, r.Was, r.Now) }

// signaturesOf maps each exported function, method, field, constant and
// type that sources declare (keyed by Ident.String) to its type, written
// without parameter names: what callers depend on besides the name. Type
// aliases are listed as kind "alias", with what they stand for, so that
// signatures can be compared by the types they name, not by spelling.
func signaturesOf(sources []pkgSource) map[string]string {
	out := map[string]string{}
	for _, ps := range sources {
		pkg, s := ps.pkg, ps.source
		put := func(kind, name, sig string) {
			if ast.IsExported(name[strings.LastIndex(name, ".")+1:]) {
				out[Ident{Package: pkg, Kind: kind, Name: name}.String()] = sig
			}
		}
		for _, d := range s.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					put("func", d.Name.Name, funcSignature(s, d.Type))
				} else if recv := receiverType(d.Recv.List[0].Type); ast.IsExported(recv) {
					put("method", recv+"."+d.Name.Name, funcSignature(s, d.Type))
				}
			case *ast.GenDecl:
				if d.Tok == token.CONST {
					for _, sp := range d.Specs {
						vs := sp.(*ast.ValueSpec)
						for i, n := range vs.Names {
							// A constant that names another one is a
							// deprecated alias: compared through its target.
							if i >= len(vs.Values) {
								continue
							}
							if _, alias := vs.Values[i].(*ast.Ident); !alias || vs.Type != nil {
								put("const", n.Name, constSignature(s, vs, i))
							}
						}
					}
					continue
				}
				for _, sp := range d.Specs {
					ts, ok := sp.(*ast.TypeSpec)
					if !ok || !ast.IsExported(ts.Name.Name) {
						continue
					}
					if ts.Assign.IsValid() {
						// Recorded to resolve names, not compared.
						put("alias", ts.Name.Name, s.exprText(ts.Type))
						continue
					}
					switch t := ts.Type.(type) {
					case *ast.StructType:
						put("type", ts.Name.Name, "struct")
						for _, f := range t.Fields.List {
							for _, n := range fieldNames(f) {
								put("field", ts.Name.Name+"."+n, s.exprText(f.Type))
							}
						}
					case *ast.InterfaceType:
						for _, m := range t.Methods.List {
							if ft, ok := m.Type.(*ast.FuncType); ok {
								for _, n := range m.Names {
									put("method", ts.Name.Name+"."+n.Name, funcSignature(s, ft))
								}
							}
						}
					default:
						put("type", ts.Name.Name, s.exprText(ts.Type))
					}
				}
			}
		}
	}
	return out
}

// constSignature writes a constant's type and value.
func constSignature(s *source, vs *ast.ValueSpec, i int) string {
	v := s.exprText(vs.Values[i])
	if vs.Type == nil {
		return "= " + v
	}
	return s.exprText(vs.Type) + " = " + v
}

// funcSignature writes a function type without parameter names.
func funcSignature(s *source, ft *ast.FuncType) string {
	list := func(fl *ast.FieldList) []string {
		var out []string
		if fl == nil {
			return out
		}
		for _, f := range fl.List {
			t := s.exprText(f.Type)
			for range max(1, len(f.Names)) {
				out = append(out, t)
			}
		}
		return out
	}
	sig := "func(" + strings.Join(list(ft.Params), ", ") + ")"
	switch res := list(ft.Results); len(res) {
	case 0:
	case 1:
		sig += " " + res[0]
	default:
		sig += " (" + strings.Join(res, ", ") + ")"
	}
	return sig
}

var (
	typeName  = regexp.MustCompile(`\b(?:([a-z]\w*)\.)?([A-Z]\w*)\b`)
	namedType = regexp.MustCompile(`^(?:([a-z]\w*)\.)?(\w+)$`)
)

// retyped lists the identifiers of the previous generation whose type
// changed: each one the new generation still declares under its name, or
// whose alias forwards to a declaration, or a method or field of a type
// kept as an alias, compared with that declaration after the previous
// signature's type names are mapped through the aliases (a renamed type
// is not a change).
//
// Constants whose value changed are returned apart (revalued): code that
// compares with them compiles and silently means another value.
func retyped(prev, next map[string]string, aliases []Alias) (retypes, revalued []Retype) {
	typeTarget := map[string]string{} // package.Name → target
	forward := map[string]string{}    // Ident.String of an alias → of its target
	for _, a := range aliases {
		forward[Ident{Package: a.Package, Kind: a.Kind, Name: a.Name}.String()] = Ident{Package: a.Package, Kind: a.Kind, Name: a.Target}.String()
		if a.Kind == "type" || a.Kind == "interface" {
			typeTarget[a.Package+"."+a.Name] = a.Target
		}
	}
	for key, was := range prev {
		id := identOf(key)
		if id.Kind == "alias" {
			continue
		}
		now, ok := next[key]
		if !ok {
			t, ok2 := forward[key]
			if !ok2 && (id.Kind == "method" || id.Kind == "field") {
				typ, member, _ := strings.Cut(id.Name, ".")
				if target, ok3 := typeTarget[id.Package+"."+typ]; ok3 {
					t, ok2 = Ident{Package: id.Package, Kind: id.Kind, Name: target + "." + member}.String(), true
				}
			}
			if !ok2 {
				continue
			}
			if now, ok = next[t]; !ok {
				continue
			}
		}
		// Both sides name types as the new generation resolves them: the
		// previous one's aliases followed, then its renamed types mapped to
		// their replacements, then the new one's aliases followed.
		mapped := canonical(next, id.Package, canonical(prev, id.Package, was, nil), typeTarget)
		if mapped != canonical(next, id.Package, now, nil) && was != now {
			if id.Kind == "const" {
				revalued = append(revalued, Retype{Ident: id, Was: was, Now: now})
			} else {
				retypes = append(retypes, Retype{Ident: id, Was: was, Now: now})
			}
		}
	}
	byName := func(l []Retype) {
		sort.Slice(l, func(i, j int) bool { return l[i].Ident.String() < l[j].Ident.String() })
	}
	byName(retypes)
	byName(revalued)
	return retypes, revalued
}

// canonical rewrites the type names in sig (written in package pkg) to what
// they stand for after the aliases of sigs (kind "alias") and then the
// renames (package.Old → New) are followed.
func canonical(sigs map[string]string, pkg, sig string, renames map[string]string) string {
	return typeName.ReplaceAllStringFunc(sig, func(m string) string {
		sub := typeName.FindStringSubmatch(m)
		qual, name := sub[1], sub[2]
		p := qual
		if p == "" {
			p = pkg
		}
		for range 8 { // alias chains are short; a cycle stops here
			if t, ok := renames[p+"."+name]; ok {
				name = t
				continue
			}
			target, ok := sigs[Ident{Package: p, Kind: "alias", Name: name}.String()]
			if !ok {
				break
			}
			t := namedType.FindStringSubmatch(target)
			if t == nil {
				break // an alias of a composite type: keep the name
			}
			tq, tn := t[1], t[2]
			if tq != "" {
				p, qual = tq, tq
			}
			name = tn
		}
		if qual == "" {
			return name
		}
		return qual + "." + name
	})
}

// identOf parses Ident.String.
func identOf(s string) Ident {
	pkg, rest, _ := strings.Cut(s, " ")
	kind, name, _ := strings.Cut(rest, " ")
	return Ident{Package: pkg, Kind: kind, Name: name}
}
