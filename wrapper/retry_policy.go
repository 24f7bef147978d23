package apify

import (
	"errors"
	"fmt"
	"time"
)

// Retry defaults, the same as the official Apify clients where they agree.
const (
	// DefaultMaxRetries is the number of retries after the first attempt.
	DefaultMaxRetries = 8
	// DefaultInitialDelay is the shortest wait before the first retry; each
	// wait is drawn from [d, 2d) and d doubles on every retry.
	DefaultInitialDelay = 500 * time.Millisecond
	// DefaultMaxDelay caps every computed wait between two attempts.
	DefaultMaxDelay = 30 * time.Second
	// DefaultMaxRetryAfter caps the wait a server asks for with Retry-After.
	DefaultMaxRetryAfter = 60 * time.Second
	// DefaultTimeout bounds one attempt: connecting, sending the request and
	// reading the response body.
	DefaultTimeout = 360 * time.Second
)

// maxRetriesLimit keeps a typo (1e9 retries) from turning into a client that
// never gives up while ctx has no deadline.
const maxRetriesLimit = 100

// RetryPolicy configures how a [Client] retries failed requests. Start from
// [DefaultRetryPolicy] and change the fields you need; [WithRetryPolicy]
// validates the result. The rules for which failures are retried are listed
// in the package documentation.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt (0 turns
	// retries off; at most 100).
	MaxRetries int
	// InitialDelay is the shortest wait before the first retry (> 0). Waits
	// grow exponentially: retry k waits a random duration in
	// [InitialDelay·2^k, 2·InitialDelay·2^k), capped at MaxDelay.
	InitialDelay time.Duration
	// MaxDelay caps each computed wait (>= InitialDelay).
	MaxDelay time.Duration
	// MaxRetryAfter caps the wait requested by a Retry-After header (>= 0;
	// 0 ignores Retry-After). The client waits for the longer of the capped
	// Retry-After and its own computed delay.
	MaxRetryAfter time.Duration
	// RetryNonIdempotent retries POST and PATCH requests after 5xx answers
	// and broken connections as well, accepting that the server may act on
	// them twice (a second run, duplicate items). Per call, the same is
	// achieved with [AllowUnsafeRetries].
	RetryNonIdempotent bool
}

// DefaultRetryPolicy returns the policy a [Client] uses unless configured
// otherwise: 8 retries, 500 ms first delay, 30 s cap per wait, Retry-After
// honoured up to 60 s, POST and PATCH retried only where safe.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxRetries:    DefaultMaxRetries,
		InitialDelay:  DefaultInitialDelay,
		MaxDelay:      DefaultMaxDelay,
		MaxRetryAfter: DefaultMaxRetryAfter,
	}
}

// validate reports the first field that is out of range, saying what to do.
func (p RetryPolicy) validate() error {
	switch {
	case p.MaxRetries < 0 || p.MaxRetries > maxRetriesLimit:
		return fmt.Errorf("MaxRetries is %d, want 0..%d (0 turns retries off)", p.MaxRetries, maxRetriesLimit)
	case p.InitialDelay <= 0:
		return fmt.Errorf("InitialDelay is %v, want > 0 (start from DefaultRetryPolicy())", p.InitialDelay)
	case p.MaxDelay < p.InitialDelay:
		return fmt.Errorf("MaxDelay %v is shorter than InitialDelay %v", p.MaxDelay, p.InitialDelay)
	case p.MaxRetryAfter < 0:
		return errors.New("MaxRetryAfter is negative, want >= 0 (0 ignores Retry-After)")
	}
	return nil
}
