package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/apifytest"
)

// Example_testingWithApifytest is the README's "Testing your code with
// apifytest" example: code under test calls an Actor through the client, and
// the fake API plays Apify, including a failure to retry.
func Example_testingWithApifytest() {
	srv, _ := apifytest.NewUnstartedServer() // in a test: srv := apifytest.NewServer(t)
	srv.Start()
	defer srv.Close()

	_, _ = srv.AddActor("scraper", func(ctx context.Context, run *apifytest.ActorRun) error {
		run.Logf("scraping")
		return run.PushItems(map[string]any{"sku": "A1", "price": 5}, map[string]any{"sku": "B2", "price": 7})
	})
	_ = srv.InjectFault(apifytest.Fault{Method: http.MethodGet, Path: "/v2/datasets/*/items", Status: http.StatusServiceUnavailable})

	ctx := context.Background()
	fast := apify.DefaultRetryPolicy()
	fast.InitialDelay, fast.MaxDelay = time.Millisecond, time.Millisecond // retry at once in tests
	client, _ := apify.NewClient(apify.WithBaseURL(srv.URL()), apify.WithToken(srv.Token()), apify.WithRetryPolicy(fast))
	run, err := client.Actor("apifytest~scraper").Call(ctx, map[string]any{}, nil)
	if err != nil {
		panic(err)
	}
	type item struct {
		SKU   string
		Price int
	}
	for it, err := range apify.Items[item](ctx, client.Dataset(run.DefaultDatasetID), nil) {
		if err != nil {
			panic(err)
		}
		fmt.Println(it.SKU, it.Price)
	}

	_, err = client.Actor("apifytest~missing").Call(ctx, nil, nil)
	fmt.Println(errors.Is(err, apify.ErrNotFound))
	fmt.Println("pending faults:", srv.PendingFaults())
	// Output:
	// A1 5
	// B2 7
	// true
	// pending faults: 0
}
