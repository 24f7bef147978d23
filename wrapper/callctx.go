package apify

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Context keys carrying per-call settings from the caller (or from the
// hand-written methods of this package) down to the retry transport. They
// travel in the request's context so that calls made through apifyapi and
// through the internal request path see the same settings.
type (
	unsafeRetriesKey  struct{}
	idempotentKey     struct{}
	bufferBodyKey     struct{} // value: bodyMode
	attemptTimeoutKey struct{}
	attemptKey        struct{}
)

// AllowUnsafeRetries returns a copy of ctx that lets the client retry
// requests made with it even when they may create something on the server
// (POST, PATCH), after a 5xx answer or a connection cut once the request was
// sent. Use it for calls you know are safe to repeat, or where a duplicate is
// cheaper than a failure:
//
//	ctx = apify.AllowUnsafeRetries(ctx)
//	resp, err := api.ActorRunsPostWithResponse(ctx, actorID, params, body)
//
// Without it (and without [RetryPolicy].RetryNonIdempotent), such requests are
// retried only after a 429 answer or a failure to connect, where the server
// certainly did not act on them. See the retry policy table in the package
// documentation.
func AllowUnsafeRetries(ctx context.Context) context.Context {
	return context.WithValue(ctx, unsafeRetriesKey{}, true)
}

// markIdempotent returns a copy of ctx under which a POST or PATCH is treated
// like GET/PUT/DELETE by the retry transport. Internal callers use it for
// requests the API deduplicates on its own: request-queue adds keyed by
// uniqueKey, charge with an idempotency key, get-or-create by name.
func markIdempotent(ctx context.Context) context.Context {
	if ctx == nil {
		return nil // newRequest reports it
	}
	return context.WithValue(ctx, idempotentKey{}, true)
}

// bodyMode says how the retry transport treats a 2xx body.
type bodyMode int

const (
	streamBody   bodyMode = iota // handed over open (the default)
	bufferedBody                 // read whole inside the attempt
	jsonBody                     // read whole and checked to be JSON
)

// withBufferedBody returns a copy of ctx under which the retry transport reads
// a 2xx response body completely inside the attempt (at most the client's
// WithMaxResponseBody bound), so that a truncated body is retried like a
// network error (idempotent requests only). The returned response body is an
// in-memory reader. GetRecord uses it: the bytes are returned as stored,
// whatever they are; streaming callers must not.
func withBufferedBody(ctx context.Context) context.Context {
	if ctx == nil {
		return nil // newRequest reports it
	}
	return context.WithValue(ctx, bufferBodyKey{}, bufferedBody)
}

// withJSONBody is withBufferedBody for callers that decode the body as JSON
// (doJSON, apifyapi): a body labelled JSON that is not one valid JSON value is
// also retried, as a truncated one.
func withJSONBody(ctx context.Context) context.Context {
	if ctx == nil {
		return nil
	}
	return context.WithValue(ctx, bufferBodyKey{}, jsonBody)
}

// WithAttemptTimeout returns a copy of ctx under which each attempt of a
// request — connecting, sending and reading the whole response body — is
// bounded to d instead of the client's [WithTimeout]. It works for every
// call that takes the ctx, apifyapi calls included, so that one client serves
// a one-second Get and a five-minute upload:
//
//	quick := apify.WithAttemptTimeout(ctx, time.Second)
//	slow := apify.WithAttemptTimeout(ctx, 10*time.Minute)
//
// An attempt that exceeds d is retried like a network error (see the retry
// table in the package documentation). d must be positive: a request made
// with a zero or negative d (or a nil ctx) fails without being sent, with an
// error naming WithAttemptTimeout. To bound a call as a whole, retries
// included, give ctx a deadline. Helpers whose answers the server holds
// (waiting for a run, run-sync, following a log) lengthen or lift their own
// attempts' limit as they need; a one-response dataset export has no
// per-attempt limit unless ctx carries one.
func WithAttemptTimeout(ctx context.Context, d time.Duration) context.Context {
	var err error
	switch {
	case ctx == nil:
		ctx, err = context.Background(), errors.New("apify.WithAttemptTimeout: nil context; pass context.Background() or a request context")
	case d <= 0:
		err = fmt.Errorf("apify.WithAttemptTimeout: %v is not a positive duration; bound the whole call with a ctx deadline instead", d)
	}
	return context.WithValue(ctx, attemptTimeoutKey{}, attemptTimeout{d: d, err: err})
}

// withAttemptTimeout returns a copy of ctx that overrides the per-attempt
// timeout for requests made with it; d == 0 disables the per-attempt timeout
// (for long streams such as a followed log). An invalid WithAttemptTimeout
// in ctx is kept, so that its error is not hidden.
func withAttemptTimeout(ctx context.Context, d time.Duration) context.Context {
	if ctx == nil {
		return nil // newRequest reports it
	}
	if s, ok := ctx.Value(attemptTimeoutKey{}).(attemptTimeout); ok && s.err != nil {
		return ctx
	}
	return context.WithValue(ctx, attemptTimeoutKey{}, attemptTimeout{d: d})
}

// attemptTimeout is a per-call override of the per-attempt timeout; err is
// set when WithAttemptTimeout got an invalid value.
type attemptTimeout struct {
	d   time.Duration // 0 = no per-attempt limit (internal callers only)
	err error
}

// effectiveTimeout returns the per-attempt timeout for requests made with
// ctx: its override if any, else the client's (0 = none), or the error of an
// invalid WithAttemptTimeout.
func effectiveTimeout(ctx context.Context, clientTimeout time.Duration) (time.Duration, error) {
	if ctx == nil {
		return clientTimeout, nil // newRequest reports it
	}
	if s, ok := ctx.Value(attemptTimeoutKey{}).(attemptTimeout); ok {
		return s.d, s.err
	}
	return clientTimeout, nil
}

// addDurations returns a+b for non-negative a and b, saturating instead of
// overflowing.
func addDurations(a, b time.Duration) time.Duration {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func unsafeRetriesAllowed(ctx context.Context) bool {
	v, _ := ctx.Value(unsafeRetriesKey{}).(bool)
	return v
}

func markedIdempotent(ctx context.Context) bool {
	v, _ := ctx.Value(idempotentKey{}).(bool)
	return v
}

func bodyModeOf(ctx context.Context) bodyMode {
	v, _ := ctx.Value(bufferBodyKey{}).(bodyMode)
	return v
}

// attemptInfo is what the retry transport records in the context of each
// attempt it sends: the attempt number and the token to scrub from errors
// built later from the answer (newAPIError reads it through resp.Request).
// It prints as "attempt N", never showing the token.
type attemptInfo struct {
	n     int
	token *secret
}

func (a *attemptInfo) String() string { return "attempt " + strconv.Itoa(a.n) }

// attemptOf reports which attempt (1-based) a request sent by the retry
// transport was; 0 when unknown.
func attemptOf(ctx context.Context) int {
	if a, ok := ctx.Value(attemptKey{}).(*attemptInfo); ok {
		return a.n
	}
	return 0
}

// tokenOf returns the token to scrub from text about a request sent by the
// retry transport; "" when unknown.
func tokenOf(ctx context.Context) string {
	if a, ok := ctx.Value(attemptKey{}).(*attemptInfo); ok {
		return a.token.reveal()
	}
	return ""
}
