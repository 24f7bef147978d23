package pager

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The engine's fake stays beside apifytest: it cuts, truncates and reorders
// pages at chosen points, which the engine tests need and a faithful fake of
// the API does not do.

// fault is what the fake does to one response.
type fault int

const (
	faultNone           fault = iota
	faultStatus500            // 500 before any byte of the body
	faultCut                  // part of the body, then the connection is dropped
	faultTruncated            // a clean response whose JSON array is cut short
	faultTruncatedEarly       // a clean response cut inside its first item
)

// fakeDataset serves GET /items like the Apify dataset-items endpoint: offset
// and limit select stored items, then clean/skipEmpty/skipHidden/unwind
// transform them, and X-Apify-Pagination-* headers report what was scanned.
type fakeDataset struct {
	mu       sync.Mutex
	items    []json.RawMessage
	requests []url.Values
	// staleTotal, when >= 0, is reported instead of the real total.
	staleTotal int
	// maxLimit caps the limit the fake honours (0: no cap).
	maxLimit int
	// noCount drops the Count header; noTotal drops the Total header.
	noCount, noTotal bool
	// faultFor decides the fault of request n (0-based); nil means none.
	faultFor func(n int) fault
	// faultAt, when set, decides the fault from the requested offset.
	faultAt func(offset int) fault
	// onServe runs after a page is computed, under the lock (to grow the data).
	onServe func(f *fakeDataset, offset, count int)
	// delay is slept before each response.
	delay time.Duration
	rng   *rand.Rand
	cache sync.Map // filter key → *[][]json.RawMessage per stored position
}

// transformed returns transform(window, q), caching each stored item's
// result so retried pages cost little. Keyed by position in the order served.
func (f *fakeDataset) transformed(lo int, window []json.RawMessage, q url.Values) []json.RawMessage {
	key := strings.Join([]string{q.Get("clean"), q.Get("skipEmpty"), q.Get("skipHidden"), q.Get("unwind"), q.Get("desc")}, "|")
	if key == "||||" || key == "||||1" || key == "||||true" {
		return window
	}
	v, _ := f.cache.LoadOrStore(key, &sync.Map{})
	per := v.(*sync.Map)
	var out []json.RawMessage
	for i, raw := range window {
		// Items only ever append, so a position keeps its item in ascending order;
		// in descending order the cache is keyed by the item's bytes instead.
		k := any(lo + i)
		if truthy(q.Get("desc")) {
			k = string(raw)
		}
		got, ok := per.Load(k)
		if !ok {
			got = transform([]json.RawMessage{raw}, q)
			per.Store(k, got)
		}
		out = append(out, got.([]json.RawMessage)...)
	}
	return out
}

func newFake(t testing.TB, items []json.RawMessage) (*fakeDataset, *httptest.Server) {
	f := &fakeDataset{items: items, staleTotal: -1, rng: rand.New(rand.NewPCG(1, 2))}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeDataset) requestCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests)
}

// requested lists the offset/limit of every request served, in arrival order.
func (f *fakeDataset) requested() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.requests))
	for i, q := range f.requests {
		out[i] = q.Get("offset") + "/" + q.Get("limit")
	}
	return out
}

func (f *fakeDataset) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	n := len(f.requests)
	f.requests = append(f.requests, q)
	fl := faultNone
	if f.faultFor != nil {
		fl = f.faultFor(n)
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	if f.faultAt != nil {
		fl = f.faultAt(offset)
	}
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 1 << 40
	}
	if f.maxLimit > 0 {
		limit = min(limit, f.maxLimit)
	}
	total := len(f.items)
	order := f.items
	if truthy(q.Get("desc")) {
		order = make([]json.RawMessage, total)
		for i, it := range f.items {
			order[total-1-i] = it
		}
	}
	lo := min(offset, total)
	hi := min(lo+limit, total)
	window := order[lo:hi]
	reported := total
	if f.staleTotal >= 0 {
		reported = f.staleTotal
	}
	if f.onServe != nil {
		f.onServe(f, offset, len(window))
	}
	delay := f.delay
	frac := f.rng.Float64()
	f.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}

	if fl == faultStatus500 {
		http.Error(w, `{"error":{"type":"internal-server-error","message":"injected"}}`, http.StatusInternalServerError)
		return
	}
	body := encodeArray(f.transformed(lo, window, q))
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set(HeaderOffset, strconv.Itoa(offset))
	h.Set(HeaderLimit, strconv.Itoa(limit))
	if !f.noCount {
		h.Set(HeaderCount, strconv.Itoa(len(window)))
	}
	if !f.noTotal {
		h.Set(HeaderTotal, strconv.Itoa(reported))
	}
	if truthy(q.Get("desc")) {
		h.Set(HeaderDesc, "true")
	}
	cut := len(body) / 2
	if len(body) > 2 {
		cut = 1 + int(frac*float64(len(body)-2))
	}
	switch fl {
	case faultTruncated:
		body = body[:cut]
	case faultTruncatedEarly:
		body = body[:min(len(body), 4)]
	case faultCut:
		h.Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body[:cut])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

func truthy(v string) bool { return v == "1" || v == "true" }

// transform applies the item filters the way the API does, after offset and
// limit have chosen the stored items.
func transform(window []json.RawMessage, q url.Values) []json.RawMessage {
	clean := truthy(q.Get("clean"))
	skipEmpty := clean || truthy(q.Get("skipEmpty"))
	skipHidden := clean || truthy(q.Get("skipHidden"))
	unwind := q.Get("unwind")
	var out []json.RawMessage
	for _, raw := range window {
		if !skipEmpty && !skipHidden && unwind == "" {
			out = append(out, raw)
			continue
		}
		var obj map[string]any
		if err := json.Unmarshal(raw, &obj); err != nil {
			out = append(out, raw)
			continue
		}
		if skipHidden {
			for k := range obj {
				if strings.HasPrefix(k, "#") {
					delete(obj, k)
				}
			}
		}
		if skipEmpty && len(obj) == 0 {
			continue
		}
		for _, o := range unwindObject(obj, unwind) {
			b, _ := json.Marshal(o)
			out = append(out, b)
		}
	}
	return out
}

// unwindObject expands an array field into one object per element, merged
// with the parent; an empty array drops the item, other values keep it.
func unwindObject(obj map[string]any, field string) []map[string]any {
	if field == "" {
		return []map[string]any{obj}
	}
	arr, ok := obj[field].([]any)
	if !ok {
		return []map[string]any{obj}
	}
	var out []map[string]any
	for _, el := range arr {
		m := map[string]any{}
		for k, v := range obj {
			if k != field {
				m[k] = v
			}
		}
		if em, ok := el.(map[string]any); ok {
			for k, v := range em {
				m[k] = v
			}
		} else {
			m[field] = el
		}
		out = append(out, m)
	}
	return out
}

func encodeArray(items []json.RawMessage) []byte {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i, it := range items {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.Write(it)
	}
	b.WriteString("\n]")
	return b.Bytes()
}

// testFetch is a minimal stand-in for the client's request path: it retries
// 5xx answers (as the wrapper's transport does) and turns other non-2xx into
// errors.
func testFetch(srv *httptest.Server, query url.Values) Fetch {
	return func(ctx context.Context, offset, limit int) (*http.Response, error) {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		q.Set("offset", strconv.Itoa(offset))
		q.Set("limit", strconv.Itoa(limit))
		for attempt := 0; ; attempt++ {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/items?"+q.Encode(), nil)
			if err != nil {
				return nil, err
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				if ctx.Err() == nil && attempt < 10 {
					continue
				}
				return nil, err
			}
			if resp.StatusCode >= 500 && attempt < 10 {
				resp.Body.Close()
				continue
			}
			if resp.StatusCode/100 != 2 {
				resp.Body.Close()
				return nil, fmt.Errorf("GET items: status %d", resp.StatusCode)
			}
			return resp, nil
		}
	}
}

// checkNoEngineGoroutines fails the test when a goroutine of the engine
// outlives the iteration. Stop waits for them, so at most goroutines in
// their final return may remain for an instant.
func checkNoEngineGoroutines(t *testing.T) {
	t.Helper()
	var left string
	for range 1000 {
		left = engineGoroutine()
		if left == "" {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("engine goroutine left behind:\n%s", left)
}

func engineGoroutine() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "pager.(*run[") {
			return g
		}
	}
	return ""
}
