package apify

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
)

// GeneratedResponse is implemented by every response type of the generated
// client (package gen): a pointer to a struct with the fields
// Body []byte and HTTPResponse *http.Response and a StatusCode method.
type GeneratedResponse interface {
	StatusCode() int
}

// Result turns what a generated operation returns into (*T, error), so that
// any endpoint reached through [Client.API] gets the wrapper's decoding and
// errors:
//
//	run, err := apify.Result[gen.Run](client.API().ActorRunGetWithResponse(ctx, runID, nil))
//
// The rules:
//
//   - err != nil (no answer) is returned unchanged, except a JSON decoding
//     error of the generated parser, which is wrapped to match
//     [ErrUnexpectedResponse];
//   - a non-2xx answer becomes an [*APIError] (matching the Err… sentinels);
//   - a 2xx answer is decoded into a new T, unwrapping Apify's
//     {"data": ...} envelope once (pass the payload type, e.g. gen.Run; an
//     envelope type such as gen.RunResponse is decoded whole);
//   - an empty, null or undecodable 2xx body is an error matching
//     [ErrUnexpectedResponse], never a zero value.
//
// Use [Check] for operations whose answer carries no body.
func Result[T any](resp GeneratedResponse, err error) (*T, error) {
	body, hr, err := unpackResponse(resp, err)
	if err != nil {
		return nil, err
	}
	v, err := decodeData[T](body)
	if err != nil {
		return nil, responseError(hr, err)
	}
	return v, nil
}

// Check returns nil when a generated operation succeeded (2xx), the
// [*APIError] of a non-2xx answer, or err when there was no answer. Use it for
// operations without a response body, such as deletes:
//
//	err := apify.Check(client.API().DatasetDeleteWithResponse(ctx, datasetID))
func Check(resp GeneratedResponse, err error) error {
	_, _, err = unpackResponse(resp, err)
	return err
}

// unpackResponse extracts the body and HTTP response of a generated response
// and reports a transport error or a non-2xx answer.
func unpackResponse(resp GeneratedResponse, err error) ([]byte, *http.Response, error) {
	if err != nil {
		var syntaxErr *json.SyntaxError
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &syntaxErr) || errors.As(err, &typeErr) {
			// The generated parser could not decode the answer into its
			// typed fields (the API document and the API disagree).
			return nil, nil, fmt.Errorf("apify: %w: the generated client could not decode the answer: %w", ErrUnexpectedResponse, err)
		}
		return nil, nil, err
	}
	v := reflect.ValueOf(resp)
	if resp == nil || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil, nil, fmt.Errorf("apify: Result/Check: got %T, want a non-nil pointer to a generated response", resp)
	}
	s := v.Elem()
	bodyField := s.FieldByName("Body")
	respField := s.FieldByName("HTTPResponse")
	if !bodyField.IsValid() || bodyField.Type() != reflect.TypeFor[[]byte]() ||
		!respField.IsValid() || respField.Type() != reflect.TypeFor[*http.Response]() {
		return nil, nil, fmt.Errorf("apify: Result/Check: %T is not a generated response (no Body and HTTPResponse fields)", resp)
	}
	body := bodyField.Bytes()
	hr, _ := respField.Interface().(*http.Response)
	if hr == nil {
		return nil, nil, errors.New("apify: Result/Check: the generated response has no HTTPResponse")
	}
	if hr.StatusCode < 200 || hr.StatusCode > 299 {
		if len(body) > maxErrorBody {
			body = body[:maxErrorBody]
		}
		return nil, nil, newAPIError(hr, body)
	}
	return body, hr, nil
}
