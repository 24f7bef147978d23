package pager

import (
	"errors"
	"fmt"
)

// span is the byte range [start, end) of one array element in a page body.
type span struct{ start, end int }

// errIncomplete reports that the input ended before the array did: the
// body was cut short. Every element before the cut is complete.
var errIncomplete = errors.New("JSON array ends early (body cut short)")

// SyntaxError reports a page body that is not a JSON array of values.
type SyntaxError struct {
	Offset int    // byte offset in the body
	Msg    string // what was wrong
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("malformed JSON array at byte %d: %s", e.Offset, e.Msg)
}

// splitArray finds the top-level elements of the JSON array that starts at
// b[from] and appends their byte ranges (indexes into b) to spans. It returns errIncomplete (with the complete
// elements found so far) when b ends before the closing bracket, and a
// *SyntaxError when b is not a JSON array.
//
// The scan is structural: it matches brackets and strings, accepts only the
// characters JSON allows between tokens, and leaves full validation of each
// element to the decoder. It never copies.
func splitArray(b []byte, from int, spans []span) ([]span, error) {
	i := skipSpace(b, from)
	if i == len(b) {
		return spans, errIncomplete
	}
	if b[i] != '[' {
		return spans, &SyntaxError{i, fmt.Sprintf("expected '[', found %q", b[i])}
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return spans, trailing(b, i+1)
	}
	for {
		if i == len(b) {
			return spans, errIncomplete
		}
		end, err := skipValue(b, i)
		if err != nil {
			return spans, err
		}
		spans = append(spans, span{i, end})
		i = skipSpace(b, end)
		if i == len(b) {
			return spans, errIncomplete
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return spans, trailing(b, i+1)
		default:
			return spans, &SyntaxError{i, fmt.Sprintf("expected ',' or ']' after an element, found %q", b[i])}
		}
	}
}

// trailing checks that only whitespace follows the closing bracket at i.
func trailing(b []byte, i int) error {
	if j := skipSpace(b, i); j != len(b) {
		return &SyntaxError{j, "data after the closing ']'"}
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// literalByte marks the bytes that may appear in numbers and in true, false
// and null.
var literalByte = func() (t [256]bool) {
	for _, c := range []byte("0123456789-+.eEtruefalsn") {
		t[c] = true
	}
	return t
}()

// Byte classes for scanning inside objects and arrays.
const (
	classInvalid = iota // bytes JSON does not allow between tokens
	classPlain          // literal bytes, whitespace, ',' and ':'
	classQuote
	classOpen
	classClose
)

var byteClass = func() (t [256]byte) {
	for c := range 256 {
		if literalByte[c] {
			t[c] = classPlain
		}
	}
	for _, c := range []byte(" \t\r\n,:") {
		t[c] = classPlain
	}
	t['"'] = classQuote
	t['{'], t['['] = classOpen, classOpen
	t['}'], t[']'] = classClose, classClose
	return t
}()

// stringStop marks the bytes that end a run of plain bytes in a string.
var stringStop = func() (t [256]bool) {
	t['"'], t['\\'] = true, true
	return t
}()

// skipValue returns the end of the value that starts at b[i].
func skipValue(b []byte, i int) (int, error) {
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{' || c == '[':
		return skipContainer(b, i)
	case literalByte[c]:
		j := i + 1
		for j < len(b) && literalByte[b[j]] {
			j++
		}
		if j == len(b) {
			return 0, errIncomplete // a number may go on in the missing bytes
		}
		return j, nil
	default:
		return 0, &SyntaxError{i, fmt.Sprintf("unexpected %q at the start of a value", c)}
	}
}

// skipString returns the end of the string whose opening quote is at b[i].
func skipString(b []byte, i int) (int, error) {
	j := i + 1
	for {
		for j < len(b) && !stringStop[b[j]] {
			j++
		}
		if j >= len(b) {
			return 0, errIncomplete
		}
		if b[j] == '"' {
			return j + 1, nil
		}
		j += 2 // a backslash and the byte it escapes
	}
}

// skipContainer returns the end of the object or array opened at b[i],
// checking that brackets match.
func skipContainer(b []byte, i int) (int, error) {
	var stackBuf [32]byte
	stack := append(stackBuf[:0], b[i])
	j := i + 1
	for j < len(b) {
		c := b[j]
		switch byteClass[c] {
		case classPlain:
			j++
		case classQuote:
			end, err := skipString(b, j)
			if err != nil {
				return 0, err
			}
			j = end
		case classOpen:
			stack = append(stack, c)
			j++
		case classClose:
			open := stack[len(stack)-1]
			if (c == '}') != (open == '{') {
				return 0, &SyntaxError{j, fmt.Sprintf("%q closes %q", c, open)}
			}
			stack = stack[:len(stack)-1]
			j++
			if len(stack) == 0 {
				return j, nil
			}
		case classInvalid:
			return 0, &SyntaxError{j, fmt.Sprintf("unexpected %q", c)}
		}
	}
	return 0, errIncomplete
}
