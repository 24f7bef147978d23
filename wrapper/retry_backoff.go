package apify

import (
	"context"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// retryBackOff is the backoff.BackOff of one call: exponential with jitter
// from backoff.ExponentialBackOff, each delay capped at MaxDelay, stretched to
// a server's Retry-After hint (itself capped at MaxRetryAfter), and limited
// to maxRetries. It stops early when ctx's deadline would pass before the
// next attempt, so the caller gets the last answer instead of a bare
// "context deadline exceeded". Not safe for concurrent use; one per call.
type retryBackOff struct {
	exp           *backoff.ExponentialBackOff
	maxDelay      time.Duration
	maxRetryAfter time.Duration
	maxRetries    int
	retries       int
	hint          time.Duration
	hasHint       bool
	ctx           context.Context
}

// newRetryBackOff builds the backoff for p. backoff's randomisation draws from
// interval·[1-f, 1+f]; with interval = 1.5·InitialDelay and f = 1/3 the first
// wait falls in [InitialDelay, 2·InitialDelay), as in the official clients.
func newRetryBackOff(ctx context.Context, p RetryPolicy, maxRetries int) *retryBackOff {
	exp := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(p.InitialDelay*3/2),
		backoff.WithRandomizationFactor(1.0/3),
		backoff.WithMultiplier(2),
		backoff.WithMaxInterval(p.MaxDelay),
		backoff.WithMaxElapsedTime(0), // ctx bounds the call, not a 15-minute default
	)
	return &retryBackOff{
		exp:           exp,
		maxDelay:      p.MaxDelay,
		maxRetryAfter: p.MaxRetryAfter,
		maxRetries:    maxRetries,
		ctx:           ctx,
	}
}

// setHint records the Retry-After of the answer just received, for the next
// NextBackOff call only.
func (b *retryBackOff) setHint(d time.Duration) {
	b.hint, b.hasHint = d, true
}

func (b *retryBackOff) Reset() {
	b.exp.Reset()
	b.retries = 0
	b.hasHint = false
}

func (b *retryBackOff) NextBackOff() time.Duration {
	hint, hasHint := b.hint, b.hasHint
	b.hasHint = false
	if b.retries >= b.maxRetries {
		return backoff.Stop
	}
	b.retries++
	d := min(b.exp.NextBackOff(), b.maxDelay)
	if hasHint && b.maxRetryAfter > 0 {
		d = max(d, min(hint, b.maxRetryAfter))
	}
	if deadline, ok := b.ctx.Deadline(); ok && time.Until(deadline) < d {
		return backoff.Stop
	}
	return d
}
