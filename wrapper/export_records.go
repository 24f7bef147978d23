package apify

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The record readers of the paged export formats. Each calls each with every
// complete item of a response body, in order, and stops at the first error
// from each or from the body. An item cut off by a broken body is never
// passed on: a reader returns an error instead (io.ErrUnexpectedEOF when
// the body ended early).

var utf8BOM = []byte("\uFEFF")

// errItemTooLarge ends an export whose item exceeds the client's memory
// bound (WithMaxResponseBody); reading it again would not help.
var errItemTooLarge = errors.New("a single item is longer than the most the client reads into memory (WithMaxResponseBody)")

// itemBudget is a body reader that fails once more than limit bytes were
// read since the last item ended (reset), so that one huge item cannot
// exhaust memory.
type itemBudget struct {
	r     io.Reader
	limit int64
	used  int64
}

func (b *itemBudget) Read(p []byte) (int, error) {
	if b.used > b.limit {
		return 0, fmt.Errorf("%w: %w", ErrUnexpectedResponse, errItemTooLarge)
	}
	n, err := b.r.Read(p)
	b.used += int64(n)
	return n, err
}

func (b *itemBudget) reset() { b.used = 0 }

// readJSONArray reads a JSON array of items.
func readJSONArray(body *itemBudget, each func(item []byte) error) error {
	br := bufio.NewReaderSize(body, 64<<10)
	skipBOM(br)
	dec := json.NewDecoder(br)
	tok, err := dec.Token()
	if err != nil {
		return truncated(err)
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("%w: the items are not a JSON array", ErrUnexpectedResponse)
	}
	for dec.More() {
		var item json.RawMessage
		if err := dec.Decode(&item); err != nil {
			return truncated(err)
		}
		body.reset()
		if err := each(item); err != nil {
			return err
		}
	}
	tok, err = dec.Token()
	switch {
	case err != nil:
		return truncated(err)
	case tok != json.Delim(']'):
		return fmt.Errorf("%w: the JSON array of items does not end with ]", ErrUnexpectedResponse)
	}
	return nil
}

// readJSONLines reads one item per line; blank lines are skipped and the
// last line may lack its newline.
func readJSONLines(body *itemBudget, each func(item []byte) error) error {
	br := bufio.NewReaderSize(body, 64<<10)
	skipBOM(br)
	for {
		line, err := br.ReadBytes('\n')
		body.reset()
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if item := bytes.TrimSpace(line); len(item) > 0 {
			if eachErr := each(item); eachErr != nil {
				return eachErr
			}
		}
		if err != nil {
			return nil // a clean end of the body
		}
	}
}

// skipBOM drops a byte order mark at the start of a body.
func skipBOM(br *bufio.Reader) {
	if b, err := br.Peek(len(utf8BOM)); err == nil && bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
}

// truncated turns the io.EOF of a JSON body that ended too early into
// io.ErrUnexpectedEOF.
func truncated(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
