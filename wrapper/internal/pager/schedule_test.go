package pager

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fetchWatch wraps a Fetch and records, for each call, how many earlier
// responses were still open (body not yet closed). The engine closes a body
// before it hands the page on, so a request that follows a page in order
// sees 0 whenever it went out alone.
type fetchWatch struct {
	mu       sync.Mutex
	open     int
	openAt   []int // open responses at each call, in call order
	maxOpen  int
	offsetAt []int
}

func (w *fetchWatch) wrap(fetch Fetch) Fetch {
	return func(ctx context.Context, offset, limit int) (*http.Response, error) {
		w.mu.Lock()
		w.openAt = append(w.openAt, w.open)
		w.offsetAt = append(w.offsetAt, offset)
		w.open++
		w.maxOpen = max(w.maxOpen, w.open)
		w.mu.Unlock()
		resp, err := fetch(ctx, offset, limit)
		if err != nil {
			w.closed()
			return nil, err
		}
		resp.Body = &watchedBody{ReadCloser: resp.Body, done: w.closed}
		return resp, nil
	}
}

func (w *fetchWatch) closed() {
	w.mu.Lock()
	w.open--
	w.mu.Unlock()
}

type watchedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *watchedBody) Close() error {
	b.once.Do(b.done)
	return b.ReadCloser.Close()
}

// checkRequests compares the offset/limit of every request served with want.
func checkRequests(t *testing.T, f *fakeDataset, want ...string) {
	t.Helper()
	if got := f.requested(); !slices.Equal(got, want) {
		t.Fatalf("requests (offset/limit) %v, want %v", got, want)
	}
}

func TestScheduleSmallDatasetCostsTwoRequests(t *testing.T) {
	items := makeItems(50)
	f, srv := newFake(t, items)
	var w fetchWatch
	got := collectRaw(t, Items[json.RawMessage](context.Background(), w.wrap(testFetch(srv, nil)), Options{}))
	sameRaw(t, got, items)
	// One page, then one request confirming that nothing follows.
	checkRequests(t, f, "0/1000", "50/1000")
	if w.maxOpen != 1 {
		t.Errorf("%d requests in flight at once, want them one at a time", w.maxOpen)
	}
}

func TestScheduleAccurateTotal(t *testing.T) {
	for _, tc := range []struct {
		items int
		want  []string
	}{
		{2500, []string{"0/1000", "1000/1000", "2000/1000", "2500/1000"}},
		{3000, []string{"0/1000", "1000/1000", "2000/1000", "3000/1000"}},
		{1000, []string{"0/1000", "1000/1000"}},
		{0, []string{"0/1000"}},
	} {
		t.Run(fmt.Sprint(tc.items), func(t *testing.T) {
			items := makeItems(tc.items)
			f, srv := newFake(t, items)
			var w fetchWatch
			got := collectRaw(t, Items[json.RawMessage](context.Background(), w.wrap(testFetch(srv, nil)), Options{PageSize: 1000}))
			sameRaw(t, got, items)
			// Requests may arrive out of order when two are in flight.
			served := f.requested()
			slices.Sort(served)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(served, want) {
				t.Fatalf("requests %v, want %v", f.requested(), tc.want)
			}
			if len(w.openAt) > 1 && w.openAt[1] != 0 {
				t.Errorf("the second request went out while the first was open: the first must go alone")
			}
			// The confirming request, at the reported total, goes alone.
			if n := len(w.openAt); w.openAt[n-1] != 0 {
				t.Errorf("the confirming request went out with %d others open", w.openAt[n-1])
			}
		})
	}
}

// TestSchedulePrefetchRampsUp checks that pages are requested ahead once the
// first page came back full: the server holds the second page until the
// third is asked for, which only a prefetching engine does.
func TestSchedulePrefetchRampsUp(t *testing.T) {
	items := makeItems(20000)
	f, _ := newFake(t, items) // served below, behind the hold
	third := make(chan struct{})
	var once sync.Once
	var waited time.Duration
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("offset") {
		case "1000":
			once.Do(func() { close(third) })
		case "500":
			start := time.Now()
			select {
			case <-third:
			case <-time.After(10 * time.Second):
			}
			waited = time.Since(start)
		}
		f.ServeHTTP(w, r)
	}))
	defer srv.Close()
	var w fetchWatch
	got := collectRaw(t, Items[json.RawMessage](context.Background(), w.wrap(testFetch(srv, nil)), Options{PageSize: 500}))
	sameRaw(t, got, items)
	select {
	case <-third:
	default:
		t.Fatal("offset 1000 never requested")
	}
	if waited >= 10*time.Second {
		t.Fatal("the page at offset 1000 was not requested while the one at 500 was pending: no prefetch")
	}
	// 40 pages and one confirming request; never more than Prefetch open.
	if n := f.requestCount(); n != 41 {
		t.Errorf("%d requests, want 41", n)
	}
	if w.maxOpen > DefaultPrefetch || w.maxOpen < 2 {
		t.Errorf("%d requests open at once, want 2..%d", w.maxOpen, DefaultPrefetch)
	}
	if w.openAt[1] != 0 {
		t.Error("the second request went out while the first was open")
	}
	checkNoEngineGoroutines(t)
}

func TestScheduleStaleTotal(t *testing.T) {
	items := makeItems(4321)
	for _, q := range []url.Values{nil, {"clean": {"1"}}} {
		t.Run(q.Encode(), func(t *testing.T) {
			f, srv := newFake(t, items)
			f.staleTotal = 10
			var w fetchWatch
			got := collectRaw(t, Items[json.RawMessage](context.Background(), w.wrap(testFetch(srv, q)), Options{Filtered: len(q) > 0}))
			sameRaw(t, got, expected(items, q, 0, 0))
			// Past the reported total the engine asks one page at a time: no
			// request is wasted, and the stale total stops nothing.
			checkRequests(t, f, "0/1000", "1000/1000", "2000/1000", "3000/1000", "4000/1000", "4321/1000")
			if w.maxOpen != 1 {
				t.Errorf("%d requests open at once past the reported total, want 1", w.maxOpen)
			}
		})
	}
}

func TestScheduleGrowingDataset(t *testing.T) {
	items := makeItems(6000)
	f, srv := newFake(t, items[:1200])
	f.onServe = func(f *fakeDataset, offset, count int) {
		// Whenever a page reaches the end, the run writes more: first a few
		// items (a short confirming page), then many (full pages again).
		if offset+count == len(f.items) && len(f.items) < len(items) {
			grow := 300
			if len(f.items) >= 1500 {
				grow = len(items) - len(f.items)
			}
			f.items = items[:len(f.items)+grow]
		}
	}
	got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, nil), Options{PageSize: 1000}))
	sameRaw(t, got, items)
	reqs := f.requested()
	seen := map[string]bool{}
	for _, r := range reqs {
		if seen[r] {
			t.Errorf("%s requested twice: %v", r, reqs)
		}
		seen[r] = true
	}
	for _, r := range []string{"0/1000", "1000/1000", "1200/1000", "1500/1000", "6000/1000"} {
		if !seen[r] {
			t.Errorf("no request %s: %v", r, reqs)
		}
	}
	// 0, 1000 (short: 200), 1200 (short: 300), 1500..5500 (5 pages with
	// accurate totals), 6000 (confirms the end).
	if len(reqs) != 9 {
		t.Errorf("%d requests %v, want 9", len(reqs), reqs)
	}
}

func TestScheduleFiltersCountRequests(t *testing.T) {
	items := makeItems(3000)
	for _, q := range []url.Values{{"clean": {"1"}}, {"unwind": {"subs"}}, {"skipEmpty": {"1"}, "desc": {"1"}}} {
		t.Run(q.Encode(), func(t *testing.T) {
			f, srv := newFake(t, items)
			got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, q), Options{PageSize: 700, Filtered: true}))
			sameRaw(t, got, expected(items, q, 0, 0))
			if got, want := servedOffsets(f), []int{0, 700, 1400, 2100, 2800, 3000}; !slices.Equal(got, want) {
				t.Fatalf("requests %v, want 5 pages and a confirming request at %v", f.requested(), want)
			}
		})
	}
}

func TestScheduleServerCapsLimit(t *testing.T) {
	items := makeItems(2000)
	f, srv := newFake(t, items)
	f.maxLimit = 300
	got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, nil), Options{PageSize: 1000}))
	sameRaw(t, got, items)
	// A page of 300 when 1000 were asked but 300 reported is full: the
	// engine goes on with pages of 300, ahead of the loop, without a
	// confirming request after each.
	if got, want := servedOffsets(f), []int{0, 300, 600, 900, 1200, 1500, 1800, 2000}; !slices.Equal(got, want) {
		t.Fatalf("requests %v, want offsets %v", f.requested(), want)
	}
}

// servedOffsets returns the offsets of the requests served, sorted.
func servedOffsets(f *fakeDataset) []int {
	var offsets []int
	for _, r := range f.requested() {
		n, _ := strconv.Atoi(strings.Split(r, "/")[0])
		offsets = append(offsets, n)
	}
	slices.Sort(offsets)
	return offsets
}

// TestScheduleNoTotalHeader checks a server that reports no total: the
// engine still ends after a page that scans nothing, drops the requests it
// made ahead past a short page, and yields nothing twice.
func TestScheduleNoTotalHeader(t *testing.T) {
	items := makeItems(2550)
	f, srv := newFake(t, items)
	f.noTotal = true
	var w fetchWatch
	got := collectRaw(t, Items[json.RawMessage](context.Background(), w.wrap(testFetch(srv, nil)), Options{PageSize: 100}))
	sameRaw(t, got, items)
	// 26 pages and one confirming request, plus at most the pages held
	// ahead when the short page arrived.
	if n := f.requestCount(); n < 27 || n > 27+2*DefaultPrefetch-1 {
		t.Errorf("%d requests, want 27..%d", n, 27+2*DefaultPrefetch-1)
	}
	if w.maxOpen > DefaultPrefetch {
		t.Errorf("%d requests open at once, want at most %d", w.maxOpen, DefaultPrefetch)
	}
	checkNoEngineGoroutines(t)
}
