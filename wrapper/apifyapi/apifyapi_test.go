package apifyapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/apifyapi"
)

// TestNewSendsThroughTheClientChain checks auth, retries and typed errors on
// requests of the generated client that New returns.
func TestNewSendsThroughTheClientChain(t *testing.T) {
	var calls atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret-token" {
			t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
		}
		if !strings.HasPrefix(r.Header.Get("User-Agent"), "apifygo/") {
			t.Errorf("User-Agent = %q", r.Header.Get("User-Agent"))
		}
		w.Header().Set("Content-Type", "application/json")
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"error":{"type":"x","message":"busy"}}`))
			return
		}
		if r.URL.Path == "/v2/datasets/missing" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":{"type":"record-not-found","message":"Dataset was not found"}}`))
			return
		}
		_, _ = w.Write([]byte(`{"data":{"id":"ds1","name":"d","userId":"u","createdAt":"2026-01-01T00:00:00Z","modifiedAt":"2026-01-01T00:00:00Z","accessedAt":"2026-01-01T00:00:00Z","itemCount":1,"cleanItemCount":1}}`))
	}))
	defer server.Close()
	policy := apify.DefaultRetryPolicy()
	policy.InitialDelay, policy.MaxDelay = time.Microsecond, time.Microsecond // no real sleep
	client, err := apify.NewClient(apify.WithToken("secret-token"), apify.WithBaseURL(server.URL),
		apify.WithMaxRetries(2), apify.WithRetryPolicy(policy))
	if err != nil {
		t.Fatal(err)
	}
	api := apifyapi.New(client)
	resp, err := api.DatasetGetWithResponse(context.Background(), "ds1")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != 200 || resp.JSON200 == nil || resp.JSON200.Data.ID != "ds1" {
		t.Fatalf("got %d %s", resp.StatusCode(), resp.Body)
	}
	if calls.Load() != 2 {
		t.Errorf("%d requests; want 2 (the 503 is retried)", calls.Load())
	}
	err = apify.Check(api.DatasetGetWithResponse(context.Background(), "missing"))
	if !errors.Is(err, apify.ErrNotFound) {
		t.Errorf("Check on a 404 = %v; want ErrNotFound", err)
	}
}

func TestNewWithNilClientFailsEveryCall(t *testing.T) {
	_, err := apifyapi.New(nil).DatasetGetWithResponse(context.Background(), "ds1")
	if err == nil || !strings.Contains(err.Error(), "nil") {
		t.Fatalf("err = %v; want an error naming the nil client", err)
	}
}
