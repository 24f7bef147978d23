//go:build ignore

// Command readmecheck checks that every Go snippet of README.md compiles and
// passes go vet against this checkout: go run .ci/readmecheck.go
//
// Each ```go block becomes a file of a throwaway module that requires this
// module through a replace directive. A block with top-level declarations
// (a func at column 0) or only an import is a file on its own; any other
// block is the body of a function that has ctx, client and the IDs and
// values the README's prose names (runID, datasetID, input, …) in scope.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

const header = `package snippets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/apifygo/apify/gen"
	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/apifyapi"
	"github.com/apifygo/apify/wrapper/apifytest"
	"github.com/oapi-codegen/nullable"
)

var (
	_ = context.Background
	_ = json.Marshal
	_ = errors.New
	_ = fmt.Sprint
	_ = io.Copy
	_ = log.Print
	_ = slog.Default
	_ = http.MethodGet
	_ = os.Exit
	_ = testing.Short
	_ = time.Second
	_ = gen.ActorJobStatusSUCCEEDED
	_ = apify.NewClient
	_ = nullable.NewNullableWithValue[int]
	_ = apifytest.NewServer
	_ = apifyapi.New
)
`

const types = `package snippets

type Product struct {
	Name  string  ` + "`json:\"name\"`" + `
	Price float64 ` + "`json:\"price\"`" + `
}

type Page struct{ URL string }

type State struct{ Cursor string }
`

const fragment = `
func snippet%d(ctx context.Context, client *apify.Client) error {
	var (
		runID, datasetID, storeID, queueID, actorID, taskID, secret string
		input                                                       any
		state                                                       State
		products                                                    []Product
		file                                                        *os.File
		dst                                                         io.Writer
		logger                                                      *slog.Logger
		run                                                         *apify.Run
	)
	_, _, _, _, _, _, _, _, _, _, _, _, _ = runID, datasetID, storeID, queueID, actorID, taskID, secret, input, state, products, file, dst, logger
	_ = run
%s
	return nil
}
`

var block = regexp.MustCompile("(?s)```go\n(.*?)```")

func main() {
	root, err := os.Getwd()
	check(err)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	check(err)
	dir, err := os.MkdirTemp("", "readmecheck")
	check(err)
	defer os.RemoveAll(dir)
	gomod := fmt.Sprintf("module readmecheck\n\ngo 1.26\n\nrequire github.com/apifygo/apify v0.0.0\n\nreplace github.com/apifygo/apify => %s\n", root)
	check(os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	check(err)
	check(os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644))
	check(os.WriteFile(filepath.Join(dir, "types.go"), []byte(types), 0o644))

	blocks := block.FindAllStringSubmatch(string(readme), -1)
	for i, m := range blocks {
		code := m[1]
		var src string
		switch {
		case strings.HasPrefix(code, "import "):
			src = "package snippets\n\n" + code + "\nvar _ = apify.NewClient\n"
		case regexp.MustCompile(`(?m)^func `).MatchString(code):
			src = header + "\n" + code
		default:
			src = header + fmt.Sprintf(fragment, i, code)
		}
		name := fmt.Sprintf("snippet%02d.go", i)
		if strings.Contains(code, "*testing.T") {
			name = fmt.Sprintf("snippet%02d_test.go", i)
		}
		check(os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s\nREADME snippets do not compile (files in %s kept)\n", out, dir)
		os.Exit(1)
	}
	fmt.Printf("readmecheck: %d Go snippets of README.md compile and pass go vet\n", len(blocks))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "readmecheck:", err)
		os.Exit(1)
	}
}
