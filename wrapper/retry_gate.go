package apify

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// retryGate holds back every attempt of one client to a host while a
// Retry-After sent by that host is in force. A 429 or 503 with Retry-After
// is about the client, not the one request that got it: without the gate,
// other calls and the requests an iterator makes ahead would keep arriving
// inside the window the server asked for. The wait is capped by the policy's
// MaxRetryAfter, like the retrying call's own wait; ctx ends it early.
type retryGate struct {
	mu    sync.Mutex
	until map[string]time.Time // host → end of its Retry-After window
}

// close keeps host closed until at least until, and returns the end of the
// window now in force.
func (g *retryGate) close(host string, until time.Time) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.until == nil {
		g.until = map[string]time.Time{}
	}
	if cur, ok := g.until[host]; !ok || until.After(cur) {
		g.until[host] = until
	}
	return g.until[host]
}

// window returns the end of host's window, zero when it is open.
func (g *retryGate) window(host string, now time.Time) time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	u, ok := g.until[host]
	if ok && !now.Before(u) {
		delete(g.until, host)
		return time.Time{}
	}
	return u
}

// expire opens host's window if it still ends at u: a timer for it fired.
func (g *retryGate) expire(host string, u time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if cur, ok := g.until[host]; ok && cur.Equal(u) {
		delete(g.until, host)
	}
}

// passGate returns once the window of req's host has passed, or ctx ended.
// waited is the end of the last window this call already waited out (its
// own backoff after the Retry-After answer counts); passGate returns the new
// one. A window is waited out on one timer from newTimer, and a window that
// a timer ran out is open for every call, so that tests with fake timers
// never sleep.
func (t *retryTransport) passGate(ctx context.Context, req *http.Request, waited time.Time) (time.Time, error) {
	host := req.URL.Host
	for {
		u := t.gate.window(host, time.Now())
		if u.IsZero() {
			return waited, nil
		}
		if !u.After(waited) {
			t.gate.expire(host, u)
			return waited, nil
		}
		d := time.Until(u)
		t.logger.LogAttrs(ctx, slog.LevelDebug, "apify: waiting for the host's Retry-After",
			slog.String("method", req.Method),
			slog.String("url", scrubText(redactURL(req.URL), t.token.reveal())),
			slog.Duration("delay", d))
		if err := waitTimer(ctx, t.newTimer, d); err != nil {
			return waited, err
		}
		waited = u
	}
}

// waitTimer waits d on a timer from newTimer (the real clock when nil), or
// until ctx ends.
func waitTimer(ctx context.Context, newTimer func() backoff.Timer, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var timer backoff.Timer = &stdTimer{}
	if newTimer != nil {
		timer = newTimer()
	}
	timer.Start(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C():
		return nil
	}
}

// gatingStatus reports the answers whose Retry-After closes the gate.
func gatingStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable
}
