package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// productsActor pushes n products and stores a summary as OUTPUT.
func productsActor(n int) apifytest.ActorFunc {
	return func(ctx context.Context, run *apifytest.ActorRun) error {
		for i := range n {
			if err := run.PushItems(map[string]any{"sku": "P" + string(rune('A'+i)), "price": i + 1}); err != nil {
				return err
			}
		}
		return run.SetOutput(map[string]int{"count": n})
	}
}

func TestRunSyncReturnsOutput(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "products", productsActor(3))
	c := fakeClient(t, srv, nil)

	out, err := c.Actor(actorID).RunSync(testCtx(t), map[string]string{"q": "shoes"}, nil)
	if err != nil {
		t.Fatalf("RunSync: %v", err)
	}
	var summary struct{ Count int }
	if err := out.DecodeJSON(&summary); err != nil || summary.Count != 3 {
		t.Errorf("output %s (%v)", out.Value, err)
	}
	if !strings.HasPrefix(out.ContentType, "application/json") {
		t.Errorf("content type %q", out.ContentType)
	}
	if info, ok := srv.Run(out.RunID); !ok || string(info.Input) != `{"q":"shoes"}` {
		t.Errorf("run %q: %+v", out.RunID, info)
	}

	// A missing record comes back empty, not as an error.
	out, err = c.Actor(actorID).RunSync(testCtx(t), nil, &RunSyncOptions{OutputRecordKey: "NOPE"})
	if err != nil || len(out.Value) != 0 || out.ContentType != "" {
		t.Errorf("missing record: %+v, %v", out, err)
	}
	if err := out.DecodeJSON(&summary); err == nil {
		t.Error("decoding an absent record: no error")
	}
}

func TestRunTaskSync(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "products", productsActor(2))
	taskID, err := srv.AddTask(actorID, "nightly", nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := fakeClient(t, srv, nil).Task(taskID).RunSync(testCtx(t), nil, nil)
	if err != nil || !bytes.Contains(out.Value, []byte(`"count":2`)) {
		t.Errorf("RunTaskSync: %s, %v", out.Value, err)
	}
}

func TestRunSyncFailedRun(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "breaks", func(ctx context.Context, run *apifytest.ActorRun) error { return errors.New("boom") })
	_, err := fakeClient(t, srv, nil).Actor(actorID).RunSync(testCtx(t), nil, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Type != "run-failed" {
		t.Errorf("err = %v, want the API's run-failed answer", err)
	}
}

func TestRunSyncTimeoutSaysTheRunGoesOn(t *testing.T) {
	clock := apifytest.NewFakeClock(time.Date(2026, 8, 21, 10, 0, 0, 0, time.UTC))
	srv := apifytest.NewServer(t, apifytest.WithClock(clock))
	actorID := addActor(t, srv, "slow", func(ctx context.Context, run *apifytest.ActorRun) error {
		<-ctx.Done()
		return ctx.Err()
	})
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)

	errc := make(chan error, 1)
	go func() {
		_, err := c.Actor(actorID).RunSync(ctx, nil, nil)
		errc <- err
	}()
	// The run's own timeout and the run-sync wait are the two timers.
	if !clock.WaitForTimers(ctx, 2) {
		t.Fatal("the server never started waiting")
	}
	clock.Advance(maxSyncWait)
	err := <-errc

	var te *RunSyncTimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *RunSyncTimeoutError", err)
	}
	if !errors.Is(err, ErrTimeout) {
		t.Error("a run-sync timeout does not match ErrTimeout")
	}
	runs := srv.Runs()
	if len(runs) != 1 || te.RunID != runs[0].ID || runs[0].Status != apifytest.StatusRunning {
		t.Fatalf("RunID %q; runs %+v", te.RunID, runs)
	}
	msg := err.Error()
	if !strings.Contains(msg, "goes on as run "+te.RunID) || strings.Contains(msg, "(ctx") {
		t.Errorf("message %q should say the run goes on and which it is, without Go code", msg)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests; a run-sync must not be repeated", n)
	}
}

func TestRunSyncTimeoutWithoutRunID(t *testing.T) {
	srv := apifytest.NewServer(t)
	if err := srv.InjectFault(apifytest.Fault{Method: http.MethodPost, Path: "/v2/actor-tasks/*/run-sync-get-dataset-items", Status: http.StatusRequestTimeout,
		ErrorType: "run-timeout-exceeded", Message: "Actor run exceeded the timeout of 300 seconds for this API endpoint"}); err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	_, err := c.Task("jane~nightly").RunSyncItemsTo(testCtx(t), nil, &bytes.Buffer{}, nil)
	var te *RunSyncTimeoutError
	if !errors.As(err, &te) || te.TaskID != "jane~nightly" || te.RunID != "" {
		t.Fatalf("err = %#v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "task jane~nightly") || !strings.Contains(msg, "newest run of the task") || strings.Contains(msg, "(ctx") {
		t.Errorf("message %q should say how to find the run, without Go code", msg)
	}
}

func TestRunSyncGetDatasetItemsFormats(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "products", productsActor(3))
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)

	var buf bytes.Buffer
	n, err := c.Actor(actorID).RunSyncItemsTo(ctx, nil, &buf, &RunSyncItemsOptions{Format: "jsonl", Items: &ItemsOptions{Fields: []string{"sku"}, Limit: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "{\"sku\":\"PA\"}\n{\"sku\":\"PB\"}\n" || n != int64(buf.Len()) {
		t.Errorf("jsonl %q (%d bytes reported)", got, n)
	}

	buf.Reset()
	bom := false
	if _, err := c.Actor(actorID).RunSyncItemsTo(ctx, nil, &buf, &RunSyncItemsOptions{Format: "csv", BOM: &bom, Items: &ItemsOptions{Desc: true}}); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(buf.String()), "\n"); len(lines) != 4 || !strings.Contains(lines[1], "PC") {
		t.Errorf("csv %q", buf.String())
	}

	if _, err := c.Actor(actorID).RunSyncItemsTo(ctx, nil, &buf, &RunSyncItemsOptions{Format: "pdf"}); err == nil {
		t.Error("format pdf accepted")
	}
	if _, err := c.Actor(actorID).RunSyncItemsTo(ctx, nil, nil, nil); err == nil {
		t.Error("nil writer accepted")
	}
}

func TestRunSyncGetDatasetItemsPassesFormatAndOptions(t *testing.T) {
	srv := apifytest.NewServer(t, apifytest.WithUsername("jane"))
	var input atomic.Value
	addActor(t, srv, "products", func(ctx context.Context, run *apifytest.ActorRun) error {
		input.Store(run.InputContentType() + " " + string(run.Input()))
		for i := range 7 {
			if err := run.PushItems(map[string]any{"n": i}); err != nil {
				return err
			}
		}
		return nil
	})
	var buf bytes.Buffer
	_, err := fakeClient(t, srv, nil).Actor("jane/products").RunSyncItemsTo(testCtx(t), []byte("q=shoes"), &buf,
		&RunSyncItemsOptions{RunOptions: RunOptions{MemoryMB: 256, ContentType: "text/plain"}, Format: "XLSX",
			Items: &ItemsOptions{Clean: true, Offset: 5}, Delimiter: ";", SkipHeaderRow: true})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("PK\x03\x04")) {
		t.Errorf("copied %q, want a spreadsheet", buf.Bytes())
	}
	if got := input.Load(); got != "text/plain q=shoes" {
		t.Errorf("the Actor read %q", got)
	}
	r := srv.Requests()[0]
	q := r.Query
	if r.Path != "/v2/actors/jane~products/run-sync-get-dataset-items" || q.Get("format") != "xlsx" || q.Get("memory") != "256" ||
		q.Get("clean") != "1" || q.Get("offset") != "5" || q.Get("delimiter") != ";" || q.Get("skipHeaderRow") != "1" {
		t.Errorf("request %s?%s", r.Path, q.Encode())
	}
	if string(r.Body) != "q=shoes" || r.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("body %q as %q", r.Body, r.Header.Get("Content-Type"))
	}
}

func TestRunSyncDatasetItemsIterates(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "products", productsActor(4))
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)

	type product struct {
		SKU   string `json:"sku"`
		Price int    `json:"price"`
	}
	var skus []string
	for p, err := range RunSyncItems[product](ctx, c.Actor(actorID), nil, nil) {
		if err != nil {
			t.Fatal(err)
		}
		skus = append(skus, p.SKU)
	}
	if strings.Join(skus, ",") != "PA,PB,PC,PD" {
		t.Errorf("skus %v", skus)
	}

	var raws []string
	for raw, err := range RunSyncItems[json.RawMessage](ctx, c.Actor(actorID), nil, &RunSyncItemsOptions{Items: &ItemsOptions{Fields: []string{"price"}}}) {
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, string(raw))
		if len(raws) == 2 {
			break
		}
	}
	if strings.Join(raws, " ") != `{"price":1} {"price":2}` {
		t.Errorf("raw %v", raws)
	}

	for _, err := range RunSyncItems[product](ctx, c.Actor(actorID), nil, &RunSyncItemsOptions{Format: "csv"}) {
		if err == nil || !strings.Contains(err.Error(), "RunSyncItemsTo") {
			t.Errorf("csv for an iterator: err = %v", err)
		}
	}
	for _, err := range RunSyncItems[product](ctx, c.Task("jane~missing"), nil, nil) {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("missing task: err = %v", err)
		}
	}
}

func TestDecodeJSONArrayErrors(t *testing.T) {
	for body, want := range map[string]string{
		`{"not":"array"}`: "not a JSON array",
		`[{"a":1},{"a":`:  "reading item 1",
		`[{"a":"x"}]`:     "decoding item 0",
		``:                "reading the items array",
	} {
		var errs []error
		for _, err := range decodeJSONArray[struct{ A int }](strings.NewReader(body), json.Unmarshal) {
			if err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), want) {
			t.Errorf("%q: errors %v, want one with %q", body, errs, want)
		}
	}
}
