package apify

import (
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
	"github.com/oapi-codegen/nullable"
)

func TestQueueSingleRequestOps(t *testing.T) {
	srv := apifytest.NewServer(t)
	qid, _ := srv.AddRequestQueue("")
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	q := c.RequestQueue(qid, &RequestQueueOptions{ClientKey: "worker-1"})

	var reqs []QueueRequest
	for i := range 30 {
		reqs = append(reqs, QueueRequest{URL: fmt.Sprintf("https://example.com/%d", i)})
	}
	added, err := q.AddRequests(ctx, reqs, &AddRequestsOptions{Parallelism: 1})
	if err != nil || len(added.Processed) != 30 {
		t.Fatalf("AddRequests: %v, %v", added, err)
	}

	head, err := q.ListHead(ctx, &ListHeadOptions{Limit: 5})
	if err != nil || len(head.Items) != 5 {
		t.Fatalf("ListHead: %v, %v", head, err)
	}
	first := head.Items[0]
	locked, err := q.LockHead(ctx, &LockHeadOptions{Limit: 3})
	if err != nil || len(locked.Items) != 3 {
		t.Fatalf("LockHead: %v, %v", locked, err)
	}
	n, err := q.UnlockRequests(ctx)
	if err != nil || n != 3 {
		t.Fatalf("UnlockRequests = %d, %v; want 3", n, err)
	}

	got, err := q.GetRequest(ctx, first.ID)
	if err != nil || got.ID == nil || *got.ID != first.ID {
		t.Fatalf("GetRequest(%s) = %v, %v", first.ID, got, err)
	}
	got.HandledAt = nullable.NewNullableWithValue(time.Now().UTC())
	reg, err := q.UpdateRequest(ctx, got, nil)
	if err != nil || reg.RequestID != first.ID || !reg.WasAlreadyPresent {
		t.Fatalf("UpdateRequest = %+v, %v", reg, err)
	}
	head, err = q.ListHead(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range head.Items {
		if h.ID == first.ID {
			t.Errorf("the request marked handled is still in the head")
		}
	}

	if err := q.DeleteRequest(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := q.GetRequest(ctx, first.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("GetRequest after DeleteRequest: %v, want ErrNotFound", err)
	}

	var keys []RequestKey
	for i, h := range head.Items {
		if i%2 == 0 {
			keys = append(keys, RequestKey{ID: h.ID})
		} else {
			keys = append(keys, RequestKey{UniqueKey: h.UniqueKey})
		}
	}
	srv.ResetRequests()
	res, err := q.DeleteRequests(ctx, keys)
	if err != nil || len(res.Deleted) != len(keys) || len(res.Unprocessed) != 0 {
		t.Fatalf("DeleteRequests(%d) = %d deleted, %d unprocessed, %v", len(keys), len(res.Deleted), len(res.Unprocessed), err)
	}
	batches := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodDelete && r.Query.Get("clientKey") == "worker-1" {
			batches++
		}
	}
	if want := (len(keys) + 24) / 25; batches != want {
		t.Errorf("DeleteRequests sent %d batches with the client key, want %d", batches, want)
	}
	head, err = q.ListHead(ctx, nil)
	if err != nil || len(head.Items) != 0 {
		t.Errorf("head after deleting all: %d items, %v", len(head.Items), err)
	}
}

func TestQueueRequestOpsValidate(t *testing.T) {
	c := fakeClient(t, apifytest.NewServer(t), nil)
	ctx := testCtx(t)
	q := c.RequestQueue("q")
	if _, err := q.UpdateRequest(ctx, &Request{}, nil); err == nil {
		t.Error("UpdateRequest without an ID: nil error")
	}
	if _, err := q.GetRequest(ctx, ""); err == nil {
		t.Error("GetRequest(\"\"): nil error")
	}
	if _, err := q.ListHead(ctx, &ListHeadOptions{Limit: 1001}); err == nil {
		t.Error("ListHead with Limit 1001: nil error")
	}
	if _, err := q.DeleteRequests(ctx, []RequestKey{{}}); err == nil {
		t.Error("DeleteRequests with an empty key: nil error")
	}
}
