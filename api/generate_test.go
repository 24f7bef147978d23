package api

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/apifygo/apify/api/apidoc"
	"github.com/apifygo/apify/gen/genclient"
	"github.com/apifygo/apify/spec"
	"github.com/apifygo/apify/spec/gogen"
)

const lockPath = "../spec/apify.lock"

// The published API documents (never in the repository; see package apidoc):
// "" when missing, and then the tests that need them skip (fail in CI).
var (
	currentDoc, _  = apidoc.CurrentPath()
	previousDoc, _ = apidoc.PreviousPath()
)

// needDoc returns path, one of the documents, or skips the test (fails it in
// CI) saying which document is missing and how to provide it.
func needDoc(t *testing.T, path string) string {
	t.Helper()
	if path == "" {
		apidoc.Current(t)
		apidoc.Previous(t)
	}
	return path
}

// goTool returns the go command: the one on PATH (go test runs with it).
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "go"
}

func readDoc(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(needDoc(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// generateFrom runs the same pipeline as `go generate ./api/` on doc, pinned
// by lock, and returns the generated files.
func generateFrom(t *testing.T, docPath, lock string) []gogen.File {
	t.Helper()
	needDoc(t, docPath)
	dir := t.TempDir()
	normalized := filepath.Join(dir, "openapi.json")
	if _, err := spec.Prepare(context.Background(), spec.Options{
		Source: docPath, LockPath: lock, Out: normalized,
	}); err != nil {
		t.Fatal(err)
	}
	outputs := map[string][]byte{}
	for _, kind := range []string{"types", "client"} {
		out := filepath.Join(dir, kind+".go")
		cmd := exec.Command(goTool(), "run", "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen",
			"-config", "oapi-codegen.yaml", "-generate", kind, "-o", out, normalized)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("oapi-codegen -generate %s: %v\n%s", kind, err, b)
		}
		code, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		outputs[kind] = code
	}
	files, err := gogen.Shape(outputs["types"], outputs["client"], gogen.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestGeneratedCodeIsUpToDate regenerates gen/ from the pinned document and
// requires every committed generated file to be identical, and no other.
func TestGeneratedCodeIsUpToDate(t *testing.T) {
	diff, err := gogen.Diff("..", generateFrom(t, currentDoc, lockPath))
	if err != nil {
		t.Fatal(err)
	}
	if diff != "" {
		t.Fatalf("the generated packages are not what the pinned document generates; run `make generate` and commit:\n%s", diff)
	}
}

// TestPreviousDocumentGenerates checks that an older published document
// generates a package that compiles (in a module of its own), and that the
// change report to the current one lists the operations it renamed.
func TestPreviousDocumentGenerates(t *testing.T) {
	prev := readDoc(t, previousDoc)
	l, err := spec.LockFor(prev)
	if err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(t.TempDir(), "apify.lock")
	if err := l.Write(lock); err != nil {
		t.Fatal(err)
	}
	files := generateFrom(t, previousDoc, lock)

	mod := t.TempDir()
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	gomod = regexp.MustCompile(`(?m)^module .*$`).ReplaceAll(gomod, []byte("module example.com/evolution"))
	gosum, err := os.ReadFile("../go.sum")
	if err != nil {
		t.Fatal(err)
	}
	tree := map[string][]byte{"go.mod": gomod, "go.sum": gosum}
	for _, f := range files {
		tree[f.Path] = bytes.ReplaceAll(f.Content, []byte(`"github.com/apifygo/apify/gen"`), []byte(`"example.com/evolution/gen"`))
	}
	for name, b := range tree {
		p := filepath.Join(mod, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(goTool(), "build", "./gen/...")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the package generated from %s does not compile: %v\n%s", previousDoc, err, b)
	}

	r, err := spec.Compare(prev, readDoc(t, currentDoc))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Renamed) != 70 || len(r.Added) != 0 || len(r.Removed) != 0 {
		t.Fatalf("change report: %d renamed, %d added, %d removed; want 70, 0, 0\n%s", len(r.Renamed), len(r.Added), len(r.Removed), r)
	}
	for _, rn := range r.Renamed {
		if rn.From == rn.To || rn.From == "" || rn.To == "" {
			t.Errorf("bad rename %+v", rn)
		}
	}
}

// lettersOnly folds an operationId or a Go method name to lower-case letters
// and digits: the generator only changes case and drops separators.
func lettersOnly(s string) string {
	return strings.ToLower(regexp.MustCompile(`[^A-Za-z0-9]`).ReplaceAllString(s, ""))
}

// TestEveryOperationHasAMethod derives both sides: the operations of the
// pinned document and the methods of the generated client.
func TestEveryOperationHasAMethod(t *testing.T) {
	ops, err := spec.Operations(readDoc(t, currentDoc))
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]string{}
	ci := reflect.TypeFor[genclient.ClientInterface]()
	for i := range ci.NumMethod() {
		name := strings.TrimSuffix(ci.Method(i).Name, "WithBody")
		methods[lettersOnly(name)] = name
	}
	cwr := reflect.TypeFor[genclient.ClientWithResponsesInterface]()
	seen := map[string]bool{}
	for _, op := range ops {
		key := lettersOnly(op.ID)
		m, ok := methods[key]
		if !ok {
			t.Errorf("operation %s has no generated Client method", op)
			continue
		}
		seen[key] = true
		if _, ok := cwr.MethodByName(m + "WithResponse"); !ok {
			if _, ok := cwr.MethodByName(m + "WithBodyWithResponse"); !ok {
				t.Errorf("operation %s has no ClientWithResponses method", op)
			}
		}
	}
	for key, m := range methods {
		if !seen[key] {
			t.Errorf("generated method %s matches no operation of the document", m)
		}
	}
	if len(seen) != len(ops) {
		t.Errorf("%d operations map to %d methods", len(ops), len(seen))
	}
	t.Logf("%d operations, %d generated Client methods", len(ops), len(methods))
}

// TestGeneratedNames checks the naming rules users rely on, in every
// generated file.
func TestGeneratedNames(t *testing.T) {
	files := committedGenerated(t)
	total := 0
	for path, src := range files {
		bad := regexp.MustCompile(`(?m)^type ([A-Za-z0-9_]+)`).FindAllSubmatch(src, -1)
		for _, m := range bad {
			name := string(m[1])
			if strings.Contains(name, "_") || regexp.MustCompile(`[a-z][0-9]+$`).MatchString(name) {
				t.Errorf("%s: exported type %s has an underscore or a numeric suffix", path, name)
			}
		}
		for _, banned := range []string{"float32", "Id string", "Url string"} {
			if bytes.Contains(src, []byte(banned)) {
				t.Errorf("%s contains %q", path, banned)
			}
		}
		lines := bytes.Count(src, []byte("\n"))
		if lines > 40000 {
			t.Errorf("%s has %d lines; the budget per file is 40,000", path, lines)
		}
		total += lines
	}
	if total > 85000 {
		t.Errorf("the generated packages have %d lines; the budget is 85,000", total)
	}
}

// committedGenerated reads the committed generated files of gen/ and its
// subpackages (those with the generated-code header).
func committedGenerated(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, dir := range []string{"../gen", "../gen/genclient"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".go") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if gogen.IsGenerated(b) {
				out[filepath.Join(dir, e.Name())] = b
			} else if e.Name() != "doc.go" {
				t.Errorf("%s/%s lacks the generated-code header; only doc.go is written by hand", dir, e.Name())
			}
		}
	}
	if len(out) < 4 {
		t.Fatalf("found %d generated files in gen/", len(out))
	}
	return out
}
