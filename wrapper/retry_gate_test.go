package apify

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// heldTimers hands out timers that fire only once the test releases them
// (or at once after release), and signal every Start on started.
type heldTimers struct {
	started  chan time.Duration
	released chan struct{}
}

func newHeldTimers() *heldTimers {
	return &heldTimers{started: make(chan time.Duration, 1000), released: make(chan struct{})}
}

func (h *heldTimers) newTimer() backoff.Timer { return &heldTimer{h: h} }

type heldTimer struct {
	h *heldTimers
	c chan time.Time
}

func (t *heldTimer) Start(d time.Duration) {
	t.c = make(chan time.Time, 1)
	t.h.started <- d
	go func(c chan time.Time) {
		<-t.h.released
		c <- time.Now()
	}(t.c)
}
func (t *heldTimer) Stop()               {}
func (t *heldTimer) C() <-chan time.Time { return t.c }

// Item 6: after a 429 with Retry-After, no request of the client reaches
// the host inside the window: not other calls, not the pages iterators
// request ahead.
func TestRetryAfterGateHoldsEveryRequestOfTheClient(t *testing.T) {
	// A stub, not apifytest: it counts requests arriving inside the Retry-After window.
	var (
		windowOpen atomic.Bool
		inWindow   atomic.Int32
		first      atomic.Bool
	)
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if windowOpen.Load() {
			inWindow.Add(1)
		}
		switch {
		case r.URL.Path == "/v2/actor-runs/limited" && first.CompareAndSwap(false, true):
			w.Header().Set("Retry-After", "10")
			windowOpen.Store(true)
			coreWriteJSON(w, 429, `{"error":{"type":"rate-limit-exceeded","message":"slow down"}}`)
		case r.URL.Path == "/v2/datasets/ds1/items":
			offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
			limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			n := max(0, min(limit, 30-offset))
			items := make([]map[string]int, n)
			for i := range items {
				items[i] = map[string]int{"i": offset + i}
			}
			w.Header().Set("X-Apify-Pagination-Count", strconv.Itoa(n))
			w.Header().Set("X-Apify-Pagination-Total", "30")
			body, _ := json.Marshal(items)
			coreWriteJSON(w, 200, string(body))
		case r.URL.Path == "/v2/actor-runs":
			writeData(w, 200, map[string]any{"total": 1, "offset": 0, "limit": 1000, "count": 1, "items": []any{runJSON("r9", "SUCCEEDED")}})
		default:
			writeData(w, 200, runJSON("r1", "SUCCEEDED"))
		}
	})
	timers := newHeldTimers()
	c := api.client(t, nil, withTimer(timers.newTimer))
	ctx := testCtx(t)

	var wg sync.WaitGroup
	errs := make(chan error, 10)
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := c.Run("limited").Get(ctx)
		errs <- err
	}()
	if d := <-timers.started; d < 9*time.Second {
		t.Fatalf("the limited call waits %v, want the 10s of Retry-After", d)
	}

	// Inside the window: other calls and iterators start.
	const others = 5
	done := make(chan struct{}, others)
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- f()
			done <- struct{}{}
		}()
	}
	run(func() error { _, err := c.Run("r1").Get(ctx); return err })
	run(func() error { _, err := c.Run("r2").Get(ctx); return err })
	run(func() error {
		for _, err := range Items[json.RawMessage](ctx, c.Dataset("ds1"), &ItemsOptions{PageSize: 5}) {
			if err != nil {
				return err
			}
		}
		return nil
	})
	run(func() error {
		for _, err := range c.Runs().List(ctx, nil) {
			if err != nil {
				return err
			}
		}
		return nil
	})
	run(func() error {
		for _, err := range Items[json.RawMessage](ctx, c.Dataset("ds1"), &ItemsOptions{PageSize: 10, Prefetch: 3}) {
			if err != nil {
				return err
			}
		}
		return nil
	})
	// Each of them either waits at the gate (a timer starts) or, wrongly,
	// finishes inside the window.
	for range others {
		select {
		case d := <-timers.started:
			if d < 5*time.Second {
				t.Errorf("a call waits %v at the gate, want the rest of the 10s window", d)
			}
		case <-done:
		case <-ctx.Done():
			t.Fatal("timed out")
		}
	}
	if n := inWindow.Load(); n != 0 {
		t.Errorf("%d requests arrived inside the Retry-After window", n)
	}
	windowOpen.Store(false)
	close(timers.released)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("call failed: %v", err)
		}
	}
	if n := inWindow.Load(); n != 0 {
		t.Errorf("%d requests arrived inside the Retry-After window", n)
	}
}

// Item 6: the gate's wait ends with ctx.
func TestRetryAfterGateIsContextAware(t *testing.T) {
	// A stub, not apifytest: Retry-After timing against the client's timers.
	first := atomic.Bool{}
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if first.CompareAndSwap(false, true) {
			w.Header().Set("Retry-After", "10")
			coreWriteJSON(w, 429, `{}`)
			return
		}
		writeData(w, 200, runJSON("r1", "SUCCEEDED"))
	})
	timers := newHeldTimers()
	defer close(timers.released)
	c := api.client(t, nil, withTimer(timers.newTimer), WithMaxRetries(0))
	if _, err := c.Run("r1").Get(testCtx(t)); err == nil {
		t.Fatal("want the 429")
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	go func() { <-timers.started; cancel() }()
	_, err := c.Run("r1").Get(ctx)
	if err == nil || ctx.Err() == nil {
		t.Fatalf("err = %v, want the call to end with its context", err)
	}
	if n := len(api.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}
