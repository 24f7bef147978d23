package api

import (
	"bytes"
	"context"
	"fmt"
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
// by lock, with the names record of a previous generation (nil: none), and
// returns the generation.
func generateFrom(t *testing.T, docPath, lock string, prev *gogen.Record) *gogen.Output {
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
	doc, err := os.ReadFile(normalized)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := gogen.Generate(gogen.Input{Models: outputs["types"], Client: outputs["client"], Document: doc, Previous: prev, Options: gogen.DefaultOptions})
	if err != nil {
		t.Fatal(err)
	}
	return gen
}

// lockFor writes a lock pinning the document at docPath.
func lockFor(t *testing.T, docPath string) string {
	t.Helper()
	l, err := spec.LockFor(readDoc(t, docPath))
	if err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(t.TempDir(), "apify.lock")
	if err := l.Write(lock); err != nil {
		t.Fatal(err)
	}
	return lock
}

// committedRecord reads the committed names record, with the identifiers
// of the committed generated code.
func committedRecord(t *testing.T) *gogen.Record {
	t.Helper()
	r, err := gogen.ReadRecord("..", gogen.DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestGeneratedCodeIsUpToDate regenerates gen/ from the pinned document and
// requires every committed generated file (and the names record) to be
// identical, and no other generated file to exist.
func TestGeneratedCodeIsUpToDate(t *testing.T) {
	t.Parallel()
	out := generateFrom(t, currentDoc, lockPath, committedRecord(t))
	if out.Report.Breaking() || len(out.Report.Added)+len(out.Report.Deprecated) > 0 {
		t.Errorf("regenerating from the pinned document changes the names:\n%s", out.Report)
	}
	diff, err := gogen.Diff("..", out.Files)
	if err != nil {
		t.Fatal(err)
	}
	if diff != "" {
		t.Fatalf("the generated packages are not what the pinned document generates; run `make generate` and commit:\n%s", diff)
	}
}

// TestRegenerationKeepsEveryName generates from one published document,
// records the names, regenerates from the other with that record, and
// compiles (in a module of its own) a program derived from the record that
// references every exported type, value and method of the first generation;
// in both directions between the previous and the current document.
func TestRegenerationKeepsEveryName(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates and compiles the client twice")
	}
	docs := []string{previousDoc, currentDoc}
	r, err := spec.Compare(readDoc(t, previousDoc), readDoc(t, currentDoc))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Renamed) != 70 || len(r.Added) != 0 || len(r.Removed) != 0 {
		t.Fatalf("change report: %d renamed, %d added, %d removed; want 70, 0, 0\n%s", len(r.Renamed), len(r.Added), len(r.Removed), r)
	}
	for i, from := range docs {
		to := docs[1-i]
		t.Run(filepath.Base(from)+"→"+filepath.Base(to), func(t *testing.T) {
			first := generateFrom(t, from, lockFor(t, from), nil)
			second := generateFrom(t, to, lockFor(t, to), first.Record)
			// Going forward nothing is removed; going back, what the newer
			// document added is (and must be reported as breaking).
			if forward := i == 0; forward && second.Report.Breaking() {
				t.Errorf("identifiers lost:\n%s", second.Report)
			} else if !forward && !second.Report.Breaking() {
				t.Errorf("going back to the older document removes the operations and schemas it lacks; the report does not say so:\n%s", second.Report)
			}
			// Only operations were renamed between the two: a schema taken
			// for renamed-and-changed, or a name for reused, is a false match.
			if len(second.Report.Changed)+len(second.Report.Reused) > 0 {
				t.Errorf("false matches (renamed and changed, reused):\n%s", second.Report)
			}
			if len(second.Report.Deprecated) < 70 {
				t.Errorf("%d deprecated names; want at least one per renamed operation (70)", len(second.Report.Deprecated))
			}
			t.Logf("%d deprecated, %d removed, %d renamed and changed, %d reused, %d changed type", len(second.Report.Deprecated), len(second.Report.Removed), len(second.Report.Changed), len(second.Report.Reused), len(second.Report.Retyped))
			program := referenceProgram(first.Record, second.Report.Removed)
			buildInModule(t, second.Files, map[string][]byte{"namescheck/main.go": program}, "./...")
		})
	}
}

// referenceProgram is a program that references every identifier a record
// lists, except those reported removed: the compile test of "no name is
// lost".
func referenceProgram(r *gogen.Record, removed []gogen.Ident) []byte {
	gone := map[gogen.Ident]bool{}
	for _, id := range removed {
		gone[id] = true
	}
	var b bytes.Buffer
	b.WriteString("package main\n\nimport (\n\t\"example.com/evolution/gen\"\n\t\"example.com/evolution/gen/genclient\"\n)\n\n")
	interfaces := map[string]bool{}
	for _, id := range r.Idents() {
		if id.Kind == "interface" {
			interfaces[id.Package+"."+id.Name] = true
		}
	}
	for _, id := range r.Idents() {
		if gone[id] {
			continue
		}
		q := id.Package + "." + id.Name
		switch id.Kind {
		case "type", "interface":
			fmt.Fprintf(&b, "var _ *%s\n", q)
		case "method":
			typ, m, _ := strings.Cut(id.Name, ".")
			if interfaces[id.Package+"."+typ] {
				fmt.Fprintf(&b, "var _ = %s.%s.%s\n", id.Package, typ, m)
			} else {
				fmt.Fprintf(&b, "var _ = (*%s.%s).%s\n", id.Package, typ, m)
			}
		case "field":
			typ, f, _ := strings.Cut(id.Name, ".")
			fmt.Fprintf(&b, "var _ = func(v *%s.%s) any { return v.%s }\n", id.Package, typ, f)
		default:
			fmt.Fprintf(&b, "var _ = %s\n", q)
		}
	}
	b.WriteString("\nfunc main() {}\n")
	return b.Bytes()
}

// buildInModule writes generated files and extra files into a module of its
// own (example.com/evolution, with this module's requirements) and builds
// pkgs there.
func buildInModule(t *testing.T, files []gogen.File, extra map[string][]byte, pkgs ...string) {
	t.Helper()
	// A fixed directory per test, not t.TempDir: the build cache keys
	// compiled packages on their directory, so unchanged generated packages
	// then compile once, not on every run.
	mod, err := filepath.Abs(filepath.Join("..", "build", "evolution",
		regexp.MustCompile(`[^A-Za-z0-9.-]+`).ReplaceAllString(t.Name(), "_")))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(mod); err != nil {
		t.Fatal(err)
	}
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
		if strings.HasSuffix(f.Path, ".go") {
			tree[f.Path] = bytes.ReplaceAll(f.Content, []byte(`"github.com/apifygo/apify/gen"`), []byte(`"example.com/evolution/gen"`))
		}
	}
	for name, b := range extra {
		tree[name] = b
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
	cmd := exec.Command(goTool(), append([]string{"build"}, pkgs...)...)
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("does not compile: %v\n%s", err, b)
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
