// Command validator checks HTTP exchanges against an OpenAPI document for this
// repository's tests (see package github.com/apifygo/apify/api/validation,
// which runs it). It is a module of its own so that libopenapi and
// libopenapi-validator, which only tests need, stay out of the main module's
// go.mod and out of its consumers' module graphs.
//
// It reads the document named by -doc, writes one JSON line (an empty verdict
// when ready, else one with the error), then reads one validation.Exchange per
// line on standard input and writes one validation.Verdict per line on
// standard output, until standard input ends.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/apifygo/apify/api/validation"
)

func main() {
	doc := flag.String("doc", "", "the OpenAPI document to validate against (a file)")
	var opts validation.Options
	flag.BoolVar(&opts.LazySchemas, "lazy-schemas", false, "compile each schema on first use rather than all up front")
	flag.BoolVar(&opts.JSONLAsText, "jsonl-as-text", false, "read application/jsonl bodies as text")
	flag.Parse()
	if err := run(*doc, opts, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "validator:", err)
		os.Exit(1)
	}
}

// run serves exchanges from in to out until in ends.
func run(docPath string, opts validation.Options, in io.Reader, out io.Writer) error {
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	reply := func(v validation.Verdict) error {
		if err := enc.Encode(v); err != nil {
			return err
		}
		return w.Flush()
	}
	c, err := newChecker(docPath, opts)
	if err != nil {
		_ = reply(validation.Verdict{Error: err.Error()})
		return err
	}
	if err := reply(validation.Verdict{}); err != nil {
		return err
	}
	dec := json.NewDecoder(bufio.NewReader(in))
	for {
		var ex validation.Exchange
		if err := dec.Decode(&ex); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("reading an exchange: %w", err)
		}
		if err := reply(c.check(ex)); err != nil {
			return err
		}
	}
}
