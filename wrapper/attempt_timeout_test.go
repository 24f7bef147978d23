package apify

import (
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// hangUntilGone holds a request until the client gives up on it.
func hangUntilGone(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

func TestWithAttemptTimeoutShortensOneCall(t *testing.T) {
	// A client with a long per-attempt timeout; one call asks for a short
	// one, through API(): the hung first attempt is cut and retried.
	s, srv := newCoreScript(t, hangUntilGone, coreOK(`{"data":{"id":"run1","status":"SUCCEEDED"}}`))
	timers := &coreTimers{}
	c := newCoreClient(t, srv, timers, WithTimeout(time.Hour))
	ctx := WithAttemptTimeout(testCtx(t), attemptLimit)
	resp, err := apiOf(c).ActorRunGetWithResponse(ctx, "run1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != http.StatusOK || s.count() != 2 || len(timers.recorded()) < 1 {
		t.Errorf("status %d after %d attempts and %d waits, want 200 after a cut attempt and one retry",
			resp.StatusCode(), s.count(), len(timers.recorded()))
	}

	// Without retries the helper path reports the cut attempt as ErrTimeout.
	_, srv = newCoreScript(t, hangUntilGone)
	c = newCoreClient(t, srv, &coreTimers{}, WithTimeout(time.Hour), WithMaxRetries(0))
	_, err = coreCall(t, c, WithAttemptTimeout(testCtx(t), 30*time.Millisecond), http.MethodGet)
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v, want ErrTimeout", err)
	}
}

func TestWithAttemptTimeoutLengthensOneCall(t *testing.T) {
	// A client with a short per-attempt timeout; one call allows longer.
	s, srv := newCoreScript(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(150 * time.Millisecond): // longer than the client's 20 ms
		case <-r.Context().Done():
			return
		}
		coreWriteJSON(w, http.StatusOK, `{"data":{"id":"slow"}}`)
	})
	c := newCoreClient(t, srv, &coreTimers{}, WithTimeout(20*time.Millisecond), WithMaxRetries(0))
	v, err := coreCall(t, c, WithAttemptTimeout(testCtx(t), time.Minute), http.MethodGet)
	if err != nil || (*v)["id"] != "slow" || s.count() != 1 {
		t.Errorf("got %v, %v after %d attempts, want the slow answer at once", v, err, s.count())
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
