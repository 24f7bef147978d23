package apify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Response is implemented by every response type of the generated client
// (package [github.com/apifygo/apify/gen/genclient]): the HTTP answer it was
// parsed from, and its body.
type Response interface {
	GetHTTPResponse() *http.Response
	GetBody() []byte
}

// TypedResponse is implemented by the generated response types whose 2xx
// answers are JSON: Payload returns the decoded answer, with Apify's
// {"data": …} envelope unwrapped. T is the payload type the API document
// gives the operation; Go infers it from the response.
type TypedResponse[T any] interface {
	Response
	Payload() (*T, error)
}

// Result turns what a generated operation returns into (*T, error), T being
// the payload type of the operation (inferred; a mismatch does not compile):
//
//	api := apifyapi.New(client)
//	run, err := apify.Result(api.ActorRunGetWithResponse(ctx, runID, nil)) // run is *gen.Run
//
// The rules:
//
//   - err != nil (no answer) is returned unchanged, except a JSON decoding
//     error of the generated parser, which is wrapped to match
//     [ErrUnexpectedResponse];
//   - a non-2xx answer becomes an [*APIError] (matching the Err… sentinels);
//   - a 2xx answer returns the payload the generated parser already decoded
//     (the body is not decoded again); an answer without one (another
//     content type, an empty or null body, an object without the "data"
//     member of an envelope, an object without the "id" its type requires)
//     is an error matching [ErrUnexpectedResponse], never a zero value.
//
// Operations whose answers carry no JSON body (deletes, raw data) have no
// Payload method: use [Check], and read Body for raw data.
func Result[T any](resp TypedResponse[T], err error) (*T, error) {
	hr, err := unpackResponse(resp, err)
	if err != nil {
		return nil, err
	}
	if body := bytes.TrimSpace(resp.GetBody()); len(body) == 0 || bytes.Equal(body, []byte("null")) {
		return nil, responseError(hr, errors.New("empty or null body, expected JSON"))
	}
	v, err := resp.Payload()
	if err != nil {
		return nil, responseError(hr, err)
	}
	if isZeroStruct(v) && !hasDataMember(resp.GetBody()) {
		// Only here is the body looked at again: an answer without the
		// envelope's "data" member parses into a zero payload.
		return nil, responseError(hr, errors.New(`the answer has no "data" member`))
	}
	return v, nil
}

// hasDataMember reports whether body is a JSON object with a "data" member.
func hasDataMember(body []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return false
	}
	_, ok := top["data"]
	return ok
}

// Check returns nil when a generated operation succeeded (2xx), the
// [*APIError] of a non-2xx answer, or err when there was no answer. Use it for
// operations without a JSON response body, such as deletes:
//
//	err := apify.Check(api.DatasetDeleteWithResponse(ctx, datasetID))
func Check(resp Response, err error) error {
	_, err = unpackResponse(resp, err)
	return err
}

// unpackResponse reports a transport error or a non-2xx answer, and returns
// the HTTP answer of a 2xx one.
func unpackResponse(resp Response, err error) (*http.Response, error) {
	if err != nil {
		var syntaxErr *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &syntaxErr) || errors.As(err, &typeErr) {
			// The generated parser could not decode the answer into its
			// typed fields (the API document and the API disagree).
			return nil, fmt.Errorf("apify: %w: the generated client could not decode the answer: %w", ErrUnexpectedResponse, err)
		}
		return nil, err
	}
	var hr *http.Response
	if resp != nil {
		hr = resp.GetHTTPResponse()
	}
	if hr == nil {
		return nil, errors.New("apify: Result/Check: got no generated response (nil, or without its HTTP answer)")
	}
	if hr.StatusCode < 200 || hr.StatusCode > 299 {
		body := resp.GetBody()
		if len(body) > maxErrorBody {
			body = body[:maxErrorBody]
		}
		return nil, newAPIError(hr, body)
	}
	return hr, nil
}
