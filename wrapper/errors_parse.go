package apify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

const (
	// maxErrorBody bounds how much of an error answer is read.
	maxErrorBody = 1 << 20
	// maxErrorBodyKept bounds APIError.Body.
	maxErrorBodyKept = 4 << 10
	// maxSnippet bounds the excerpt of a non-JSON body quoted in a message.
	maxSnippet = 200
)

// errorEnvelope is Apify's error body.
type errorEnvelope struct {
	Error json.RawMessage `json:"error"`
}

type errorDetail struct {
	Type    string          `json:"type"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// parseErrorEnvelope decodes {"error": {"type", "message", "data"}}. It also
// accepts {"error": "message"}. ok is false when body is not such an
// envelope; data is nil unless "data" is a JSON object.
func parseErrorEnvelope(body []byte) (typ, msg string, data map[string]any, ok bool) {
	var env errorEnvelope
	if err := json.Unmarshal(body, &env); err != nil || len(env.Error) == 0 {
		return "", "", nil, false
	}
	raw := bytes.TrimSpace(env.Error)
	if len(raw) > 0 && raw[0] == '"' {
		if err := json.Unmarshal(raw, &msg); err != nil {
			return "", "", nil, false
		}
		return "", msg, nil, true
	}
	var d errorDetail
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &d) != nil {
		return "", "", nil, false
	}
	if raw := bytes.TrimSpace(d.Data); len(raw) > 0 && raw[0] == '{' {
		_ = json.Unmarshal(d.Data, &data) // valid JSON object: cannot fail
	}
	return d.Type, d.Message, data, true
}

// newAPIError builds the error for a non-2xx answer whose body was read into
// body (possibly cut at maxErrorBody). The token recorded by the retry
// transport in the request's context is scrubbed from every text field.
func newAPIError(resp *http.Response, body []byte) *APIError {
	e := &APIError{StatusCode: resp.StatusCode}
	token := ""
	if req := resp.Request; req != nil {
		token = tokenOf(req.Context())
		e.Method = req.Method
		e.URL = scrubText(redactURL(req.URL), token)
		e.Attempt = attemptOf(req.Context())
	}
	if e.Attempt == 0 {
		e.Attempt = 1
	}
	e.Header, e.RetryAfter = keptHeaders(resp.Header)
	// Scrub first, then cut: a credential cut in two is no longer found.
	body = []byte(scrubText(string(body), token))
	typ, msg, data, ok := parseErrorEnvelope(body)
	switch {
	case ok:
		e.Type, e.Message = ErrorType(scrubText(typ, token)), scrubText(msg, token)
		if data != nil {
			e.Data, _ = scrubValue(data, token).(map[string]any)
		}
	case len(bytes.TrimSpace(body)) == 0:
		e.Message = "empty error body"
	default:
		e.Message = describeBody(scrubText(resp.Header.Get("Content-Type"), token), body)
	}
	e.Message = cutText(e.Message, maxErrorBodyKept)
	kept := body
	if len(kept) > maxErrorBodyKept {
		kept = kept[:maxErrorBodyKept]
	}
	e.Body = kept
	return e
}

// keptHeaders returns the headers of an error answer that tell a caller
// when to try again (Retry-After and the rate-limit headers) and the parsed
// Retry-After (0 when absent or malformed).
func keptHeaders(h http.Header) (http.Header, time.Duration) {
	var kept http.Header
	for name, vals := range h {
		n := strings.ToLower(name)
		if n == "retry-after" || strings.HasPrefix(n, "x-ratelimit-") || strings.HasPrefix(n, "ratelimit") {
			if kept == nil {
				kept = http.Header{}
			}
			kept[name] = append([]string(nil), vals...)
		}
	}
	d, _ := parseRetryAfter(h.Get("Retry-After"), time.Now())
	return kept, d
}

// cutText cuts s to at most max bytes on a rune boundary, marking the cut
// with "…". Cut only scrubbed text.
func cutText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// readErrorBody reads at most maxErrorBody bytes of an error answer and
// closes it. A read error is ignored: what was read is still the best
// description of the failure.
func readErrorBody(body io.ReadCloser) []byte {
	defer body.Close()
	b, _ := io.ReadAll(io.LimitReader(body, maxErrorBody))
	return b
}

// describeBody explains a body that is not Apify's JSON error envelope, with
// a bounded, printable excerpt.
func describeBody(contentType string, body []byte) string {
	media := "no Content-Type"
	if contentType != "" {
		if mt, _, err := mime.ParseMediaType(contentType); err == nil {
			media = mt
		} else {
			media = "Content-Type " + snippet([]byte(contentType), 60)
		}
	}
	return fmt.Sprintf("unexpected error body (%s, not an Apify JSON error; a proxy or load balancer may have answered): %s",
		media, snippet(body, maxSnippet)) // body is scrubbed
}

// snippet returns a quoted excerpt of b: whitespace runs collapsed to one
// space, invalid UTF-8 and control characters replaced, cut to at most max
// runes with "…" appended when cut.
func snippet(b []byte, max int) string {
	var out strings.Builder
	n := 0
	space := false
	for len(b) > 0 && n < max {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		switch {
		case unicode.IsSpace(r):
			if !space && n > 0 {
				out.WriteByte(' ')
				n++
			}
			space = true
			continue
		case r == utf8.RuneError || !unicode.IsPrint(r):
			r = '\uFFFD'
		}
		space = false
		out.WriteRune(r)
		n++
	}
	s := strings.TrimRight(out.String(), " ")
	if len(bytes.TrimSpace(b)) > 0 {
		s += "…"
	}
	return fmt.Sprintf("%q", s)
}
