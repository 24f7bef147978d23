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
	for i := start + 1; i < end; i++ {
		if strings.TrimSpace(lines[i]) == "### Changed" {
			out := append(append(append([]string{}, lines[:i+1]...), entry), lines[i+1:]...)
			return strings.Join(out, "\n"), true
		}
	}
	out := append(append(append([]string{}, lines[:start+1]...), "", "### Changed", entry), lines[start+1:]...)
	return strings.Join(out, "\n"), true
}
