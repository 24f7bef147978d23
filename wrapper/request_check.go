package apify

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// errUnsendable marks a request that Go's HTTP client refuses to send as it
// is (a line break in a header value, an invalid header name or method): no
// attempt can succeed, so it fails at once instead of being retried.
var errUnsendable = errors.New("the request cannot be sent")

// checkSendable reports why req cannot be sent, before any attempt: the
// method and every header name must be HTTP tokens, and header values must
// not hold control characters other than tab (a line break would split the
// header).
func checkSendable(req *http.Request) error {
	if req.Method != "" && !isToken(req.Method) {
		return fmt.Errorf("%w: the method %q is not an HTTP token", errUnsendable, req.Method)
	}
	for name, vals := range req.Header {
		if !isToken(name) {
			return fmt.Errorf("%w: the header name %q is not an HTTP token", errUnsendable, name)
		}
		for _, v := range vals {
			if i := strings.IndexFunc(v, func(r rune) bool { return r != '\t' && (r < 0x20 || r == 0x7f) }); i >= 0 {
				return fmt.Errorf("%w: the %s header value has the control character %q (a line break?) at byte %d", errUnsendable, name, v[i], i)
			}
		}
	}
	return nil
}

// refusedByGo reports an error with which Go's HTTP transport refuses a
// request before sending it; it has no type of its own, only its text.
func refusedByGo(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "net/http: invalid header field") ||
		strings.Contains(msg, "net/http: invalid method") ||
		strings.Contains(msg, "http: no Host in request URL") ||
		strings.Contains(msg, "unsupported protocol scheme")
}

// isToken reports whether s is an HTTP token (RFC 9110, section 5.6.2).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
