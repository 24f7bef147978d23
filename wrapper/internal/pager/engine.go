// Package pager is the paging machinery behind the wrapper's iterators: the
// dataset-items engine (offset advanced by the X-Apify-Pagination-Count header,
// bounded in-order prefetch, parallel decoding, exact resume after a body cut
// short) and one token pager for the envelope, key and cursor lists.
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
	// Prefetch is the number of pages requested ahead of the consumer.
	Prefetch int
	// Decoders is the number of pages decoded at once; default GOMAXPROCS.
	Decoders int
	// BodyRetries is how many times one page is requested again after its
	// body was cut short or malformed without any progress.
	BodyRetries int
}

func (o Options) normalized() (Options, error) {
	switch {
	case o.Offset < 0:
		return o, fmt.Errorf("offset %d is negative", o.Offset)
	case o.Limit < 0:
		return o, fmt.Errorf("limit %d is negative (0 means no limit)", o.Limit)
	case o.PageSize < 0:
		return o, fmt.Errorf("page size %d is negative (0 means %d)", o.PageSize, DefaultPageSize)
	case o.Prefetch < 0 || o.Decoders < 0 || o.BodyRetries < 0:
		return o, errors.New("prefetch, decoders and body retries must not be negative")
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

// Pages iterates over the pages of a dataset's items. Every range starts a
// new iteration; breaking out of it or cancelling ctx stops all requests and
// goroutines before the range statement returns. An error is yielded once,
// then the sequence ends. With a Limit, the last page's Items are cut to it.
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
	wg       sync.WaitGroup

	queue      []*job[T]     // requested pages in order
	nextOffset int           // offset of the next page to request
	lastTurn   chan struct{} // decode turn of the last requested page
	yielded    int           // items handed out so far
	finished   bool
}

// job is one page being fetched and decoded in its own goroutine.
type job[T any] struct {
	offset, limit int
	cancel        context.CancelFunc
	done          chan struct{} // closed when page or err is set
	turn          chan struct{} // closed when this page has started decoding or given up
	page          *Page[T]
	err           error
}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func newRun[T any](ctx context.Context, fetch Fetch, opts Options) (*run[T], error) {
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
		pageSize: o.PageSize, decoders: make(chan struct{}, o.Decoders),
		nextOffset: o.Offset, lastTurn: closedChan,
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
	for !r.finished {
		for len(r.queue) < r.o.Prefetch {
			l := r.limitAt(r.nextOffset)
			if l == 0 {
				break
			}
			r.queue = append(r.queue, r.start(r.nextOffset, l))
			r.nextOffset += l
		}
		if len(r.queue) == 0 {
			return nil, nil
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
		// Requests ahead assumed a full page; re-plan from where this page ended.
		if want := j.offset + p.Count; len(r.queue) > 0 && r.queue[0].offset != want || len(r.queue) == 0 && r.nextOffset != want {
			for _, q := range r.queue {
				q.cancel()
			}
			r.queue = r.queue[:0]
			r.nextOffset = want
		}
		return p, nil
	}
	return nil, nil
}

func (r *run[T]) start(offset, limit int) *job[T] {
	ctx, cancel := context.WithCancel(r.ctx)
	j := &job[T]{offset: offset, limit: limit, cancel: cancel, done: make(chan struct{}), turn: make(chan struct{})}
	prevTurn := r.lastTurn
	r.lastTurn = j.turn
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer cancel()
		defer close(j.done)
		turnTaken := false
		defer func() {
			if !turnTaken {
				close(j.turn)
			}
		}()
		body, spans, m, err := r.load(ctx, offset, limit)
		if err != nil {
			j.err = err
			return
		}
		p := &Page[T]{Offset: offset, Limit: m.limit, Count: m.count, Total: m.total, Desc: m.desc}
		j.page = p
		if r.raw {
			close(j.turn)
			turnTaken = true
			p.Items = make([]T, len(spans))
			raws := any(p.Items).([]json.RawMessage)
			b := *body
			for k, s := range spans {
				raws[k] = b[s.start:s.end:s.end]
			}
			return
		}
		// Decode in page order: wait for the previous page to start, then for a slot.
		select {
		case <-prevTurn:
		case <-ctx.Done():
			j.err = ctx.Err()
			return
		}
		select {
		case r.decoders <- struct{}{}:
		case <-ctx.Done():
			j.err = ctx.Err()
			return
		}
		close(j.turn)
		turnTaken = true
		p.Items, j.err = decodePage[T](ctx, *body, spans, r.filtered.Load(), offset)
		<-r.decoders
		putBuf(body) // decoded values share no memory with the body
	}()
	return j
}

func decodePage[T any](ctx context.Context, b []byte, spans []span, filtered bool, offset int) ([]T, error) {
	items := make([]T, len(spans))
	for k, s := range spans {
		if k%128 == 0 && ctx.Err() != nil {
			return items[:k], ctx.Err()
		}
		if err := json.Unmarshal(b[s.start:s.end], &items[k]); err != nil {
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
	var spans []span
	failures := 0
	for {
		filtered := r.filtered.Load()
		got := len(spans) // complete items kept from earlier attempts
		resp, err := r.fetch(ctx, offset+got, limit-got)
		if err != nil {
			*body = b
			putBuf(body)
			return nil, nil, meta{}, err
		}
		m, err := readMeta(resp.Header)
		if err != nil {
			resp.Body.Close()
			*body = b
			putBuf(body)
			return nil, nil, meta{}, err
		}
		from := len(b)
		b, err = readBody(resp, b, int(r.sizeHint.Load()))
		if err == nil {
			spans, err = splitArray(b, from, spans)
		} else {
			spans, _ = splitArray(b, from, spans)
		}
		fresh := len(spans) - got
		if err == nil || !filtered && m.count >= 0 && fresh >= m.count {
			// Complete, or every scanned item arrived and only the tail was lost.
			if m.count < 0 {
				if filtered {
					*body = b
					putBuf(body)
					return nil, nil, meta{}, fmt.Errorf("the response for offset %d has no %s header, needed to page with filters or unwind", offset+got, HeaderCount)
				}
				m.count = fresh
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
