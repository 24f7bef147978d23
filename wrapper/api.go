package apify

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/apifygo/apify/gen"
)

// API returns the generated client: every operation of the Apify API, sent
// through this client's chain (auth, User-Agent, retries, per-attempt
// timeout, logging). Generated methods return non-2xx answers as responses,
// not errors; pass what they return to [Result] or [Check] to get
// (*T, error) with [*APIError] and the sentinels:
//
//	run, err := apify.Result[gen.Run](client.API().ActorRunGetWithResponse(ctx, runID, nil))
//
// Transport failures come back as the error, with the URL redacted. Request
// bodies built by the generated code are replayed on retries; for the
// ...WithBody variants, pass a *bytes.Reader (or another reader
// http.NewRequest can replay) to keep large bodies retryable.
//
// Package gen follows the API document and is not covered by this module's
// compatibility promise; its names change when Apify's document does.
func (c *Client) API() *gen.ClientWithResponses {
	return c.api
}

// newAPIClient builds the generated client on the client's base URL, sending
// through apiDoer.
func newAPIClient(c *Client) (*gen.ClientWithResponses, error) {
	return gen.NewClientWithResponses(c.cfg.baseURL.String(), gen.WithHTTPClient(apiDoer{c: c}))
}

// apiDoer is the HttpRequestDoer handed to the generated client: it sends
// through the client's chain with the 2xx body read inside the retry loop
// (the generated code reads it whole anyway, and so a truncated body is
// retried), and turns transport errors into redacted request errors.
type apiDoer struct{ c *Client }

func (d apiDoer) Do(req *http.Request) (*http.Response, error) {
	req = req.WithContext(withJSONBody(req.Context()))
	resp, err := d.c.http.Do(req)
	if err != nil {
		return nil, clientError(req, err, d.c.cfg.token.reveal())
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The generated parser reads what it gets whole: hand it at most
		// maxErrorBody bytes of an error answer (a proxy's 128 MiB page).
		boundErrorBody(resp)
		relabelBrokenErrorBody(resp)
	}
	return resp, nil
}

// relabelBrokenErrorBody keeps an error answer whose (bounded) body claims
// to be JSON but is not (a proxy's page, a cut body) away from the generated
// parser, which would fail on it and lose the status: the body is handed over
// as text/plain, so [Result] and [Check] report an [*APIError] with an
// excerpt.
func relabelBrokenErrorBody(resp *http.Response) {
	if !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		return
	}
	body, _ := io.ReadAll(resp.Body) // in memory
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if json.Unmarshal(body, new(gen.ErrorResponse)) != nil {
		resp.Header = resp.Header.Clone()
		resp.Header.Set("Content-Type", "text/plain; charset=utf-8")
	}
}
