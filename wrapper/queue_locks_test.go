package apify

import (
	"strings"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

func TestRequestLocks(t *testing.T) {
	srv := apifytest.NewServer(t)
	queueID, err := srv.AddRequestQueue("work")
	if err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	if _, err := c.RequestQueue(queueID).AddRequests(ctx, queueRequests(5), nil); err != nil {
		t.Fatal(err)
	}

	head, err := c.RequestQueue(queueID, &RequestQueueOptions{ClientKey: "worker-1"}).LockHead(ctx, &LockHeadOptions{Limit: 2, LockDuration: 30 * time.Second})
	if err != nil {
		t.Fatalf("LockHead: %v", err)
	}
	if len(head.Items) != 2 || head.LockSecs != 30 || head.Items[0].URL != "https://example.com/p/0" {
		t.Fatalf("locked %+v", head)
	}
	first := head.Items[0]

	// Another client gets the next ones, not the locked two.
	other, err := c.RequestQueue(queueID, &RequestQueueOptions{ClientKey: "worker-2"}).LockHead(ctx, nil)
	if err != nil || len(other.Items) != 3 || other.Items[0].URL != "https://example.com/p/2" {
		t.Fatalf("second client locked %+v, %v", other, err)
	}

	until, err := c.RequestQueue(queueID, &RequestQueueOptions{ClientKey: "worker-1"}).ProlongRequestLock(ctx, first.ID, 2*time.Minute, nil)
	if err != nil {
		t.Fatalf("ProlongRequestLock: %v", err)
	}
	if !until.After(first.LockExpiresAt) {
		t.Errorf("lock now ends %v, before %v", until, first.LockExpiresAt)
	}
	if _, err := c.RequestQueue(queueID, &RequestQueueOptions{ClientKey: "worker-2"}).ProlongRequestLock(ctx, first.ID, time.Minute, nil); err == nil {
		t.Error("another client prolonged the lock")
	}

	if err := c.RequestQueue(queueID, &RequestQueueOptions{ClientKey: "worker-1"}).DeleteRequestLock(ctx, first.ID, &RequestLockOptions{Forefront: true}); err != nil {
		t.Fatalf("DeleteRequestLock: %v", err)
	}
	again, err := c.RequestQueue(queueID, &RequestQueueOptions{ClientKey: "worker-3"}).LockHead(ctx, &LockHeadOptions{Limit: 1})
	if err != nil || len(again.Items) != 1 || again.Items[0].ID != first.ID {
		t.Errorf("after the unlock the head is %+v, %v; want the unlocked request", again, err)
	}

	q := postsTo(srv, "/head/lock")[0].Query
	if q.Get("limit") != "2" || q.Get("lockSecs") != "30" || q.Get("clientKey") != "worker-1" {
		t.Errorf("query %v", q)
	}
}

func TestRequestLockValidation(t *testing.T) {
	srv := apifytest.NewServer(t)
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	for _, o := range []LockHeadOptions{{Limit: 26}, {Limit: -1}, {LockDuration: -time.Second}} {
		if _, err := c.RequestQueue("q").LockHead(ctx, &o); err == nil || !strings.Contains(err.Error(), "LockHeadOptions") {
			t.Errorf("%+v: %v", o, err)
		}
	}
	if _, err := c.RequestQueue("q").ProlongRequestLock(ctx, "r", 0, nil); err == nil {
		t.Error("zero duration accepted")
	}
	if _, err := c.RequestQueue("q").ProlongRequestLock(ctx, "", time.Second, nil); err == nil {
		t.Error("empty request ID accepted")
	}
	if _, err := c.RequestQueue("q", &RequestQueueOptions{ClientKey: strings.Repeat("k", 40)}).LockHead(ctx, nil); err == nil || !strings.Contains(err.Error(), "ClientKey") {
		t.Errorf("long ClientKey: %v", err)
	}
	if err := c.RequestQueue("").DeleteRequestLock(ctx, "r", nil); err == nil {
		t.Error("empty queue ID accepted")
	}
	if len(srv.Requests()) != 0 {
		t.Error("invalid calls reached the server")
	}
}
