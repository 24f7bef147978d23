// Command apify-spec reads the Apify OpenAPI document, checks it against
// spec/apify.lock, normalizes it for oapi-codegen and writes the result to a
// build path. With -update it accepts a new document, rewrites the lock and
// prints a change report.
//
// Usage:
//
//	apify-spec -lock spec/apify.lock -out build/openapi.json [-spec PATH|URL] [-update [-previous PATH|URL]]
//
// The document comes from -spec, else $APIFY_OPENAPI, else the cached copy of
// the locked document, else https://docs.apify.com/api/openapi.json.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/apifygo/apify/spec"
)

func main() {
	var o spec.Options
	flag.StringVar(&o.Source, "spec", os.Getenv("APIFY_OPENAPI"), "path or http(s) URL of the API document (default $APIFY_OPENAPI, else the cached locked document, else "+spec.DefaultURL+")")
	flag.StringVar(&o.LockPath, "lock", "spec/apify.lock", "lock file pinning the document's version and sha256")
	flag.StringVar(&o.Out, "out", "build/openapi.json", "where to write the normalized document")
	flag.BoolVar(&o.Update, "update", false, "accept a document that differs from the lock, rewrite the lock and print a change report")
	flag.StringVar(&o.Previous, "previous", os.Getenv("APIFY_OPENAPI_PREVIOUS"), "with -update: the document to compare with (default: the cached copy of the previously locked document)")
	cacheDir := flag.String("cache", spec.DefaultCache().Dir, "folder that caches verified documents by sha256 (empty: no cache)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "apify-spec: unexpected arguments %q\n", flag.Args())
		flag.Usage()
		os.Exit(2)
	}
	o.Cache = spec.Cache{Dir: *cacheDir}
	o.Report = os.Stdout
	if _, err := spec.Prepare(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "apify-spec:", err)
		os.Exit(1)
	}
}
