package apify_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"strings"
	"time"

	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/apifytest"
)

// Product is what the example Actor scrapes.
type Product struct {
	SKU   string  `json:"sku"`
	Name  string  `json:"name"`
	Price float64 `json:"price"`
}

// startExampleAPI starts an in-process fake of the Apify API with one Actor,
// "jane/product-scraper", which pushes three products to its dataset (the
// first n when its input says {"limit": n}) and fails on {"fail": true}.
// In real code there is no fake: the client talks to api.apify.com.
func startExampleAPI(opts ...apifytest.Option) (*apifytest.Server, *apify.Client) {
	srv, err := apifytest.NewUnstartedServer(append([]apifytest.Option{apifytest.WithUsername("jane")}, opts...)...)
	if err != nil {
		log.Fatal(err)
	}
	srv.Start()
	_, err = srv.AddActor("product-scraper", func(ctx context.Context, run *apifytest.ActorRun) error {
		var in struct {
			Limit int  `json:"limit"`
			Fail  bool `json:"fail"`
		}
		if err := run.DecodeInput(&in); err != nil {
			return err
		}
		run.Logf("scraping up to %d products", in.Limit)
		if in.Fail {
			return errors.New("the shop is down")
		}
		products := []Product{{"A1", "Crème brûlée", 4.5}, {"B2", "Šakšuka", 7.25}, {"C3", "東京 ramen", 9}}
		if in.Limit > 0 && in.Limit < len(products) {
			products = products[:in.Limit]
		}
		for _, p := range products {
			if err := run.PushItems(p); err != nil {
				return err
			}
		}
		run.Logf("pushed %d products", len(products))
		return run.SetOutput(map[string]int{"count": len(products)})
	})
	if err != nil {
		log.Fatal(err)
	}
	client, err := apify.NewClient(apify.WithToken(srv.Token()), apify.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	return srv, client
}

func ExampleActorClient_Call() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()

	opts := &apify.CallOptions{AbortOnCancel: true} // stop the run if ctx ends first
	opts.MemoryMB = 1024                            // run settings are promoted from RunOptions
	run, err := client.Actor("jane/product-scraper").Call(ctx, map[string]any{"limit": 10}, opts)
	if err != nil {
		log.Fatal(err) // a FAILED, TIMED-OUT or ABORTED run is an *apify.RunFailedError
	}
	fmt.Println("run", run.Status)
	for p, err := range apify.Items[Product](ctx, client.Run(run.ID).Dataset(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %-14s %5.2f\n", p.SKU, p.Name, p.Price)
	}
	// Output:
	// run SUCCEEDED
	// A1 Crème brûlée    4.50
	// B2 Šakšuka         7.25
	// C3 東京 ramen        9.00
}

// The last run of an Actor (here the last that succeeded, although a failed
// one came after it) is a run client like any other: its storages, log and
// controls compose.
func ExampleActorClient_LastRun() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()
	scraper := client.Actor("jane/product-scraper")
	if _, err := scraper.Call(ctx, map[string]any{"limit": 2}, nil); err != nil {
		log.Fatal(err)
	}
	_, err := scraper.Call(ctx, map[string]any{"fail": true}, nil)
	fmt.Println("newest run failed:", errors.Is(err, apify.ErrRunFailed))

	last := scraper.LastRun(&apify.LastRunOptions{Status: apify.RunSucceeded})
	out, err := apify.GetRecordJSON[map[string]int](ctx, last.KeyValueStore(), "OUTPUT")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("OUTPUT count:", (*out)["count"])
	for p, err := range apify.Items[Product](ctx, last.Dataset(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(p.SKU)
	}
	logText, err := last.Log().Get(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Contains(logText, "pushed 2 products"))
	// Output:
	// newest run failed: true
	// OUTPUT count: 2
	// A1
	// B2
	// true
}

func ExampleActorClient_Call_failedRun() {
	srv, client := startExampleAPI()
	defer srv.Close()

	_, err := client.Actor("jane~product-scraper").Call(context.Background(), map[string]any{"fail": true}, nil)
	var failed *apify.RunFailedError
	if errors.As(err, &failed) {
		fmt.Println(failed.Run.Status, errors.Is(err, apify.ErrRunFailed))
		msg, _ := failed.Run.StatusMessage.Get()
		fmt.Println(msg)
	}
	// Output:
	// FAILED true
	// the shop is down
}

func ExampleActorClient_RunSyncItemsTo() {
	srv, client := startExampleAPI()
	defer srv.Close()
	noBOM := false

	// Run the Actor, wait for it and stream its items as CSV: the items
	// never sit in memory as a whole.
	_, err := client.Actor("jane~product-scraper").RunSyncItemsTo(context.Background(), map[string]any{"limit": 2}, os.Stdout,
		&apify.RunSyncItemsOptions{Format: "csv", BOM: &noBOM, Items: &apify.ItemsOptions{Fields: []string{"sku", "price"}}})
	var timeout *apify.RunSyncTimeoutError
	if errors.As(err, &timeout) {
		log.Fatal(err) // over 300 s: the run goes on; the error says how to find it
	} else if err != nil {
		log.Fatal(err)
	}
	// Output:
	// sku,price
	// A1,4.5
	// B2,7.25
}

func ExampleRunSyncItems() {
	srv, client := startExampleAPI()
	defer srv.Close()

	for p, err := range apify.RunSyncItems[Product](context.Background(), client.Actor("jane~product-scraper"), nil, nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(p.SKU, p.Price)
	}
	// Output:
	// A1 4.5
	// B2 7.25
	// C3 9
}

func ExampleKeyValueStoreClient_SetRecordJSON() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()
	storeID, err := srv.AddKeyValueStore("crawl-state")
	if err != nil {
		log.Fatal(err)
	}

	type State struct {
		Page int      `json:"page"`
		Seen []string `json:"seen"`
	}
	if err := client.KeyValueStore(storeID).SetRecordJSON(ctx, "STATE", State{Page: 3, Seen: []string{"A1", "B2"}}); err != nil {
		log.Fatal(err)
	}
	state, err := apify.GetRecordJSON[State](ctx, client.KeyValueStore(storeID), "STATE")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("page", state.Page, "seen", state.Seen)

	// Any content, streamed both ways: nothing is held in memory as a whole.
	err = client.KeyValueStore("jane~crawl-state").SetRecord(ctx, "notes.txt", strings.NewReader("shop closes at 6\n"), "text/plain; charset=utf-8")
	if err != nil {
		log.Fatal(err)
	}
	rec, err := client.KeyValueStore(storeID).OpenRecord(ctx, "notes.txt")
	if err != nil {
		log.Fatal(err)
	}
	defer rec.Close()
	fmt.Print(rec.ContentType, ": ")
	if _, err := io.Copy(os.Stdout, rec); err != nil {
		log.Fatal(err)
	}

	exists, err := client.KeyValueStore(storeID).RecordExists(ctx, "OUTPUT")
	fmt.Println("OUTPUT exists:", exists, err)
	// Output:
	// page 3 seen [A1 B2]
	// text/plain; charset=utf-8: shop closes at 6
	// OUTPUT exists: false <nil>
}

func ExamplePushItems() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()
	datasetID, err := srv.AddDataset("catalogue")
	if err != nil {
		log.Fatal(err)
	}

	products := make([]Product, 2500)
	for i := range products {
		products[i] = Product{SKU: fmt.Sprintf("P%04d", i), Name: "thing", Price: float64(i) / 100}
	}
	// As few requests as the API's 9 MiB limit allows; n says how many items
	// were stored, so a failed push can resume with products[n:].
	n, err := apify.PushItems(ctx, client.Dataset(datasetID), products, nil)
	if err != nil {
		log.Fatalf("stored %d: %v", n, err)
	}
	fmt.Println("pushed", n)

	for p, err := range apify.Items[Product](ctx, client.Dataset(datasetID), &apify.ItemsOptions{Desc: true, Limit: 1}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("newest", p.SKU)
	}
	// Output:
	// pushed 2500
	// newest P2499
}

func ExampleRequestQueueClient_AddRequests() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()
	queueID, err := srv.AddRequestQueue("to-crawl")
	if err != nil {
		log.Fatal(err)
	}

	var reqs []apify.QueueRequest
	for i := range 60 {
		reqs = append(reqs, apify.QueueRequest{URL: fmt.Sprintf("https://shop.example/p/%d", i), UserData: map[string]any{"label": "DETAIL"}})
	}
	// 25 per call; requests the API leaves unprocessed are sent again, and
	// the result says what was not added. Parallelism 1 keeps the order
	// given (the default, 5 calls at a time, may not).
	res, err := client.RequestQueue(queueID).AddRequests(ctx, reqs, &apify.AddRequestsOptions{Parallelism: 1})
	if err != nil {
		if res != nil { // nil when the input was invalid and nothing was sent
			for _, u := range res.Unprocessed {
				log.Printf("not added: %s: %v", u.Request.URL, u.Err)
			}
		}
		log.Fatal(err)
	}
	fmt.Println("added", len(res.Processed))

	head, err := client.RequestQueue(queueID).LockHead(ctx, &apify.LockHeadOptions{Limit: 2, LockDuration: time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range head.Items {
		fmt.Println("locked", r.URL)
	}
	// Output:
	// added 60
	// locked https://shop.example/p/0
	// locked https://shop.example/p/1
}

func ExampleLogClient_Follow() {
	clock := apifytest.NewFakeClock(time.Date(2026, 8, 21, 10, 0, 0, 0, time.UTC))
	srv, client := startExampleAPI(apifytest.WithClock(clock))
	defer srv.Close()
	ctx := context.Background()

	run, err := client.Actor("jane~product-scraper").Start(ctx, map[string]int{"limit": 2}, nil)
	if err != nil {
		log.Fatal(err)
	}
	// Each log line becomes a log/slog record (here without time, for the
	// example's output); FollowRunLog returns once the run has finished.
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: dropTime}))
	lines := apify.NewLogWriter(logger, slog.LevelInfo, slog.String("run", "example"))
	if err := client.Run(run.ID).Log().Follow(ctx, lines, nil); err != nil {
		log.Fatal(err)
	}
	lines.Close()
	// Output:
	// level=INFO msg="2026-08-21T10:00:00.000Z scraping up to 2 products" run=example
	// level=INFO msg="2026-08-21T10:00:00.000Z pushed 2 products" run=example
}

func dropTime(_ []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}
