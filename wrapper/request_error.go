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

// RequestError is a request that got no usable answer: the connection
// failed, was cut or timed out, the request could not be sent, or the
// success body was unreadable or too long. It names the request with
// credentials redacted and unwraps to the cause, so errors.Is(err,
// context.DeadlineExceeded), errors.Is(err, ErrTimeout), errors.Is(err,
// ErrUnexpectedResponse) and errors.As(err, *net.OpError) work; extract it
// with errors.As to see the request and how many attempts were made:
//
//	var reqErr *apify.RequestError
//	if errors.As(err, &reqErr) {
//		log.Printf("%s %s failed after %d attempts: %v", reqErr.Method, reqErr.URL, reqErr.Attempt, reqErr.Err)
//	}
//
// An answer with a non-2xx status is an [*APIError] instead.
type RequestError struct {
	// Method is the HTTP method of the request.
	Method string
	// URL is the request URL with credentials redacted.
	URL string
	// Attempt is the number of attempts made; 0 when none was sent.
	Attempt int
	// Err is the cause, its text scrubbed of credentials.
	Err  error
	note string
}

func (e *RequestError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "apify: %s %s: %v", e.Method, e.URL, e.Err)
	if e.Attempt > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempt)
	}
	if e.note != "" {
		b.WriteString("; ")
		b.WriteString(e.note)
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *RequestError) Unwrap() error { return e.Err }

// GoString describes the error for %#v by its text, which is scrubbed of
// credentials, rather than by the fields of the cause (which may not be).
func (e *RequestError) GoString() string {
	cause := "<nil>"
	if e.Err != nil {
		cause = e.Err.Error()
	}
	return fmt.Sprintf("&apify.RequestError{Method: %q, URL: %q, Attempt: %d, Err: %q}", e.Method, e.URL, e.Attempt, cause)
}

// requestErr wraps err for req; text from the transport is scrubbed of the
// token.
func (t *retryTransport) requestErr(req *http.Request, attempt int, err error, note string) error {
	return newRequestError(req, attempt, err, note, t.token.reveal())
}

func newRequestError(req *http.Request, attempt int, err error, note, token string) *RequestError {
	return &RequestError{
		Method:  req.Method,
		URL:     scrubText(redactURL(req.URL), token),
		Attempt: attempt,
		Err:     scrubbedError{err: err, token: &secret{value: token}},
		note:    note,
	}
}

// scrubbedError hides the token in a wrapped error's text while keeping
// errors.Is/As working on the original.
type scrubbedError struct {
	err   error
	token *secret // a pointer, so that %#v of an error cannot print it
}

func (e scrubbedError) Error() string { return scrubText(e.err.Error(), e.token.reveal()) }
func (e scrubbedError) Unwrap() error { return e.err }

// GoString keeps %#v to the scrubbed text.
func (e scrubbedError) GoString() string { return fmt.Sprintf("%q", e.Error()) }

// clientError turns an error from http.Client.Do into the error callers see:
// the RequestError from the retry transport when there is one (http.Client
// wraps it in a *url.Error whose text shows the unredacted URL), otherwise a
// new RequestError for req.
func clientError(req *http.Request, err error, token string) error {
	var re *RequestError
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
