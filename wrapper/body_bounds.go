package apify

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// DefaultMaxResponseBody is how much of one success body the client reads
// into memory unless [WithMaxResponseBody] says otherwise: JSON answers
// (resource clients and apifyapi alike), record reads, run-sync output, each
// page of dataset items and each item of a streamed run-sync array. Error
// bodies are always cut at 1 MiB.
const DefaultMaxResponseBody = 256 << 20

// WithMaxResponseBody bounds how much of one success body the client reads
// into memory (default [DefaultMaxResponseBody]). A longer body is not read
// further: the call fails with an error matching [ErrUnexpectedResponse]
// that names the status and quotes the body's start, and it is not retried.
// Stream large records with [KeyValueStoreClient.OpenRecord] instead, and ask for
// smaller dataset pages (ItemsOptions.PageSize). n must be at least 1 KiB.
func WithMaxResponseBody(n int64) Option {
	return func(c *config) error {
		if n < 1<<10 {
			return fmt.Errorf("WithMaxResponseBody: %d bytes is below the 1 KiB minimum", n)
		}
		c.maxBody = n
		return nil
	}
}

// withMaxResponseBody sets the bound without the minimum, for tests.
func withMaxResponseBody(n int64) Option {
	return func(c *config) error {
		c.maxBody = n
		return nil
	}
}

// readBounded reads r to its end, or fails once more than limit bytes
// arrived. The error matches ErrUnexpectedResponse and quotes the start of
// the body; status names the answer.
func readBounded(r io.Reader, limit int64, status, token string) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: the %s body is longer than %d bytes, the most the client reads into memory (WithMaxResponseBody); it starts %s",
			ErrUnexpectedResponse, status, limit, excerpt(body, token))
	}
	return body, err
}

// excerpt quotes the start of a body for an error message: credentials are
// scrubbed from a prefix far longer than the quote before it is cut, so no
// cut can leave part of one.
func excerpt(body []byte, token string) string {
	const scanned = 8 << 10
	if len(body) > scanned {
		body = body[:scanned]
	}
	return snippet([]byte(scrubText(string(body), token)), maxSnippet)
}

// boundErrorBody replaces the body of a non-2xx answer with its first
// maxErrorBody bytes, read into memory, so that nothing downstream (the
// generated parser, a caller of apifyapi) holds more of it. The status and
// headers are kept; ContentLength becomes the excerpt's length.
func boundErrorBody(resp *http.Response) {
	body := readErrorBody(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	if resp.Header.Get("Content-Length") != "" {
		resp.Header = resp.Header.Clone()
		resp.Header.Del("Content-Length")
	}
}
