package gogen

import (
	"fmt"
	"strings"
)

// AddToChangelog adds the report's summary to the Unreleased section of a
// Keep a Changelog file, under "### Changed" (created when missing), and
// returns the new text. It changes nothing when neither the document's
// version nor the generated surface changed, or there is no Unreleased
// section.
func AddToChangelog(changelog string, r Report) (string, bool) {
	if r.First || r.PreviousVersion == r.Version && !r.Changes() {
		return changelog, false
	}
	document := r.Version
	if r.Revision != "" {
		document = r.Revision
	}
	lines := strings.Split(changelog, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "## [Unreleased]") {
			start = i
			break
		}
	}
	if start < 0 {
		return changelog, false
	}
	end := len(lines)
	for i := start + 1; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "## ") {
			end = i
			break
		}
	}
	entry := fmt.Sprintf("- Generated packages regenerated from the Apify API document %s (was %s): %s; see `make spec-update`'s compatibility report.", document, r.PreviousVersion, r.Summary())
	before := len(lines)
	lines = addEntry(lines, start, end, "### Changed", entry)
	if gone := removedNames(r); len(gone) > 0 {
		end += len(lines) - before
		lines = addEntry(lines, start, end, "### Removed", fmt.Sprintf("- From the generated packages (%s): %s.", document, strings.Join(gone, ", ")))
	}
	return strings.Join(lines, "\n"), true
}

// addEntry adds entry under heading in the section lines[start:end],
// adding the heading at the section's top when it is missing.
func addEntry(lines []string, start, end int, heading, entry string) []string {
	for i := start + 1; i < end; i++ {
		if strings.TrimSpace(lines[i]) == heading {
			return append(append(append([]string{}, lines[:i+1]...), entry), lines[i+1:]...)
		}
	}
	return append(append(append([]string{}, lines[:start+1]...), "", heading, entry), lines[start+1:]...)
}

// maxRemovedNames bounds the names a changelog entry lists.
const maxRemovedNames = 40

// removedNames lists, for the changelog, what a breaking regeneration took
// away: the removed identifiers (not the members of a removed type, which
// go with it), the names now declaring something else, and the operation
// names now calling another operation.
func removedNames(r Report) []string {
	gone := map[string]bool{}
	for _, id := range r.Removed {
		if id.Kind != "method" && id.Kind != "field" {
			gone[id.Package+"."+id.Name] = true
		}
	}
	var out []string
	for _, id := range r.Removed {
		if typ, _, ok := strings.Cut(id.Name, "."); ok && gone[id.Package+"."+typ] {
			continue
		}
		out = append(out, "`"+id.Package+"."+id.Name+"`")
	}
	for _, u := range r.Reused {
		out = append(out, "`"+u.Ident.Package+"."+u.Ident.Name+"` (now declares something else)")
	}
	for _, p := range r.Repointed {
		out = append(out, "`"+p.Go+"` (now calls "+p.To.Method+" "+p.To.Path+")")
	}
	if len(out) > maxRemovedNames {
		out = append(out[:maxRemovedNames], fmt.Sprintf("and %d more", len(out)-maxRemovedNames))
	}
	return out
}
