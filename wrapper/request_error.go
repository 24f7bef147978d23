package apify

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// requestError is a request that got no usable answer: the connection failed,
// was cut, timed out, or the success body was unreadable. It names the
// request with credentials redacted and unwraps to the cause, so
// errors.Is(err, context.DeadlineExceeded), errors.Is(err, ErrTimeout),
// errors.Is(err, ErrUnexpectedResponse) and errors.As(err, *net.OpError) work.
type requestError struct {
	method  string
	url     string
	attempt int
	err     error
	note    string
}

func (e *requestError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "apify: %s %s: %v", e.method, e.url, e.err)
	if e.attempt > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.attempt)
	}
	if e.note != "" {
		b.WriteString("; ")
		b.WriteString(e.note)
	}
	return b.String()
}

func (e *requestError) Unwrap() error { return e.err }

// requestErr wraps err for req; text from the transport is scrubbed of the
// token.
func (t *retryTransport) requestErr(req *http.Request, attempt int, err error, note string) error {
	return newRequestError(req, attempt, err, note, t.token.reveal())
}

func newRequestError(req *http.Request, attempt int, err error, note, token string) *requestError {
	return &requestError{
		method:  req.Method,
		url:     scrub(redactURL(req.URL), token),
		attempt: attempt,
		err:     scrubbedError{err: err, token: &secret{value: token}},
		note:    note,
	}
}

// scrubbedError hides the token in a wrapped error's text while keeping
// errors.Is/As working on the original.
type scrubbedError struct {
	err   error
	token *secret // a pointer, so that %#v of an error cannot print it
}

func (e scrubbedError) Error() string { return scrub(e.err.Error(), e.token.reveal()) }
func (e scrubbedError) Unwrap() error { return e.err }

// clientError turns an error from http.Client.Do into the error callers see:
// the requestError from the retry transport when there is one (http.Client
// wraps it in a *url.Error whose text shows the unredacted URL), otherwise a
// new requestError for req.
func clientError(req *http.Request, err error, token string) error {
	var re *requestError
	if errors.As(err, &re) {
		return re
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return newRequestError(req, 0, err, "", token)
}

// notSent reports whether err certainly happened before any byte of the
// request reached the server: DNS failures, refused connections and other
// dial errors. Only these are retried for requests that are not idempotent.
func notSent(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect") {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}
