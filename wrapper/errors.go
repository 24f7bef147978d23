package apify

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors classify failures for errors.Is. An [*APIError] matches the
// sentinel of its status code (and of some Apify error types), so a program
// can branch without looking at numbers:
//
//	if errors.Is(err, apify.ErrNotFound) { ... }
var (
	// ErrInvalidInput matches 400 answers and the "invalid-input" error type:
	// fix the request before trying again.
	ErrInvalidInput = errors.New("apify: invalid input")
	// ErrUnauthorized matches 401 answers: the token is missing, wrong or
	// revoked.
	ErrUnauthorized = errors.New("apify: unauthorized")
	// ErrPaymentRequired matches 402 answers: the account's plan or credit
	// does not cover the call.
	ErrPaymentRequired = errors.New("apify: payment required")
	// ErrForbidden matches 403 answers: the token lacks permission for the
	// resource.
	ErrForbidden = errors.New("apify: forbidden")
	// ErrNotFound matches 404 answers and the "record-not-found" error types.
	ErrNotFound = errors.New("apify: not found")
	// ErrTimeout matches 408 and 504 answers and attempts cut by the
	// per-attempt timeout ([WithTimeout]).
	ErrTimeout = errors.New("apify: timeout")
	// ErrConflict matches 409 answers, e.g. a name already taken.
	ErrConflict = errors.New("apify: conflict")
	// ErrRequestTooLarge matches 413 answers: split the payload (request
	// queue batches and records are limited to about 9 MB).
	ErrRequestTooLarge = errors.New("apify: request too large")
	// ErrRateLimited matches 429 answers left after all retries.
	ErrRateLimited = errors.New("apify: rate limited")
	// ErrServer matches 5xx answers left after all retries (or not retried
	// because the request may have had an effect).
	ErrServer = errors.New("apify: server error")
	// ErrUnexpectedResponse matches a successful answer whose body could not
	// be read or decoded as the documented JSON: the response is unusable
	// even though the server may have acted on the request.
	ErrUnexpectedResponse = errors.New("apify: unexpected response")
)

// ErrorType is Apify's machine-readable error type, the "type" of its error
// body, e.g. "record-not-found". The constants below are the types the
// sentinels match; the API has more.
type ErrorType string

// Apify error types matched by the sentinels (see [APIError.Is]).
const (
	// ErrorTypeInvalidInput matches [ErrInvalidInput].
	ErrorTypeInvalidInput ErrorType = "invalid-input"
	// ErrorTypeRecordNotFound matches [ErrNotFound].
	ErrorTypeRecordNotFound ErrorType = "record-not-found"
	// ErrorTypeRecordOrTokenNotFound matches [ErrNotFound]: the resource
	// does not exist, or the token may not see it.
	ErrorTypeRecordOrTokenNotFound ErrorType = "record-or-token-not-found"
	// ErrorTypeRequestTooLarge matches [ErrRequestTooLarge].
	ErrorTypeRequestTooLarge ErrorType = "request-too-large"
	// ErrorTypeRateLimitExceeded matches [ErrRateLimited].
	ErrorTypeRateLimitExceeded ErrorType = "rate-limit-exceeded"
)

// APIError is an answer with a non-2xx status. Method and URL describe the
// request (credentials in the URL redacted), Attempt counts the attempts made
// including the one that produced this answer. Type, Message and Data come
// from Apify's error envelope {"error": {"type", "message", "data"}}; when the
// body is not such an envelope (an HTML page from a proxy), Type is empty and
// Message describes the body with a short excerpt.
//
// Match an APIError against the sentinels with errors.Is and extract it with
// errors.As:
//
//	var apiErr *apify.APIError
//	if errors.As(err, &apiErr) && apiErr.Type == "actor-is-not-rented" { ... }
type APIError struct {
	// StatusCode is the HTTP status of the answer, e.g. 404.
	StatusCode int
	// Type is Apify's machine-readable error type, e.g. "record-not-found"
	// (see the ErrorType… constants).
	Type ErrorType
	// Message is the human-readable explanation.
	Message string
	// Method is the HTTP method of the request.
	Method string
	// URL is the request URL with credentials redacted.
	URL string
	// Attempt is the number of attempts made, 1 when not retried.
	Attempt int
	// Data is the optional "data" object of the error envelope.
	Data map[string]any
	// Body is the start of the raw response body (at most 4 KiB), with
	// credentials scrubbed.
	Body []byte
	// Header holds the answer's headers that say when to try again:
	// Retry-After and the rate-limit headers (X-RateLimit-…, RateLimit…);
	// nil when it had none. After retries ran out, they are the last
	// answer's.
	Header http.Header
	// RetryAfter is the wait the answer's Retry-After header asked for; 0
	// when absent or malformed.
	RetryAfter time.Duration
}

// Error formats the error as
// "apify: GET https://api.apify.com/v2/...: 404 record-not-found: message".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("apify: ")
	if e.Method != "" || e.URL != "" {
		b.WriteString(e.Method)
		if e.URL != "" {
			b.WriteString(" ")
			b.WriteString(e.URL)
		}
		b.WriteString(": ")
	}
	b.WriteString(strconv.Itoa(e.StatusCode))
	if e.Type != "" {
		b.WriteString(" ")
		b.WriteString(string(e.Type))
	} else if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" ")
		b.WriteString(text)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Attempt > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempt)
	}
	if e.StatusCode == http.StatusUnauthorized {
		b.WriteString(unauthorizedHint(e.Type))
	}
	return b.String()
}

// unauthorizedHint says what to do about a 401: give the client a token,
// or check the one it has.
func unauthorizedHint(t ErrorType) string {
	if t == "token-not-provided" {
		return "; the client sends no API token: create it with one (e.g. from the APIFY_TOKEN environment variable)"
	}
	return "; check the client's API token (Apify Console, Settings, API & Integrations)"
}

// Is reports whether target is the sentinel for e's status code or error
// type (see the Err… variables).
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrInvalidInput:
		return e.StatusCode == http.StatusBadRequest || e.Type == ErrorTypeInvalidInput
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrPaymentRequired:
		return e.StatusCode == http.StatusPaymentRequired
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound || e.Type == ErrorTypeRecordNotFound || e.Type == ErrorTypeRecordOrTokenNotFound
	case ErrTimeout:
		return e.StatusCode == http.StatusRequestTimeout || e.StatusCode == http.StatusGatewayTimeout
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrRequestTooLarge:
		return e.StatusCode == http.StatusRequestEntityTooLarge || e.Type == ErrorTypeRequestTooLarge
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests || e.Type == ErrorTypeRateLimitExceeded
	case ErrServer:
		return e.StatusCode >= 500 && e.StatusCode <= 599
	}
	return false
}
