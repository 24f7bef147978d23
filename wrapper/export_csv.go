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
)

// errColumnsChanged reports a resumed csv response whose header differs
// from the first one: the remaining items have other columns, so the rows
// cannot be spliced on, and the first request is replayed instead.
var errColumnsChanged = errors.New("the resumed csv has other columns")

// csvExport is the state of a csv export, which resumes row by row: every
// stored item is one row, so after a break the next request starts at the
// first item not yet written, as long as its header (the columns) is the
// same as the first response's. When it is not, or when filters skip or
// unwind items, the first request is sent again and the rows already
// written are read past, checked against a SHA-256 of them.
type csvExport struct {
	x          *exporter
	skipHeader bool   // the caller asked for no header row
	prologue   []byte // the first response's byte order mark and header row
	seen       bool   // prologue is set
	rows       int    // data rows written
	rowsHash   hash.Hash
	replay     bool // resume by replaying the first request
}

// csv exports a csv response row by row; see csvExport.
func (x *exporter) csv(ctx context.Context) error {
	e := &csvExport{x: x, skipHeader: x.opts.SkipHeaderRow, rowsHash: sha256.New(), replay: x.reshapes}
	// The header is always requested: on a resume it shows whether the
	// columns are the same. It is dropped here when the caller asked.
	x.query.Del("skipHeaderRow")
	for {
		offset, limit, skip := x.opts.Offset, x.opts.Limit, e.rows
		if !e.replay {
			offset, skip = offset+e.rows, 0
			if limit > 0 {
				limit -= e.rows
			}
		}
		if limit < 0 || (x.opts.Limit > 0 && limit == 0) {
			return nil // every row asked for was written
		}
		resp, err := x.get(ctx, offset, limit, true)
		if err != nil {
			return err
		}
		before := e.rows
		got, err := e.read(resp.Body, skip)
		resp.Body.Close()
		if count, ok := paginationCount(resp); err == nil && ok && !x.reshapes && got != count {
			err = fmt.Errorf("%w: the csv held %d rows where the API reported %d items", io.ErrUnexpectedEOF, got, count)
		}
		if err == nil {
			return nil
		}
		replay, err := x.recover(ctx, err, e.rows > before, errColumnsChanged)
		if err != nil {
			return err
		}
		e.replay = e.replay || replay
	}
}

// read writes the rows of one response, after its prologue and the first
// skip rows (which must be those already written). It returns how many
// rows the response held, skipped ones included.
func (e *csvExport) read(body io.Reader, skip int) (int, error) {
	rec := newCSVRecords(&itemBudget{r: body, limit: e.x.r.c.cfg.maxBody})
	prologue, err := rec.prologue()
	if err != nil {
		return 0, err
	}
	switch {
	case !e.seen:
		e.prologue, e.seen = prologue, true
		out := prologue
		if e.skipHeader {
			out = prologue[:rec.bom]
		}
		if _, err := e.x.out.Write(out); err != nil {
			return 0, err
		}
	case !bytes.Equal(prologue, e.prologue) && e.replay:
		return 0, fmt.Errorf("%w: the API served other columns for the same request when asked again", ErrExportNotResumable)
	case !bytes.Equal(prologue, e.prologue):
		return 0, errColumnsChanged
	}
	again := sha256.New()
	got := 0
	for {
		row, err := rec.next()
		if errors.Is(err, io.EOF) {
			if got < skip {
				return got, io.ErrUnexpectedEOF
			}
			return got, nil
		}
		if err != nil {
			return got, err
		}
		got++
		if got <= skip {
			again.Write(row)
			if got == skip && !bytes.Equal(again.Sum(nil), e.rowsHash.Sum(nil)) {
				return got, fmt.Errorf("%w: the API served other rows for the same request when asked again", ErrExportNotResumable)
			}
			continue
		}
		if _, err := e.x.out.Write(row); err != nil {
			return got, err
		}
		e.rowsHash.Write(row)
		e.rows++
	}
}

// csvRecords splits a csv body into records (rows with their line ending),
// keeping quoted line breaks inside their record.
type csvRecords struct {
	br     *bufio.Reader
	budget *itemBudget
	bom    int // length of the byte order mark the body started with
}

func newCSVRecords(body *itemBudget) *csvRecords {
	return &csvRecords{br: bufio.NewReaderSize(body, 64<<10), budget: body}
}

// prologue returns the byte order mark, if any, and the header record.
func (r *csvRecords) prologue() ([]byte, error) {
	var out []byte
	if b, err := r.br.Peek(len(utf8BOM)); err == nil && bytes.Equal(b, utf8BOM) {
		_, _ = r.br.Discard(len(utf8BOM))
		out, r.bom = append(out, utf8BOM...), len(utf8BOM)
	}
	header, err := r.next()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return append(out, header...), nil
}

// next returns the next record, or io.EOF at the clean end of the body. A
// last record without a line ending is complete; one inside an open quote
// is not.
func (r *csvRecords) next() ([]byte, error) {
	var rec []byte
	quoted := false
	for {
		chunk, err := r.br.ReadSlice('\n')
		rec = append(rec, chunk...)
		if bytes.Count(chunk, []byte{'"'})%2 == 1 {
			quoted = !quoted
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(rec) == 0:
			return nil, io.EOF
		case errors.Is(err, io.EOF) && quoted:
			return nil, io.ErrUnexpectedEOF
		case err != nil && !errors.Is(err, io.EOF):
			return nil, err
		case quoted:
			continue
		}
		r.budget.reset()
		return rec, nil
	}
}
