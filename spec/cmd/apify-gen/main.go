// Command apify-gen turns oapi-codegen's two outputs (models, client) into
// the committed generated packages gen and gen/genclient (see package
// spec/gogen), or with -check compares them with what is committed.
//
// Usage:
//
//	apify-gen -models build/gen/models.go -client build/gen/client.go -root . [-check]
//
// -check defaults to true when $APIFY_GEN_CHECK is set (make check-generated).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/apifygo/apify/spec/gogen"
)

func main() {
	models := flag.String("models", "build/gen/models.go", "oapi-codegen output with the models")
	client := flag.String("client", "build/gen/client.go", "oapi-codegen output with the client")
	root := flag.String("root", ".", "module root the generated packages are written under")
	check := flag.Bool("check", os.Getenv("APIFY_GEN_CHECK") != "", "compare with the committed files instead of writing them")
	flag.Parse()
	if err := run(*models, *client, *root, *check); err != nil {
		fmt.Fprintln(os.Stderr, "apify-gen:", err)
		os.Exit(1)
	}
}

func run(modelsPath, clientPath, root string, check bool) error {
	m, err := os.ReadFile(modelsPath)
	if err != nil {
		return err
	}
	c, err := os.ReadFile(clientPath)
	if err != nil {
		return err
	}
	files, err := gogen.Shape(m, c, gogen.DefaultOptions)
	if err != nil {
		return err
	}
	if !check {
		return gogen.Write(root, files)
	}
	diff, err := gogen.Diff(root, files)
	if err != nil {
		return err
	}
	if diff != "" {
		return fmt.Errorf("the generated packages are not what the pinned document generates; run `make generate` and commit:\n%s", diff)
	}
	fmt.Println("apify-gen: the generated packages match the pinned document")
	return nil
}
