// Command apify-gen turns oapi-codegen's two outputs (models, client) into
// the committed generated packages gen and gen/genclient and the names
// record api/names.json (see package spec/gogen), and prints the
// compatibility report against the previous record; or, with -check,
// compares all of them with what is committed.
//
// Usage:
//
//	apify-gen -models build/_oapi/models.go -client build/_oapi/client.go -doc build/openapi.json -root . [-check] [-accept-removals]
//
// -check defaults to true when $APIFY_GEN_CHECK is 1 or true (make
// check-generated), -accept-removals when $APIFY_ACCEPT_REMOVALS is (0,
// false or empty mean no; any other value is an error).
// Without -accept-removals a generation that removes a previously exported
// identifier writes nothing and exits with status 1.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/apifygo/apify/spec"
	"github.com/apifygo/apify/spec/gogen"
)

func main() {
	models := flag.String("models", "build/_oapi/models.go", "oapi-codegen output with the models")
	client := flag.String("client", "build/_oapi/client.go", "oapi-codegen output with the client")
	doc := flag.String("doc", "build/openapi.json", "the normalized document both were generated from")
	root := flag.String("root", ".", "module root the generated packages are written under")
	check := flag.Bool("check", envBool("APIFY_GEN_CHECK"), "compare with the committed files instead of writing them")
	accept := flag.Bool("accept-removals", envBool("APIFY_ACCEPT_REMOVALS"), "write a generation that removes previously exported identifiers")
	changelog := flag.String("changelog", "CHANGELOG.md", "changelog (under -root) whose Unreleased section gets the report's summary when the document's version changes; empty: none")
	flag.Parse()
	if err := run(*models, *client, *doc, *root, *changelog, *check, *accept); err != nil {
		fmt.Fprintln(os.Stderr, "apify-gen:", err)
		os.Exit(1)
	}
}

// envBool reads a boolean environment variable: empty is false, 1 or true
// is true, 0 or false is false; anything else ends the program, so that
// APIFY_ACCEPT_REMOVALS=no never accepts a breaking regeneration.
func envBool(name string) bool {
	v, err := parseEnvBool(name, os.Getenv(name))
	if err != nil {
		fmt.Fprintln(os.Stderr, "apify-gen:", err)
		os.Exit(2)
	}
	return v
}

func parseEnvBool(name, value string) (bool, error) {
	if value == "" {
		return false, nil
	}
	v, err := strconv.ParseBool(value)
	if err != nil {
		return false, fmt.Errorf("%s=%q is neither true nor false: set it to 1 to turn it on, or leave it empty", name, value)
	}
	return v, nil
}

func run(modelsPath, clientPath, docPath, root, changelog string, check, accept bool) error {
	var in gogen.Input
	in.Options = gogen.DefaultOptions
	for p, dst := range map[string]*[]byte{modelsPath: &in.Models, clientPath: &in.Client, docPath: &in.Document} {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		*dst = b
	}
	var err error
	if in.Previous, err = gogen.ReadRecord(root, in.Options); err != nil {
		return err
	}
	if lock, err := spec.ReadLock(filepath.Join(root, "spec", "apify.lock")); err == nil {
		in.DocumentSHA256 = lock.SHA256
	}
	out, err := gogen.Generate(in)
	if err != nil {
		return err
	}
	if check {
		diff, err := gogen.Diff(root, out.Files)
		if err != nil {
			return err
		}
		if diff != "" {
			return fmt.Errorf("the generated packages are not what the pinned document generates; run `make generate` and commit:\n%s", diff)
		}
		fmt.Println("apify-gen: the generated packages and " + gogen.RecordPath + " match the pinned document")
		return nil
	}
	fmt.Print(out.Report)
	if out.Report.Breaking() && !accept {
		return fmt.Errorf("the regeneration breaks code that compiled (listed above: %d identifiers removed, %d operation names calling another operation, %d constants with another value, %d names declaring something else); nothing was written. To accept a breaking regeneration, run it again with APIFY_ACCEPT_REMOVALS=1 (make spec-update … ACCEPT_REMOVALS=1) and say so in CHANGELOG.md", len(out.Report.Removed), len(out.Report.Repointed), len(out.Report.Revalued), len(out.Report.Reused))
	}
	if err := gogen.Write(root, out.Files); err != nil {
		return err
	}
	if changelog == "" {
		return nil
	}
	path := filepath.Join(root, changelog)
	text, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if updated, ok := gogen.AddToChangelog(string(text), out.Report); ok {
		fmt.Println("apify-gen: added the summary to the Unreleased section of " + changelog)
		return os.WriteFile(path, []byte(updated), 0o644)
	}
	return nil
}
