package apify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apifygo/apify/gen"
	"github.com/apifygo/apify/wrapper/apifytest"
	"github.com/oapi-codegen/nullable"
)

func iterList(n int) []json.RawMessage {
	out := make([]json.RawMessage, n)
	for i := range out {
		out[i] = json.RawMessage(fmt.Sprintf(`{"id":"id%05d","name":"n%d","username":"ü","createdAt":"2026-01-02T03:04:05Z"}`, i, i))
	}
	return out
}

// TestListOffsetEnvelope stays on iterFake for its stale total (apifytest's
// totals are always exact).
func TestListOffsetEnvelope(t *testing.T) {
	f, c := newIterFake(t)
	f.list = iterList(2345)
	f.staleTotal = 3 // a lagging total must not end the listing early
	var ids []string
	for a, err := range c.Actors().List(context.Background(), &ActorListOptions{My: true, SortBy: "stats.lastRunStartedAt", ListOptions: ListOptions{Desc: true}}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	if len(ids) != 2345 || ids[0] != "id00000" || ids[2344] != "id02344" {
		t.Fatalf("%d actors, first %v", len(ids), ids[:1])
	}
	reqs := f.requestsTo("/v2/actors")
	if len(reqs) != 3 {
		t.Errorf("%d requests for 2345 actors by 1000, want 3", len(reqs))
	}
	for i, r := range reqs {
		q := r.URL.Query()
		if q.Get("offset") != strconv.Itoa(i*1000) || q.Get("limit") != "1000" || q.Get("my") != "1" ||
			q.Get("desc") != "1" || q.Get("sortBy") != "stats.lastRunStartedAt" {
			t.Errorf("request %d query %v", i, q)
		}
	}
}

func TestListOffsetCapAndWindow(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "quick", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	c := fakeClient(t, srv, nil)
	for range 40 {
		if _, err := c.Actor(actorID).Call(context.Background(), nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	srv.ResetRequests()
	after := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	n := 0
	for _, err := range c.Runs().List(context.Background(), &RunListOptions{ListOptions: ListOptions{Offset: 10, Limit: 25, PageSize: 10}, Status: []JobStatus{RunSucceeded, RunFailed}, StartedAfter: after}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 25 {
		t.Fatalf("%d runs, want 25", n)
	}
	reqs := requestsTo(srv, "/v2/actor-runs")
	var limits []string
	for _, r := range reqs {
		limits = append(limits, r.Query.Get("offset")+"/"+r.Query.Get("limit"))
	}
	if strings.Join(limits, " ") != "10/10 20/10 30/5" {
		t.Errorf("offset/limit of requests: %v", limits)
	}
	q := reqs[0].Query
	if q.Get("status") != "SUCCEEDED,FAILED" || q.Get("startedAfter") != "2026-01-02T02:04:05Z" || q.Has("startedBefore") {
		t.Errorf("query %v", q)
	}
}

// TestListEveryOffsetEndpoint runs each offset-envelope iterator once against
// apifytest, through a base URL with a path, checking the path it calls, the
// number of items the fake holds there, and that they decode into the
// generated type.
func TestListEveryOffsetEndpoint(t *testing.T) {
	srv := apifytest.NewServer(t)
	c := clientUnderBasePath(t, srv)
	ctx := context.Background()
	user := srv.Username()
	noop := func(context.Context, *apifytest.ActorRun) error { return nil }
	act := addActor(t, srv, "act", noop)
	addActor(t, srv, "act2", noop)
	addActor(t, srv, "act3", noop)
	tk, _ := srv.AddTask(act, "tk", nil)
	srv.AddTask(act, "tk2", nil)
	srv.AddTask(act, "tk3", nil)
	// 3 runs of act, 2 of them through tk; each has its default storages.
	if _, err := c.Actor(act).Call(ctx, nil, nil); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := c.Task(tk).Call(ctx, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	// act has its initial build and 2 more; act2 and act3 one each.
	for range 2 {
		if _, err := c.Actor(act).Build(ctx, "0.0", nil); err != nil {
			t.Fatal(err)
		}
	}
	srv.AddDataset("named", map[string]any{"a": 1})
	var hooks []string
	for _, cond := range []gen.WebhookCondition{
		{ActorID: nullable.NewNullableWithValue(act)}, {ActorID: nullable.NewNullableWithValue(act)},
		{ActorTaskID: nullable.NewNullableWithValue(tk)},
	} {
		wh, err := c.Webhooks().Create(ctx, &WebhookCreate{RequestURL: "https://example.com/hook", EventTypes: []WebhookEventType{EventRunFailed}, Condition: cond})
		if err != nil {
			t.Fatal(err)
		}
		hooks = append(hooks, wh.ID)
	}
	// 2 dispatches of the first webhook, 1 of the second.
	for _, id := range []string{hooks[0], hooks[0], hooks[1]} {
		if _, err := c.Webhook(id).Test(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		action, _ := RunActorAction(act, nil)
		if _, err := c.Schedules().Create(ctx, &ScheduleCreate{Name: Value(fmt.Sprintf("s%d", i)), CronExpression: Value("0 3 * * *"),
			IsEnabled: Value(true), Actions: ScheduleActions(action)}); err != nil {
			t.Fatal(err)
		}
	}
	for i, pricing := range []string{"FREE", "FREE", "FREE", "PAY_PER_EVENT"} {
		srv.AddStoreActor(apifytest.StoreActor{Username: "apify", Name: fmt.Sprintf("web-scraper-%d", i), Title: "Web Scraper", PricingModel: pricing})
	}
	srv.ResetRequests()
	cases := []struct {
		seq  any
		path string
		want int
	}{
		{c.Actors().List(ctx, nil), "/v2/actors", 3},
		{c.Actor(user+"/act").Runs().List(ctx, nil), "/v2/actors/" + user + "~act/runs", 3},
		{c.Actor(act).Builds().List(ctx, nil), "/v2/actors/" + act + "/builds", 3},
		{c.Actor(act).Webhooks().List(ctx, nil), "/v2/actors/" + act + "/webhooks", 2},
		{c.Tasks().List(ctx, nil), "/v2/actor-tasks", 3},
		{c.Task(tk).Runs().List(ctx, nil), "/v2/actor-tasks/" + tk + "/runs", 2},
		{c.Task(tk).Webhooks().List(ctx, nil), "/v2/actor-tasks/" + tk + "/webhooks", 1},
		{c.Runs().List(ctx, nil), "/v2/actor-runs", 3},
		{c.Builds().List(ctx, nil), "/v2/actor-builds", 5},
		{c.Datasets().List(ctx, &StorageListOptions{Unnamed: true, Ownership: "ownedByMe"}), "/v2/datasets", 4},
		{c.KeyValueStores().List(ctx, &StorageListOptions{Unnamed: true}), "/v2/key-value-stores", 3},
		{c.RequestQueues().List(ctx, &StorageListOptions{Unnamed: true}), "/v2/request-queues", 3},
		{c.Webhooks().List(ctx, nil), "/v2/webhooks", 3},
		{c.WebhookDispatches().List(ctx, nil), "/v2/webhook-dispatches", 3},
		{c.Webhook(hooks[0]).Dispatches().List(ctx, nil), "/v2/webhooks/" + hooks[0] + "/dispatches", 2},
		{c.Schedules().List(ctx, nil), "/v2/schedules", 3},
		{c.Store().List(ctx, &StoreListOptions{Search: "web scraper", PricingModel: "FREE"}), "/v2/store", 3},
	}
	for _, tc := range cases {
		n, err := countAny(tc.seq)
		if err != nil || n != tc.want {
			t.Errorf("%s: %d items, %v; want %d", tc.path, n, err, tc.want)
		}
		if len(requestsTo(srv, tc.path)) == 0 {
			t.Errorf("%s: not requested", tc.path)
		}
	}
	q := requestsTo(srv, "/v2/datasets")[0].Query
	if q.Get("unnamed") != "1" || q.Get("ownership") != "ownedByMe" {
		t.Errorf("datasets query %v", q)
	}
	q = requestsTo(srv, "/v2/store")[0].Query
	if q.Get("search") != "web scraper" || q.Get("pricingModel") != "FREE" || q.Has("desc") {
		t.Errorf("store query %v", q)
	}
}

// countAny counts the items of any iter.Seq2[T, error] the list methods return.
func countAny(seq any) (int, error) {
	switch s := seq.(type) {
	case iter.Seq2[gen.ActorShort, error]:
		return countSeq(s)
	case iter.Seq2[gen.RunShort, error]:
		return countSeq(s)
	case iter.Seq2[gen.BuildShort, error]:
		return countSeq(s)
	case iter.Seq2[gen.WebhookShort, error]:
		return countSeq(s)
	case iter.Seq2[gen.TaskShort, error]:
		return countSeq(s)
	case iter.Seq2[gen.DatasetListItem, error]:
		return countSeq(s)
	case iter.Seq2[gen.KeyValueStore, error]:
		return countSeq(s)
	case iter.Seq2[gen.RequestQueueShort, error]:
		return countSeq(s)
	case iter.Seq2[gen.WebhookDispatch, error]:
		return countSeq(s)
	case iter.Seq2[gen.ScheduleShort, error]:
		return countSeq(s)
	case iter.Seq2[gen.StoreListActor, error]:
		return countSeq(s)
	}
	return 0, fmt.Errorf("unexpected sequence type %T", seq)
}

func countSeq[T any](s iter.Seq2[T, error]) (int, error) {
	n := 0
	for _, err := range s {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func TestListKeys(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "act", func(ctx context.Context, run *apifytest.ActorRun) error {
		for i := range 2500 {
			if err := run.SetRecord(fmt.Sprintf("key-%05d", i), []byte("1"), "application/json"); err != nil {
				return err
			}
		}
		return nil
	})
	taskID, _ := srv.AddTask(actorID, "tk", nil)
	c := fakeClient(t, srv, nil)
	ctx := context.Background()
	run, err := c.Actor(actorID).Call(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Task(taskID).Call(ctx, nil, nil); err != nil {
		t.Fatal(err)
	}
	store := run.DefaultKeyValueStoreID
	srv.ResetRequests()
	var got []string
	for k, err := range c.KeyValueStore(store).ListKeys(ctx, &KeyListOptions{Prefix: "key-", PageSize: 1000}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, k.Key)
	}
	if len(got) != 2500 || got[0] != "key-00000" || got[2499] != "key-02499" {
		t.Fatalf("%d keys", len(got))
	}
	reqs := requestsTo(srv, "/v2/key-value-stores/"+store+"/keys")
	if len(reqs) != 3 || reqs[1].Query.Get("exclusiveStartKey") != "key-00999" || reqs[0].Query.Get("prefix") != "key-" {
		t.Fatalf("%d requests, second %v", len(reqs), reqs[1].Query)
	}
	// Start key and cap.
	n := 0
	for k, err := range c.Run(run.ID).KeyValueStore().ListKeys(ctx, &KeyListOptions{ExclusiveStartKey: "key-00010", Limit: 5}) {
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && k.Key != "key-00011" {
			t.Errorf("first key after key-00010 is %s", k.Key)
		}
		n++
	}
	if n != 5 {
		t.Errorf("%d keys with Limit 5", n)
	}
	if r := requestsTo(srv, "/v2/actor-runs/"+run.ID+"/key-value-store/keys"); len(r) != 1 || r[0].Query.Get("limit") != "5" {
		t.Errorf("run keys requests %d", len(r))
	}
	for _, seq := range []iter.Seq2[gen.KeyValueStoreKey, error]{
		c.Actor(actorID).LastRun(&LastRunOptions{Status: "SUCCEEDED"}).KeyValueStore().ListKeys(ctx, nil),
		c.Task(taskID).LastRun(nil).KeyValueStore().ListKeys(ctx, nil),
	} {
		if n, err := countSeq(seq); err != nil || n != 2500 {
			t.Errorf("last-run keys: %d, %v", n, err)
		}
	}
	if r := requestsTo(srv, "/v2/actors/"+actorID+"/runs/last/key-value-store/keys"); len(r) == 0 || r[0].Query.Get("status") != "SUCCEEDED" {
		t.Error("actor last-run keys: status not sent")
	}
}

// requestsTo returns the requests srv received for path.
func requestsTo(srv *apifytest.Server, path string) []apifytest.RecordedRequest {
	var out []apifytest.RecordedRequest
	for _, r := range srv.Requests() {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

func TestListRequests(t *testing.T) {
	srv := apifytest.NewServer(t)
	queueID, _ := srv.AddRequestQueue("q1")
	c := fakeClient(t, srv, nil)
	ctx := context.Background()
	add := make([]QueueRequest, 2300)
	for i := range add {
		add[i] = QueueRequest{URL: fmt.Sprintf("https://example.com/%d", i), UniqueKey: fmt.Sprintf("u%d", i)}
	}
	if _, err := c.RequestQueue(queueID).AddRequests(ctx, add, &AddRequestsOptions{Parallelism: 1}); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	n := 0
	for r, err := range c.RequestQueue(queueID, &RequestQueueOptions{ClientKey: "me"}).ListRequests(ctx, &RequestListOptions{PageSize: 1000, Filter: []string{"pending"}}) {
		if err != nil {
			t.Fatal(err)
		}
		if r.UniqueKey == nil || *r.UniqueKey != fmt.Sprintf("u%d", n) {
			t.Fatalf("request %d: %s", n, *r.UniqueKey)
		}
		n++
	}
	if n != 2300 {
		t.Fatalf("%d requests, want 2300", n)
	}
	reqs := requestsTo(srv, "/v2/request-queues/"+queueID+"/requests")
	if len(reqs) != 3 || reqs[0].Query.Has("cursor") || reqs[1].Query.Get("cursor") == "" || reqs[0].Query.Get("filter") != "pending" || reqs[0].Query.Get("clientKey") != "me" {
		t.Fatalf("%d requests, queries %v", len(reqs), reqs[0].Query)
	}
	// The second page is asked for with the first page's nextCursor.
	first := rawRequestPage(t, srv, queueID, reqs[0].Query)
	if got := reqs[1].Query.Get("cursor"); got != first.NextCursor {
		t.Errorf("second page's cursor %q, want the first page's nextCursor %q", got, first.NextCursor)
	}

	// A run's queue, and the last runs' queues, one listing from a cursor.
	actorID := addActor(t, srv, "act", func(context.Context, *apifytest.ActorRun) error { return nil })
	taskID, _ := srv.AddTask(actorID, "tk", nil)
	var runs []*Run
	for _, call := range []func() (*Run, error){
		func() (*Run, error) { return c.Actor(actorID).Call(ctx, nil, nil) },
		func() (*Run, error) { return c.Task(taskID).Call(ctx, nil, nil) },
	} {
		run, err := call()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Run(run.ID).RequestQueue().AddRequests(ctx, add[:30], nil); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	taskQueue := runs[1].DefaultRequestQueueID
	from := rawRequestPage(t, srv, taskQueue, url.Values{"limit": {"20"}}).NextCursor
	srv.ResetRequests()
	for _, tc := range []struct {
		seq          iter.Seq2[gen.Request, error]
		path         string
		want         int
		param, value string // sent on the first request
	}{
		{c.Run(runs[0].ID).RequestQueue().ListRequests(ctx, nil), "/v2/actor-runs/" + runs[0].ID + "/request-queue/requests", 30, "limit", "10000"},
		{c.Actor(actorID).LastRun(nil).RequestQueue().ListRequests(ctx, &RequestListOptions{Limit: 10}), "/v2/actors/" + actorID + "/runs/last/request-queue/requests", 10, "limit", "10"},
		{c.Task(taskID).LastRun(nil).RequestQueue().ListRequests(ctx, &RequestListOptions{Cursor: from}), "/v2/actor-tasks/" + taskID + "/runs/last/request-queue/requests", 10, "cursor", from},
	} {
		if n, err := countSeq(tc.seq); err != nil || n != tc.want {
			t.Errorf("%s: %d requests, %v; want %d", tc.path, n, err, tc.want)
		}
		if r := requestsTo(srv, tc.path); len(r) == 0 || r[0].Query.Get(tc.param) != tc.value {
			t.Errorf("%s: %d requests, want the first with %s=%s", tc.path, len(r), tc.param, tc.value)
		}
	}
}

// rawRequestPage reads one page of a queue's request listing straight from
// srv, for the cursor it hands on.
func rawRequestPage(t *testing.T, srv *apifytest.Server, queueID string, q url.Values) (page struct{ NextCursor string }) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL() + "/v2/request-queues/" + queueID + "/requests?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct{ Data struct{ NextCursor string } }
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || resp.StatusCode != http.StatusOK || env.Data.NextCursor == "" {
		t.Fatalf("first page: %d, %v, %+v", resp.StatusCode, err, env)
	}
	page.NextCursor = env.Data.NextCursor
	return page
}

// TestListRequestsStub stays on iterFake: it needs a cursor that never
// advances, which apifytest must not send.
func TestListRequestsStub(t *testing.T) {
	f, c := newIterFake(t)
	for i := range 10 {
		f.requests = append(f.requests, json.RawMessage(fmt.Sprintf(`{"id":"r%d","uniqueKey":"u%d","url":"https://example.com/%d"}`, i, i, i)))
	}
	ctx := context.Background()
	// A cursor that never advances ends with an error, not a loop.
	f.repeatCursor = true
	errs := 0
	for _, err := range c.RequestQueue("q1").ListRequests(ctx, &RequestListOptions{Cursor: "cur-0", PageSize: 5}) {
		if err != nil {
			errs++
		}
	}
	if errs != 1 {
		t.Errorf("%d errors for a stuck cursor, want 1", errs)
	}
	if _, err := countSeq(c.RequestQueue("q1").ListRequests(ctx, &RequestListOptions{Filter: []string{"done"}})); err == nil {
		t.Error("bad filter accepted")
	}
}

func TestListErrors(t *testing.T) {
	srv := apifytest.NewServer(t)
	c := fakeClient(t, srv, nil)
	ctx := context.Background()
	for name, seq := range map[string]iter.Seq2[gen.ActorShort, error]{
		"negative offset": c.Actors().List(ctx, &ActorListOptions{ListOptions: ListOptions{Offset: -1}}),
		"page size":       c.Actors().List(ctx, &ActorListOptions{ListOptions: ListOptions{PageSize: 1001}}),
	} {
		errs := 0
		for _, err := range seq {
			if err == nil {
				t.Fatalf("%s: item yielded", name)
			}
			errs++
		}
		if errs != 1 {
			t.Errorf("%s: %d errors", name, errs)
		}
	}
	errs := 0
	for _, err := range c.Actor("missing").Runs().List(ctx, nil) {
		errs++
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%v is not ErrNotFound", err)
		}
	}
	if errs != 1 {
		t.Errorf("%d errors for a missing Actor", errs)
	}
	if n, err := countSeq(c.KeyValueStore("").ListKeys(ctx, nil)); err == nil || n != 0 {
		t.Error("empty store ID accepted")
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests, want 1 (for the missing Actor only)", n)
	}
}

// TestListOffsetIgnoredIsAnError stays on iterFake: a server that ignores
// offset is the misbehaviour under test.
func TestListOffsetIgnoredIsAnError(t *testing.T) {
	f, c := newIterFake(t)
	f.list = iterList(2500)
	f.ignoreOffset = true
	n, errs := 0, 0
	for _, err := range c.Webhook("wh").Dispatches().List(context.Background(), nil) {
		if err != nil {
			errs++
			if !strings.Contains(err.Error(), "offset") {
				t.Errorf("error %v", err)
			}
			continue
		}
		n++
	}
	if n != 1000 || errs != 1 {
		t.Fatalf("%d items, %d errors; want the first page, then one error", n, errs)
	}
}
