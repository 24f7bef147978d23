package apify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/apifygo/apify/gen"
	"github.com/apifygo/apify/wrapper/apifytest"
	"github.com/oapi-codegen/nullable"
)

// TestDoneWhenShape is the acceptance code, against the fake API:
// call an Actor, read its run's dataset, then reach the last successful
// run's queue, store and log through LastRun, with a failed run after it.
func TestDoneWhenShape(t *testing.T) {
	srv := apifytest.NewServer(t, apifytest.WithUsername("jane"))
	addActor(t, srv, "scraper", func(ctx context.Context, run *apifytest.ActorRun) error {
		var in struct{ Fail bool }
		if err := run.DecodeInput(&in); err != nil {
			return err
		}
		if in.Fail {
			return errors.New("boom")
		}
		run.Logf("scraping")
		if err := run.PushItems(map[string]any{"sku": "A1"}, map[string]any{"sku": "B2"}); err != nil {
			return err
		}
		return run.SetOutput(map[string]int{"count": 2})
	})
	client := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	type product struct{ SKU string }

	run, err := client.Actor("jane/scraper").Call(ctx, map[string]any{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var skus []string
	for p, err := range Items[product](ctx, client.Run(run.ID).Dataset(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		skus = append(skus, p.SKU)
	}
	if strings.Join(skus, ",") != "A1,B2" {
		t.Errorf("items %v", skus)
	}
	var failed *RunFailedError
	if _, err := client.Actor("jane/scraper").Call(ctx, map[string]any{"fail": true}, nil); !errors.As(err, &failed) {
		t.Fatalf("failed run: %v", err)
	}

	last := client.Actor("jane/scraper").LastRun(&LastRunOptions{Status: RunSucceeded})
	got, err := last.Get(ctx)
	if err != nil || got.ID != run.ID {
		t.Fatalf("last succeeded run = %v, %v; want %s", got, err, run.ID)
	}
	if any, err := client.Actor("jane/scraper").LastRun().Get(ctx); err != nil || any.ID != failed.Run.ID {
		t.Errorf("last run = %v, %v; want the failed %s", any, err, failed.Run.ID)
	}
	if _, err := last.RequestQueue().AddRequests(ctx, []QueueRequest{{URL: "https://example.com/1"}, {URL: "https://example.com/2"}}, nil); err != nil {
		t.Fatal(err)
	}
	head, err := last.RequestQueue().LockHead(ctx, nil)
	if err != nil || len(head.Items) != 2 {
		t.Fatalf("LockHead = %+v, %v", head, err)
	}
	rec, err := client.KeyValueStore(run.DefaultKeyValueStoreID).GetRecord(ctx, "OUTPUT")
	if err != nil || !strings.Contains(string(rec.Value), `"count":2`) {
		t.Fatalf("OUTPUT = %v, %v", rec, err)
	}
	out, err := GetRecordJSON[map[string]int](ctx, last.KeyValueStore(), "OUTPUT")
	if err != nil || (*out)["count"] != 2 {
		t.Errorf("last run's OUTPUT = %v, %v", out, err)
	}
	if log, err := last.Log().Get(ctx); err != nil || !strings.Contains(log, "scraping") {
		t.Errorf("last run's log = %q, %v", log, err)
	}
	if w, err := last.Wait(ctx, nil); err != nil || w.ID != run.ID || w.Status != RunSucceeded {
		t.Errorf("Wait on the last run = %v, %v", w, err)
	}
	if ds, err := last.Dataset().Get(ctx); err != nil || ds.ID != run.DefaultDatasetID {
		t.Errorf("last run's dataset = %v, %v", ds, err)
	}
	n := 0
	for _, err := range last.KeyValueStore().ListKeys(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n == 0 {
		t.Error("the last run's store lists no keys")
	}
}

// TestResourcePaths checks the method, path and query every kind of
// resource client sends, composed ones included.
func TestResourcePaths(t *testing.T) {
	// A stub, not apifytest: it answers every made-up ID and records the escaped path.
	s := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/keys") || strings.HasSuffix(r.URL.Path, "/requests"):
			writeData(w, http.StatusOK, map[string]any{"items": []any{}})
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		default:
			writeData(w, http.StatusOK, runJSON("run1", "SUCCEEDED"))
		}
	})
	c := s.client(t, nil)
	ctx := testCtx(t)
	drain := func(seq func(func(KeyValueStoreKey, error) bool)) {
		for _, err := range seq {
			if err != nil {
				t.Error(err)
			}
		}
	}
	last := c.Task("jane/nightly").LastRun(&LastRunOptions{Status: RunSucceeded, Origin: OriginScheduler})
	calls := []struct {
		call func() error
		want string
	}{
		{func() error { _, err := c.Actor("jane/web-scraper").Get(ctx); return err }, "GET /v2/actors/jane~web-scraper"},
		{func() error { return c.Actor("a").Delete(ctx) }, "DELETE /v2/actors/a"},
		{func() error { _, err := c.Actor("a").Version("0.1").Get(ctx); return err }, "GET /v2/actors/a/versions/0.1"},
		{func() error { _, err := c.Task("t").Get(ctx); return err }, "GET /v2/actor-tasks/t"},
		{func() error { _, err := c.Run("r").Get(ctx); return err }, "GET /v2/actor-runs/r"},
		{func() error { _, err := c.Build("b").Get(ctx); return err }, "GET /v2/actor-builds/b"},
		{func() error { _, err := c.Dataset("d").Get(ctx); return err }, "GET /v2/datasets/d"},
		{func() error { return c.KeyValueStore("k").Delete(ctx) }, "DELETE /v2/key-value-stores/k"},
		{func() error { _, err := c.RequestQueue("q").Get(ctx); return err }, "GET /v2/request-queues/q"},
		{func() error { _, err := c.Webhook("w").Get(ctx); return err }, "GET /v2/webhooks/w"},
		{func() error { _, err := c.WebhookDispatch("x").Get(ctx); return err }, "GET /v2/webhook-dispatches/x"},
		{func() error { return c.Schedule("s").Delete(ctx) }, "DELETE /v2/schedules/s"},
		{func() error { _, err := c.User("me").Get(ctx); return err }, "GET /v2/users/me"},
		{func() error { _, err := c.Log("r").Get(ctx); return err }, "GET /v2/logs/r"},
		{func() error { _, err := c.Datasets().GetOrCreate(ctx, "mine"); return err }, "POST /v2/datasets?name=mine"},
		{func() error { _, err := c.RequestQueues().GetOrCreate(ctx, ""); return err }, "POST /v2/request-queues"},
		{func() error { _, err := last.Get(ctx); return err }, "GET /v2/actor-tasks/jane~nightly/runs/last?origin=SCHEDULER&status=SUCCEEDED"},
		{func() error { _, err := last.Abort(ctx, nil); return err }, "POST /v2/actor-tasks/jane~nightly/runs/last/abort?origin=SCHEDULER&status=SUCCEEDED"},
		{func() error { _, err := last.KeyValueStore().GetRecord(ctx, "OUTPUT"); return err },
			"GET /v2/actor-tasks/jane~nightly/runs/last/key-value-store/records/OUTPUT?origin=SCHEDULER&status=SUCCEEDED"},
		{func() error { drain(last.KeyValueStore().ListKeys(ctx, nil)); return nil },
			"GET /v2/actor-tasks/jane~nightly/runs/last/key-value-store/keys?limit=1000&origin=SCHEDULER&status=SUCCEEDED"},
		{func() error {
			_, err := c.Run("r").RequestQueue(&RequestQueueOptions{ClientKey: "me"}).LockHead(ctx, nil)
			return err
		},
			"POST /v2/actor-runs/r/request-queue/head/lock?clientKey=me&limit=25&lockSecs=60"},
		{func() error { _, err := c.Run("r").Dataset().Get(ctx); return err }, "GET /v2/actor-runs/r/dataset"},
	}
	for _, tc := range calls {
		before := len(s.requests())
		if err := tc.call(); err != nil {
			t.Errorf("%s: %v", tc.want, err)
			continue
		}
		reqs := s.requests()[before:]
		if len(reqs) != 1 {
			t.Errorf("%s: %d requests", tc.want, len(reqs))
			continue
		}
		got := reqs[0].Method + " " + reqs[0].RawPath
		if reqs[0].Query != "" {
			got += "?" + reqs[0].Query
		}
		if got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}

	// A last run is looked up once for what the API offers only by run ID.
	before := len(s.requests())
	if err := last.Charge(ctx, "page", 2, &ChargeOptions{IdempotencyKey: "k1"}); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()[before:]
	if len(reqs) != 2 || reqs[1].RawPath != "/v2/actor-runs/run1/charge" || reqs[1].Header.Get("Idempotency-Key") != "k1" {
		t.Errorf("charge of the last run: %+v", reqs)
	}
}

func TestResourceIDs(t *testing.T) {
	for id, want := range map[string]string{
		"HG7ML7M8z78YcAPEB": "HG7ML7M8z78YcAPEB",
		"jane/scraper":      "jane~scraper",
		"jane~scraper":      "jane~scraper",
		"jane/web scraper":  "jane~web%20scraper",
	} {
		if got, err := resourceID("actorID", id); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", id, got, err, want)
		}
	}
	for _, id := range []string{"", " ", " a", "a ", ".", "..", "/a", "a/", "a/b/c", "a\nb", "/"} {
		if got, err := resourceID("actorID", id); err == nil || !strings.Contains(err.Error(), "actorID") {
			t.Errorf("%q: %q, %v; want an error naming actorID", id, got, err)
		}
	}
	// The handle keeps the error and every method returns it, sending nothing.
	srv := apifytest.NewServer(t)
	c := fakeClient(t, srv, nil)
	defer func() {
		for _, r := range srv.Requests() {
			t.Errorf("request sent: %s %s", r.Method, r.Path)
		}
	}()
	if _, err := c.Actor("a/b/c").LastRun().Dataset().Get(testCtx(t)); err == nil || !strings.Contains(err.Error(), "actorID") {
		t.Errorf("composed client of an invalid ID: %v", err)
	}
	if _, err := c.Actor("a").Version("../x").Get(testCtx(t)); err == nil {
		t.Error("version ../x accepted")
	}
	if _, err := c.Run("r").Metamorph(testCtx(t), "", nil, nil); err == nil || !strings.Contains(err.Error(), "targetActorID") {
		t.Errorf("empty target: %v", err)
	}
}

func TestCollectionCreate(t *testing.T) {
	srv := apifytest.NewServer(t, apifytest.WithUsername("jane"))
	actorID := addActor(t, srv, "scraper", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	name := "nightly"
	task, err := c.Tasks().Create(ctx, &TaskCreate{ActID: actorID, Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Task("jane/nightly").Get(ctx)
	if err != nil || got.ID != task.ID {
		t.Fatalf("created task %s, got %v, %v", task.ID, got, err)
	}
	if _, err := c.Tasks().Create(ctx, nil); err == nil {
		t.Error("nil body accepted")
	}

	// A webhook create with an idempotency key is retried after a 5xx;
	// without one it is not (the first attempt may have created it).
	fail := apifytest.Fault{Method: http.MethodPost, Path: "/v2/webhooks", Status: http.StatusInternalServerError}
	if err := srv.InjectFault(fail); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	hook := &WebhookCreate{RequestURL: "https://example.com/hook", EventTypes: []WebhookEventType{EventRunFailed},
		Condition: gen.WebhookCondition{ActorID: nullable.NewNullableWithValue(actorID)}}
	if _, err := c.Webhooks().Create(ctx, hook); err == nil || len(srv.Requests()) != 1 {
		t.Errorf("without a key: %v after %d requests, want an error after 1", err, len(srv.Requests()))
	}
	if err := srv.InjectFault(fail); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	hook.IdempotencyKey = nullable.NewNullableWithValue("k1")
	wh, err := c.Webhooks().Create(ctx, hook)
	if posts := len(srv.Requests()); err != nil || wh.ID == "" || wh.RequestURL.MustGet() != "https://example.com/hook" || posts != 2 {
		t.Errorf("with a key: %v, %v after %d requests", wh, err, posts)
	}
	reqs := srv.Requests()
	if last := reqs[len(reqs)-1]; last.Method != http.MethodPost || last.Path != "/v2/webhooks" || !strings.Contains(string(last.Body), `"idempotencyKey":"k1"`) {
		t.Errorf("request %s %s %s", last.Method, last.Path, last.Body)
	}
	if again, err := c.Webhooks().Create(ctx, hook); err != nil || again.ID != wh.ID {
		t.Errorf("the same key again: %v, %v; want webhook %s", again, err, wh.ID)
	}
	if _, err := c.Actor("a").Webhooks().Create(ctx, hook); err == nil {
		t.Error("create through an Actor's webhooks accepted")
	}
}

// TestLogByIDOfABuild follows a log by ID that belongs to a build: the run
// look-up answers 404, so the build's status tells when the log is complete.
func TestLogByIDOfABuild(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "built", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	var buildID string
	for b, err := range c.Actor(actorID).Builds().List(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		buildID = b.ID
	}
	want, err := c.Log(buildID).Get(ctx)
	if err != nil || !strings.Contains(want, "Build of version 0.0 finished") {
		t.Fatalf("build log %q, %v", want, err)
	}
	srv.ResetRequests()
	var b strings.Builder
	if err := c.Log(buildID).Follow(ctx, &b, nil); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Errorf("log %q, want %q", b.String(), want)
	}
	var lookedUp []string
	for _, r := range srv.Requests() {
		if !strings.HasPrefix(r.Path, "/v2/logs/") {
			lookedUp = append(lookedUp, fmt.Sprintf("%s %d", r.Path, r.Status))
		}
	}
	if len(lookedUp) == 0 || lookedUp[len(lookedUp)-1] != "/v2/actor-builds/"+buildID+" 200" {
		t.Errorf("look-ups %v, want the build's status last", lookedUp)
	}
}
