package apify

// The request path every hand-written method uses (iterators, helpers).
//
// Contract for code in this package (stable; ask before changing it):
//
//   - c.newRequest(ctx, method, path, query, body, contentType) builds a
//     request to the base URL joined with path. path starts with "/v2/" and
//     its segments are already escaped by the caller (url.PathEscape); it
//     must not contain '?' or '#'. query may be nil. body may be nil; a
//     *bytes.Reader, *bytes.Buffer or *strings.Reader gets GetBody and is
//     replayed on retries, other readers are buffered up to 10 MiB (larger
//     ones are sent once, never retried). contentType is set when non-empty.
//
//   - c.do(req) sends req through the same chain as apifyapi: auth,
//     User-Agent, retries per the method-aware policy, per-attempt timeout,
//     debug logging. A 2xx answer is returned with its body open and
//     streaming (the caller closes it). A non-2xx answer becomes
//     (nil, *APIError) with the body read (≤ 1 MiB) and closed, Attempt set.
//     A request with no answer becomes (nil, err) where err names the
//     request (URL redacted) and unwraps to the cause (ctx errors,
//     ErrTimeout for a per-attempt timeout, *net.OpError, ...).
//
//   - doJSON[T](c, req) (a shell over c.doJSONInto(req, v)) is do plus decoding: the 2xx body is read inside the
//     retry loop (a truncated or invalid JSON body is retried for idempotent
//     requests), {"data": ...} is unwrapped once, and an empty, null or
//     undecodable body is an error matching ErrUnexpectedResponse.
//
// Per-call settings travel in ctx (see callctx.go):
//
//   - AllowUnsafeRetries(ctx) (exported): the caller opts one call in to
//     retrying POST/PATCH after 5xx and cut connections.
//   - markIdempotent(ctx): internal code declares a POST/PATCH safe to repeat
//     (request-queue add by uniqueKey, get-or-create by name). A request with
//     an Idempotency-Key header (charge) is treated the same way.
//   - WithAttemptTimeout(ctx, d) (exported): the caller overrides the
//     per-attempt timeout for one call (d > 0, else the call fails unsent).
//   - withAttemptTimeout(ctx, d): internal code does the same; 0 disables it
//     (long log streams). It keeps an invalid WithAttemptTimeout's error.
//   - withBufferedBody(ctx): read the 2xx body inside the attempt (doJSON and
//     apifyapi set it; streaming callers must not).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
)

// newRequest builds a request for path (starting with "/v2/", segments
// already escaped) under the client's base URL. See the contract above.
func (c *Client) newRequest(ctx context.Context, method, path string, query url.Values, body io.Reader, contentType string) (*http.Request, error) {
	if ctx == nil {
		return nil, errors.New("apify: nil context; pass context.Background() or a request context")
	}
	if !strings.HasPrefix(path, "/v2/") && path != "/v2" {
		return nil, fmt.Errorf("apify: request path %q must start with /v2/", path)
	}
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("apify: request path %q must not contain '?' or '#'; pass query parameters separately", path)
	}
	raw := c.cfg.baseURL.String() + path
	if len(query) > 0 {
		raw += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, raw, body)
	if err != nil {
		return nil, fmt.Errorf("apify: building %s request: %w", method, scrubbedError{err: err, token: c.cfg.token})
	}
	if contentType != "" && body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	return req, nil
}

// do sends req through the client's chain. See the contract above.
func (c *Client) do(req *http.Request) (*http.Response, error) {
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, clientError(req, err, c.cfg.token.reveal())
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, newAPIError(resp, readErrorBody(resp.Body))
	}
	return resp, nil
}

// doJSON sends req and decodes its JSON answer into a new T, unwrapping
// {"data": ...} once. See the contract above. It is a shell over
// doJSONInto, so each type argument costs one small function.
func doJSON[T any](c *Client, req *http.Request) (*T, error) {
	v := new(T)
	if err := c.doJSONInto(req, v); err != nil {
		return nil, err
	}
	return v, nil
}

// doJSONInto is doJSON decoding into v, a non-nil pointer. v may be
// partly written when it returns an error.
func (c *Client) doJSONInto(req *http.Request, v any) error {
	req = req.WithContext(withJSONBody(req.Context()))
	resp, err := c.do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body) // already in memory
	resp.Body.Close()
	if err != nil {
		return responseError(resp, err)
	}
	if err := decodeDataInto(body, c.cfg.token.reveal(), v); err != nil {
		return responseError(resp, err)
	}
	return nil
}

// responseError reports a 2xx answer that could not be used.
func responseError(resp *http.Response, err error) error {
	if !errors.Is(err, ErrUnexpectedResponse) {
		err = fmt.Errorf("%w: %s: %w", ErrUnexpectedResponse, resp.Status, err)
	}
	req := resp.Request
	if req == nil {
		return fmt.Errorf("apify: %w", err)
	}
	return newRequestError(req, attemptOf(req.Context()), err, "", tokenOf(req.Context()))
}

// decodeDataInto decodes a success body into v, a non-nil pointer (*T). When the body is Apify's
// envelope — an object with a "data" member, whatever other members it has —
// the value of "data" is decoded, unless T itself has a top-level "data"
// field (a generated envelope type such as gen.RunResponse), in which case
// the whole body is. A body without "data" (a bare value: records, dataset
// items, arrays) is decoded whole, but must fill at least one field of a
// struct T: an answer that fills none could not be unwrapped, and a zero
// value would pass for a real one. An empty body, a null payload, a JSON
// error or such an answer is an error; the caller wraps it to match
// ErrUnexpectedResponse. It is not generic, so the compiler builds it
// once rather than once per type argument.
func decodeDataInto(body []byte, token string, v any) error {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return errors.New("empty body, expected JSON")
	}
	payload := trimmed
	facts := decodeFactsOf(reflect.TypeOf(v))
	unwrapped := facts.hasData
	if trimmed[0] == '{' && !unwrapped {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &top); err != nil {
			return fmt.Errorf("decoding JSON: %w", err)
		}
		if data, ok := top["data"]; ok {
			payload, unwrapped = bytes.TrimSpace(data), true
		}
	}
	if bytes.Equal(payload, []byte("null")) {
		return errors.New(`the answer has no data (null)`)
	}
	if err := json.Unmarshal(payload, v); err != nil {
		return fmt.Errorf("decoding JSON into %T: %w", v, err)
	}
	if !unwrapped && isZeroStruct(v) && !bytes.Equal(payload, []byte("{}")) {
		return fmt.Errorf(`the answer has no "data" member and none of the fields of %s: %s`, reflect.TypeOf(v).Elem(), excerpt(trimmed, token))
	}
	if facts.missingID(v) {
		return fmt.Errorf(`the answer's %s has no "id", which the API always sends: %s`, reflect.TypeOf(v).Elem(), excerpt(trimmed, token))
	}
	return nil
}

// decodeFacts is what decodeDataInto needs to know of a destination type,
// worked out once per type rather than once per answer.
type decodeFacts struct {
	hasData bool // see hasDataField
	idField int  // index of the required "id" field (see idFieldIndex), or -1
}

// decodeFactsCache maps a reflect.Type to its decodeFacts.
var decodeFactsCache sync.Map

// decodeFactsOf returns the decodeFacts of t, the type of a pointer v.
func decodeFactsOf(t reflect.Type) decodeFacts {
	if f, ok := decodeFactsCache.Load(t); ok {
		return f.(decodeFacts)
	}
	f := decodeFacts{hasData: hasDataField(t), idField: idFieldIndex(t)}
	decodeFactsCache.Store(t, f)
	return f
}

// missingID reports whether v, of the type f describes, points to a struct
// whose required "id" field is empty after decoding. An answer such as
// {"data":{}} names no object and must not pass for one.
func (f decodeFacts) missingID(v any) bool {
	if f.idField < 0 {
		return false
	}
	rv := reflect.ValueOf(v)
	return !rv.IsNil() && rv.Elem().Field(f.idField).Len() == 0
}

// idFieldIndex returns the index of the required "id" field of the struct
// t points to, or -1. Required means what the generated models say: an
// exported field tagged json:"id" without omitempty, of a string kind
// (optional fields are pointers or Nullable).
func idFieldIndex(t reflect.Type) int {
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return -1
	}
	t = t.Elem()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.String {
			continue
		}
		if tag := f.Tag.Get("json"); tag == "id" {
			return i
		}
	}
	return -1
}

// isZeroStruct reports whether v points to a struct with every field zero,
// or to a value whose isZero method says so (the list pages, whose Items
// field holds the destination).
func isZeroStruct(v any) bool {
	if z, ok := v.(interface{ isZero() bool }); ok {
		return z.isZero()
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false
	}
	rv = rv.Elem()
	return rv.Kind() == reflect.Struct && rv.IsZero()
}

// hasDataField reports whether t (or *t) is a struct with a top-level JSON
// field named "data".
func hasDataField(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if strings.EqualFold(name, "data") {
			return true
		}
	}
	return false
}
