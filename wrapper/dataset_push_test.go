package apify

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/apifygo/apify/wrapper/apifytest"
)

type pushItem struct {
	N    int    `json:"n"`
	Text string `json:"text"`
}

func pushItems(n int, text string) []pushItem {
	items := make([]pushItem, n)
	for i := range items {
		items[i] = pushItem{N: i, Text: text}
	}
	return items
}

func storedNs(t *testing.T, srv *apifytest.Server, datasetID string) []int {
	t.Helper()
	raw, err := srv.DatasetItems(datasetID)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int, len(raw))
	for i, r := range raw {
		var it pushItem
		if err := json.Unmarshal(r, &it); err != nil {
			t.Fatal(err)
		}
		out[i] = it.N
	}
	return out
}

func postsTo(srv *apifytest.Server, suffix string) []apifytest.RecordedRequest {
	var out []apifytest.RecordedRequest
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, suffix) {
			out = append(out, r)
		}
	}
	return out
}

func TestPushItemsInBatches(t *testing.T) {
	srv := apifytest.NewServer(t)
	dsID, err := srv.AddDataset("")
	if err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	items := pushItems(50, strings.Repeat("é", 20))

	n, err := PushItems(testCtx(t), c.Dataset(dsID), items, &PushOptions{MaxBatchBytes: 1000})
	if err != nil || n != 50 {
		t.Fatalf("PushItems = %d, %v", n, err)
	}
	got := storedNs(t, srv, dsID)
	for i, v := range got {
		if v != i {
			t.Fatalf("stored order %v", got)
		}
	}
	if len(got) != 50 {
		t.Fatalf("stored %d items", len(got))
	}
	posts := postsTo(srv, "/items")
	if len(posts) < 3 {
		t.Errorf("%d requests for ~3 KB in 1000-byte batches", len(posts))
	}
	for _, p := range posts {
		if len(p.Body) > 1000 || !json.Valid(p.Body) || p.Body[0] != '[' {
			t.Errorf("batch of %d bytes: %.40s", len(p.Body), p.Body)
		}
	}

	// One request when everything fits; nothing at all for no items.
	srv.ResetRequests()
	if n, err := PushItems(testCtx(t), c.Dataset(dsID), items[:3], nil); err != nil || n != 3 || len(postsTo(srv, "/items")) != 1 {
		t.Errorf("small push: %d, %v, %d requests", n, err, len(postsTo(srv, "/items")))
	}
	if n, err := PushItems[pushItem](testCtx(t), c.Dataset(dsID), nil, nil); err != nil || n != 0 {
		t.Errorf("empty push: %d, %v", n, err)
	}
}

func TestPushItemsRejectsBadItems(t *testing.T) {
	srv := apifytest.NewServer(t)
	dsID, _ := srv.AddDataset("")
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)

	huge := []pushItem{{N: 0, Text: strings.Repeat("x", payloadBudget)}}
	n, err := PushItems(ctx, c.Dataset(dsID), huge, nil)
	if !errors.Is(err, ErrRequestTooLarge) || n != 0 || !strings.Contains(err.Error(), "item 0 encodes to") {
		t.Errorf("oversized item: %d, %v", n, err)
	}
	if _, err := PushItems(ctx, c.Dataset(dsID), []any{map[string]int{"a": 1}, []int{1}}, nil); err == nil || !strings.Contains(err.Error(), "item 1") {
		t.Errorf("non-object item: %v", err)
	}
	if _, err := PushItems(ctx, c.Dataset(dsID), []any{func() {}}, nil); err == nil {
		t.Error("unencodable item accepted")
	}
	if _, err := PushItems(ctx, c.Dataset(dsID), pushItems(1, ""), &PushOptions{MaxBatchBytes: payloadBudget + 1}); err == nil {
		t.Error("MaxBatchBytes over the limit accepted")
	}
	// Item 1 was refused before its batch (holding item 0) was sent.
	if got := storedNs(t, srv, dsID); len(got) != 0 {
		t.Errorf("stored %v", got)
	}
	if _, err := PushItems[pushItem](ctx, (*Client)(nil).Dataset(dsID), nil, nil); err == nil {
		t.Error("nil client accepted")
	}
}

func TestPushItemsStopsWhereABatchFailed(t *testing.T) {
	srv := apifytest.NewServer(t)
	dsID, _ := srv.AddDataset("")
	if err := srv.InjectFault(apifytest.Fault{Method: http.MethodPost, Path: "/v2/datasets/*/items", After: 1, Status: http.StatusInternalServerError}); err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	items := pushItems(30, "abcdefghij")

	n, err := PushItems(testCtx(t), c.Dataset(dsID), items, &PushOptions{MaxBatchBytes: 400})
	stored := storedNs(t, srv, dsID)
	if !errors.Is(err, ErrServer) || n == 0 || n != len(stored) {
		t.Fatalf("n = %d (stored %d), err = %v", n, len(stored), err)
	}
	if !strings.Contains(err.Error(), "may have stored") || !strings.Contains(err.Error(), fmt.Sprintf("the %d before were stored", n)) {
		t.Errorf("message %q should say what was stored and that the batch was not repeated", err)
	}
	if got := len(postsTo(srv, "/items")); got != 2 {
		t.Errorf("%d requests, want 2 (the failed batch is not repeated)", got)
	}

	// Resuming from items[n:] completes the dataset in order.
	m, err := PushItems(testCtx(t), c.Dataset(dsID), items[n:], &PushOptions{MaxBatchBytes: 400})
	if err != nil || n+m != len(items) {
		t.Fatalf("resume: %d, %v", m, err)
	}
	stored = storedNs(t, srv, dsID)
	if len(stored) != len(items) {
		t.Errorf("stored %d items, want %d", len(stored), len(items))
	}
	for i, got := range stored {
		if got != i {
			t.Fatalf("stored out of order at %d: %d", i, got)
		}
	}
}

func TestPushItemsRetriesOnlyWhereSafe(t *testing.T) {
	srv := apifytest.NewServer(t)
	dsID, _ := srv.AddDataset("")
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	items := pushItems(2, "x")

	_ = srv.InjectFault(apifytest.Fault{Method: http.MethodPost, Path: "/v2/datasets/*/items", Status: http.StatusInternalServerError})
	if n, err := PushItems(ctx, c.Dataset(dsID), items, nil); !errors.Is(err, ErrServer) || n != 0 {
		t.Errorf("after a 500: %d, %v", n, err)
	}
	_ = srv.InjectFault(apifytest.Fault{Method: http.MethodPost, Path: "/v2/datasets/*/items", Status: http.StatusTooManyRequests})
	if n, err := PushItems(ctx, c.Dataset(dsID), items, nil); err != nil || n != 2 {
		t.Errorf("after a 429: %d, %v", n, err)
	}
	_ = srv.InjectFault(apifytest.Fault{Method: http.MethodPost, Path: "/v2/datasets/*/items", Status: http.StatusInternalServerError})
	if n, err := PushItems(AllowUnsafeRetries(ctx), c.Dataset(dsID), items, nil); err != nil || n != 2 {
		t.Errorf("opted in, after a 500: %d, %v", n, err)
	}
	if p := postsTo(srv, "/items"); len(p) != 5 {
		t.Errorf("%d POSTs, want 5 (1 + 2 + 2)", len(p))
	}
	if got := storedNs(t, srv, dsID); len(got) != 4 {
		t.Errorf("stored %v", got)
	}
}
