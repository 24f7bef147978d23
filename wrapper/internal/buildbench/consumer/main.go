// Command consumer is the program whose cold build `make bench-build`
// measures: it runs an Actor and iterates its dataset through the
// hand-written client, as most users' programs do. It is part of the module
// so that it always compiles against the current API.
package main

import (
	"context"
	"fmt"
	"log"

	apify "github.com/apifygo/apify/wrapper"
)

func main() {
	ctx := context.Background()
	client, err := apify.NewClient(apify.WithTokenFromEnv())
	if err != nil {
		log.Fatal(err)
	}
	run, err := client.Actor("apify/hello-world").Call(ctx, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	for item, err := range apify.Items[map[string]any](ctx, client.Run(run.ID).Dataset(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		n += len(item)
	}
	fmt.Println(run.ID, n)
}
