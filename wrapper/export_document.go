package apify

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
)

// errFrameChanged reports a resumed xml, html or rss response whose
// prologue (declaration, root, feed header, table header) differs from the
// first one's: the rest cannot be spliced on, and the first request is
// replayed instead.
var errFrameChanged = errors.New("the resumed document has another header")

// docExport is the state of an xml, html or rss export, which resumes item
// by item. The body is read as markup, element by element: the prologue
// (everything before the first item element), the item elements with the
// bytes between them, and the epilogue (after the last item). An item is
// written, with the bytes before it, only once its element is complete; the
// epilogue only once the body ended with the document complete.
//
// After a break the next request starts one stored item before the first
// one not yet written. Its prologue must equal the first response's, and
// its first item must equal the last item written: that item is read past,
// and writing goes on with the bytes that follow it, so every splice joins
// two items exactly as the API joins them. When the prologue differs (an
// html table whose columns depend on the remaining items), or with filters
// that skip or unwind items, the first request is sent again and the items
// already written are read past, checked against a SHA-256 of them.
//
// A body that ends before its document is complete is a broken download,
// however cleanly it ended. Every splice is checked (the same header, the
// same item at the resume point), so a layout this reader does not expect
// can end an export with ErrExportNotResumable, never with a spliced file.
type docExport struct {
	x        *exporter
	row      string // the item element's name
	isHTML   bool
	prologue []byte // as written; nil until written
	items    int    // items written
	last     []byte // the last item element written
	hash     hash.Hash
	replay   bool
}

// document exports xml, html or rss item by item; see docExport.
func (x *exporter) document(ctx context.Context) error {
	e := &docExport{x: x, row: "item", hash: sha256.New(), replay: x.reshapes}
	switch x.format {
	case ExportXML:
		if x.opts.XMLRow != "" {
			e.row = x.opts.XMLRow
		}
	case ExportHTML:
		e.row, e.isHTML = "tr", true
	}
	for {
		offset, limit, skip := x.opts.Offset, x.opts.Limit, e.items
		if !e.replay && e.items > 0 {
			offset, skip = offset+e.items-1, 1
			if limit > 0 {
				limit -= e.items - 1
			}
		}
		resp, err := x.get(ctx, offset, limit, true)
		if err != nil {
			return err
		}
		before := e.items
		_, err = e.read(resp.Body, skip)
		resp.Body.Close()
		if err == nil {
			return nil
		}
		replay, err := x.recover(ctx, err, e.items > before, errFrameChanged)
		if err != nil {
			return err
		}
		e.replay = e.replay || replay
	}
}

// read writes the items of one response after the first skip (which must
// be those already written) and, when the body ends complete, its
// epilogue. It returns how many items the response held.
func (e *docExport) read(body io.Reader, skip int) (int, error) {
	budget := &itemBudget{r: body, limit: e.x.r.c.cfg.maxBody}
	s := &markupScanner{br: bufio.NewReaderSize(budget, 64<<10), budget: budget, row: e.row, isHTML: e.isHTML}
	again := sha256.New()
	got := 0
	for {
		frame, item, err := s.next()
		if err != nil {
			return got, err
		}
		if got == 0 {
			if e.prologue == nil {
				e.prologue = bytes.Clone(frame)
				if _, err := e.x.out.Write(frame); err != nil {
					return got, err
				}
			} else if !bytes.Equal(frame, e.prologue) {
				if e.replay {
					return got, fmt.Errorf("%w: the API served another document header for the same request when asked again", ErrExportNotResumable)
				}
				return got, errFrameChanged
			}
			frame = nil
		}
		if item == nil { // the body ended complete; frame is the epilogue
			if got < skip {
				return got, fmt.Errorf("%w: the API served %d items where %d were written before", ErrExportNotResumable, got, skip)
			}
			_, err := e.x.out.Write(frame)
			return got, err
		}
		got++
		switch {
		case got <= skip && e.replay:
			again.Write(frame)
			again.Write(item)
			if got == skip && !bytes.Equal(again.Sum(nil), e.hash.Sum(nil)) {
				return got, fmt.Errorf("%w: the API served other items for the same request when asked again", ErrExportNotResumable)
			}
		case got <= skip:
			if !bytes.Equal(item, e.last) {
				return got, fmt.Errorf("%w: the API served another item at the resume point than the one written", ErrExportNotResumable)
			}
		default:
			if _, err := e.x.out.write("", frame, item); err != nil {
				return got, err
			}
			e.hash.Write(frame)
			e.hash.Write(item)
			e.last = append(e.last[:0], item...)
			e.items++
		}
	}
}

// markupScanner splits an xml, html or rss body into item elements and the
// bytes between them. It reads the markup structurally (tags, comments,
// processing instructions, CDATA, text) without decoding it. The item
// elements are the elements named row at the depth where the first one
// starts; in html a row holding th cells is the table header, not an item.
type markupScanner struct {
	br     *bufio.Reader
	budget *itemBudget
	row    string
	isHTML bool
	depth  int
	at     int // depth of the item elements; 0 until the first is seen
	frame  []byte
}

// next returns the bytes before the next item element and the element, or,
// at the end of a complete body, the bytes left and a nil item.
func (s *markupScanner) next() (frame, item []byte, err error) {
	var cur []byte // the item element being read
	inItem, itemDepth := false, 0
	firstChild := ""
	for {
		tok, kind, name, err := s.token()
		if errors.Is(err, io.EOF) {
			if inItem || s.depth != 0 || len(tok) > 0 {
				return nil, nil, io.ErrUnexpectedEOF
			}
			frame, s.frame = s.frame, nil
			return frame, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		switch kind {
		case tokStart:
			if !inItem && s.isItem(name) {
				inItem, itemDepth, cur, firstChild = true, s.depth, nil, ""
			} else if inItem && firstChild == "" && s.depth == itemDepth+1 {
				firstChild = strings.ToLower(name)
			}
			if !s.void(name) {
				s.depth++
			}
		case tokEnd:
			s.depth--
			if s.depth < 0 {
				return nil, nil, fmt.Errorf("%w: the %s document closes an element it never opened", ErrUnexpectedResponse, s.row)
			}
		case tokEmpty:
			if !inItem && s.isItem(name) {
				s.at = s.depth
				frame, s.frame = s.frame, nil
				s.budget.reset()
				return frame, tok, nil
			}
		}
		if !inItem {
			s.frame = append(s.frame, tok...)
			continue
		}
		cur = append(cur, tok...)
		if s.depth > itemDepth {
			continue
		}
		inItem = false
		if s.isHTML && firstChild == "th" { // the header row
			s.frame = append(s.frame, cur...)
			continue
		}
		s.at = itemDepth
		frame, s.frame = s.frame, nil
		s.budget.reset()
		return frame, cur, nil
	}
}

// isItem reports whether an element named name starting here is an item:
// never the root, and at the depth of the first item once one was seen.
func (s *markupScanner) isItem(name string) bool {
	if s.depth == 0 || (s.at != 0 && s.depth != s.at) {
		return false
	}
	if s.isHTML {
		return strings.EqualFold(name, s.row)
	}
	return name == s.row
}

// void reports an html element that has no end tag.
func (s *markupScanner) void(name string) bool {
	if !s.isHTML {
		return false
	}
	switch strings.ToLower(name) {
	case "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr":
		return true
	}
	return false
}

type tokKind int

const (
	tokText tokKind = iota
	tokStart
	tokEnd
	tokEmpty // a self-closing element
	tokOther // declaration, comment, CDATA, doctype
)

// token reads one token: text up to the next '<', or one piece of markup.
// At the clean end of the body it returns what it read (empty when the
// body ended between tokens) and io.EOF.
func (s *markupScanner) token() ([]byte, tokKind, string, error) {
	b, err := s.br.ReadByte()
	if err != nil {
		return nil, 0, "", err
	}
	tok := []byte{b}
	if b != '<' {
		for {
			buf, err := s.br.Peek(max(s.br.Buffered(), 1))
			if len(buf) == 0 {
				if err != nil && !errors.Is(err, io.EOF) {
					return nil, 0, "", err
				}
				return tok, tokText, "", nil
			}
			i := bytes.IndexByte(buf, '<')
			if i < 0 {
				i = len(buf)
			}
			tok = append(tok, buf[:i]...)
			_, _ = s.br.Discard(i)
			if i < len(buf) {
				return tok, tokText, "", nil
			}
		}
	}
	var end string
	kind := tokStart
	switch head, _ := s.br.Peek(8); {
	case bytes.HasPrefix(head, []byte("!--")):
		end, kind = "-->", tokOther
	case bytes.HasPrefix(head, []byte("![CDATA[")):
		end, kind = "]]>", tokOther
	case bytes.HasPrefix(head, []byte("?")):
		end, kind = "?>", tokOther
	case bytes.HasPrefix(head, []byte("!")):
		end, kind = ">", tokOther
	case bytes.HasPrefix(head, []byte("/")):
		end, kind = ">", tokEnd
	default:
		end = ">"
	}
	var quote byte
	for {
		c, err := s.br.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return tok, kind, "", io.EOF
			}
			return nil, 0, "", err
		}
		tok = append(tok, c)
		if kind == tokStart || kind == tokEnd {
			switch {
			case quote != 0 && c == quote:
				quote = 0
				continue
			case quote != 0:
				continue
			case c == '"' || c == '\'':
				quote = c
				continue
			}
		}
		if bytes.HasSuffix(tok, []byte(end)) && len(tok) >= 1+len(end) {
			break
		}
	}
	if kind == tokOther {
		return tok, kind, "", nil
	}
	name := tok[1 : len(tok)-1]
	if kind == tokEnd {
		name = name[1:]
	} else if bytes.HasSuffix(name, []byte("/")) {
		kind, name = tokEmpty, name[:len(name)-1]
	}
	if i := bytes.IndexAny(name, " \t\r\n/"); i >= 0 {
		name = name[:i]
	}
	return tok, kind, string(name), nil
}
