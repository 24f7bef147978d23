package apify

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

func queueRequests(n int) []QueueRequest {
	out := make([]QueueRequest, n)
	for i := range out {
		out[i] = QueueRequest{URL: fmt.Sprintf("https://example.com/p/%d", i), UserData: map[string]any{"i": i}}
	}
	return out
}

func TestAddRequestsToTheFake(t *testing.T) {
	srv := apifytest.NewServer(t)
	queueID, err := srv.AddRequestQueue("")
	if err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	reqs := queueRequests(60)
	reqs[3].UniqueKey = "custom-key"

	res, err := c.RequestQueue(queueID, &RequestQueueOptions{ClientKey: "me"}).AddRequests(ctx, reqs, &AddRequestsOptions{Parallelism: 2})
	if err != nil {
		t.Fatalf("AddRequests: %v", err)
	}
	if len(res.Processed) != 60 || len(res.Unprocessed) != 0 {
		t.Fatalf("%d processed, %d unprocessed", len(res.Processed), len(res.Unprocessed))
	}
	for i, p := range res.Processed {
		want := reqs[i].URL
		if i == 3 {
			want = "custom-key"
		}
		if p.UniqueKey != want || p.RequestID == "" {
			t.Errorf("processed[%d] = %+v, want key %s", i, p, want)
		}
	}
	batches := postsTo(srv, "/requests/batch")
	if len(batches) != 3 {
		t.Errorf("%d batch calls for 60 requests, want 3", len(batches))
	}
	for _, b := range batches {
		if b.Query.Get("clientKey") != "me" {
			t.Errorf("clientKey %q", b.Query.Get("clientKey"))
		}
	}
	n := 0
	for _, err := range c.RequestQueue(queueID).ListRequests(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 60 {
		t.Errorf("the queue holds %d requests", n)
	}

	// Adding the same again adds nothing new.
	res, err = c.RequestQueue(queueID).AddRequests(ctx, reqs[:5], nil)
	if err != nil || len(res.Processed) != 5 || !res.Processed[0].WasAlreadyPresent {
		t.Errorf("re-adding: %v, %v", res.Processed, err)
	}
}

func TestAddRequestsUnprocessedByTheFake(t *testing.T) {
	// The fake, like the API, leaves requests past 25 in a call
	// unprocessed. Sending 30 per call makes it do so; the client sends the
	// five again.
	srv := apifytest.NewServer(t)
	queueID, _ := srv.AddRequestQueue("")
	timers := &coreTimers{}
	c := fakeClient(t, srv, timers)
	res, err := c.RequestQueue(queueID).addRequests(testCtx(t), queueRequests(30), nil, batchSettings{maxBytes: payloadBudget, maxPerCall: 30})
	if err != nil || len(res.Processed) != 30 {
		t.Fatalf("%d processed, %v", len(res.Processed), err)
	}
	calls := postsTo(srv, "/requests/batch")
	if len(calls) != 2 || len(timers.recorded()) != 1 {
		t.Errorf("%d calls, %d waits; want the five unprocessed sent again after a pause", len(calls), len(timers.recorded()))
	}
	var second []QueueRequest
	_ = json.Unmarshal(calls[1].Body, &second)
	if len(second) != 5 || second[0].URL != "https://example.com/p/25" {
		t.Errorf("second call sent %d requests", len(second))
	}
}

func TestAddRequestsOversizedCallToTheFake(t *testing.T) {
	// Past the API's 9 MiB the fake answers 413: the requests of that call
	// are reported, the others added.
	srv := apifytest.NewServer(t)
	queueID, _ := srv.AddRequestQueue("")
	c := fakeClient(t, srv, nil)
	reqs := queueRequests(3)
	reqs[0].Payload = strings.Repeat("x", 4800<<10)
	reqs[1].Payload = strings.Repeat("y", 4800<<10)
	res, err := c.RequestQueue(queueID).addRequests(testCtx(t), reqs, &AddRequestsOptions{Parallelism: 1}, batchSettings{maxPerCall: 2, maxBytes: 12 << 20})
	if !errors.Is(err, ErrRequestTooLarge) {
		t.Fatalf("err = %v", err)
	}
	if len(res.Processed) != 1 || len(res.Unprocessed) != 2 || res.Unprocessed[1].Index != 1 || res.Processed[0].UniqueKey != reqs[2].URL {
		t.Errorf("%d processed, %d unprocessed", len(res.Processed), len(res.Unprocessed))
	}
}

func TestAddRequestsRetriesServerErrors(t *testing.T) {
	srv := apifytest.NewServer(t)
	queueID, _ := srv.AddRequestQueue("")
	c := fakeClient(t, srv, nil)
	if err := srv.InjectFault(apifytest.Fault{Method: http.MethodPost, Path: "/v2/request-queues/*/requests/batch", Status: http.StatusInternalServerError, Times: 2}); err != nil {
		t.Fatal(err)
	}
	res, err := c.RequestQueue(queueID).AddRequests(testCtx(t), queueRequests(10), nil)
	if err != nil || len(res.Processed) != 10 {
		t.Fatalf("after two 500s: %d processed, %v (batch add by uniqueKey is safe to repeat)", len(res.Processed), err)
	}
}

// batchStub answers batch adds, leaving unprocessed the requests whose
// unique key leave says (per call, by call number from 0). Kept beside
// apifytest, which leaves only requests past the 25th of a call unprocessed.
func batchStub(t *testing.T, leave func(call int, key string) bool) (*stubAPI, *atomic.Int32) {
	var calls atomic.Int32
	s := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		call := int(calls.Add(1)) - 1
		var reqs []QueueRequest
		if err := json.Unmarshal(body, &reqs); err != nil {
			coreWriteJSON(w, 400, `{"error":{"type":"invalid-input","message":"bad body"}}`)
			return
		}
		processed, unprocessed := []map[string]any{}, []map[string]any{}
		for _, r := range reqs {
			if leave(call, r.UniqueKey) {
				unprocessed = append(unprocessed, map[string]any{"uniqueKey": r.UniqueKey, "url": r.URL})
				continue
			}
			processed = append(processed, map[string]any{"requestId": "id-" + r.UniqueKey, "uniqueKey": r.UniqueKey,
				"wasAlreadyPresent": false, "wasAlreadyHandled": false})
		}
		writeData(w, http.StatusCreated, map[string]any{"processedRequests": processed, "unprocessedRequests": unprocessed})
	})
	return s, &calls
}

func TestAddRequestsRetriesUnprocessed(t *testing.T) {
	s, calls := batchStub(t, func(call int, key string) bool {
		// The first call leaves two requests; the retry takes them.
		return call == 0 && (strings.HasSuffix(key, "/1") || strings.HasSuffix(key, "/4"))
	})
	timers := &coreTimers{}
	res, err := s.client(t, timers).RequestQueue("q1").AddRequests(testCtx(t), queueRequests(5), nil)
	if err != nil || len(res.Processed) != 5 {
		t.Fatalf("AddRequests: %d processed, %v", len(res.Processed), err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want 2", calls.Load())
	}
	var second []QueueRequest
	_ = json.Unmarshal(s.requests()[1].Body, &second)
	if len(second) != 2 || second[0].URL != "https://example.com/p/1" || second[1].URL != "https://example.com/p/4" {
		t.Errorf("the retry sent %+v, want requests 1 and 4", second)
	}
	for i, p := range res.Processed {
		if p.UniqueKey != fmt.Sprintf("https://example.com/p/%d", i) {
			t.Errorf("processed out of order: %d is %s", i, p.UniqueKey)
		}
	}
	if d := timers.recorded(); len(d) != 1 || d[0] < 500*time.Millisecond || d[0] >= time.Second {
		t.Errorf("waits %v, want one in [500ms, 1s)", d)
	}
}

func TestAddRequestsReportsWhatWasNotAdded(t *testing.T) {
	s, calls := batchStub(t, func(call int, key string) bool { return strings.HasSuffix(key, "/2") })
	timers := &coreTimers{}
	res, err := s.client(t, timers).RequestQueue("q1").AddRequests(testCtx(t), queueRequests(4), &AddRequestsOptions{UnprocessedRetries: 2})
	if !errors.Is(err, ErrRequestNotAdded) || !strings.Contains(err.Error(), "1 of 4 requests were not added") {
		t.Fatalf("err = %v", err)
	}
	if len(res.Processed) != 3 || len(res.Unprocessed) != 1 {
		t.Fatalf("%d processed, %d unprocessed", len(res.Processed), len(res.Unprocessed))
	}
	u := res.Unprocessed[0]
	if u.Index != 2 || u.Request.URL != "https://example.com/p/2" || u.Request.UniqueKey != u.Request.URL || !errors.Is(u.Err, ErrRequestNotAdded) {
		t.Errorf("unprocessed %+v", u)
	}
	if calls.Load() != 3 {
		t.Errorf("%d calls, want 1 + 2 retries", calls.Load())
	}
	d := timers.recorded()
	if len(d) != 2 || d[1] < time.Second || d[1] >= 2*time.Second {
		t.Errorf("waits %v, want growing pauses", d)
	}
}

func TestAddRequestsFailedBatchIsUnprocessed(t *testing.T) {
	srv := apifytest.NewServer(t)
	queueID, _ := srv.AddRequestQueue("")
	if err := srv.InjectFault(apifytest.Fault{Method: http.MethodPost, Path: "/v2/request-queues/*/requests/batch", After: 1,
		Status: http.StatusBadRequest, ErrorType: "invalid-input", Message: "request 3 has a bad URL"}); err != nil {
		t.Fatal(err)
	}
	res, err := fakeClient(t, srv, nil).RequestQueue(queueID).AddRequests(testCtx(t), queueRequests(60), &AddRequestsOptions{Parallelism: 1})
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("err = %v", err)
	}
	if len(res.Processed) != 35 || len(res.Unprocessed) != 25 || res.Unprocessed[0].Index != 25 {
		t.Errorf("%d processed, %d unprocessed from %d", len(res.Processed), len(res.Unprocessed), res.Unprocessed[0].Index)
	}
}

// TestAddRequestsSplitsBySizeAndBoundsParallelism keeps a stub: it counts
// the calls in flight at once, which apifytest does not report.
func TestAddRequestsSplitsBySizeAndBoundsParallelism(t *testing.T) {
	var inFlight, maxInFlight atomic.Int32
	var mu sync.Mutex
	var sizes []int
	s := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond) // let concurrent calls overlap
		var reqs []QueueRequest
		_ = json.Unmarshal(body, &reqs)
		mu.Lock()
		sizes = append(sizes, len(body))
		mu.Unlock()
		processed := []map[string]any{}
		for _, q := range reqs {
			processed = append(processed, map[string]any{"requestId": "x", "uniqueKey": q.UniqueKey})
		}
		writeData(w, 201, map[string]any{"processedRequests": processed, "unprocessedRequests": []any{}})
	})
	// With a 10 KiB budget (the API's is 9 MiB), requests of ~1 KiB go 9
	// to a call.
	const budget = 10 << 10
	reqs := queueRequests(45)
	for i := range reqs {
		reqs[i].Payload = strings.Repeat("p", 1<<10)
	}
	res, err := s.client(t, nil).RequestQueue("q1").addRequests(testCtx(t), reqs, &AddRequestsOptions{Parallelism: 3}, batchSettings{maxBytes: budget, maxPerCall: maxBatchRequests})
	if err != nil || len(res.Processed) != 45 {
		t.Fatalf("%d processed, %v", len(res.Processed), err)
	}
	if len(sizes) != 5 {
		t.Errorf("%d calls for 45 KiB, want 5", len(sizes))
	}
	for _, n := range sizes {
		if n > budget {
			t.Errorf("a call carried %d bytes, over %d", n, budget)
		}
	}
	if m := maxInFlight.Load(); m > 3 {
		t.Errorf("%d calls in flight, want at most 3", m)
	}
}

func TestAddRequestsRejectsBadInput(t *testing.T) {
	srv := apifytest.NewServer(t)
	q1, _ := srv.AddRequestQueue("")
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	huge := []QueueRequest{{URL: "https://example.com/a"}, {URL: "https://example.com/b", Payload: strings.Repeat("x", 2000)}}
	if res, err := c.RequestQueue(q1).addRequests(ctx, huge, nil, batchSettings{maxBytes: 1000, maxPerCall: maxBatchRequests}); res != nil || !errors.Is(err, ErrRequestTooLarge) || !strings.Contains(err.Error(), "request 1") {
		t.Errorf("oversized request: %v", err)
	}
	if _, err := c.RequestQueue(q1).AddRequests(ctx, []QueueRequest{{UniqueKey: "k"}}, nil); err == nil || !strings.Contains(err.Error(), "no URL") {
		t.Errorf("no URL: %v", err)
	}
	for _, o := range []AddRequestsOptions{{Parallelism: 26}, {UnprocessedRetries: 11}, {UnprocessedRetries: -1}} {
		if _, err := c.RequestQueue(q1).AddRequests(ctx, queueRequests(1), &o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	if _, err := c.RequestQueue(q1, &RequestQueueOptions{ClientKey: strings.Repeat("k", 33)}).AddRequests(ctx, queueRequests(1), nil); err == nil {
		t.Error("long ClientKey accepted")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d calls for invalid input", n)
	}
	if res, err := c.RequestQueue(q1).AddRequests(ctx, nil, nil); err != nil || len(res.Processed) != 0 {
		t.Errorf("no requests: %v", err)
	}
}

func TestSplitBatches(t *testing.T) {
	enc := make([][]byte, 60)
	for i := range enc {
		enc[i] = []byte(`{"url":"x"}`)
	}
	b := splitBatches(enc, maxBatchRequests, payloadBudget)
	if len(b) != 3 || len(b[0]) != 25 || len(b[2]) != 10 || b[2][0] != 50 {
		t.Errorf("batches %v", b)
	}
	// Three 4 MiB requests: two fit under the API's 9 MiB, the third goes alone.
	big := make([]byte, 4<<20)
	if b := splitBatches([][]byte{big, big, big}, maxBatchRequests, payloadBudget); len(b) != 2 || len(b[0]) != 2 {
		t.Errorf("4 MiB requests batched as %v", b)
	}
}
