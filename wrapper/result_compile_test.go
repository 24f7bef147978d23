package apify

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// resultSnippet is a program that applies Result to a dataset operation and
// assigns the payload to a variable of type payloadType.
func resultSnippet(payloadType string) string {
	return `package resultcheck

import (
	"context"

	"github.com/apifygo/apify/gen"
	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/apifyapi"
)

var _ gen.Dataset

func use(ctx context.Context, client *apify.Client) error {
	var payload *` + payloadType + `
	payload, err := apify.Result(apifyapi.New(client).DatasetGetWithResponse(ctx, "id"))
	_ = payload
	return err
}
`
}

// buildSnippet compiles src as a package of this module (through go build's
// -overlay, so nothing is written into the source tree) and returns the
// compiler's output and whether it succeeded.
func buildSnippet(t *testing.T, src string) (string, bool) {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "snippet.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(root, "wrapper", "internal", "resultcheck", "snippet.go")
	overlay, _ := json.Marshal(map[string]map[string]string{"Replace": {target: file}})
	overlayFile := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	cmd := exec.Command(goTool, "build", "-overlay", overlayFile, "./wrapper/internal/resultcheck")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// TestResultTypeMismatchDoesNotCompile proves that Result ties the payload
// type to the operation: the dataset operation's payload is gen.Dataset, so
// asking for a gen.Run is a compile error (and gen.Dataset compiles).
func TestResultTypeMismatchDoesNotCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generated client")
	}
	if out, ok := buildSnippet(t, resultSnippet("gen.Dataset")); !ok {
		if strings.Contains(out, "requires go >=") && os.Getenv("CI") == "" {
			// Run by hand with an older Go than the module's go line (make
			// test-oldest-go passes its go.mod on in GOFLAGS, so the build
			// works there; in CI this is a failure, not a skip).
			t.Skipf("the go command cannot build this module here:\n%s", out)
		}
		t.Fatalf("the matching payload type does not compile:\n%s", out)
	}
	out, ok := buildSnippet(t, resultSnippet("gen.Run"))
	if ok {
		t.Fatal("Result of a dataset operation assigned to *gen.Run compiled; want a type error")
	}
	if !strings.Contains(out, "gen.Run") || !strings.Contains(out, "gen.Dataset") {
		t.Errorf("the compile error does not name the two types:\n%s", out)
	}
}
