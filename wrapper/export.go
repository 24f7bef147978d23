package apify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/apifygo/apify/wrapper/internal/pager"
)

// Export writes the items of the dataset to w in format, streamed: memory
// stays bounded by one item (one csv row, one xml, rss or html item
// element; a small buffer for xlsx), whatever the dataset's size. It
// returns the number of bytes written. opts may be nil.
//
// A download that breaks off (a cut connection, a truncated body, a
// per-attempt timeout) is resumed where it stopped, so w sees the export
// once, in order, as one uninterrupted response would have given it:
//
//   - json and jsonl are read in pages of stored items (offset and limit)
//     and written item by item, each item only once it arrived whole; the
//     json array is reassembled around them. After a break the next request
//     starts at the first item not yet written. With filters that skip or
//     unwind items (Clean, SkipEmpty, SkipHidden, Unwind, Simplified,
//     SkipFailedPages, View) the written items no longer count stored ones,
//     so the broken page is read again from its start and the items already
//     written are skipped.
//   - csv comes in one response, since its columns depend on all items,
//     and is written row by row, each row only once it arrived whole. Every
//     item is one row, so after a break the next request starts at the
//     first item not yet written, and its header row (read, not written) is
//     checked to be the first one's. When the columns differ there, or with
//     the filters above, the first request is sent again and the rows
//     already written are read past, checked against a SHA-256 of them.
//   - xml, html and rss come in one response, read element by element: an
//     item element (xml's XMLRow, rss's item, html's data tr) is written
//     with the bytes before it only once it arrived whole, the footer only
//     once the document is complete. After a break the next request starts
//     at the last item written; its header must be the first response's and
//     that item must come back the same, and it is read past, so the
//     document is spliced only between two items as the API joins them.
//     When the header differs there (an html table's columns depend on the
//     items), or with the filters above, the first request is sent again
//     and the items already written are read past, checked against a
//     SHA-256 of them.
//   - xlsx is a zip, which cannot be spliced. After a break the same
//     request is sent again, the bytes already written are read past while
//     their SHA-256 is checked against what w received, and writing goes on
//     from the next byte.
//
// When a resumed response differs from what was written (a workbook
// stamped with a new time, other rows, another item at the resume point),
// the export stops with an error matching [ErrExportNotResumable]. The
// one-response formats have no per-attempt timeout unless ctx carries one
// ([WithAttemptTimeout]): bound them with ctx. One item (one csv row, one
// xml element) is held in memory at most, bounded by [WithMaxResponseBody].
//
// A failed request is retried by the client's policy and ends the export
// with its [*APIError]; a failed write to w ends it at once. After
// ExportOptions.MaxResumes breaks in a row without progress it gives up.
//
// Apify API docs: https://docs.apify.com/api/v2/dataset-items-get
func (d *DatasetClient) Export(ctx context.Context, w io.Writer, format ExportFormat, opts *ExportOptions) (int64, error) {
	if err := d.r.check(ctx); err != nil {
		return 0, err
	}
	if w == nil {
		return 0, errors.New("apify: the io.Writer to export to is nil")
	}
	if opts == nil {
		opts = &ExportOptions{}
	}
	q, err := opts.exportQuery(format)
	if err != nil {
		return 0, err
	}
	x := &exporter{r: d.r, query: q, format: format, opts: opts, out: &exportWriter{w: w},
		reshapes: opts.reshapes(), maxResumes: defaultMaxResumes}
	if opts.MaxResumes > 0 {
		x.maxResumes = opts.MaxResumes
	}
	switch format {
	case ExportJSON, ExportJSONL:
		err = x.paged(ctx)
	case ExportCSV:
		err = x.csv(ctx)
	case ExportXML, ExportHTML, ExportRSS:
		err = x.document(ctx)
	default:
		err = x.whole(ctx)
	}
	if err != nil {
		return x.out.n, fmt.Errorf("apify: exporting dataset items as %s, stopped after %d bytes: %w", format, x.out.n, err)
	}
	return x.out.n, nil
}

// exporter is the state of one export.
type exporter struct {
	r          resource
	query      url.Values // all but offset and limit
	format     ExportFormat
	opts       *ExportOptions
	out        *exportWriter
	reshapes   bool // items may not map one to one onto stored items
	maxResumes int
	breaks     int // breaks in a row without progress
}

// errExportDone stops reading once Limit items were written.
var errExportDone = errors.New("export limit reached")

// paged exports json or jsonl in pages of stored items, item by item.
func (x *exporter) paged(ctx context.Context) error {
	o := x.opts
	pageSize := o.PageSize
	if pageSize == 0 {
		pageSize = defaultExportPageSize
	}
	x.query.Set("bom", "0") // written once below, not once per page
	if o.BOM != nil && *o.BOM {
		if _, err := io.WriteString(x.out, "\uFEFF"); err != nil {
			return err
		}
	}
	isJSON := x.format == ExportJSON
	if isJSON {
		if _, err := io.WriteString(x.out, "["); err != nil {
			return err
		}
	}
	items, left := 0, o.Limit // left: items still wanted when Limit > 0
	write := func(item []byte) error {
		var err error
		switch {
		case isJSON && items > 0:
			_, err = x.out.write(",\n", item)
		case isJSON:
			_, err = x.out.Write(item)
		default:
			_, err = x.out.write("", item, []byte{'\n'})
		}
		if err != nil {
			return err
		}
		items++
		if o.Limit > 0 {
			if left--; left == 0 {
				return errExportDone
			}
		}
		return nil
	}
	read := readJSONLines
	if isJSON {
		read = readJSONArray
	}
	offset, skip := o.Offset, 0
	for {
		limit := pageSize
		if o.Limit > 0 && !x.reshapes {
			limit = min(limit, left)
		}
		resp, err := x.get(ctx, offset, limit, false)
		if err != nil {
			return err
		}
		if err := pager.CheckOffset(resp.Header, offset); err != nil {
			resp.Body.Close()
			return fmt.Errorf("%w: %w", ErrUnexpectedResponse, err)
		}
		got := 0 // items of this response, skipped ones included
		err = read(&itemBudget{r: resp.Body, limit: x.r.c.cfg.maxBody}, func(item []byte) error {
			if got++; got <= skip {
				return nil
			}
			return write(item)
		})
		resp.Body.Close()
		count, counted := paginationCount(resp)
		if err == nil && x.reshapes {
			// Items do not map one to one onto stored ones: only the
			// header tells where the next page starts.
			if count, err = pager.ScannedCount(resp.Header, offset, limit, got, true); err != nil {
				return fmt.Errorf("%w: %w", ErrUnexpectedResponse, err)
			}
			counted = true
		}
		if err == nil && !x.reshapes && counted && got != count {
			err = fmt.Errorf("%w: the page held %d items where the API reported %d", io.ErrUnexpectedEOF, got, count)
		}
		switch {
		case errors.Is(err, errExportDone):
			return x.finish(isJSON)
		case err != nil:
			if x.out.err != nil {
				return x.out.err
			}
			if errors.Is(err, ErrUnexpectedResponse) {
				return err // not a break: asking again gets the same answer
			}
			progress := got > skip
			if x.reshapes {
				skip = max(skip, got)
			} else {
				offset, skip = offset+got, 0
			}
			if err := x.resume(ctx, progress, err); err != nil {
				return err
			}
			continue
		case !counted: // never under reshapes: ScannedCount above needs the header
			count = got
		}
		if count == 0 {
			return x.finish(isJSON)
		}
		offset, skip, x.breaks = offset+count, 0, 0
	}
}

func (x *exporter) finish(isJSON bool) error {
	if isJSON {
		_, err := io.WriteString(x.out, "]")
		return err
	}
	return nil
}

// whole exports xlsx, which comes in one response and cannot be spliced,
// replaying the response after a break and checking the replayed prefix.
func (x *exporter) whole(ctx context.Context) error {
	written := sha256.New()
	x.out.hash = written
	for {
		resp, err := x.get(ctx, x.opts.Offset, x.opts.Limit, true)
		if err != nil {
			return err
		}
		before := x.out.n
		err = x.replay(resp.Body, written)
		if err == nil {
			_, err = io.Copy(x.out, resp.Body)
		}
		resp.Body.Close()
		switch {
		case err == nil:
			return nil
		case x.out.err != nil:
			return x.out.err
		case errors.Is(err, ErrExportNotResumable):
			return err
		}
		if err := x.resume(ctx, x.out.n > before, err); err != nil {
			return err
		}
	}
}

// replay reads past the bytes already written from body and checks that
// they are the same bytes.
func (x *exporter) replay(body io.Reader, written hash.Hash) error {
	if x.out.n == 0 {
		return nil
	}
	again := sha256.New()
	if _, err := io.CopyN(again, body, x.out.n); err != nil {
		return err
	}
	if !bytes.Equal(again.Sum(nil), written.Sum(nil)) {
		return fmt.Errorf("%w: the API served different content for the first %d bytes when asked again", ErrExportNotResumable, x.out.n)
	}
	return nil
}

// recover decides what follows a failed read of a one-response format: a
// failed write to w or a response that cannot be resumed ends the export;
// anything else is a broken download, resumed after resume's wait. replay
// reports that err is changed, the sign that the next request must replay
// the first one.
func (x *exporter) recover(ctx context.Context, err error, progress bool, changed error) (replay bool, stop error) {
	switch {
	case x.out.err != nil:
		return false, x.out.err
	case errors.Is(err, ErrUnexpectedResponse), errors.Is(err, ErrExportNotResumable):
		return false, err // a too large item, a malformed document: asking again will not help
	}
	return errors.Is(err, changed), x.resume(ctx, progress, err)
}

// resume counts a broken download and waits before the next attempt, or
// gives up after too many breaks in a row without progress.
func (x *exporter) resume(ctx context.Context, progress bool, cause error) error {
	if progress {
		x.breaks = 0
	}
	x.breaks++
	if x.breaks > x.maxResumes {
		return fmt.Errorf("gave up after %d broken downloads in a row without progress: %w", x.breaks, cause)
	}
	delay := min(DefaultInitialDelay<<(x.breaks-1), 10*time.Second)
	if err := x.r.c.sleep(ctx, delay); err != nil {
		return fmt.Errorf("%w (resuming after: %w)", err, cause)
	}
	return nil
}

// get requests the items from offset (limit of them; 0 means all). whole
// responses run without a per-attempt timeout: they last as long as the
// dataset is big.
func (x *exporter) get(ctx context.Context, offset, limit int, whole bool) (*http.Response, error) {
	q := maps.Clone(x.query)
	if offset > 0 {
		setQueryInt(q, "offset", offset)
	}
	if limit > 0 {
		setQueryInt(q, "limit", limit)
	}
	if _, set := ctx.Value(attemptTimeoutKey{}).(attemptTimeout); whole && !set {
		ctx = withAttemptTimeout(ctx, 0) // unless the caller set a limit
	}
	return x.r.send(ctx, http.MethodGet, "items", q, nil, "")
}

// paginationCount reads the X-Apify-Pagination-Count header: the stored
// items the page scanned.
func paginationCount(resp *http.Response) (int, bool) {
	n, err := strconv.Atoi(resp.Header.Get(pager.HeaderCount))
	return n, err == nil && n >= 0
}

// exportWriter counts (and, for replayed formats, hashes) what reaches the
// caller's writer, and remembers its first error.
type exportWriter struct {
	w    io.Writer
	n    int64
	hash hash.Hash
	err  error
	buf  []byte // scratch for write
}

func (e *exportWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	m, err := e.w.Write(p)
	if m < 0 || m > len(p) {
		m, err = 0, fmt.Errorf("the writer reported writing %d of %d bytes", m, len(p))
	}
	e.n += int64(m)
	if e.hash != nil {
		e.hash.Write(p[:m])
	}
	if err == nil && m < len(p) {
		err = io.ErrShortWrite
	}
	e.err = err
	return m, err
}

// write writes sep and the parts in one call, so that an item reaches w in
// one piece. The pieces are joined in a buffer kept for the next item (an
// io.Writer must not retain what it is given).
func (e *exportWriter) write(sep string, parts ...[]byte) (int, error) {
	e.buf = append(e.buf[:0], sep...)
	for _, p := range parts {
		e.buf = append(e.buf, p...)
	}
	return e.Write(e.buf)
}
