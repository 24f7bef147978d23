package apifytest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// A program (or a test, with NewServer) registers an Actor, runs it through
// the API and reads its dataset, all without a network or a token.
func Example() {
	srv, err := apifytest.NewUnstartedServer()
	if err != nil {
		panic(err)
	}
	srv.Start()
	defer srv.Close()

	_, err = srv.AddActor("products", func(ctx context.Context, run *apifytest.ActorRun) error {
		var in struct{ Count int }
		if err := run.DecodeInput(&in); err != nil {
			return err
		}
		for i := 1; i <= in.Count; i++ {
			if err := run.PushItems(map[string]any{"sku": fmt.Sprintf("P%d", i), "price": 10 * i}); err != nil {
				return err
			}
		}
		run.Logf("pushed %d products", in.Count)
		return nil
	})
	if err != nil {
		panic(err)
	}

	// Start a run and wait for it, as any client of the real API would.
	req, _ := http.NewRequest(http.MethodPost,
		srv.URL()+"/v2/actors/apifytest~products/runs?waitForFinish=60", strings.NewReader(`{"count":3}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req) // the client adds the server's token
	if err != nil {
		panic(err)
	}
	var run struct {
		Data struct{ ID, Status, DefaultDatasetID string }
	}
	_ = json.NewDecoder(resp.Body).Decode(&run)
	resp.Body.Close()
	fmt.Println("run:", run.Data.Status)

	resp, err = srv.Client().Get(srv.URL() + "/v2/datasets/" + run.Data.DefaultDatasetID + "/items?fields=sku&limit=2")
	if err != nil {
		panic(err)
	}
	items, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println("items:", string(items))
	fmt.Println("count:", resp.Header.Get("X-Apify-Pagination-Count"), "of", resp.Header.Get("X-Apify-Pagination-Total"))
	// Output:
	// run: SUCCEEDED
	// items: [{"sku":"P1"},{"sku":"P2"}]
	// count: 2 of 3
}

// Faults make the next matching requests fail, for testing retries.
func ExampleServer_InjectFault() {
	srv, _ := apifytest.NewUnstartedServer()
	srv.Start()
	defer srv.Close()
	if err := srv.InjectFault(apifytest.Fault{Method: http.MethodGet, Path: "/v2/users/me", Status: http.StatusServiceUnavailable, Times: 2}); err != nil {
		panic(err)
	}
	for range 3 {
		resp, err := srv.Client().Get(srv.URL() + "/v2/users/me")
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	fmt.Println("requests seen:", len(srv.Requests()))
	// Output:
	// 503
	// 503
	// 200
	// requests seen: 3
}

// A FakeClock lets a test see waitForFinish give up without waiting a minute.
func ExampleFakeClock() {
	clock := apifytest.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv, _ := apifytest.NewUnstartedServer(apifytest.WithClock(clock))
	srv.Start()
	defer srv.Close()
	started, release := make(chan struct{}), make(chan struct{})
	_, _ = srv.AddActor("slow", func(ctx context.Context, run *apifytest.ActorRun) error {
		close(started)
		<-release
		return nil
	})

	status := make(chan string)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/v2/actors/apifytest~slow/runs?waitForFinish=60", strings.NewReader("{}"))
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		var run struct{ Data struct{ Status string } }
		_ = json.NewDecoder(resp.Body).Decode(&run)
		status <- run.Data.Status
	}()
	<-started                                    // the run is RUNNING
	clock.WaitForTimers(context.Background(), 2) // the run's timeout and the wait
	clock.Advance(time.Minute)
	fmt.Println(<-status)
	close(release)
	// Output:
	// RUNNING
}
