// Package pager is the paging machinery behind the wrapper's iterators: the
// dataset-items engine (offset advanced by the X-Apify-Pagination-Count header,
// bounded in-order prefetch that adapts to what pages report, parallel
// decoding, exact resume after a body cut short) and one token pager for the
// envelope, key and cursor lists.
//
// It knows nothing of the Apify client: callers pass a Fetch that sends one
// request through their own transport (auth, retries, errors).
package pager

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
)

// Fetch sends the GET for one page of dataset items at the given offset and
// limit. It returns a response with a 2xx status and an open body, or an
// error; status errors and connection failures are expected to have been
// retried by the caller's transport already.
type Fetch func(ctx context.Context, offset, limit int) (*http.Response, error)

// Defaults of Options.
const (
	DefaultPageSize    = 1000
	DefaultPrefetch    = 4
	DefaultBodyRetries = 5
)

// Options configures one iteration over dataset items.
type Options struct {
	// Offset is the first item to read.
	Offset int
	// Limit caps the number of items yielded; 0 means all.
	Limit int
	// PageSize is the number of stored items requested per page.
	PageSize int
	// Filtered tells that returned items do not map one to one onto stored
	// items (clean, skipEmpty, skipHidden, unwind, simplified, view, ...).
	// The engine then re-reads a page whose body was cut short from its start
	// instead of from the next item's offset.
	Filtered bool
	// Prefetch is the most page requests in flight at once. Up to twice as
	// many pages are held (fetched, decoded, or waiting to be requested), so
	// a request goes out as soon as another one's body has arrived, while
	// earlier pages are still being decoded or consumed.
	//
	// The schedule adapts so that speculation costs no requests at the end:
	// the first request goes alone, and the pages held ahead double (up to
	// 2×Prefetch) with each page that comes back full. No request is made
	// ahead for an offset at or past the total the API last reported, nor
	// after a short page: those offsets get one request at a time, and a
	// page that scans nothing ends the iteration.
	Prefetch int
	// Decoders is the number of pages decoded at once; default GOMAXPROCS.
	Decoders int
	// BodyRetries is how many times one page is requested again after its
	// body was cut short or malformed without any progress.
	BodyRetries int
	// Unmarshal decodes one item into a *T; nil means encoding/json.Unmarshal.
	// Raw mode (T = json.RawMessage) never calls it.
	Unmarshal func(data []byte, v any) error
	// Scrub, when set, removes credentials from body text before it is
	// quoted in an error.
	Scrub func(string) string
	// MaxBodyBytes bounds one page body; a longer one ends the iteration
	// with an error wrapping ErrBodyTooLarge. 0 means no bound.
	MaxBodyBytes int64
}

func (o Options) normalized() (Options, error) {
	switch {
	case o.Offset < 0:
		return o, fmt.Errorf("offset %d is negative", o.Offset)
	case o.Limit < 0:
		return o, fmt.Errorf("limit %d is negative (0 means no limit)", o.Limit)
	case o.PageSize < 0:
		return o, fmt.Errorf("page size %d is negative (0 means %d)", o.PageSize, DefaultPageSize)
	case o.Prefetch < 0 || o.Decoders < 0 || o.BodyRetries < 0 || o.MaxBodyBytes < 0:
		return o, errors.New("prefetch, decoders, body retries and the body size limit must not be negative")
	}
	if o.PageSize == 0 {
		o.PageSize = DefaultPageSize
	}
	if o.Prefetch == 0 {
		o.Prefetch = DefaultPrefetch
	}
	if o.Decoders == 0 {
		o.Decoders = runtime.GOMAXPROCS(0)
	}
	if o.BodyRetries == 0 {
		o.BodyRetries = DefaultBodyRetries
	}
	return o, nil
}

// Pages iterates over the pages of a dataset's items. Each page starts at
// the previous page's Offset+Count; the iteration ends after a page that
// scans nothing (Count 0, not yielded) or once Limit items were yielded,
// never on the reported total. Reading n pages costs n+1 requests (the last
// one confirms the end) when responses carry a total, stale or not; without
// one, requests made ahead past the end add at most 2×Prefetch−1. Every range
// starts a new iteration; breaking out of it or cancelling ctx stops all
// requests and goroutines before the range statement returns. An error is
// yielded once, then the sequence ends. With a Limit, the last page's Items
// are cut to it.
func Pages[T any](ctx context.Context, fetch Fetch, opts Options) iter.Seq2[*Page[T], error] {
	return func(yield func(*Page[T], error) bool) {
		r, err := newRun[T](ctx, fetch, opts)
		if err != nil {
			yield(nil, err)
			return
		}
		defer r.stop()
		for {
			p, err := r.next()
			if err != nil {
				if p != nil && len(p.Items) > 0 && !yield(p, nil) {
					return
				}
				yield(nil, err)
				return
			}
			if p == nil || !yield(p, nil) {
				return
			}
		}
	}
}

// Items iterates over a dataset's items with the guarantees of Pages. With T
// = json.RawMessage each item's bytes are yielded without decoding; they stay
// valid after the loop moves on.
func Items[T any](ctx context.Context, fetch Fetch, opts Options) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		r, err := newRun[T](ctx, fetch, opts)
		if err != nil {
			yield(zero, err)
			return
		}
		defer r.stop()
		r.recycle = !r.raw
		for {
			p, err := r.next()
			if p != nil {
				done := ctx.Done()
				for i := range p.Items {
					select {
					case <-done:
						yield(zero, ctx.Err())
						return
					default:
					}
					if !yield(p.Items[i], nil) {
						return
					}
				}
				r.putItems(p.Items)
			}
			if err != nil {
				yield(zero, err)
				return
			}
			if p == nil {
				return
			}
		}
	}
}

// run is the state of one iteration; it lives inside the range statement.
type run[T any] struct {
	ctx      context.Context
	cancel   context.CancelFunc
	fetch    Fetch
	o        Options
	raw      bool
	pageSize int           // may shrink when the API caps the limit
	filtered atomic.Bool   // set when a page shows the 1:1 mapping does not hold
	sizeHint atomic.Int64  // body size of the last page, to presize buffers
	decoders chan struct{} // decode slots
	requests chan struct{} // request slots: at most Prefetch requests in flight
	wg       sync.WaitGroup

	recycle bool       // consumed pages' item slices may be reused (Items, typed)
	freeMu  sync.Mutex // guards free
	free    [][]T      // item slices of consumed pages

	queue      []*job[T] // requested pages in order
	nextOffset int       // offset of the next page to request
	yielded    int       // items handed out so far
	finished   bool

	// The request schedule (see Options.Prefetch), kept by the consuming
	// goroutine alone.
	ahead int // most pages held in the queue: 1 at first and after a short page
	total int // largest total the API reported; -1 while none was
}

// job is one page being fetched and decoded in its own goroutine.
type job[T any] struct {
	offset, limit int
	cancel        context.CancelFunc
	done          chan struct{} // closed when page or err is set
	page          *Page[T]
	err           error
}

func newRun[T any](ctx context.Context, fetch Fetch, opts Options) (*run[T], error) {
	if ctx == nil {
		return nil, ErrNilContext
	}
	o, err := opts.normalized()
	if err != nil {
		return nil, err
	}
	if fetch == nil {
		return nil, errors.New("pager: nil Fetch")
	}
	ctx, cancel := context.WithCancel(ctx)
	_, raw := any((*T)(nil)).(*json.RawMessage)
	r := &run[T]{
		ctx: ctx, cancel: cancel, fetch: fetch, o: o, raw: raw,
		pageSize: o.PageSize, decoders: make(chan struct{}, o.Decoders), requests: make(chan struct{}, o.Prefetch),
		nextOffset: o.Offset, ahead: 1, total: -1,
	}
	r.filtered.Store(o.Filtered)
	return r, nil
}

// stop cancels every request in flight and waits for the goroutines.
func (r *run[T]) stop() {
	r.cancel()
	r.wg.Wait()
}

// limitAt is the limit of the page requested at offset; 0 means the cap
// forbids a request.
func (r *run[T]) limitAt(offset int) int {
	l := r.pageSize
	if r.o.Limit > 0 {
		if r.filtered.Load() {
			l = min(l, r.o.Limit)
		} else {
			l = min(l, r.o.Offset+r.o.Limit-offset)
		}
	}
	return max(l, 0)
}

// next returns the next page in order, nil at the end, or an error (with
// the items decoded before it, if any).
func (r *run[T]) next() (*Page[T], error) {
	if r.finished {
		return nil, nil
	}
	r.fill()
	if len(r.queue) == 0 {
		return nil, nil // the cap forbids another request
	}
	j := r.queue[0]
	if err := r.ctx.Err(); err != nil {
		r.finished = true
		return nil, err
	}
	select {
	case <-j.done:
	case <-r.ctx.Done():
		r.finished = true
		return nil, r.ctx.Err()
	}
	r.queue = r.queue[1:]
	p := j.page
	if j.err != nil {
		r.finished = true
		return p, j.err
	}
	r.total = max(r.total, p.Total) // datasets only grow: the largest total is the latest
	if p.Count == 0 {
		r.finished = true
		return nil, nil
	}
	if r.o.Limit > 0 && r.yielded+len(p.Items) >= r.o.Limit {
		p.Items = p.Items[:r.o.Limit-r.yielded]
		r.finished = true
	}
	r.yielded += len(p.Items)
	if p.Limit < j.limit && p.Count == p.Limit && p.Limit > 0 {
		r.pageSize = p.Limit // the API serves smaller pages than asked
	}
	// p.Limit is the limit asked for, or the smaller one the API reported
	// serving: a page that scanned that many is full and more may follow.
	if p.Count >= p.Limit {
		r.ahead = min(2*r.ahead, 2*r.o.Prefetch)
	} else {
		r.ahead = 1 // likely the end: only one confirming request
	}
	// Requests ahead assumed a full page; re-plan from where this page ended.
	if want := j.offset + p.Count; len(r.queue) > 0 && r.queue[0].offset != want || len(r.queue) == 0 && r.nextOffset != want {
		for _, q := range r.queue {
			q.cancel()
		}
		r.queue = r.queue[:0]
		r.nextOffset = want
	}
	if !r.finished {
		r.fill() // send the next requests before the caller consumes this page
	}
	return p, nil
}

// fill starts page requests in order until the queue holds r.ahead pages.
// A request behind a page still pending is speculative: it is made only for
// an offset below the latest reported total. At or past it, and after a
// short page (r.ahead is then 1), pages are requested one at a time, so the
// end of the dataset costs a single confirming request.
func (r *run[T]) fill() {
	for len(r.queue) < r.ahead {
		l := r.limitAt(r.nextOffset)
		if l == 0 {
			return
		}
		if len(r.queue) > 0 && r.total >= 0 && r.nextOffset >= r.total {
			return
		}
		r.queue = append(r.queue, r.start(r.nextOffset, l))
		r.nextOffset += l
	}
}

func (r *run[T]) start(offset, limit int) *job[T] {
	ctx, cancel := context.WithCancel(r.ctx)
	j := &job[T]{offset: offset, limit: limit, cancel: cancel, done: make(chan struct{})}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer cancel()
		defer close(j.done)
		j.page, j.err = r.fetchPage(ctx, offset, limit)
	}()
	return j
}

// fetchPage loads, splits and decodes the page at offset.
func (r *run[T]) fetchPage(ctx context.Context, offset, limit int) (*Page[T], error) {
	body, spans, m, err := r.load(ctx, offset, limit)
	if err != nil {
		return nil, err
	}
	p := &Page[T]{Offset: offset, Limit: m.limit, Count: m.count, Total: m.total, Desc: m.desc}
	if r.raw {
		p.Items = make([]T, len(spans))
		raws := any(p.Items).([]json.RawMessage)
		b := *body
		for k, s := range spans {
			raws[k] = b[s.start:s.end:s.end] // capped: appending to one item never overwrites the next
		}
		return p, nil
	}
	// Decode when a slot is free; pages whose bytes arrived first go first,
	// so no core idles while an earlier page still waits for its bytes.
	select {
	case r.decoders <- struct{}{}:
	case <-ctx.Done():
		putBuf(body)
		return nil, ctx.Err()
	}
	p.Items, err = decodePage(ctx, r.o.Unmarshal, *body, spans, r.filtered.Load(), offset, r.getItems(len(spans)))
	<-r.decoders
	putBuf(body) // decoded values share no memory with the body
	return p, err
}

// getItems returns a zeroed slice of n items, reusing a consumed page's.
func (r *run[T]) getItems(n int) []T {
	r.freeMu.Lock()
	defer r.freeMu.Unlock()
	for i, s := range r.free {
		if cap(s) >= n {
			r.free = append(r.free[:i], r.free[i+1:]...)
			return s[:n]
		}
	}
	return make([]T, n)
}

// putItems keeps a consumed page's item slice for a later page (Items mode:
// the values were copied out when yielded).
func (r *run[T]) putItems(items []T) {
	if !r.recycle {
		return
	}
	items = items[:cap(items)]
	clear(items) // decoding merges into existing values, and stale pointers pin memory
	r.freeMu.Lock()
	if len(r.free) < 2 {
		r.free = append(r.free, items)
	}
	r.freeMu.Unlock()
}

// decodePage decodes the items at spans of b into items (len(spans) long,
// zeroed).
func decodePage[T any](ctx context.Context, unmarshal func([]byte, any) error, b []byte, spans []span, filtered bool, offset int, items []T) ([]T, error) {
	if unmarshal == nil {
		unmarshal = json.Unmarshal
	}
	for k, s := range spans {
		if k%128 == 0 && ctx.Err() != nil {
			return items[:k], ctx.Err()
		}
		if err := unmarshal(b[s.start:s.end], &items[k]); err != nil {
			if filtered {
				return items[:k], fmt.Errorf("decoding item %d of the page at offset %d: %w", k, offset, err)
			}
			return items[:k], fmt.Errorf("decoding dataset item %d: %w", offset+k, err)
		}
	}
	return items, nil
}

// load reads one page's body into a buffer and splits it into items. A body
// cut short or malformed is requested again: from the next item's offset
// when items map one to one onto stored items, else from the page's start.
func (r *run[T]) load(ctx context.Context, offset, limit int) (*[]byte, []span, meta, error) {
	var body *[]byte
	if r.raw {
		body = new([]byte) // yielded items point into it: never recycled
	} else {
		body = getBuf()
	}
	b := *body
	spans := make([]span, 0, min(limit, 4096))
	failures := 0
	for {
		filtered := r.filtered.Load()
		got := len(spans) // complete items kept from earlier attempts
		select {
		case r.requests <- struct{}{}:
		case <-ctx.Done():
			*body = b
			putBuf(body)
			return nil, nil, meta{}, ctx.Err()
		}
		resp, err := r.fetch(ctx, offset+got, limit-got)
		if err != nil {
			<-r.requests
			*body = b
			putBuf(body)
			return nil, nil, meta{}, err
		}
		m, err := readMeta(resp.Header)
		if err == nil {
			err = checkOffset(m.offset, offset+got)
		}
		if err != nil {
			<-r.requests
			resp.Body.Close()
			*body = b
			putBuf(body)
			return nil, nil, meta{}, err
		}
		from := len(b)
		b, err = readBody(resp, b, int(r.sizeHint.Load()), r.o.MaxBodyBytes)
		<-r.requests
		if errors.Is(err, ErrBodyTooLarge) {
			*body = b
			putBuf(body)
			return nil, nil, meta{}, fmt.Errorf("the page at offset %d: %w; ask for smaller pages", offset+got, err)
		}
		if err == nil {
			spans, err = splitArray(b, from, spans)
		} else {
			spans, _ = splitArray(b, from, spans)
		}
		fresh := len(spans) - got
		if err == nil || !filtered && m.count >= 0 && fresh >= m.count {
			// Complete, or every scanned item arrived and only the tail was lost.
			if m.count, err = scannedCount(m.count, offset+got, limit-got, fresh, filtered); err != nil {
				*body = b
				putBuf(body)
				return nil, nil, meta{}, err
			}
			if got == 0 && m.limit >= 0 && m.limit < limit {
				limit = m.limit
			}
			m.count += got
			m.limit = limit
			if !filtered && m.count != len(spans) {
				r.filtered.Store(true) // items do not map 1:1: never resume mid-page again
			}
			r.sizeHint.Store(int64(len(b)))
			*body = b
			return body, spans, m, nil
		}
		if ctx.Err() != nil {
			*body = b
			putBuf(body)
			return nil, nil, meta{}, ctx.Err()
		}
		var syntax *SyntaxError
		if errors.As(err, &syntax) {
			// The body arrived whole but is not a JSON array: asking again won't help.
			syntax.Offset -= from
			*body = b
			putBuf(body)
			return nil, nil, meta{}, fmt.Errorf("the response for offset %d is not a JSON array of items (%s: %q): %w",
				offset+got, resp.Header.Get("Content-Type"), r.quote(b[from:], syntax.Offset), err)
		}
		if filtered {
			b, spans = b[:0], spans[:0]
		} else {
			if fresh > 0 {
				failures = 0
			}
			if len(spans) > 0 {
				b = b[:spans[len(spans)-1].end]
			} else {
				b = b[:0]
			}
		}
		if !filtered && len(spans) >= limit {
			*body = b // every requested item arrived; only the tail was lost
			m.count, m.limit = len(spans), limit
			return body, spans, m, nil
		}
		failures++
		if failures > r.o.BodyRetries {
			*body = b
			putBuf(body)
			return nil, nil, meta{}, fmt.Errorf("reading the page at offset %d: %w (%d attempts)", offset, err, failures)
		}
	}
}

// quote returns up to 40 bytes of b around position at, scrubbed by
// Options.Scrub, for error messages. The text is scrubbed before it is cut,
// with a wide margin, so that no cut leaves part of a credential.
func (r *run[T]) quote(b []byte, at int) string {
	if r.o.Scrub == nil {
		return snippet(b, at)
	}
	lo, hi := max(0, at-4096), min(len(b), at+4096)
	s := r.o.Scrub(string(b[lo:hi])) // may change lengths: the quote shifts a little
	return snippet([]byte(s), min(at-lo, len(s)))
}

// snippet returns up to 40 bytes of b around position at, for error messages.
func snippet(b []byte, at int) string {
	lo := max(0, min(at, len(b))-20)
	hi := min(len(b), lo+40)
	return string(b[lo:hi])
}
