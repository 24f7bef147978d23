package apify

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/apifygo/apify/gen"
	"github.com/apifygo/apify/wrapper/internal/apibridge"
)

func init() { apibridge.Connect = connectAPI }

// connectAPI gives package apifyapi the base URL of client and a doer that
// sends through its chain; see [github.com/apifygo/apify/wrapper/apifyapi].
func connectAPI(client any) (string, apibridge.Doer, error) {
	c, ok := client.(*Client)
	if !ok || c == nil {
		return "", nil, errors.New("apifyapi.New: the *apify.Client is nil; create it with apify.NewClient")
	}
	if c.cfg == nil {
		return "", nil, errors.New("apifyapi.New: the *apify.Client is a zero value; create it with apify.NewClient")
	}
	return c.cfg.baseURL.String(), apiDoer{c: c}, nil
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
