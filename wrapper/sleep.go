package apify

import (
	"context"
	"time"
)

// sleep waits d, or until ctx ends (returning ctx.Err()). It waits on the
// client's timer source, which tests replace (withTimer) so that waiting
// loops — run polling, log reconnects, request-queue retries — never
// really sleep there.
func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	return waitTimer(ctx, c.cfg.newTimer, d)
}

// stdTimer is a backoff.Timer on the real clock.
type stdTimer struct{ t *time.Timer }

func (s *stdTimer) Start(d time.Duration) { s.t = time.NewTimer(d) }

func (s *stdTimer) Stop() {
	if s.t != nil {
		s.t.Stop()
	}
}

func (s *stdTimer) C() <-chan time.Time { return s.t.C }

// longPollSlack is how much longer than a long poll's server-side wait an
// attempt may take before the per-attempt timeout cuts it.
const longPollSlack = 30 * time.Second

// longPoll returns ctx with a per-attempt timeout long enough for a request
// the server holds for up to wait (waitForFinish, run-sync), unless the
// per-attempt timeout in effect (the client's or WithAttemptTimeout's)
// already is, or is disabled.
func (c *Client) longPoll(ctx context.Context, wait time.Duration) context.Context {
	need := addDurations(wait, longPollSlack)
	if cur, err := effectiveTimeout(ctx, c.cfg.timeout); err != nil || cur == 0 || cur >= need {
		return ctx
	}
	return withAttemptTimeout(ctx, need)
}
