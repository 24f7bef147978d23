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

// readJSONArray reads a JSON array of items. The scan is structural, as
// the items iterators' is: it matches brackets and strings and passes each
// element on as sent, without decoding it.
func readJSONArray(body *itemBudget, each func(item []byte) error) error {
	br := bufio.NewReaderSize(body, 64<<10)
	skipBOM(br)
	var s arrayScanner
	for s.state != arrayDone {
		buf, err := br.Peek(max(br.Buffered(), 1))
		if len(buf) == 0 {
			if errors.Is(err, io.EOF) {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		n, item, serr := s.scan(buf)
		_, _ = br.Discard(n)
		if serr != nil {
			return serr
		}
		if item != nil {
			body.reset()
			if err := each(item); err != nil {
				return err
			}
		}
	}
	return nil
}

// The states of an arrayScanner.
const (
	arrayOpen  = iota // before '['
	arrayNext         // before an element or ']'
	arrayItem         // inside an element
	arrayComma        // after an element: ',' or ']'
	arrayDone         // after ']'
)

// valueStart holds the bytes a JSON value can start with.
var valueStart = []byte(`{["-0123456789tfn`)

// arrayScanner splits a JSON array into its elements, chunk by chunk.
type arrayScanner struct {
	state  int
	depth  int  // open brackets inside the element
	quoted bool // inside a string
	escape bool // after a backslash inside a string
	item   []byte
}

// scan consumes buf up to the end of the next element (returned, valid
// until the next call) or to its end, and returns how many bytes it used.
func (s *arrayScanner) scan(buf []byte) (int, []byte, error) {
	start := 0
	for i := 0; i < len(buf); i++ {
		c := buf[i]
		switch s.state {
		case arrayOpen, arrayNext, arrayComma:
			switch {
			case c == ' ' || c == '\n' || c == '\r' || c == '\t':
			case s.state == arrayOpen && c == '[':
				s.state = arrayNext
			case s.state != arrayOpen && c == ']':
				s.state = arrayDone
				return i + 1, nil, nil
			case s.state == arrayComma && c == ',':
				s.state = arrayNext
			case s.state == arrayNext && bytes.IndexByte(valueStart, c) >= 0:
				s.state, s.item, start = arrayItem, s.item[:0], i
				i-- // scan c as the element's first byte
			default:
				return i, nil, fmt.Errorf("%w: the items are not a JSON array (unexpected %q)", ErrUnexpectedResponse, c)
			}
		case arrayItem:
			end, done := -1, false
			switch {
			case s.quoted:
				switch {
				case s.escape:
					s.escape = false
				case c == '\\':
					s.escape = true
				case c == '"':
					s.quoted = false
					if s.depth == 0 {
						end, done = i+1, true
					}
				}
			case c == '"':
				s.quoted = true
			case c == '{' || c == '[':
				s.depth++
			case (c == '}' || c == ']') && s.depth > 0:
				if s.depth--; s.depth == 0 {
					end, done = i+1, true
				}
			case s.depth == 0 && (c == ',' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t'):
				end, done = i, true // the end of a number, true, false or null
			}
			if done {
				s.item = append(s.item, buf[start:end]...)
				s.state = arrayComma
				return end, s.item, nil
			}
		}
	}
	if s.state == arrayItem {
		s.item = append(s.item, buf[start:]...)
	}
	return len(buf), nil, nil
}

// readJSONLines reads one item per line; blank lines are skipped and the
// last line may lack its newline.
func readJSONLines(body *itemBudget, each func(item []byte) error) error {
	br := bufio.NewReaderSize(body, 64<<10)
	skipBOM(br)
	var long []byte // a line longer than br's buffer, joined; reused
	for {
		line, err := br.ReadSlice('\n') // valid until the next read
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		body.reset()
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if item := bytes.TrimSpace(line); len(item) > 0 {
			if !json.Valid(item) {
				if err != nil {
					// The last line, unterminated and incomplete: a cut body.
					return io.ErrUnexpectedEOF
				}
				// A proxy's HTML page or an error object must not reach the
				// caller's file as an item.
				return fmt.Errorf("%w: a line of %d bytes in the jsonl answer is not one JSON value", ErrUnexpectedResponse, len(item))
			}
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
