package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v4"
)

const (
	// maxReplayBuffer is the largest request body without GetBody that is
	// buffered so it can be sent again; larger ones are sent once.
	maxReplayBuffer = 10 << 20
	// maxDrain bounds how much of a discarded answer is read so that its
	// connection can be reused.
	maxDrain = 64 << 10
)

// retryTransport retries failed attempts according to the RetryPolicy and
// the method-aware rules in the package documentation. It sits between
// http.Client (which handles redirects) and headerTransport, so every
// attempt and redirect hop gets fresh headers. It never buffers a success
// body unless the request context asks for it (withBufferedBody).
type retryTransport struct {
	next     http.RoundTripper
	policy   RetryPolicy
	timeout  time.Duration // per attempt; 0 = none
	logger   *slog.Logger
	newTimer func() backoff.Timer
	token    *secret // only to scrub log and error text
	maxBody  int64   // bound on a 2xx body read inside the attempt
	gate     retryGate
	// deadline arms the per-attempt timeout; nil = context.WithTimeout.
	deadline func(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc)
}

// errRetryableStatus marks an answer that may be retried; when retries run
// out, the answer itself is returned to the caller.
var errRetryableStatus = errors.New("retryable status")

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	req, replayable, err := replayableRequest(req)
	if err != nil {
		return nil, t.requestErr(req, 0, err, "")
	}
	if err := checkSendable(req); err != nil {
		return nil, t.requestErr(req, 0, err, "")
	}
	maxRetries := t.policy.MaxRetries
	if !replayable {
		maxRetries = 0
	}
	safe := isIdempotent(req)
	mayRepeat := safe || t.policy.RetryNonIdempotent || unsafeRetriesAllowed(ctx)
	b := newRetryBackOff(ctx, t.policy, maxRetries)

	var (
		last       *http.Response // answer of the latest attempt, body open
		lastReason string         // why the latest attempt failed, for logs and errors
		attempts   int
		waited     time.Time // end of the last Retry-After window this call waited out
	)
	operation := func() (*http.Response, error) {
		var err error
		if waited, err = t.passGate(ctx, req, waited); err != nil {
			if lastReason != "" {
				err = fmt.Errorf("%w while waiting for the Retry-After of attempt %d: %s", err, attempts, lastReason)
			}
			return nil, backoff.Permanent(t.requestErr(req, attempts, err, ""))
		}
		attempts++
		resp, err := t.attempt(req, attempts)
		last = nil
		if err != nil {
			var permanent *backoff.PermanentError
			if errors.As(err, &permanent) {
				return nil, err
			}
			if ctx.Err() != nil {
				return nil, backoff.Permanent(t.requestErr(req, attempts, ctx.Err(), ""))
			}
			if refusedByGo(err) {
				return nil, backoff.Permanent(t.requestErr(req, attempts, fmt.Errorf("%w: %w", errUnsendable, err), ""))
			}
			if mayRepeat || notSent(err) {
				lastReason = scrubText(err.Error(), t.token.reveal())
				return nil, err
			}
			return nil, backoff.Permanent(t.requestErr(req, attempts, err, notRetriedNote(req)))
		}
		var gateEnd time.Time
		retryAfter, hasRetryAfter := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if hasRetryAfter && gatingStatus(resp.StatusCode) && t.policy.MaxRetryAfter > 0 {
			// No request of this client to the host until the wait passed.
			until := time.Now().Add(min(retryAfter, t.policy.MaxRetryAfter))
			if end := t.gate.close(req.URL.Host, until); !until.Before(end) {
				gateEnd = end // this call's own wait below covers the window
			}
		}
		if retryableStatus(resp.StatusCode) && (mayRepeat || resp.StatusCode == http.StatusTooManyRequests) {
			if hasRetryAfter {
				b.setHint(retryAfter)
				if gateEnd.After(waited) {
					waited = gateEnd
				}
			}
			last, lastReason = resp, scrubText(resp.Status, t.token.reveal())
			return resp, errRetryableStatus
		}
		return resp, nil
	}
	notify := func(_ error, delay time.Duration) {
		if last != nil {
			discard(last)
			last = nil
		}
		t.logger.LogAttrs(ctx, slog.LevelDebug, "apify: retrying request",
			slog.String("method", req.Method),
			slog.String("url", scrubText(redactURL(req.URL), t.token.reveal())),
			slog.Int("attempt", attempts),
			slog.String("reason", lastReason),
			slog.Duration("delay", delay))
	}

	var timer backoff.Timer
	if t.newTimer != nil {
		timer = t.newTimer()
	}
	resp, err := backoff.RetryNotifyWithTimerAndData(operation, backoff.WithContext(b, ctx), notify, timer)
	switch {
	case err == nil:
		return resp, nil
	case errors.Is(err, errRetryableStatus) && last != nil:
		return last, nil // retries exhausted: the caller sees the answer
	}
	if last != nil {
		discard(last)
	}
	var re *RequestError
	if errors.As(err, &re) {
		return nil, err
	}
	if lastReason != "" && ctx.Err() != nil {
		// ctx ended between attempts: say what failed before.
		err = fmt.Errorf("%w before retrying after attempt %d failed: %s", ctx.Err(), attempts, lastReason)
	}
	return nil, t.requestErr(req, attempts, err, "")
}

// attempt sends one attempt of req, under the per-attempt timeout, with the
// attempt number in its context (read back by newAPIError through
// resp.Request). With withBufferedBody it reads a 2xx body completely and
// reports a truncated or undecodable one as an error.
func (t *retryTransport) attempt(req *http.Request, n int) (*http.Response, error) {
	ctx := context.WithValue(req.Context(), attemptKey{}, &attemptInfo{n: n, token: t.token})
	timeout, err := effectiveTimeout(ctx, t.timeout)
	if err != nil {
		return nil, backoff.Permanent(t.requestErr(req, n, err, ""))
	}
	var cancel context.CancelFunc
	switch {
	case timeout > 0 && t.deadline != nil:
		ctx, cancel = t.deadline(ctx, timeout)
	case timeout > 0:
		ctx, cancel = context.WithTimeout(ctx, timeout)
	default:
		ctx, cancel = context.WithCancel(ctx)
	}
	r := req.WithContext(ctx)
	if n > 1 && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			cancel()
			return nil, backoff.Permanent(t.requestErr(req, n, fmt.Errorf("replaying request body: %w", err), ""))
		}
		r.Body = body
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		cancel()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && req.Context().Err() == nil {
			err = fmt.Errorf("%w: attempt exceeded %v (WithTimeout or WithAttemptTimeout): %w", ErrTimeout, timeout, err)
		}
		return nil, err
	}
	resp.Request = r
	if mode := bodyModeOf(ctx); mode != streamBody && resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		body, err := readBounded(resp.Body, t.maxBody, resp.Status, t.token.reveal())
		resp.Body.Close()
		cancel()
		if errors.Is(err, ErrUnexpectedResponse) {
			return nil, backoff.Permanent(t.requestErr(req, n, err, "")) // too long: the same again
		}
		if err != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) && req.Context().Err() == nil {
				err = fmt.Errorf("%w: attempt exceeded %v (WithTimeout or WithAttemptTimeout): %w", ErrTimeout, timeout, err)
			}
			return nil, fmt.Errorf("%w: reading the %s body: %w", ErrUnexpectedResponse, resp.Status, err)
		}
		if mode == jsonBody && len(body) > 0 && isJSON(resp.Header.Get("Content-Type")) && !json.Valid(body) {
			return nil, fmt.Errorf("%w: the %s body is not valid JSON (truncated?): %s",
				ErrUnexpectedResponse, resp.Status, excerpt(body, t.token.reveal()))
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		return resp, nil
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose releases an attempt's timeout context once the caller is
// done with the body.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// retryableStatus reports the answers worth another attempt: 429 and 5xx,
// except 501 and 505, which will not change.
func retryableStatus(code int) bool {
	switch {
	case code == http.StatusTooManyRequests:
		return true
	case code == http.StatusNotImplemented || code == http.StatusHTTPVersionNotSupported:
		return false
	}
	return code >= 500 && code <= 599
}

// isIdempotent reports whether sending req twice has the effect of sending it
// once: safe and idempotent methods, requests marked by internal code
// (markIdempotent), and requests carrying an Idempotency-Key header, which
// the API deduplicates.
func isIdempotent(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return markedIdempotent(req.Context()) || req.Header.Get("Idempotency-Key") != ""
}

func notRetriedNote(req *http.Request) string {
	return "not retried: the server may already have acted on this " + req.Method +
		"; if repeating it is safe, opt in with apify.AllowUnsafeRetries(ctx) or RetryPolicy.RetryNonIdempotent"
}

// replayableRequest makes req's body replayable when it is not already: a
// body without GetBody of at most maxReplayBuffer bytes is read into memory.
// It returns a shallow copy when it changes anything; replayable is false for
// a larger body, which is then sent once, unchanged.
func replayableRequest(req *http.Request) (_ *http.Request, replayable bool, _ error) {
	if req.Body == nil || req.Body == http.NoBody || req.GetBody != nil {
		return req, true, nil
	}
	if req.ContentLength > maxReplayBuffer {
		return req, false, nil
	}
	buf, err := io.ReadAll(io.LimitReader(req.Body, maxReplayBuffer+1))
	if err != nil {
		req.Body.Close()
		return req, false, fmt.Errorf("reading the request body: %w", err)
	}
	r := req.WithContext(req.Context())
	if len(buf) > maxReplayBuffer {
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(buf), req.Body), req.Body}
		return r, false, nil
	}
	req.Body.Close()
	r.ContentLength = int64(len(buf))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(buf)), nil }
	r.Body, _ = r.GetBody()
	if len(buf) == 0 {
		r.Body, r.GetBody = http.NoBody, func() (io.ReadCloser, error) { return http.NoBody, nil }
	}
	return r, true, nil
}

// discard drains a little of an answer that will not be used, so its
// connection can be reused, and closes it.
func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	resp.Body.Close()
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}
