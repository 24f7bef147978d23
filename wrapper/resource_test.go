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

// TestResourcePaths checks the method, path (as sent, escaped) and query every
// kind of resource client sends, composed ones included, on apifytest: each
// call must also work there.
func TestResourcePaths(t *testing.T) {
	srv := apifytest.NewServer(t, apifytest.WithUsername("jane"))
	release := make(chan struct{})
	defer close(release)
	scraper := addActor(t, srv, "web-scraper", func(ctx context.Context, run *apifytest.ActorRun) error {
		var in struct{ Hold bool }
		if err := run.DecodeInput(&in); err != nil {
			return err
		}
		if in.Hold {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return run.SetRecord("OUTPUT", []byte(`{"ok":true}`), "application/json")
	}, apifytest.ActorOptions{ChargeEvents: map[string]apifytest.ChargeEvent{"page": {PriceUSD: 0.01}}})
	doomed := addActor(t, srv, "doomed", func(context.Context, *apifytest.ActorRun) error { return nil })
	if _, err := srv.AddTask(scraper, "nightly", nil); err != nil {
		t.Fatal(err)
	}
	store, _ := srv.AddKeyValueStore("")
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	run, err := c.Task("jane/nightly").Call(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	hook, err := c.Webhooks().Create(ctx, &WebhookCreate{RequestURL: "https://example.com/hook", EventTypes: []WebhookEventType{EventRunFailed},
		Condition: gen.WebhookCondition{ActorID: nullable.NewNullableWithValue(scraper)}})
	if err != nil {
		t.Fatal(err)
	}
	dispatch, err := c.Webhook(hook.ID).Test(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sched, err := c.Schedules().Create(ctx, &ScheduleCreate{Name: Value("s"), CronExpression: Value("@daily")})
	if err != nil {
		t.Fatal(err)
	}
	drain := func(seq func(func(KeyValueStoreKey, error) bool)) error {
		for _, err := range seq {
			if err != nil {
				return err
			}
		}
		return nil
	}
	last := c.Task("jane/nightly").LastRun(&LastRunOptions{Status: RunSucceeded, Origin: OriginAPI})
	calls := []struct {
		call func() error
		want string
	}{
		{func() error { _, err := c.Actor("jane/web-scraper").Get(ctx); return err }, "GET /v2/actors/jane~web-scraper"},
		{func() error { return c.Actor(doomed).Delete(ctx) }, "DELETE /v2/actors/" + doomed},
		{func() error { _, err := c.Actor(scraper).Version("0.0").Get(ctx); return err }, "GET /v2/actors/" + scraper + "/versions/0.0"},
		{func() error { _, err := c.Task("jane/nightly").Get(ctx); return err }, "GET /v2/actor-tasks/jane~nightly"},
		{func() error { _, err := c.Run(run.ID).Get(ctx); return err }, "GET /v2/actor-runs/" + run.ID},
		{func() error { _, err := c.Build(run.BuildID).Get(ctx); return err }, "GET /v2/actor-builds/" + run.BuildID},
		{func() error { _, err := c.Dataset(run.DefaultDatasetID).Get(ctx); return err }, "GET /v2/datasets/" + run.DefaultDatasetID},
		{func() error { return c.KeyValueStore(store).Delete(ctx) }, "DELETE /v2/key-value-stores/" + store},
		{func() error { _, err := c.RequestQueue(run.DefaultRequestQueueID).Get(ctx); return err }, "GET /v2/request-queues/" + run.DefaultRequestQueueID},
		{func() error { _, err := c.Webhook(hook.ID).Get(ctx); return err }, "GET /v2/webhooks/" + hook.ID},
		{func() error { _, err := c.WebhookDispatch(dispatch.ID).Get(ctx); return err }, "GET /v2/webhook-dispatches/" + dispatch.ID},
		{func() error { return c.Schedule(sched.ID).Delete(ctx) }, "DELETE /v2/schedules/" + sched.ID},
		{func() error { _, err := c.User("me").Get(ctx); return err }, "GET /v2/users/me"},
		{func() error { _, err := c.Log(run.ID).Get(ctx); return err }, "GET /v2/logs/" + run.ID},
		{func() error { _, err := c.Datasets().GetOrCreate(ctx, "mine"); return err }, "POST /v2/datasets?name=mine"},
		{func() error { _, err := c.RequestQueues().GetOrCreate(ctx, ""); return err }, "POST /v2/request-queues"},
		{func() error { _, err := last.Get(ctx); return err }, "GET /v2/actor-tasks/jane~nightly/runs/last?origin=API&status=SUCCEEDED"},
		{func() error { _, err := last.KeyValueStore().GetRecord(ctx, "OUTPUT"); return err },
			"GET /v2/actor-tasks/jane~nightly/runs/last/key-value-store/records/OUTPUT?origin=API&status=SUCCEEDED"},
		{func() error { return drain(last.KeyValueStore().ListKeys(ctx, nil)) },
			"GET /v2/actor-tasks/jane~nightly/runs/last/key-value-store/keys?limit=1000&origin=API&status=SUCCEEDED"},
		{func() error {
			_, err := c.Run(run.ID).RequestQueue(&RequestQueueOptions{ClientKey: "me"}).LockHead(ctx, nil)
			return err
		},
			"POST /v2/actor-runs/" + run.ID + "/request-queue/head/lock?clientKey=me&limit=25&lockSecs=60"},
		{func() error { _, err := c.Run(run.ID).Dataset().Get(ctx); return err }, "GET /v2/actor-runs/" + run.ID + "/dataset"},
		{func() error { _, err := last.Abort(ctx, nil); return err }, "POST /v2/actor-tasks/jane~nightly/runs/last/abort?origin=API&status=SUCCEEDED"},
	}
	for _, tc := range calls {
		srv.ResetRequests()
		if err := tc.call(); err != nil {
			t.Errorf("%s: %v", tc.want, err)
			continue
		}
		reqs := srv.Requests()
		if len(reqs) != 1 {
			t.Errorf("%s: %d requests", tc.want, len(reqs))
			continue
		}
		got := reqs[0].Method + " " + reqs[0].EscapedPath
		if q := reqs[0].Query.Encode(); q != "" {
			got += "?" + q
		}
		if got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}

	// A last run is looked up once for what the API offers only by run ID.
	held, err := c.Task("jane/nightly").Start(ctx, map[string]any{"hold": true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	running := c.Task("jane/nightly").LastRun(&LastRunOptions{Status: RunRunning})
	if err := running.Charge(ctx, "page", 2, &ChargeOptions{IdempotencyKey: "k1"}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 || reqs[0].EscapedPath != "/v2/actor-tasks/jane~nightly/runs/last" ||
		reqs[1].EscapedPath != "/v2/actor-runs/"+held.ID+"/charge" || reqs[1].Header.Get("Idempotency-Key") != "k1" {
		t.Errorf("charge of the last run: %+v", reqs)
	}
	if events, _, err := srv.ChargedEvents(held.ID); err != nil || events["page"] != 2 {
		t.Errorf("charged %v, %v; want 2 page events", events, err)
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
