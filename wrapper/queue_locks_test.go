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
	if _, err := c.AddRequests(ctx, queueID, queueRequests(5), nil); err != nil {
		t.Fatal(err)
	}

	head, err := c.LockHead(ctx, queueID, &LockHeadOptions{Limit: 2, LockDuration: 30 * time.Second, ClientKey: "worker-1"})
	if err != nil {
		t.Fatalf("LockHead: %v", err)
	}
	if len(head.Items) != 2 || head.LockSecs != 30 || head.Items[0].URL != "https://example.com/p/0" {
		t.Fatalf("locked %+v", head)
	}
	first := head.Items[0]

	// Another client gets the next ones, not the locked two.
	other, err := c.LockHead(ctx, queueID, &LockHeadOptions{ClientKey: "worker-2"})
	if err != nil || len(other.Items) != 3 || other.Items[0].URL != "https://example.com/p/2" {
		t.Fatalf("second client locked %+v, %v", other, err)
	}

	until, err := c.ProlongRequestLock(ctx, queueID, first.ID, 2*time.Minute, &RequestLockOptions{ClientKey: "worker-1"})
	if err != nil {
		t.Fatalf("ProlongRequestLock: %v", err)
	}
	if !until.After(first.LockExpiresAt) {
		t.Errorf("lock now ends %v, before %v", until, first.LockExpiresAt)
	}
	if _, err := c.ProlongRequestLock(ctx, queueID, first.ID, time.Minute, &RequestLockOptions{ClientKey: "worker-2"}); err == nil {
		t.Error("another client prolonged the lock")
	}

	if err := c.DeleteRequestLock(ctx, queueID, first.ID, &RequestLockOptions{ClientKey: "worker-1", Forefront: true}); err != nil {
		t.Fatalf("DeleteRequestLock: %v", err)
	}
	again, err := c.LockHead(ctx, queueID, &LockHeadOptions{Limit: 1, ClientKey: "worker-3"})
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
	for _, o := range []LockHeadOptions{{Limit: 26}, {Limit: -1}, {LockDuration: -time.Second}, {ClientKey: strings.Repeat("k", 40)}} {
		if _, err := c.LockHead(ctx, "q", &o); err == nil || !strings.Contains(err.Error(), "LockHeadOptions") {
			t.Errorf("%+v: %v", o, err)
		}
	}
	if _, err := c.ProlongRequestLock(ctx, "q", "r", 0, nil); err == nil {
		t.Error("zero duration accepted")
	}
	if _, err := c.ProlongRequestLock(ctx, "q", "", time.Second, nil); err == nil {
		t.Error("empty request ID accepted")
	}
	if err := c.DeleteRequestLock(ctx, "", "r", nil); err == nil {
		t.Error("empty queue ID accepted")
	}
	if len(srv.Requests()) != 0 {
		t.Error("invalid calls reached the server")
	}
}
