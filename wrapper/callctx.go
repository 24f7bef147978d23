package apify

import (
	"context"
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

// withAttemptTimeout returns a copy of ctx that overrides the client's
// per-attempt timeout for requests made with it; d == 0 disables the
// per-attempt timeout (for long streams such as a followed log).
func withAttemptTimeout(ctx context.Context, d time.Duration) context.Context {
	if ctx == nil {
		return nil // newRequest reports it
	}
	return context.WithValue(ctx, attemptTimeoutKey{}, d)
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

func attemptTimeoutOverride(ctx context.Context) (time.Duration, bool) {
	d, ok := ctx.Value(attemptTimeoutKey{}).(time.Duration)
	return d, ok
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
