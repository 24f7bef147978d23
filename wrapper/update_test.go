package apify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apifygo/apify/wrapper/apifytest"
	"github.com/oapi-codegen/nullable"
)

func TestActorVersionEnvVarUpdates(t *testing.T) {
	srv := apifytest.NewServer(t)
	addActor(t, srv, "editor", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	actor := c.Actor(srv.Username() + "/editor")

	a, err := actor.Update(ctx, &ActorUpdate{Title: nullable.NewNullableWithValue("The Editor")})
	if err != nil {
		t.Fatal(err)
	}
	if title, _ := a.Title.Get(); title != "The Editor" {
		t.Errorf("Update: title %q", title)
	}
	if _, err := actor.Update(ctx, nil); err == nil {
		t.Error("Update(nil): nil error")
	}

	v := actor.Version("0.0")
	ver, err := v.Update(ctx, &ActorVersionUpdate{BuildTag: nullable.NewNullableWithValue("beta")})
	if err != nil {
		t.Fatal(err)
	}
	if tag, _ := ver.BuildTag.Get(); tag != "beta" {
		t.Errorf("version Update: build tag %q", tag)
	}

	if _, err := v.EnvVars().Create(ctx, &EnvVarSpec{Name: "API_KEY", Value: "s3cret", IsSecret: nullable.NewNullableWithValue(true)}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.EnvVars().Create(ctx, &EnvVarSpec{Name: "MODE", Value: "fast"}); err != nil {
		t.Fatal(err)
	}
	names := map[string]*string{}
	for e, err := range v.EnvVars().List(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		names[e.Name] = e.Value
	}
	// The document's EnvVar schema: a secret's value "isn't returned by the API".
	if _, ok := names["API_KEY"]; len(names) != 2 || !ok || names["API_KEY"] != nil || names["MODE"] == nil || *names["MODE"] != "fast" {
		t.Errorf("env vars listed: %v (a secret's value must not come back at all)", names)
	}
	e, err := v.EnvVar("MODE").Update(ctx, &EnvVarSpec{Name: "MODE", Value: "slow"})
	if err != nil || e.Value == nil || *e.Value != "slow" {
		t.Fatalf("EnvVar Update = %v, %v", e, err)
	}
	if e, err := v.EnvVar("MODE").Get(ctx); err != nil || *e.Value != "slow" {
		t.Fatalf("EnvVar Get = %v, %v", e, err)
	}
	if err := v.EnvVar("MODE").Delete(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := v.EnvVar("MODE").Get(ctx); !errors.Is(err, ErrNotFound) {
		t.Errorf("EnvVar Get after Delete: %v", err)
	}
	if _, err := v.EnvVar("").Get(ctx); err == nil {
		t.Error(`EnvVar("") Get: nil error`)
	}
}

func TestTaskUpdateAndInput(t *testing.T) {
	srv := apifytest.NewServer(t)
	addActor(t, srv, "echo", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	taskID, err := srv.AddTask("echo", "nightly", map[string]any{"depth": 1})
	if err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	task := c.Task(taskID)

	in, err := task.GetInput(ctx)
	if err != nil || in["depth"] != float64(1) {
		t.Fatalf("GetInput = %v, %v", in, err)
	}
	in, err = task.UpdateInput(ctx, map[string]any{"depth": 3, "url": "https://example.com"})
	if err != nil || in["depth"] != float64(3) {
		t.Fatalf("UpdateInput = %v, %v", in, err)
	}
	if in, err = task.GetInput(ctx); err != nil || in["url"] != "https://example.com" {
		t.Fatalf("GetInput after UpdateInput = %v, %v", in, err)
	}
	if _, err := task.UpdateInput(ctx, nil); err == nil {
		t.Error("UpdateInput(nil): nil error")
	}
	name := "weekly"
	updated, err := task.Update(ctx, &TaskUpdate{Name: &name})
	if err != nil || updated.Name != "weekly" {
		t.Fatalf("Update = %v, %v", updated, err)
	}
	if got, err := c.Task(srv.Username() + "/weekly").Get(ctx); err != nil || got.ID != taskID {
		t.Errorf("the renamed task by name: %v, %v", got, err)
	}
}

func TestStorageUpdates(t *testing.T) {
	srv := apifytest.NewServer(t)
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	access := AccessAnyoneWithIDCanRead

	ds, err := c.Datasets().GetOrCreate(ctx, "old-items")
	if err != nil {
		t.Fatal(err)
	}
	ds, err = c.Dataset(ds.ID).Update(ctx, &DatasetUpdate{Name: nullable.NewNullableWithValue("new-items"), GeneralAccess: &access})
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := ds.Name.Get(); name != "new-items" {
		t.Errorf("dataset renamed to %q", name)
	}
	if _, err := c.Dataset(srv.Username() + "/new-items").Get(ctx); err != nil {
		t.Errorf("the renamed dataset by name: %v", err)
	}

	kv, err := c.KeyValueStores().GetOrCreate(ctx, "old-store")
	if err != nil {
		t.Fatal(err)
	}
	kv, err = c.KeyValueStore(kv.ID).Update(ctx, &KeyValueStoreUpdate{Name: nullable.NewNullableWithValue("new-store")})
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := kv.Name.Get(); name != "new-store" {
		t.Errorf("store renamed to %q", name)
	}

	rq, err := c.RequestQueues().GetOrCreate(ctx, "old-queue")
	if err != nil {
		t.Fatal(err)
	}
	rq, err = c.RequestQueue(rq.ID).Update(ctx, &RequestQueueUpdate{Name: nullable.NewNullableWithValue("new-queue")})
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := rq.Name.Get(); name != "new-queue" {
		t.Errorf("queue renamed to %q", name)
	}

	dsID, _ := srv.AddDataset("", map[string]any{"price": 3}, map[string]any{"price": 5, "name": "x"})
	stats, err := c.Dataset(dsID).Statistics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fields, _ := stats.FieldStatistics.Get()
	if _, ok := fields["price"]; !ok {
		t.Errorf("Statistics: no price field in %v", fields)
	}
}

func TestRunStatusMessageAndDelete(t *testing.T) {
	srv := apifytest.NewServer(t)
	release := make(chan struct{})
	addActor(t, srv, "worker", func(ctx context.Context, run *apifytest.ActorRun) error {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	})
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	run, err := c.Actor(srv.Username()+"/worker").Start(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Run(run.ID).SetStatusMessage(ctx, "Crawled 3 of 10 pages", nil)
	if err != nil {
		t.Fatal(err)
	}
	if msg, _ := got.StatusMessage.Get(); msg != "Crawled 3 of 10 pages" {
		t.Errorf("status message %q", msg)
	}
	last := c.Actor(srv.Username() + "/worker").LastRun()
	got, err = last.SetStatusMessage(ctx, "Done", &StatusMessageOptions{Terminal: true})
	if err != nil || got.ID != run.ID {
		t.Fatalf("last run SetStatusMessage = %v, %v", got, err)
	}
	if term, _ := got.IsStatusMessageTerminal.Get(); !term {
		t.Error("the terminal flag was not set")
	}
	if _, err := c.Run(run.ID).SetStatusMessage(ctx, "", nil); err == nil {
		t.Error("SetStatusMessage(\"\"): nil error")
	}
	close(release)
	if _, err := c.Run(run.ID).Wait(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := last.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(run.ID).Get(ctx); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
}

func TestWebhookUpdateAndTest(t *testing.T) {
	delivered := make(chan string, 4)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		delivered <- string(body)
	}))
	defer receiver.Close()
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "hooked", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)

	hook, err := c.Webhooks().Create(ctx, &WebhookCreate{
		RequestURL: receiver.URL + "/old",
		EventTypes: []WebhookEventType{EventRunFailed},
		Condition:  WebhookCondition{ActorID: nullable.NewNullableWithValue(actorID)},
	})
	if err != nil {
		t.Fatal(err)
	}
	updated, err := c.Webhook(hook.ID).Update(ctx, &WebhookUpdate{
		RequestURL: nullable.NewNullableWithValue(receiver.URL + "/new"),
		EventTypes: nullable.NewNullableWithValue([]WebhookEventType{EventRunSucceeded, EventRunFailed}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := updated.RequestURL.Get(); !strings.HasSuffix(u, "/new") || len(updated.EventTypes) != 2 {
		t.Errorf("Update: %s %v", u, updated.EventTypes)
	}
	d, err := c.Webhook(hook.ID).Test(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.EventType != EventTest || d.WebhookID != hook.ID {
		t.Errorf("Test dispatch: %s for %s", d.EventType, d.WebhookID)
	}
	body := <-delivered
	var payload map[string]any
	if err := json.Unmarshal([]byte(body), &payload); err != nil || payload["eventType"] != string(EventTest) {
		t.Errorf("delivered %q (%v)", body, err)
	}
	got, err := c.WebhookDispatch(d.ID).Get(ctx)
	if err != nil || got.ID != d.ID {
		t.Fatalf("WebhookDispatch Get = %v, %v", got, err)
	}
	n := 0
	for _, err := range c.Webhook(hook.ID).Dispatches().List(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("the webhook has %d dispatches, want 1", n)
	}
}
