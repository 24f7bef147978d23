package gogen

import (
	"fmt"
	"strings"
)

// Report is the compatibility report of one generation against the
// previous one, computed from the exported identifiers of the Go code.
type Report struct {
	PreviousVersion, Version string
	// Revision names the new document: its version, and its sha256 when
	// the version is the previous one's.
	Revision string
	// First is set when there was no previous record to compare with.
	First bool
	// Added lists identifiers the previous generation did not export.
	Added []Ident
	// Deprecated lists the aliases this generation added, each with its
	// replacement.
	Deprecated []Alias
	// Removed lists identifiers the previous generation exported that no
	// longer compile: a breaking change.
	Removed []Ident
	// Changed lists the schemas upstream renamed and changed at once
	// (matched by where the document uses them): their old names compile,
	// as aliases of the new types, but fields may have changed.
	Changed []SchemaChange
	// Reused lists names the previous generation exported that the new
	// document declares for something else (see Reuse): they compile, or
	// are also in Removed, but code that used the old meaning must change.
	Reused []Reuse
	// Moved lists the operations whose path and operationId both changed,
	// matched by their parameters, request body and responses.
	Moved []Move
	// NotMoved lists pairs of a removed and an added operation of one
	// method, one path segment apart, that were not taken for a move (By
	// says why): for whoever decides whether to accept the removal.
	NotMoved []Move
	// Repointed lists operation names that now call another operation
	// while the one they called is still there under another name: they
	// compile and do something else, a breaking change.
	Repointed []Repoint
	// Retyped lists identifiers that keep their names but whose type
	// changed (parameters, results, a field's type) because the document
	// changed what they describe. Listed for review; not counted as
	// breaking, since models and operations follow the document.
	Retyped []Retype
	// Revalued lists constants kept under their names whose values
	// changed (an enum value the generator now names differently): code
	// that compares with them compiles and means another value, a
	// breaking change.
	Revalued []Retype
}

func report(prev, next *Record, final []Ident, aliases []Alias, removed []Ident, changed []SchemaChange, reused []Reuse, moved []Move, repointed []Repoint) Report {
	r := Report{PreviousVersion: prev.Version, Version: next.Version, Removed: removed, Changed: changed, Reused: reused, Moved: moved, Repointed: repointed}
	if len(prev.Exported) == 0 {
		r.First = true
		return r
	}
	before := newIdentSet(prev.Idents())
	aliasOf := map[string]string{} // package Type → the type a deprecated alias named it for
	for _, a := range prev.Deprecated {
		if a.Kind == "type" || a.Kind == "interface" {
			aliasOf[a.Package+" "+a.Name] = a.Target
		}
	}
	for _, id := range final {
		if before[id] || reachedThroughAlias(id, aliasOf, before) {
			continue
		}
		r.Added = append(r.Added, id)
	}
	// A carried method alias moves to its type's new name when the type
	// is renamed again (New.AsOld0 → Newest.AsOld0): the same deprecation,
	// known by its method name and version.
	known := map[string]bool{}
	member := func(a Alias) string {
		_, m, _ := strings.Cut(a.Name, ".")
		return a.Package + " " + a.Kind + " ." + m + " " + a.Since
	}
	for _, a := range prev.Deprecated {
		known[a.Package+" "+a.Name] = true
		if a.Kind == "method" {
			known[member(a)] = true
		}
	}
	for _, a := range aliases {
		if !known[a.Package+" "+a.Name] && !(a.Kind == "method" && known[member(a)]) {
			r.Deprecated = append(r.Deprecated, a)
		}
	}
	return r
}

// reachedThroughAlias reports whether a method or field was already there
// as a member of the type that a previous deprecated alias of the same name
// stood for (a type renamed back: its members are not new).
func reachedThroughAlias(id Ident, aliasOf map[string]string, before identSet) bool {
	if id.Kind != "method" && id.Kind != "field" {
		return false
	}
	typ, member, _ := strings.Cut(id.Name, ".")
	target, ok := aliasOf[id.Package+" "+typ]
	return ok && before[Ident{Package: id.Package, Kind: id.Kind, Name: target + "." + member}]
}

// Changes reports whether the generated surface changed.
func (r Report) Changes() bool {
	return len(r.Added)+len(r.Deprecated)+len(r.Removed)+len(r.Repointed)+len(r.Reused)+len(r.Retyped)+len(r.Revalued) > 0
}

// Breaking reports whether a previously exported identifier was removed,
// an operation's name now calls another operation, a constant has another
// value, or a name now declares something else (reused).
func (r Report) Breaking() bool {
	return len(r.Removed) > 0 || len(r.Repointed) > 0 || len(r.Revalued) > 0 || len(r.Reused) > 0
}

// Summary is the report in one line, for the changelog.
func (r Report) Summary() string {
	if r.First {
		return fmt.Sprintf("generated packages recorded from %s", r.Version)
	}
	s := fmt.Sprintf("%d identifiers added, %d deprecated (renamed upstream; the old names forward to the new ones), %d removed", len(r.Added), len(r.Deprecated), len(r.Removed))
	if len(r.Reused) > 0 {
		s += fmt.Sprintf(", %d reused for something else", len(r.Reused))
	}
	if len(r.Repointed) > 0 {
		s += fmt.Sprintf(", %d operation names now call another operation", len(r.Repointed))
	}
	if len(r.Retyped) > 0 {
		s += fmt.Sprintf(", %d changed type", len(r.Retyped))
	}
	if len(r.Revalued) > 0 {
		s += fmt.Sprintf(", %d constants changed value", len(r.Revalued))
	}
	if r.Breaking() {
		s += " (breaking)"
	}
	return s
}

func (r Report) String() string {
	var b strings.Builder
	if r.First {
		fmt.Fprintf(&b, "compatibility: no previous names record; the names of %s are recorded in %s\n", r.Version, RecordPath)
		return b.String()
	}
	fmt.Fprintf(&b, "compatibility of the generated packages, %s → %s (from the Go code; record %s):\n", r.PreviousVersion, r.Version, RecordPath)
	section(&b, "added", "", "+", r.Added, true)
	deprecated := make([]string, len(r.Deprecated))
	for i, a := range r.Deprecated {
		deprecated[i] = fmt.Sprintf("%s %s %s → %s", a.Package, a.Kind, a.Name, a.Target)
	}
	section(&b, "deprecated", " (each kept, forwarding to its replacement)", "~", deprecated, true)
	section(&b, "moved", " (path and operationId both changed; matched by their form, or by a path segment that moved for several)", ">", r.Moved, false)
	changed := make([]string, len(r.Changed))
	for i, c := range r.Changed {
		changed[i] = fmt.Sprintf("type %s → %s", c.From, c.To)
	}
	section(&b, "renamed and changed", " (matched by where the document uses them; the old name compiles, the fields may differ)", "!", changed, false)
	section(&b, "reused", " — breaking: names the new document declares for something else; code that used the old meaning must change", "?", r.Reused, false)
	section(&b, "repointed", " — breaking: these names compile but call another operation, whose own old name now has another", "!", r.Repointed, false)
	section(&b, "changed type", " (the names stay; what the document describes changed, so code that passes or assigns them may need changes)", "!", r.Retyped, false)
	section(&b, "changed value", " — breaking: these constants compile but stand for another value", "!", r.Revalued, false)
	removedNote := ""
	if len(r.Removed) > 0 {
		removedNote = " — breaking: nothing in the new document replaces them"
	}
	section(&b, "removed", removedNote, "-", r.Removed, true)
	notMoved := make([]string, len(r.NotMoved))
	for i, m := range r.NotMoved {
		notMoved[i] = fmt.Sprintf("%s %s (%s) → %s %s (%s): %s", m.From.Method, m.From.Path, m.From.OperationID, m.To.Method, m.To.Path, m.To.OperationID, m.By)
	}
	section(&b, "not taken for moves", " (a removed and an added operation of one method, one path segment apart)", "?", notMoved, false)
	return b.String()
}

// section writes one part of the report: its title, count and note, then a
// line per item, each behind mark. An empty part is left out unless always.
func section[T any](b *strings.Builder, title, note, mark string, items []T, always bool) {
	if len(items) == 0 && !always {
		return
	}
	fmt.Fprintf(b, "  %s: %d%s\n", title, len(items), note)
	for _, it := range items {
		fmt.Fprintf(b, "    %s %v\n", mark, it)
	}
}
