package apifyapi_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/apifyapi"
)

func ExampleNew() {
	// Stands in for https://api.apify.com: one run.
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/v2/actor-runs/HG7ML7M8z78YcAPEB" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"error":{"type":"record-not-found","message":"Actor run was not found"}}`)
			return
		}
		fmt.Fprint(w, `{"data":{"id":"HG7ML7M8z78YcAPEB","actId":"a","status":"SUCCEEDED","startedAt":"2026-08-21T10:00:00.000Z","defaultDatasetId":"WkzbQMuFYuamGv3YF"}}`)
	}))
	defer server.Close()
	client, err := apify.NewClient(apify.WithToken("my-token"), apify.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	api := apifyapi.New(client)

	run, err := apify.Result(api.ActorRunGetWithResponse(ctx, "HG7ML7M8z78YcAPEB", nil)) // *gen.Run
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(run.ID, run.Status, run.DefaultDatasetID)

	_, err = apify.Result(api.ActorRunGetWithResponse(ctx, "nope", nil))
	fmt.Println(errors.Is(err, apify.ErrNotFound))
	// Output:
	// HG7ML7M8z78YcAPEB SUCCEEDED WkzbQMuFYuamGv3YF
	// true
}
