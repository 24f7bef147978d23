package apify

import (
	"context"
	"errors"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

func TestWithAttemptTimeoutShortensOneCall(t *testing.T) {
	// A client with a long per-attempt timeout; one call asks for a short
	// one, through API(): the hung first attempt is cut and retried. The
	// deadlines are the test's (attemptDeadlines): expire(5s) cuts only an
	// attempt armed with the call's 5 s, not the client's hour.
	hang, arrived := arrivals(nil, nil)
	s, srv := newCoreScript(t, hang, coreOK(`{"data":{"id":"run1","status":"SUCCEEDED"}}`))
	timers := &coreTimers{}
	dl := &attemptDeadlines{}
	c := newCoreClient(t, srv, timers, WithTimeout(time.Hour), withAttemptDeadline(dl.arm))
	go func() {
		<-arrived
		if n := dl.expire(5 * time.Second); n != 1 {
			t.Errorf("expired %d attempts of at most 5s (armed %v), want 1", n, dl.durations())
			dl.expire(time.Duration(math.MaxInt64))
		}
	}()
	ctx := WithAttemptTimeout(testCtx(t), 5*time.Second)
	resp, err := apiOf(c).ActorRunGetWithResponse(ctx, "run1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != http.StatusOK || s.count() != 2 || len(timers.recorded()) < 1 {
		t.Errorf("status %d after %d attempts and %d waits, want 200 after a cut attempt and one retry",
			resp.StatusCode(), s.count(), len(timers.recorded()))
	}

	// Without retries the helper path reports the cut attempt as ErrTimeout.
	hang, arrived = arrivals(nil, nil)
	_, srv = newCoreScript(t, hang)
	dl = &attemptDeadlines{}
	c = newCoreClient(t, srv, &coreTimers{}, WithTimeout(time.Hour), WithMaxRetries(0), withAttemptDeadline(dl.arm))
	go func() {
		<-arrived
		dl.expire(time.Duration(math.MaxInt64))
	}()
	_, err = coreCall(t, c, WithAttemptTimeout(testCtx(t), 30*time.Millisecond), http.MethodGet)
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v, want ErrTimeout", err)
	}
	if got := dl.durations(); !slices.Equal(got, []time.Duration{30 * time.Millisecond}) {
		t.Errorf("attempt timeouts %v, want the call's 30ms", got)
	}
}

func TestWithAttemptTimeoutLengthensOneCall(t *testing.T) {
	// A client with a short per-attempt timeout; one call allows longer. The
	// server answers only after every deadline of at most the client's 20 ms
	// was expired (attemptDeadlines), so the call succeeds only if its
	// attempt was armed with the call's minute.
	release := make(chan struct{})
	slow, arrived := arrivals(release, coreOK(`{"data":{"id":"slow"}}`))
	s, srv := newCoreScript(t, slow)
	dl := &attemptDeadlines{}
	c := newCoreClient(t, srv, &coreTimers{}, WithTimeout(20*time.Millisecond), WithMaxRetries(0), withAttemptDeadline(dl.arm))
	go func() {
		<-arrived
		dl.expire(20 * time.Millisecond)
		close(release)
	}()
	v, err := coreCall(t, c, WithAttemptTimeout(testCtx(t), time.Minute), http.MethodGet)
	if err != nil || (*v)["id"] != "slow" || s.count() != 1 {
		t.Errorf("got %v, %v after %d attempts, want the slow answer at once", v, err, s.count())
	}
	if got := dl.durations(); !slices.Equal(got, []time.Duration{time.Minute}) {
		t.Errorf("attempt timeouts %v, want the call's minute", got)
	}
}

func TestWithAttemptTimeoutRejectsBadValues(t *testing.T) {
	s, srv := newCoreScript(t, coreOK(`{"data":{}}`))
	c := newCoreClient(t, srv, &coreTimers{})
	half := time.Duration(math.MaxInt64/2 + 1)
	var nilCtx context.Context // the careless call under test
	for name, ctx := range map[string]context.Context{
		"zero":       WithAttemptTimeout(context.Background(), 0),
		"negative":   WithAttemptTimeout(context.Background(), -time.Second),
		"overflowed": WithAttemptTimeout(context.Background(), half*2), // wrapped to negative
		"nil ctx":    WithAttemptTimeout(nilCtx, time.Second),
	} {
		t.Run(name, func(t *testing.T) {
			before := s.count()
			resp, err := apiOf(c).ActorRunGetWithResponse(ctx, "run1", nil)
			if err == nil {
				t.Fatalf("status %d, want an error", resp.StatusCode())
			}
			if !strings.Contains(err.Error(), "WithAttemptTimeout") || s.count() != before {
				t.Errorf("err %q after %d requests, want an error naming WithAttemptTimeout and none sent", err, s.count()-before)
			}
			// An internal override (a long poll, a log stream) does not hide it.
			if _, err := effectiveTimeout(withAttemptTimeout(ctx, 0), DefaultTimeout); err == nil {
				t.Error("an internal override hid the invalid WithAttemptTimeout")
			}
		})
	}
}

func TestWithAttemptTimeoutHugeValues(t *testing.T) {
	// The largest duration is a valid "no practical limit", and the helpers
	// that lengthen attempts (long polls, run-sync) must not overflow it.
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "products", productsActor(1))
	huge := time.Duration(math.MaxInt64)
	for name, c := range map[string]*Client{
		"client timeout": fakeClient(t, srv, nil, WithTimeout(huge)),
		"per call":       fakeClient(t, srv, nil),
	} {
		t.Run(name, func(t *testing.T) {
			ctx := testCtx(t)
			if name == "per call" {
				ctx = WithAttemptTimeout(ctx, huge)
			}
			if _, err := c.Actor(actorID).RunSync(ctx, nil, nil); err != nil {
				t.Errorf("RunSync: %v", err)
			}
			if d, err := effectiveTimeout(c.longPoll(ctx, time.Minute), c.cfg.timeout); err != nil || d != huge {
				t.Errorf("long poll timeout %v, %v, want %v kept", d, err, huge)
			}
		})
	}
}

func TestLongPollLengthensAShortPerCallTimeout(t *testing.T) {
	c, err := NewClient()
	if err != nil {
		t.Fatal(err)
	}
	ctx := c.longPoll(WithAttemptTimeout(context.Background(), time.Second), time.Minute)
	if d, err := effectiveTimeout(ctx, c.cfg.timeout); err != nil || d != time.Minute+longPollSlack {
		t.Errorf("long poll timeout %v, %v, want %v", d, err, time.Minute+longPollSlack)
	}
}
