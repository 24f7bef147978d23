package apidoc

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindUsesTheEnvironmentFirst(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "doc.json")
	if err := os.WriteFile(doc, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(CurrentEnv, doc)
	if p, err := CurrentPath(); err != nil || p != doc {
		t.Errorf("CurrentPath() = %q, %v; want %q", p, err, doc)
	}
	t.Setenv(CurrentEnv, doc+".missing")
	if _, err := CurrentPath(); err == nil || !strings.Contains(err.Error(), "APIFY_OPENAPI") {
		t.Errorf("a missing file: %v", err)
	}
	t.Setenv(CurrentEnv, "https://example.com/openapi.json")
	if _, err := CurrentPath(); err == nil || !strings.Contains(err.Error(), "URL") {
		t.Errorf("a URL: %v", err)
	}
}
