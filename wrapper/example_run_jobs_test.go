package apify_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"os/signal"

	apify "github.com/apifygo/apify/wrapper"
)

func ExampleDatasetClient_Export() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()

	run, err := client.Actor("jane/product-scraper").Call(ctx, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	// Stream the run's items as CSV (to a file, an HTTP response, …):
	// memory stays bounded and a broken download is resumed.
	noBOM := false // csv starts with a byte order mark unless told not to
	n, err := client.Run(run.ID).Dataset().Export(ctx, os.Stdout, apify.ExportCSV, &apify.ExportOptions{
		ItemsOptions: apify.ItemsOptions{Fields: []string{"sku", "price"}},
		BOM:          &noBOM,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "bytes")
	// Output:
	// sku,price
	// A1,4.5
	// B2,7.25
	// C3,9
	// 30 bytes
}

func ExampleActorClient_Call_forwardLog() {
	client, err := apify.NewClient(apify.WithToken(os.Getenv("APIFY_TOKEN")))
	if err != nil {
		log.Fatal(err)
	}
	// Ctrl-C ends ctx; AbortOnCancel then aborts the run instead of
	// leaving it running.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	run, err := client.Actor("apify/web-scraper").Call(ctx, map[string]any{"startUrls": []string{"https://example.com"}}, &apify.CallOptions{
		Logger:        slog.Default(), // the run's log line by line, and each status change
		AbortOnCancel: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(run.Status)
}

func ExampleRunClient_Watch() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()

	run, err := client.Actor("jane/product-scraper").Start(ctx, nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	for r, err := range client.Run(run.ID).Watch(ctx, nil) {
		if err != nil {
			log.Fatal(err)
		}
		msg, _ := r.StatusMessage.Get()
		if apify.Finished(r.Status) { // a real program would show every change
			fmt.Println(r.Status, msg)
		}
	}
	// Output:
	// SUCCEEDED Actor finished successfully
}
