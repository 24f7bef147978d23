package apify

// Issue 10 item 9: caller mistakes get errors at once, not panics or retries.

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

func TestRequestsGoRefusesFailAtOnce(t *testing.T) {
	api := apifytest.NewServer(t)
	timers := &coreTimers{}
	c := fakeClient(t, api, timers)
	ctx := testCtx(t)
	errs := map[string]error{
		"SetRecord content type": c.KeyValueStore("kv1").SetRecord(ctx, "k", strings.NewReader("x"), "text/plain\r\nX-Evil: 1"),
		"Charge event name":      c.Run("r1").Charge(ctx, "ev\nent", 1, nil),
	}
	for what, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "cannot be sent") {
			t.Errorf("%s: err = %v, want an error saying the request cannot be sent", what, err)
		}
	}
	if n := len(api.Requests()); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
	if d := timers.recorded(); len(d) != 0 {
		t.Errorf("waited %v before failing, want no retries", d)
	}
}

func TestDurationsThatOverflowAreRefused(t *testing.T) {
	api := apifytest.NewServer(t)
	c := fakeClient(t, api, nil)
	ctx := testCtx(t)
	huge := time.Duration(math.MaxInt64)
	if _, err := c.Actor("a1").Start(ctx, nil, &RunOptions{Timeout: huge}); err == nil {
		t.Error("Start with a Timeout that overflows: no error")
	}
	if _, err := c.RequestQueue("q1").LockHead(ctx, &LockHeadOptions{LockDuration: huge}); err == nil {
		t.Error("LockHead with a LockDuration that overflows: no error")
	}
	if _, err := c.RequestQueue("q1").ProlongRequestLock(ctx, "req1", huge, nil); err == nil {
		t.Error("ProlongRequestLock with a duration that overflows: no error")
	}
	for _, r := range api.Requests() {
		if strings.Contains(r.Query.Encode(), "=-") {
			t.Errorf("sent a negative value: %s?%s", r.Path, r.Query.Encode())
		}
	}
	if n := len(api.Requests()); n != 0 {
		t.Errorf("server saw %d requests, want 0", n)
	}
	if got := ceilSeconds(maxWholeSecondDuration); got <= 0 {
		t.Errorf("ceilSeconds(%v) = %d", maxWholeSecondDuration, got)
	}
	if got := secondsToDuration(math.MaxInt64); got <= 0 {
		t.Errorf("secondsToDuration(MaxInt64) = %v", got)
	}
}
