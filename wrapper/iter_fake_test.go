package apify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// iterFake is a purpose-built fake of the list and dataset-items endpoints
// for the iterator tests: one dataset served under every dataset-items path,
// an offset-envelope list and a request cursor listing, each
// with request recording and fault injection. Kept beside apifytest for what
// it must not do: stale totals, cycling cursors, ignored offsets and bodies
// cut short with an honest Content-Length. (A base URL with a path is served
// by clientUnderBasePath over apifytest.)
type iterFake struct {
	mu       sync.Mutex
	items    []json.RawMessage // the dataset
	list     []json.RawMessage // served by every offset-envelope path
	requests []json.RawMessage // the request queue
	seen     []*http.Request
	// staleTotal, when >= 0, is reported as the total of the dataset and list.
	staleTotal int
	// fault decides what happens to request n (0-based) of the dataset.
	fault func(n int) iterFault
	nData int
	// repeatCursor makes the cursor listing return the same cursor forever.
	repeatCursor bool
	// ignoreOffset makes the envelope lists serve offset 0 whatever is asked.
	ignoreOffset bool
	cleanCache   map[any][]json.RawMessage
}

type iterFault int

const (
	iterOK        iterFault = iota
	iterStatus500           // a 500 answer
	iterCut                 // half the body, then the connection drops
	iterTruncated           // a clean answer whose JSON is cut short
)

func newIterFake(t *testing.T) (*iterFake, *Client) {
	t.Helper()
	f := &iterFake{staleTotal: -1}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := NewClient(WithToken("iter-test-token"), WithBaseURL(srv.URL+"/base"), withTimer(newIterTimer))
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

// iterTimer fires at once, so retries in these tests never sleep.
type iterTimer struct{ c chan time.Time }

func newIterTimer() backoff.Timer { return &iterTimer{} }

func (t *iterTimer) Start(time.Duration) {
	t.c = make(chan time.Time, 1)
	t.c <- time.Now()
}
func (t *iterTimer) Stop()               {}
func (t *iterTimer) C() <-chan time.Time { return t.c }

func (f *iterFake) requestsTo(suffix string) []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*http.Request
	for _, r := range f.seen {
		if strings.HasSuffix(r.URL.Path, suffix) {
			out = append(out, r)
		}
	}
	return out
}

func (f *iterFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.seen = append(f.seen, r)
	f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer iter-test-token" {
		iterWriteError(w, http.StatusUnauthorized, "token-not-provided")
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/base")
	switch {
	case strings.HasSuffix(path, "/items") && (strings.Contains(path, "dataset") || strings.HasPrefix(path, "/v2/datasets/")):
		f.serveItems(w, r)
	case strings.HasSuffix(path, "/requests"):
		f.serveRequests(w, r)
	default:
		f.serveList(w, r)
	}
}

func iterWriteError(w http.ResponseWriter, status int, typ string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"type":%q,"message":"fake says %s"}}`, typ, typ)
}

func (f *iterFake) serveItems(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	n := f.nData
	f.nData++
	fl := iterOK
	if f.fault != nil {
		fl = f.fault(n)
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	total := len(f.items)
	order := f.items
	if q.Get("desc") == "1" {
		order = make([]json.RawMessage, total)
		for i, it := range f.items {
			order[total-1-i] = it
		}
	}
	window := order[min(offset, total):min(offset+limit, total)]
	reported := total
	if f.staleTotal >= 0 {
		reported = f.staleTotal
	}
	f.mu.Unlock()
	if fl == iterStatus500 {
		iterWriteError(w, http.StatusInternalServerError, "internal-error")
		return
	}
	var body []byte
	if q.Get("clean") == "1" {
		body = iterEncode(f.cleaned(offset, window, q.Get("desc") == "1"))
	} else {
		body = iterEncode(window)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Apify-Pagination-Offset", strconv.Itoa(offset))
	h.Set("X-Apify-Pagination-Limit", strconv.Itoa(limit))
	h.Set("X-Apify-Pagination-Count", strconv.Itoa(len(window)))
	h.Set("X-Apify-Pagination-Total", strconv.Itoa(reported))
	switch fl {
	case iterTruncated:
		body = body[:len(body)*2/3]
	case iterCut:
		h.Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// cleaned is iterClean(window, true), caching each stored item's result
// (by position; in descending order by content).
func (f *iterFake) cleaned(offset int, window []json.RawMessage, desc bool) []json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cleanCache == nil {
		f.cleanCache = map[any][]json.RawMessage{}
	}
	var out []json.RawMessage
	for i, raw := range window {
		key := any(offset + i)
		if desc {
			key = string(raw)
		}
		c, ok := f.cleanCache[key]
		if !ok {
			c = iterClean([]json.RawMessage{raw}, true)
			f.cleanCache[key] = c
		}
		out = append(out, c...)
	}
	return out
}

// iterClean drops empty items and hidden fields when clean is set.
func iterClean(window []json.RawMessage, clean bool) []json.RawMessage {
	if !clean {
		return window
	}
	var out []json.RawMessage
	for _, raw := range window {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			out = append(out, raw)
			continue
		}
		for k := range obj {
			if strings.HasPrefix(k, "#") {
				delete(obj, k)
			}
		}
		if len(obj) == 0 {
			continue
		}
		b, _ := json.Marshal(obj)
		out = append(out, b)
	}
	return out
}

func iterEncode(items []json.RawMessage) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(it)
	}
	b.WriteByte(']')
	return b.Bytes()
}

func (f *iterFake) serveList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, _ := strconv.Atoi(q.Get("limit"))
	f.mu.Lock()
	if f.ignoreOffset {
		offset = 0
	}
	total := len(f.list)
	page := f.list[min(offset, total):min(offset+min(limit, 1000), total)]
	reported := total
	if f.staleTotal >= 0 {
		reported = f.staleTotal
	}
	f.mu.Unlock()
	data := map[string]any{"total": reported, "offset": offset, "limit": limit, "count": len(page), "desc": q.Get("desc") == "1", "items": page}
	iterWriteData(w, data)
}

func iterWriteData(w http.ResponseWriter, data any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
}

func (f *iterFake) serveRequests(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	pos := 0
	if c := q.Get("cursor"); c != "" {
		pos, _ = strconv.Atoi(strings.TrimPrefix(c, "cur-"))
	}
	f.mu.Lock()
	reqs := f.requests
	repeat := f.repeatCursor
	f.mu.Unlock()
	end := min(pos+limit, len(reqs))
	data := map[string]any{"items": reqs[min(pos, len(reqs)):end], "limit": limit}
	switch {
	case repeat:
		data["nextCursor"] = "cur-0"
	case end < len(reqs):
		data["nextCursor"] = "cur-" + strconv.Itoa(end)
	}
	iterWriteData(w, data)
}

// checkNoPagerGoroutines fails when a goroutine of the dataset-items engine
// outlives an iteration (allowing an instant for goroutines in their final
// return).
func checkNoPagerGoroutines(t *testing.T) {
	t.Helper()
	for range 1000 {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		if !strings.Contains(string(buf), "pager.(*run[") {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("a dataset-items goroutine outlived the iteration")
}

// iterItems builds n dataset items: every 4th is empty and every 3rd has a
// hidden field, so clean=1 drops and changes items.
func iterItems(n int) []json.RawMessage {
	out := make([]json.RawMessage, n)
	for i := range out {
		switch {
		case i%4 == 3:
			out[i] = json.RawMessage(`{}`)
		case i%3 == 2:
			out[i] = json.RawMessage(fmt.Sprintf(`{"#debug":"x","n":%d,"s":"ü%d"}`, i, i))
		default:
			out[i] = json.RawMessage(fmt.Sprintf(`{"n":%d,"s":"ü%d"}`, i, i))
		}
	}
	return out
}
