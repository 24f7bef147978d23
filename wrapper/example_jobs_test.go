package apify_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"time"

	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/apifytest"
)

// Work through the last run's request queue as a crawler does: lock the
// head, mark each request handled, and give back the ones you will not do.
func ExampleRequestQueueClient_LockHead() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()
	if _, err := client.Actor("jane/product-scraper").Call(ctx, nil, nil); err != nil {
		log.Fatal(err)
	}
	queue := client.Actor("jane/product-scraper").LastRun(&apify.LastRunOptions{Status: apify.RunSucceeded}).RequestQueue()
	pages := []apify.QueueRequest{{URL: "https://example.com/a"}, {URL: "https://example.com/b"}}
	if _, err := queue.AddRequests(ctx, pages, nil); err != nil {
		log.Fatal(err)
	}

	head, err := queue.LockHead(ctx, &apify.LockHeadOptions{Limit: 2, LockDuration: 5 * time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	done, giveBack := head.Items[0], head.Items[1]
	req, err := queue.GetRequest(ctx, done.ID)
	if err != nil {
		log.Fatal(err)
	}
	req.HandledAt = apify.Value(srv.Clock().Now()) // mark it handled
	if _, err := queue.UpdateRequest(ctx, req, nil); err != nil {
		log.Fatal(err)
	}
	if err := queue.DeleteRequestLock(ctx, giveBack.ID, nil); err != nil { // another worker may take it now
		log.Fatal(err)
	}

	left, err := queue.ListHead(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("handled:", done.URL)
	fmt.Println("still to do:", len(left.Items), left.Items[0].URL)
	// Output:
	// handled: https://example.com/a
	// still to do: 1 https://example.com/b
}

// Read a JSON record, here a run's OUTPUT, into a Go value.
func ExampleGetRecordJSON() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()
	run, err := client.Actor("jane/product-scraper").Call(ctx, map[string]any{"limit": 2}, nil)
	if err != nil {
		log.Fatal(err)
	}
	type output struct {
		Count int `json:"count"`
	}
	out, err := apify.GetRecordJSON[output](ctx, client.Run(run.ID).KeyValueStore(), "OUTPUT")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Count)

	_, err = apify.GetRecordJSON[output](ctx, client.Run(run.ID).KeyValueStore(), "MISSING")
	fmt.Println(errors.Is(err, apify.ErrNotFound))
	// Output:
	// 2
	// true
}

// With AbortOnCancel, a call whose ctx ends aborts the run instead of
// leaving it running (and billing).
func ExampleActorClient_Call_abortOnCancel() {
	srv, client := startExampleAPI()
	defer srv.Close()
	if _, err := srv.AddActor("forever", func(ctx context.Context, run *apifytest.ActorRun) error {
		<-ctx.Done() // runs until aborted
		return ctx.Err()
	}); err != nil {
		log.Fatal(err)
	}

	// The caller gives up once the run has started (a deadline works too).
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	giveUp := func(*apify.Run) { cancel() }
	run, err := client.Actor("jane/forever").Call(ctx, nil, &apify.CallOptions{AbortOnCancel: true, AbortWait: 5 * time.Second, OnStatus: giveUp, StatusInterval: time.Second})
	fmt.Println(errors.Is(err, context.Canceled))
	fmt.Println(run.Status)
	// Output:
	// true
	// ABORTED
}

// A request that got no answer (here, nothing listens at the address) is a
// *RequestError that unwraps to its cause; an answer that is an error is an
// *APIError instead.
func ExampleRequestError() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there any more

	client, err := apify.NewClient(apify.WithBaseURL("http://"+addr), apify.WithToken("my-token"), apify.WithMaxRetries(0))
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Dataset("products").Get(context.Background())
	var reqErr *apify.RequestError
	var apiErr *apify.APIError
	fmt.Println(errors.As(err, &reqErr), errors.As(err, &apiErr))
	var opErr *net.OpError
	fmt.Println(errors.As(err, &opErr))
	// Output:
	// true false
	// true
}
