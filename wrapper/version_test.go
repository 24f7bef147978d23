package apify

import (
	"os"
	"regexp"
	"testing"
)

// TestVersionIsTheChangelogsLatestRelease keeps Version (sent in the
// User-Agent) and CHANGELOG.md's latest release heading in step.
func TestVersionIsTheChangelogsLatestRelease(t *testing.T) {
	b, err := os.ReadFile("../CHANGELOG.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+[^\]]*)\]`).FindSubmatch(b)
	if m == nil {
		t.Fatal("CHANGELOG.md has no release heading such as ## [0.1.0] - 2026-11-29")
	}
	if got := string(m[1]); got != Version {
		t.Errorf("apify.Version is %q but the latest release in CHANGELOG.md is %q: release by moving Unreleased under a new heading and setting Version to it", Version, got)
	}
}
