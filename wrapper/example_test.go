package apify_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/apifygo/apify/gen"
	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/apifyapi"
)

// exampleCoreAPI stands in for https://api.apify.com in the examples below:
// a run, a dataset that can be deleted, and Apify's error envelope for
// everything else. A stub, not apifytest, so that the printed output shows
// the IDs of the API's documentation.
func exampleCoreAPI() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Authorization") != "Bearer my-token" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"type":"token-not-valid","message":"Authentication token is not valid"}}`)
			return
		}
		switch r.Method + " " + r.URL.Path {
		case "GET /v2/actor-runs/HG7ML7M8z78YcAPEB":
			io.WriteString(w, `{"data":{"id":"HG7ML7M8z78YcAPEB","actId":"moJRLRc85AitArpNN","status":"SUCCEEDED",
				"startedAt":"2026-08-21T10:00:00.000Z","defaultDatasetId":"WkzbQMuFYuamGv3YF"}}`)
		case "POST /v2/actors/moJRLRc85AitArpNN/runs":
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"data":{"id":"3KH8gEpp4d8uQSe8T","actId":"moJRLRc85AitArpNN","status":"READY",
				"startedAt":"2026-08-21T11:00:00.000Z"}}`)
		case "DELETE /v2/datasets/WkzbQMuFYuamGv3YF":
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"error":{"type":"record-not-found","message":"Actor run was not found"}}`)
		}
	}))
}

func ExampleNewClient() {
	server := exampleCoreAPI() // in production: leave WithBaseURL out
	defer server.Close()

	client, err := apify.NewClient(
		apify.WithToken("my-token"), // or apify.WithTokenFromEnv()
		apify.WithBaseURL(server.URL),
		apify.WithMaxRetries(3),
		apify.WithTimeout(30*time.Second),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Replace(client.String(), server.URL, "http://127.0.0.1", 1))
	// Output:
	// apify.Client{BaseURL: http://127.0.0.1, Token: REDACTED, MaxRetries: 3, Timeout: 30s}
}

func ExampleNewClient_invalidOption() {
	_, err := apify.NewClient(apify.WithBaseURL("https://api.apify.com/v2"))
	fmt.Println(err)
	// Output:
	// apify: NewClient: WithBaseURL: base URL "https://api.apify.com/v2" must not end in /v2: operation paths already start with /v2 (use "https://api.apify.com")
}

func ExampleResult() {
	server := exampleCoreAPI()
	defer server.Close()
	client, err := apify.NewClient(apify.WithToken("my-token"), apify.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// Every generated operation, through the client's auth, retries and errors.
	run, err := apify.Result(apifyapi.New(client).ActorRunGetWithResponse(ctx, "HG7ML7M8z78YcAPEB", nil))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(run.ID, run.Status, run.StartedAt.Format(time.DateOnly), run.DefaultDatasetID)
	// Output:
	// HG7ML7M8z78YcAPEB SUCCEEDED 2026-08-21 WkzbQMuFYuamGv3YF
}

func ExampleCheck() {
	server := exampleCoreAPI()
	defer server.Close()
	client, err := apify.NewClient(apify.WithToken("my-token"), apify.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}
	err = apify.Check(apifyapi.New(client).DatasetDeleteWithResponse(context.Background(), "WkzbQMuFYuamGv3YF"))
	fmt.Println("deleted:", err == nil)
	// Output:
	// deleted: true
}

func ExampleAPIError() {
	server := exampleCoreAPI()
	defer server.Close()
	client, err := apify.NewClient(apify.WithToken("my-token"), apify.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}

	_, err = apify.Result(apifyapi.New(client).ActorRunGetWithResponse(context.Background(), "no-such-run", nil))
	if errors.Is(err, apify.ErrNotFound) {
		fmt.Println("not found")
	}
	var apiErr *apify.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Type, apiErr.Message, apiErr.Attempt)
	}
	// Output:
	// not found
	// 404 record-not-found Actor run was not found 1
}

func ExampleAllowUnsafeRetries() {
	server := exampleCoreAPI()
	defer server.Close()
	client, err := apify.NewClient(apify.WithToken("my-token"), apify.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}

	// Starting a run is not retried after a 5xx or a cut connection by default,
	// because the server may have started it. This caller prefers a possible
	// duplicate run to a failure:
	ctx := apify.AllowUnsafeRetries(context.Background())
	input := gen.ActorsRunsPostJSONRequestBody{"startUrls": []any{map[string]any{"url": "https://example.com"}}}
	run, err := apify.Result(apifyapi.New(client).ActorsRunsPostWithResponse(ctx, "moJRLRc85AitArpNN", nil, input))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(run.ID, run.Status)
	// Output:
	// 3KH8gEpp4d8uQSe8T READY
}

func ExampleWithRetryPolicy() {
	policy := apify.DefaultRetryPolicy()
	policy.MaxRetries = 4
	policy.MaxRetryAfter = 2 * time.Minute
	client, err := apify.NewClient(apify.WithRetryPolicy(policy))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client)

	policy.InitialDelay = 0
	_, err = apify.NewClient(apify.WithRetryPolicy(policy))
	fmt.Println(err)
	// Output:
	// apify.Client{BaseURL: https://api.apify.com, Token: unset, MaxRetries: 4, Timeout: 6m0s}
	// apify: NewClient: WithRetryPolicy: InitialDelay is 0s, want > 0 (start from DefaultRetryPolicy())
}
