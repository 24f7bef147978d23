package gogen

import (
	"fmt"
	"go/ast"
	"sort"
	"strings"
	"unicode"
)

// rename is an operation whose Go name changed (same method and path, new
// operationId), or a schema whose name changed (same shape); a schema's name
// is renamed only as a prefix of the identifiers derived from it.
type rename struct {
	from, to   string
	prefixOnly bool
}

// longestFirst orders renames so that ActorRunGetLog is tried before
// ActorRunGet.
func longestFirst(rs []rename) []rename {
	sort.Slice(rs, func(i, j int) bool {
		if len(rs[i].from) != len(rs[j].from) {
			return len(rs[i].from) > len(rs[j].from)
		}
		return rs[i].from < rs[j].from
	})
	return rs
}

// identSet indexes identifiers by package, kind and name.
type identSet map[Ident]bool

func newIdentSet(ids []Ident) identSet {
	s := identSet{}
	for _, id := range ids {
		s[id] = true
	}
	return s
}

// renamed applies the renames to name and returns the first result that
// exists in next with the same package and kind. A method is looked up on
// the type that now carries it (see renamedMethod).
func renamed(id Ident, renames []rename, next identSet) (string, bool) {
	if id.Kind == "method" {
		typ, _, _ := strings.Cut(id.Name, ".")
		recv := typ
		if !next.hasType(id.Package, typ) {
			to, ok := renamedType(Ident{Package: id.Package, Kind: "type", Name: typ}, renames, next)
			if !ok {
				return "", false
			}
			recv = to
		}
		return renamedMethod(id, recv, renames, next)
	}
	for _, r := range renames {
		if !strings.Contains(id.Name, r.from) || r.prefixOnly && !strings.HasPrefix(id.Name, r.from) {
			continue
		}
		cand := strings.Replace(id.Name, r.from, r.to, 1)
		if next[Ident{Package: id.Package, Kind: id.Kind, Name: cand}] {
			return cand, true
		}
	}
	return "", false
}

// hasType reports whether the set has a type or an interface named name in
// package pkg.
func (s identSet) hasType(pkg, name string) bool {
	return s[Ident{Package: pkg, Kind: "type", Name: name}] || s[Ident{Package: pkg, Kind: "interface", Name: name}]
}

// renamedType maps a type (or interface) name through the renames.
func renamedType(id Ident, renames []rename, next identSet) (string, bool) {
	for _, kind := range []string{"type", "interface"} {
		if to, ok := renamed(Ident{Package: id.Package, Kind: kind, Name: id.Name}, renames, next); ok {
			return to, true
		}
	}
	return "", false
}

// renamedMethod finds the method of recv (the type that now carries the
// methods of the method's old receiver: the receiver itself, or the type it
// was renamed to) that replaces the method id: the same method name, or the
// name with a renamed name in it replaced (Old.AsOld0 → New.AsNew0: a
// method whose name embeds its own type's or a member type's name), or a
// union helper of a renamed member type (U.AsOld → U.AsNew).
func renamedMethod(id Ident, recv string, renames []rename, next identSet) (string, bool) {
	typ, method, _ := strings.Cut(id.Name, ".")
	has := func(m string) bool { return next[Ident{Package: id.Package, Kind: "method", Name: recv + "." + m}] }
	if recv != typ && has(method) {
		return recv + "." + method, true
	}
	for _, r := range renames {
		for _, cand := range replacedAtWordStart(method, r.from, r.to) {
			if has(cand) {
				return recv + "." + cand, true
			}
		}
	}
	for _, p := range unionHelpers {
		member, ok := strings.CutPrefix(method, p)
		if !ok || member == "" {
			continue
		}
		if to, ok := renamedType(Ident{Package: id.Package, Name: member}, renames, next); ok && has(p+to) {
			return recv + "." + p + to, true
		}
	}
	return "", false
}

// replacedAtWordStart lists s with one occurrence of from replaced by to,
// for each occurrence that is a whole word run of a Go name (not followed
// by a lower-case letter: Run in RunGet and Run2, not in Runner).
func replacedAtWordStart(s, from, to string) []string {
	if from == "" {
		return nil
	}
	var out []string
	for i := 0; ; {
		j := strings.Index(s[i:], from)
		if j < 0 {
			return out
		}
		at := i + j
		end := at + len(from)
		if end == len(s) || !unicode.IsLower(rune(s[end])) {
			out = append(out, s[:at]+to+s[end:])
		}
		i = at + 1
	}
}

// unionHelpers are the prefixes of the methods oapi-codegen writes on a
// union type for each member: AsX, FromX and MergeX, where X is the
// member's Go type name.
var unionHelpers = []string{"As", "From", "Merge"}

// compatibility decides, for every identifier the previous generation
// exported that this one does not, the alias that keeps it compiling, or
// that it is removed. A method of a renamed type is declared on the new
// type (a method of an alias is a method of its target), so its alias is
// keyed by the new receiver's name.
//
// A name the new generation declares itself is never also an alias (no
// duplicate declaration): when it was a deprecated alias and now names
// something else (not the type it forwarded to, through aliasOf), or is declared as another kind, it is listed in reused
// (and, for another kind, in removed: it no longer compiles as before).
func compatibility(prev *Record, next []Ident, renames []rename, version string, aliasOf func(string) string) (aliases []Alias, removed []Ident, reused []Reuse) {
	nextSet := newIdentSet(next)
	kindOf := map[string]string{} // package name → kind of what next declares
	for _, id := range next {
		kindOf[id.Package+" "+id.Name] = id.Kind
	}
	carried := map[string]Alias{}
	for _, a := range prev.Deprecated {
		carried[a.Package+" "+a.Name] = a
	}
	// cameBack reports whether the name a carried alias had is declared
	// again because what it forwarded to was renamed back to it.
	cameBack := func(a Alias) bool {
		t, ok := renamed(Ident{Package: a.Package, Kind: a.Kind, Name: a.Target}, renames, nextSet)
		if ok && t == a.Name {
			return true
		}
		// Or the name is declared again as the type it forwarded to.
		if !ok {
			t = a.Target
		}
		return (a.Kind == "type" || a.Kind == "interface") && aliasOf(a.Package+"."+a.Name) == aliasOf(a.Package+"."+t)
	}
	resolve := func(id Ident) (Alias, bool) {
		if a, ok := carried[id.Package+" "+id.Name]; ok && a.Kind == id.Kind {
			target := Ident{Package: id.Package, Kind: id.Kind, Name: a.Target}
			if nextSet[target] {
				return a, true
			}
			if t, ok := renamed(target, renames, nextSet); ok {
				a.Target = t
				return a, true
			}
			return Alias{}, false
		}
		if t, ok := renamed(id, renames, nextSet); ok {
			return Alias{Package: id.Package, Kind: id.Kind, Name: id.Name, Target: t, Since: version}, true
		}
		return Alias{}, false
	}
	typeAlias := map[string]string{} // package.Type → target type
	declared := map[string]bool{}    // package name of each alias
	add := func(a Alias) {
		if key := a.Package + " " + a.Name; !declared[key] {
			declared[key] = true
			aliases = append(aliases, a)
		}
	}
	// declaredElse reports (and records) an identifier whose name next
	// declares as another kind.
	declaredElse := func(id Ident) bool {
		kind, ok := kindOf[id.Package+" "+id.Name]
		if !ok {
			return false
		}
		removed = append(removed, id)
		reused = append(reused, Reuse{Ident: id, Now: kind})
		return true
	}
	keep := func(id Ident) {
		if declaredElse(id) {
			return
		}
		a, ok := resolve(id)
		if !ok {
			removed = append(removed, id)
			return
		}
		add(a)
		if a.Kind == "type" || a.Kind == "interface" {
			typeAlias[a.Package+"."+a.Name] = a.Target
		}
	}
	prevIdents := prev.Idents()
	prevMembers := map[string][]Ident{} // package.Type → its methods and fields
	for _, id := range prevIdents {
		if id.Kind == "method" || id.Kind == "field" {
			typ, _, _ := strings.Cut(id.Name, ".")
			prevMembers[id.Package+"."+typ] = append(prevMembers[id.Package+"."+typ], id)
		}
	}
	var methods []Ident
	for _, id := range prevIdents {
		switch {
		case nextSet[id]:
			if a, ok := carried[id.Package+" "+id.Name]; ok && !cameBack(a) {
				reused = append(reused, Reuse{Ident: id, Was: a.Target, Now: id.Kind})
				if a.Kind == "type" {
					// The alias gave its target's methods and fields.
					removed = append(removed, lostMembers(prevMembers, id.Package, a.Target, id.Name, nextSet)...)
				}
			}
		case id.Kind == "method" || id.Kind == "field":
			methods = append(methods, id) // after the types they belong to
		default:
			keep(id)
		}
	}
	for _, id := range methods {
		typ, method, _ := strings.Cut(id.Name, ".")
		recv := typ
		if t, ok := typeAlias[id.Package+"."+typ]; ok {
			if nextSet[Ident{Package: id.Package, Kind: id.Kind, Name: t + "." + method}] {
				continue // the alias of the type carries the method or field
			}
			recv = t
		}
		if id.Kind == "field" {
			removed = append(removed, id) // Go has no alias for a field
			continue
		}
		if !nextSet.hasType(id.Package, recv) {
			removed = append(removed, id)
			continue
		}
		a, ok := resolve(id)
		if !ok {
			removed = append(removed, id)
			continue
		}
		// Declared on the type that now carries the methods.
		a.Name = recv + "." + method
		if kindOf[id.Package+" "+a.Name] != "" {
			continue
		}
		add(a)
	}
	sort.Slice(aliases, func(i, j int) bool {
		if aliases[i].Package != aliases[j].Package {
			return aliases[i].Package < aliases[j].Package
		}
		return aliases[i].Name < aliases[j].Name
	})
	sortIdents(removed)
	sort.Slice(reused, func(i, j int) bool { return reused[i].Ident.String() < reused[j].Ident.String() })
	return aliases, removed, reused
}

// Reuse is a name the previous generation exported that the new document
// declares for something else: a deprecated alias's name (Was is what it
// forwarded to) given to a new declaration, or a name now declared as
// another kind (Now).
type Reuse struct {
	Ident Ident
	Was   string
	Now   string
}

func (r Reuse) String() string {
	if r.Was != "" {
		return fmt.Sprintf("%s: was a deprecated alias of %s; the new document declares its own %s %s", r.Ident, r.Was, r.Now, r.Ident.Name)
	}
	return fmt.Sprintf("%s: the new document declares %s as a %s", r.Ident, r.Ident.Name, r.Now)
}

// funcIndex finds the declarations that aliases forward to.
type funcIndex struct {
	funcs      map[string]*ast.FuncDecl // pkg name, or pkg Type.Method
	interfaces map[string]*ast.InterfaceType
	srcOf      map[ast.Node]*source
	files      map[string]int // pkg Interface → index of its file
}

func indexFiles(sources []pkgSource) *funcIndex {
	ix := &funcIndex{funcs: map[string]*ast.FuncDecl{}, interfaces: map[string]*ast.InterfaceType{}, srcOf: map[ast.Node]*source{}, files: map[string]int{}}
	for _, ps := range sources {
		pkg, s := ps.pkg, ps.source
		for _, d := range s.file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				key := pkg + " " + d.Name.Name
				if d.Recv != nil {
					key = pkg + " " + receiverType(d.Recv.List[0].Type) + "." + d.Name.Name
				}
				ix.funcs[key] = d
				ix.srcOf[d] = s
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					if ts, ok := sp.(*ast.TypeSpec); ok {
						if it, ok := ts.Type.(*ast.InterfaceType); ok {
							ix.interfaces[pkg+" "+ts.Name.Name] = it
							ix.srcOf[it] = s
							ix.files[pkg+" "+ts.Name.Name] = ps.index
						}
					}
				}
			}
		}
	}
	return ix
}

func deprecation(a Alias) string {
	target := a.Target
	if a.Kind == "method" {
		_, target, _ = strings.Cut(a.Target, ".")
	}
	return fmt.Sprintf("// %s is the name this had before upstream renamed it.\n//\n// Deprecated: use %s (renamed upstream in %s).\n", displayName(a), target, a.Since)
}

func displayName(a Alias) string {
	if a.Kind == "method" {
		_, m, _ := strings.Cut(a.Name, ".")
		return m
	}
	return a.Name
}

// aliasDecl writes the forwarding declaration of an alias (not of an
// interface method: see interfaceMethod).
func aliasDecl(a Alias, ix *funcIndex) (string, error) {
	switch a.Kind {
	case "type", "interface":
		return deprecation(a) + fmt.Sprintf("type %s = %s", a.Name, a.Target), nil
	case "const", "var":
		return deprecation(a) + fmt.Sprintf("%s %s = %s", a.Kind, a.Name, a.Target), nil
	}
	fd := ix.funcs[a.Package+" "+a.Target]
	if fd == nil {
		return "", fmt.Errorf("gogen: %s %s forwards to %s, which is not a function", a.Package, a.Name, a.Target)
	}
	s := ix.srcOf[fd]
	sig := string(s.src[s.offset(fd.Type.Params.Pos()):s.offset(fd.Type.End())])
	args, err := callArgs(fd.Type)
	if err != nil {
		return "", fmt.Errorf("gogen: %s %s: %w", a.Package, a.Name, err)
	}
	ret := "return "
	if fd.Type.Results == nil || len(fd.Type.Results.List) == 0 {
		ret = ""
	}
	if a.Kind == "method" {
		recv := fd.Recv.List[0]
		if len(recv.Names) == 0 {
			return "", fmt.Errorf("gogen: %s has an unnamed receiver", a.Target)
		}
		recvText := string(s.src[s.offset(fd.Recv.Pos()):s.offset(fd.Recv.End())])
		_, target, _ := strings.Cut(a.Target, ".")
		return deprecation(a) + fmt.Sprintf("func %s %s%s {\n\t%s%s.%s(%s)\n}", recvText, displayName(a), sig, ret, recv.Names[0].Name, target, args), nil
	}
	return deprecation(a) + fmt.Sprintf("func %s%s {\n\t%s%s(%s)\n}", a.Name, sig, ret, a.Target, args), nil
}

// callArgs lists a function's parameters as call arguments.
func callArgs(ft *ast.FuncType) (string, error) {
	var args []string
	for _, p := range ft.Params.List {
		if len(p.Names) == 0 {
			return "", fmt.Errorf("a parameter has no name")
		}
		for _, n := range p.Names {
			arg := n.Name
			if _, ok := p.Type.(*ast.Ellipsis); ok {
				arg += "..."
			}
			args = append(args, arg)
		}
	}
	return strings.Join(args, ", "), nil
}

// interfaceMethod writes the method line an interface gets for an alias.
func interfaceMethod(a Alias, it *ast.InterfaceType, s *source) (string, bool) {
	_, target, _ := strings.Cut(a.Target, ".")
	for _, m := range it.Methods.List {
		if len(m.Names) == 1 && m.Names[0].Name == target {
			ft := m.Type.(*ast.FuncType)
			sig := string(s.src[s.offset(ft.Params.Pos()):s.offset(ft.End())])
			doc := strings.ReplaceAll(deprecation(a), "// ", "\t// ")
			doc = strings.ReplaceAll(doc, "//\n", "\t//\n")
			return doc + "\t" + displayName(a) + sig + "\n", true
		}
	}
	return "", false
}

// typeAliases returns what a package-qualified type name (pkg.Name) names
// in sources, following their type aliases whose right side is a name
// (type A = B); a name that is no such alias names itself.
func typeAliases(sources []pkgSource) func(string) string {
	alias := map[string]string{}
	for _, s := range sources {
		for _, ts := range typeSpecs(s.source) {
			if !ts.Assign.IsValid() {
				continue
			}
			switch t := ts.Type.(type) {
			case *ast.Ident:
				alias[s.pkg+"."+ts.Name.Name] = s.pkg + "." + t.Name
			case *ast.SelectorExpr:
				if x, ok := t.X.(*ast.Ident); ok {
					alias[s.pkg+"."+ts.Name.Name] = x.Name + "." + t.Sel.Name
				}
			}
		}
	}
	return func(q string) string {
		for i := 0; i < 32; i++ {
			t, ok := alias[q]
			if !ok {
				break
			}
			q = t
		}
		return q
	}
}

// lostMembers lists the methods and fields that a type alias name gave (its
// target's, in the previous generation) and the new declaration of that
// name lacks, named on the alias.
func lostMembers(prev map[string][]Ident, pkg, target, name string, next identSet) []Ident {
	var out []Ident
	for _, m := range prev[pkg+"."+target] {
		_, member, _ := strings.Cut(m.Name, ".")
		id := Ident{Package: pkg, Kind: m.Kind, Name: name + "." + member}
		if !next[id] {
			out = append(out, id)
		}
	}
	return out
}
