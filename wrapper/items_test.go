package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// itemsOnFake returns a client for an apifytest server holding a dataset of
// iterItems(n), and the dataset's ID.
func itemsOnFake(t *testing.T, n int) (*Client, *apifytest.Server, string) {
	srv := apifytest.NewServer(t)
	items := make([]any, n)
	for i, it := range iterItems(n) {
		items[i] = it
	}
	id, _ := srv.AddDataset("", items...)
	return fakeClient(t, srv, nil), srv, id
}

type iterItem struct {
	N int    `json:"n"`
	S string `json:"s"`
}

// TestDatasetItemsDoneWhen is the acceptance run: 30,000 items, 30%
// of requests failing (500, connection cut mid-body, truncated body), a
// stale total and clean=1, through the real client: exactly the right items
// in the right order. It stays on iterFake for the stale total: apifytest's
// totals are always exact.
func TestDatasetItemsDoneWhen(t *testing.T) {
	f, c := newIterFake(t)
	f.items = iterItems(30000)
	f.staleTotal = 1000
	var k atomic.Int64
	f.fault = func(int) iterFault {
		n := k.Add(1)
		if n%10 < 3 {
			return iterFault(1 + n%3)
		}
		return iterOK
	}
	want := iterClean(f.items, true)
	var got []json.RawMessage
	for raw, err := range Items[json.RawMessage](context.Background(), c.Dataset("ds"), &ItemsOptions{Clean: true}) {
		if err != nil {
			t.Fatalf("after %d items: %v", len(got), err)
		}
		got = append(got, raw)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d items, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("item %d: %s, want %s", i, got[i], want[i])
		}
	}
	// The typed form over the same faults gives the same items.
	i := 0
	for it, err := range Items[iterItem](context.Background(), c.Dataset("ds"), &ItemsOptions{Clean: true, PageSize: 700}) {
		if err != nil {
			t.Fatalf("typed, after %d items: %v", i, err)
		}
		var w iterItem
		_ = json.Unmarshal(want[i], &w)
		if it != w {
			t.Fatalf("typed item %d: %+v, want %+v", i, it, w)
		}
		i++
	}
	if i != len(want) {
		t.Fatalf("typed: %d items, want %d", i, len(want))
	}
	checkNoPagerGoroutines(t)
}

// TestDatasetItemsQuery sends every dataset-items option through a base URL
// with a path to apifytest, and checks both the query the client sent on each
// page and the items the fake's reshaping gave back across those pages.
func TestDatasetItemsQuery(t *testing.T) {
	srv := apifytest.NewServer(t)
	items := []any{
		map[string]any{"n": 0, "s": "s0"}, map[string]any{"n": 1, "s": "s1"}, map[string]any{"n": 2, "s": "s2"},
		map[string]any{"n": 3, "s": "s3"},
		map[string]any{"n": 4, "s": "s4", "a": []any{}, "f": map[string]any{"g": 1}},
		map[string]any{},
		map[string]any{"#h": 1, "n": 6, "s": "s6", "x": 6, "b": map[string]any{"k": 6}},
		map[string]any{"n": 7, "s": "s7", "x": 7, "a": []any{1, 2}, "b": map[string]any{"k": 7}, "f": map[string]any{"g": map[string]any{"h": 7}}},
		map[string]any{"n": 8, "s": "s8"}, map[string]any{"n": 9, "s": "s9"},
	}
	srv.AddDataset("my-data", items...)
	c := clientUnderBasePath(t, srv)
	ctx := context.Background()
	ref := srv.Username() + "/my-data"
	path := "/v2/datasets/" + srv.Username() + "~my-data/items"
	opts := &ItemsOptions{
		Offset: 2, Limit: 5, PageSize: 3, Desc: true, SkipEmpty: true, SkipHidden: true,
		Fields: []string{"n", "s", "a", "b", "f", "x"}, OutputFields: []string{"num", "str", "a", "b", "f", "x"},
		Omit: []string{"x"}, Unwind: []string{"a", "b"}, Flatten: []string{"f"}, Signature: "sig",
	}
	var got []string
	for it, err := range Items[json.RawMessage](ctx, c.Dataset(ref), opts) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(it))
	}
	// Items 7, 6, 5, 4 and 3 are scanned (offset 2 of the reversed order);
	// 5 is empty, 6 loses its hidden field, 7 unwinds into two.
	want := []string{
		`{"num":7,"str":"s7","a":1,"f.g.h":7,"k":7}`, `{"num":7,"str":"s7","a":2,"f.g.h":7,"k":7}`,
		`{"num":6,"str":"s6","k":6}`, `{"num":4,"str":"s4","a":[],"f.g":1}`, `{"num":3,"str":"s3"}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("items:\n got %v\nwant %v", got, want)
	}
	// Limit counts the items yielded, so with filters every page asks for a
	// full PageSize; the first page goes alone, the next may be prefetched
	// in parallel.
	reqs := requestsTo(srv, path)
	var windows []string
	for _, r := range reqs {
		windows = append(windows, r.Query.Get("offset")+"+"+r.Query.Get("limit"))
	}
	if len(windows) < 2 || windows[0] != "2+3" || !slices.Contains(windows, "5+3") {
		t.Fatalf("requests to %s (offset+limit): %v, want 2+3 first, then 5+3", path, windows)
	}
	for name, want := range map[string]string{
		"format": "json", "desc": "1", "skipEmpty": "1", "skipHidden": "1",
		"fields": "n,s,a,b,f,x", "outputFields": "num,str,a,b,f,x", "omit": "x", "unwind": "a,b", "flatten": "f",
		"signature": "sig",
	} {
		for _, r := range reqs {
			if got := r.Query.Get(name); got != want {
				t.Errorf("offset %s: %s=%q, want %q", r.Query.Get("offset"), name, got, want)
			}
		}
	}
	for _, name := range []string{"clean", "simplified", "skipFailedPages", "view"} {
		if reqs[0].Query.Has(name) {
			t.Errorf("%s sent though not set", name)
		}
	}

	// The legacy Crawler options.
	legacy, _ := srv.AddDataset("legacy",
		json.RawMessage(`{"url":"u1","pageFunctionResult":[{"t":1},{"t":2}]}`),
		json.RawMessage(`{"url":"u2","pageFunctionResult":null,"errorInfo":"timed out"}`),
	)
	srv.ResetRequests()
	got = nil
	for it, err := range Items[json.RawMessage](ctx, c.Dataset(legacy), &ItemsOptions{Simplified: true, SkipFailedPages: true}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(it))
	}
	if want := []string{`{"url":"u1","t":1}`, `{"url":"u1","t":2}`}; !slices.Equal(got, want) {
		t.Errorf("simplified, skipFailedPages: %v, want %v", got, want)
	}
	if q := requestsTo(srv, "/v2/datasets/"+legacy+"/items")[0].Query; q.Get("simplified") != "1" || q.Get("skipFailedPages") != "1" {
		t.Errorf("legacy query %v", q)
	}

	// apifytest keeps no dataset schemas: a view is a 501 the caller can read.
	srv.ResetRequests()
	for _, err := range Items[json.RawMessage](ctx, c.Dataset(ref), &ItemsOptions{View: "overview"}) {
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 501 || apiErr.Type != "not-implemented" || !strings.Contains(apiErr.Message, `"overview"`) {
			t.Errorf("view: %v, want the fake's 501 naming the view", err)
		}
		break
	}
	if reqs := requestsTo(srv, path); len(reqs) != 1 || reqs[0].Query.Get("view") != "overview" {
		t.Errorf("view: %d requests, want 1 with view=overview", len(reqs))
	}
}

func TestDatasetItemsVariants(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "actor", func(ctx context.Context, run *apifytest.ActorRun) error {
		items := make([]any, 25)
		for i, it := range iterItems(25) {
			items[i] = it
		}
		return run.PushItems(items...)
	})
	taskID, _ := srv.AddTask(actorID, "task1", nil)
	c := fakeClient(t, srv, nil)
	ctx := context.Background()
	run, err := c.Actor(actorID).Call(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Task(taskID).Call(ctx, nil, nil); err != nil {
		t.Fatal(err)
	}
	actorRef := srv.Username() + "/actor"
	last := &LastRunOptions{Status: "SUCCEEDED", Origin: "API"}
	cases := []struct {
		seq  func(yield func(iterItem, error) bool)
		path string
		last bool
	}{
		{Items[iterItem](ctx, c.Run(run.ID).Dataset(), nil), "/v2/actor-runs/" + run.ID + "/dataset/items", false},
		{Items[iterItem](ctx, c.Actor(actorRef).LastRun(last).Dataset(), nil), "/v2/actors/" + srv.Username() + "~actor/runs/last/dataset/items", true},
		{Items[iterItem](ctx, c.Task(taskID).LastRun(last).Dataset(), nil), "/v2/actor-tasks/" + taskID + "/runs/last/dataset/items", true},
	}
	for _, tc := range cases {
		n := 0
		for _, err := range tc.seq {
			if err != nil {
				t.Fatalf("%s: %v", tc.path, err)
			}
			n++
		}
		if n != 25 {
			t.Errorf("%s: %d items", tc.path, n)
		}
		reqs := requestsTo(srv, tc.path)
		if len(reqs) == 0 {
			t.Fatalf("no request to %s", tc.path)
		}
		q := reqs[0].Query
		if tc.last && (q.Get("status") != "SUCCEEDED" || q.Get("origin") != "API") {
			t.Errorf("%s: status/origin not sent: %v", tc.path, q)
		}
	}
	pages := 0
	for p, err := range ItemPages[iterItem](ctx, c.Run(run.ID).Dataset(), &ItemsOptions{PageSize: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if p.Offset != (pages-1)*10 {
			t.Errorf("page %d at offset %d", pages, p.Offset)
		}
	}
	if pages != 3 {
		t.Errorf("%d pages of 25 items by 10", pages)
	}
	for _, seq := range []func(func(*ItemsPage[iterItem], error) bool){
		ItemPages[iterItem](ctx, c.Actor(actorID).LastRun(nil).Dataset(), nil),
		ItemPages[iterItem](ctx, c.Task(taskID).LastRun(nil).Dataset(), nil),
	} {
		n := 0
		for p, err := range seq {
			if err != nil {
				t.Fatal(err)
			}
			n += len(p.Items)
		}
		if n != 25 {
			t.Errorf("%d items through pages", n)
		}
	}
}

// TestDatasetItemPagesMetadata stays on iterFake for its stale total
// (apifytest's totals are always exact).
func TestDatasetItemPagesMetadata(t *testing.T) {
	f, c := newIterFake(t)
	f.items = iterItems(2500)
	f.staleTotal = 7
	var counts, lens []int
	for p, err := range ItemPages[iterItem](context.Background(), c.Dataset("ds"), &ItemsOptions{Clean: true, PageSize: 1000}) {
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 7 || p.Limit != 1000 {
			t.Errorf("page at %d: total %d limit %d", p.Offset, p.Total, p.Limit)
		}
		counts = append(counts, p.Count)
		lens = append(lens, len(p.Items))
	}
	if len(counts) != 3 || counts[0] != 1000 || counts[2] != 500 || lens[0] >= 1000 {
		t.Fatalf("counts %v, items per page %v", counts, lens)
	}
}

func TestDatasetItemsInvalidInput(t *testing.T) {
	c, srv, _ := itemsOnFake(t, 0)
	ctx := context.Background()
	cases := map[string]func(func(iterItem, error) bool){
		"negative offset": Items[iterItem](ctx, c.Dataset("ds"), &ItemsOptions{Offset: -1}),
		"negative limit":  Items[iterItem](ctx, c.Dataset("ds"), &ItemsOptions{Limit: -1}),
		"page size":       Items[iterItem](ctx, c.Dataset("ds"), &ItemsOptions{PageSize: -1}),
		"prefetch":        Items[iterItem](ctx, c.Dataset("ds"), &ItemsOptions{Prefetch: 99}),
		"output fields":   Items[iterItem](ctx, c.Dataset("ds"), &ItemsOptions{Fields: []string{"a"}, OutputFields: []string{"x", "y"}}),
		"comma in field":  Items[iterItem](ctx, c.Dataset("ds"), &ItemsOptions{Omit: []string{"a,b"}}),
		"empty id":        Items[iterItem](ctx, c.Dataset(" "), nil),
		"nil client":      Items[iterItem](ctx, (*Client)(nil).Dataset("ds"), nil),
	}
	for name, seq := range cases {
		errs := 0
		for _, err := range seq {
			if err == nil {
				t.Fatalf("%s: yielded an item", name)
			}
			errs++
		}
		if errs != 1 {
			t.Errorf("%s: %d errors, want 1", name, errs)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests for invalid input", n)
	}
}

func TestDatasetItemsAPIErrorOnce(t *testing.T) {
	c, srv, _ := itemsOnFake(t, 0)
	errs := 0
	for _, err := range Items[iterItem](context.Background(), c.Dataset("missing"), nil) {
		errs++
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("error %v does not match ErrNotFound", err)
		}
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
			t.Errorf("error %v is not a 404 *APIError", err)
		}
		if strings.Contains(err.Error(), srv.Token()) {
			t.Error("token in error")
		}
	}
	if errs != 1 {
		t.Fatalf("%d errors, want 1", errs)
	}
}

func TestDatasetItemsBreakAndCancel(t *testing.T) {
	c, _, ds := itemsOnFake(t, 20000)
	n := 0
	for _, err := range Items[iterItem](context.Background(), c.Dataset(ds), &ItemsOptions{PageSize: 500, Prefetch: 8}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 1234 {
			break
		}
	}
	checkNoPagerGoroutines(t)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n, errs := 0, 0
	for _, err := range Items[iterItem](ctx, c.Dataset(ds), &ItemsOptions{PageSize: 500}) {
		if err != nil {
			errs++
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
			continue
		}
		if n++; n == 777 {
			cancel()
		}
	}
	if errs != 1 || n != 777 {
		t.Fatalf("%d items and %d errors after cancelling at 777", n, errs)
	}
	checkNoPagerGoroutines(t)
}

func TestDatasetItemsCustomUnmarshal(t *testing.T) {
	c, _, ds := itemsOnFake(t, 1500)
	var calls atomic.Int64
	opts := &ItemsOptions{Unmarshal: func(b []byte, v any) error {
		calls.Add(1)
		return json.Unmarshal(b, v)
	}}
	n := 0
	for _, err := range Items[iterItem](context.Background(), c.Dataset(ds), opts) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1500 || calls.Load() != 1500 {
		t.Fatalf("%d items, %d Unmarshal calls", n, calls.Load())
	}
	for _, err := range Items[json.RawMessage](context.Background(), c.Dataset(ds), opts) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if calls.Load() != 1500 {
		t.Fatalf("Unmarshal called in raw mode (%d calls)", calls.Load())
	}
}

// TestDatasetItemsRequestCount checks the request schedule through the real
// client: the first request goes alone, nothing is requested ahead past the
// reported total, and the end costs one confirming request, so the API's
// per-resource rate limit is not spent on empty pages.
func TestDatasetItemsRequestCount(t *testing.T) {
	for _, tc := range []struct {
		items, pageSize int
		want            []string // offset/limit of each request, sorted
	}{
		{50, 0, []string{"0/1000", "50/1000"}},
		{2500, 1000, []string{"0/1000", "1000/1000", "2000/1000", "2500/1000"}},
		{0, 0, []string{"0/1000"}},
	} {
		c, srv, ds := itemsOnFake(t, tc.items)
		n := 0
		for _, err := range Items[iterItem](context.Background(), c.Dataset(ds), &ItemsOptions{PageSize: tc.pageSize}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != tc.items {
			t.Fatalf("%d items, want %d", n, tc.items)
		}
		var got []string
		for _, r := range srv.Requests() {
			got = append(got, r.Query.Get("offset")+"/"+r.Query.Get("limit"))
		}
		slices.Sort(got)
		if want := slices.Sorted(slices.Values(tc.want)); !slices.Equal(got, want) {
			t.Errorf("%d items: requests %v, want %v", tc.items, got, want)
		}
	}
}
