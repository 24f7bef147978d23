package pager

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

type testItem struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Sub  int    `json:"sub,omitempty"`
}

// makeItems builds n stored items; every 5th is empty, every 3rd has a hidden
// field and every 7th an array to unwind (of length i%4, so some are empty).
func makeItems(n int) []json.RawMessage {
	items := make([]json.RawMessage, n)
	for i := range items {
		switch {
		case i%5 == 4:
			items[i] = json.RawMessage(`{}`)
		case i%7 == 6:
			var subs []string
			for k := range i % 4 {
				subs = append(subs, fmt.Sprintf(`{"sub":%d}`, k+1))
			}
			items[i] = json.RawMessage(fmt.Sprintf(`{"id":%d,"name":"ünwind \"%d\"","subs":[%s]}`, i, i, strings.Join(subs, ",")))
		case i%3 == 2:
			items[i] = json.RawMessage(fmt.Sprintf(`{"id":%d,"name":"hidden\\n%d","#secret":"s%d"}`, i, i, i))
		default:
			items[i] = json.RawMessage(fmt.Sprintf(`{"id":%d,"name":"item %d 日本"}`, i, i))
		}
	}
	return items
}

// expected is what a correct iteration yields: the filters applied to the
// whole dataset in order, from offset, cut to limit.
func expected(items []json.RawMessage, q url.Values, offset, limit int) []json.RawMessage {
	order := items
	if truthy(q.Get("desc")) {
		order = make([]json.RawMessage, len(items))
		for i, it := range items {
			order[len(items)-1-i] = it
		}
	}
	out := transform(order[min(offset, len(order)):], q)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

func collectRaw(t *testing.T, seq func(func(json.RawMessage, error) bool)) []json.RawMessage {
	t.Helper()
	var got []json.RawMessage
	for it, err := range seq {
		if err != nil {
			t.Fatalf("after %d items: %v", len(got), err)
		}
		got = append(got, it)
	}
	return got
}

func sameRaw(t *testing.T, got, want []json.RawMessage) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d items, want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("item %d: got %s, want %s", i, got[i], want[i])
		}
	}
}

func TestItemsTypedAllPages(t *testing.T) {
	items := makeItems(2500)
	_, srv := newFake(t, items)
	var ids []int
	for it, err := range Items[testItem](context.Background(), testFetch(srv, nil), Options{PageSize: 1000}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
	}
	if len(ids) != 2500 {
		t.Fatalf("got %d items", len(ids))
	}
	for i, id := range ids {
		if i%5 != 4 && id != i {
			t.Fatalf("item %d has id %d", i, id)
		}
	}
	checkNoEngineGoroutines(t)
}

func TestItemsFiltersAdvanceByCount(t *testing.T) {
	items := makeItems(3000)
	cases := []url.Values{
		{"clean": {"1"}},
		{"skipEmpty": {"true"}},
		{"skipHidden": {"1"}},
		{"unwind": {"subs"}},
		{"clean": {"1"}, "unwind": {"subs"}},
	}
	for _, q := range cases {
		t.Run(q.Encode(), func(t *testing.T) {
			f, srv := newFake(t, items)
			got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, q), Options{PageSize: 250, Filtered: true}))
			sameRaw(t, got, expected(items, q, 0, 0))
			if n := f.requestCount(); n != 13 {
				t.Errorf("%d requests for 12 pages, want 13 (the last confirms the end)", n)
			}
		})
	}
}

func TestItemsDescOffsetAndCap(t *testing.T) {
	items := makeItems(5000)
	for _, tc := range []struct {
		q             url.Values
		offset, limit int
	}{
		{url.Values{"desc": {"1"}}, 123, 2345},
		{url.Values{"desc": {"1"}, "clean": {"1"}}, 7, 1001},
		{url.Values{"desc": {"1"}, "unwind": {"subs"}}, 999, 10},
		{url.Values{}, 4990, 100},
		{url.Values{}, 6000, 0},
	} {
		t.Run(fmt.Sprint(tc.q.Encode(), tc.offset, tc.limit), func(t *testing.T) {
			_, srv := newFake(t, items)
			filtered := tc.q.Has("clean") || tc.q.Has("unwind")
			got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, tc.q),
				Options{Offset: tc.offset, Limit: tc.limit, PageSize: 300, Filtered: filtered}))
			sameRaw(t, got, expected(items, tc.q, tc.offset, tc.limit))
		})
	}
}

func TestItemsCapStopsRequests(t *testing.T) {
	f, srv := newFake(t, makeItems(10000))
	got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, nil), Options{Limit: 2500, PageSize: 1000}))
	if len(got) != 2500 {
		t.Fatalf("got %d items", len(got))
	}
	if n := f.requestCount(); n != 3 {
		t.Errorf("%d requests, want 3 (1000+1000+500)", n)
	}
	for _, q := range f.requests {
		if q.Get("offset") == "2000" && q.Get("limit") != "500" {
			t.Errorf("last page asked for limit %s, want 500", q.Get("limit"))
		}
	}
}

func TestItemsStaleTotalIsIgnored(t *testing.T) {
	items := makeItems(4321)
	f, srv := newFake(t, items)
	f.staleTotal = 10
	got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, url.Values{"clean": {"1"}}), Options{Filtered: true}))
	sameRaw(t, got, expected(items, url.Values{"clean": {"1"}}, 0, 0))
}

func TestItemsGrowingDataset(t *testing.T) {
	items := makeItems(1500)
	f, srv := newFake(t, items[:1200])
	grown := false
	f.onServe = func(f *fakeDataset, offset, count int) {
		if !grown && offset+count == len(f.items) && count < 1000 {
			f.items = append(f.items, items[1200:]...) // the run wrote more while we read
			grown = true
		}
	}
	got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, nil), Options{PageSize: 1000}))
	sameRaw(t, got, items)
	// 0 (full), 1000 (200: short), 1200 (300 appended meanwhile), 1500 (none).
	checkRequests(t, f, "0/1000", "1000/1000", "1200/1000", "1500/1000")
}

func TestItemsServerCapsLimit(t *testing.T) {
	items := makeItems(2000)
	f, srv := newFake(t, items)
	f.maxLimit = 300
	got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, nil), Options{PageSize: 1000}))
	sameRaw(t, got, items)
}

func TestItemsMissingCountHeader(t *testing.T) {
	items := makeItems(1100)
	f, srv := newFake(t, items)
	f.noCount = true
	got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, nil), Options{PageSize: 500}))
	sameRaw(t, got, items)

	var errs int
	for _, err := range Items[json.RawMessage](context.Background(), testFetch(srv, url.Values{"clean": {"1"}}), Options{Filtered: true}) {
		if err != nil {
			errs++
			if !strings.Contains(err.Error(), HeaderCount) {
				t.Errorf("error does not name the header: %v", err)
			}
		}
	}
	if errs != 1 {
		t.Fatalf("%d errors, want 1", errs)
	}
}

func TestItemsResumeAfterFaults(t *testing.T) {
	items := makeItems(3000)
	for _, fl := range []fault{faultCut, faultTruncated, faultStatus500} {
		for _, q := range []url.Values{nil, {"clean": {"1"}}, {"unwind": {"subs"}}} {
			t.Run(fmt.Sprint(fl, q.Encode()), func(t *testing.T) {
				f, srv := newFake(t, items)
				f.faultFor = func(n int) fault {
					if n%3 == 1 {
						return fl
					}
					return faultNone
				}
				got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, q),
					Options{PageSize: 400, Filtered: len(q) > 0}))
				sameRaw(t, got, expected(items, q, 0, 0))
				checkNoEngineGoroutines(t)
			})
		}
	}
}

// TestItemsResumeFromNextItem checks that a page cut short is continued from
// the next item's offset, not read again.
func TestItemsResumeFromNextItem(t *testing.T) {
	items := makeItems(1000)
	f, srv := newFake(t, items)
	cut := false
	f.faultAt = func(offset int) fault {
		if offset == 0 && !cut {
			cut = true
			return faultCut
		}
		return faultNone
	}
	got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, nil), Options{PageSize: 1000, Prefetch: 1}))
	sameRaw(t, got, items)
	fromStart, resumed := 0, false
	for _, q := range f.requests {
		switch o := q.Get("offset"); {
		case o == "0":
			fromStart++
		case o != "1000":
			resumed = true
		}
	}
	if fromStart != 1 || !resumed {
		t.Fatalf("requests %v: the cut page was read again from its start, or never resumed", f.requests)
	}
}

func TestItemsDoneWhen30kFaultsStaleTotalClean(t *testing.T) {
	items := makeItems(30000)
	f, srv := newFake(t, items)
	f.staleTotal = 1000
	var n atomic.Int64
	f.faultFor = func(int) fault {
		// Deterministic 30%: cut, truncated and 500 in turn.
		k := n.Add(1)
		if k%10 < 3 {
			return fault(1 + k%3)
		}
		return faultNone
	}
	q := url.Values{"clean": {"1"}}
	got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, q), Options{Filtered: true}))
	sameRaw(t, got, expected(items, q, 0, 0))
}

func TestItemsTypedMatchesRaw(t *testing.T) {
	items := makeItems(3000)
	_, srv := newFake(t, items)
	q := url.Values{"unwind": {"subs"}}
	want := expected(items, q, 0, 0)
	i := 0
	for it, err := range Items[testItem](context.Background(), testFetch(srv, q), Options{PageSize: 400, Filtered: true, Decoders: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		var w testItem
		if err := json.Unmarshal(want[i], &w); err != nil {
			t.Fatal(err)
		}
		if it != w {
			t.Fatalf("item %d: %+v, want %+v", i, it, w)
		}
		i++
	}
	if i != len(want) {
		t.Fatalf("got %d items, want %d", i, len(want))
	}
}

func TestItemsRawStayValid(t *testing.T) {
	items := makeItems(3000)
	_, srv := newFake(t, items)
	got := collectRaw(t, Items[json.RawMessage](context.Background(), testFetch(srv, nil), Options{PageSize: 100}))
	// Appending to one item must not overwrite the next.
	_ = append(got[0], "garbage"...)
	sameRaw(t, got, items)
}

func TestItemsEveryRangeStartsAfresh(t *testing.T) {
	items := makeItems(1500)
	_, srv := newFake(t, items)
	seq := Items[json.RawMessage](context.Background(), testFetch(srv, nil), Options{PageSize: 400})
	sameRaw(t, collectRaw(t, seq), items)
	sameRaw(t, collectRaw(t, seq), items)
}

func TestItemsEarlyBreak(t *testing.T) {
	_, srv := newFake(t, makeItems(20000))
	for _, stopAt := range []int{0, 1, 999, 1000, 5001} {
		n := 0
		for _, err := range Items[testItem](context.Background(), testFetch(srv, nil), Options{PageSize: 500, Prefetch: 8}) {
			if err != nil {
				t.Fatal(err)
			}
			if n == stopAt {
				break
			}
			n++
		}
		checkNoEngineGoroutines(t)
	}
}

func TestItemsCancel(t *testing.T) {
	_, srv := newFake(t, makeItems(20000))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n, errs := 0, 0
	for _, err := range Items[testItem](ctx, testFetch(srv, nil), Options{PageSize: 500}) {
		if err != nil {
			errs++
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
			continue
		}
		if n++; n == 1200 {
			cancel()
		}
	}
	if errs != 1 {
		t.Fatalf("%d errors, want exactly 1", errs)
	}
	if n < 1200 || n > 1500 {
		t.Fatalf("%d items after cancelling at 1200", n)
	}
	checkNoEngineGoroutines(t)
}

func TestItemsErrorYieldedOnce(t *testing.T) {
	items := makeItems(3000)
	f, srv := newFake(t, items)
	f.faultAt = func(offset int) fault {
		if offset >= 2000 {
			return faultTruncatedEarly // every later page is cut inside its first item
		}
		return faultNone
	}
	n, errs := 0, 0
	for _, err := range Items[json.RawMessage](context.Background(), testFetch(srv, nil), Options{PageSize: 1000, Prefetch: 1, BodyRetries: 3}) {
		if err != nil {
			errs++
			if !strings.Contains(err.Error(), "offset 2000") {
				t.Errorf("error does not name the page: %v", err)
			}
			continue
		}
		n++
	}
	if errs != 1 || n != 2000 {
		t.Fatalf("%d items and %d errors, want 2000 and 1", n, errs)
	}
}

func TestItemsStatusErrorYieldedOnce(t *testing.T) {
	errs := 0
	bad := func(context.Context, int, int) (*http.Response, error) {
		return nil, errors.New("404 record-not-found")
	}
	for _, err := range Items[testItem](context.Background(), bad, Options{}) {
		if err == nil {
			t.Fatal("item from a failing fetch")
		}
		errs++
	}
	if errs != 1 {
		t.Fatalf("%d errors, want 1", errs)
	}
}

func TestItemsDecodeErrorAfterGoodItems(t *testing.T) {
	items := makeItems(50)
	items[30] = json.RawMessage(`{"id":"not a number"}`)
	_, srv := newFake(t, items)
	n, errs := 0, 0
	for _, err := range Items[testItem](context.Background(), testFetch(srv, nil), Options{PageSize: 20}) {
		if err != nil {
			errs++
			if !strings.Contains(err.Error(), "item 30") {
				t.Errorf("error does not name the item: %v", err)
			}
			continue
		}
		n++
	}
	if n != 30 || errs != 1 {
		t.Fatalf("%d items, %d errors; want 30 then 1 error", n, errs)
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{{Offset: -1}, {Limit: -1}, {PageSize: -5}, {Prefetch: -1}} {
		errs := 0
		for _, err := range Items[testItem](context.Background(), nil, o) {
			if err == nil {
				t.Fatal("item without a fetch")
			}
			errs++
		}
		if errs != 1 {
			t.Errorf("%+v: %d errors", o, errs)
		}
	}
}

func TestPagesMetadata(t *testing.T) {
	items := makeItems(2500)
	f, srv := newFake(t, items)
	f.staleTotal = 2000
	q := url.Values{"clean": {"1"}}
	var offsets, counts []int
	n := 0
	for p, err := range Pages[json.RawMessage](context.Background(), testFetch(srv, q), Options{PageSize: 1000, Filtered: true}) {
		if err != nil {
			t.Fatal(err)
		}
		offsets = append(offsets, p.Offset)
		counts = append(counts, p.Count)
		if p.Total != 2000 || p.Limit != 1000 {
			t.Errorf("page %+v: total/limit", p)
		}
		n += len(p.Items)
	}
	if fmt.Sprint(offsets, counts) != "[0 1000 2000] [1000 1000 500]" {
		t.Fatalf("offsets %v counts %v", offsets, counts)
	}
	if want := len(expected(items, q, 0, 0)); n != want {
		t.Fatalf("%d items, want %d", n, want)
	}
}

func TestItemsCustomUnmarshal(t *testing.T) {
	_, srv := newFake(t, makeItems(2500))
	var calls atomic.Int64
	unmarshal := func(b []byte, v any) error {
		calls.Add(1)
		return json.Unmarshal(b, v)
	}
	n := 0
	for _, err := range Items[testItem](context.Background(), testFetch(srv, nil), Options{Unmarshal: unmarshal}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2500 || calls.Load() != 2500 {
		t.Fatalf("%d items, %d calls", n, calls.Load())
	}
}

func TestItemsNotAnArrayFailsAtOnce(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set(HeaderCount, "3")
		fmt.Fprint(w, "<html>maintenance</html>")
	}))
	defer srv.Close()
	errs := 0
	for _, err := range Items[testItem](context.Background(), testFetch(srv, nil), Options{}) {
		if err == nil {
			t.Fatal("item from an HTML page")
		}
		errs++
		var se *SyntaxError
		if !errors.As(err, &se) || se.Offset != 0 || !strings.Contains(err.Error(), "text/html") || !strings.Contains(err.Error(), "maintenance") {
			t.Errorf("error %v", err)
		}
	}
	// The first request goes alone and is not repeated.
	if errs != 1 || requests.Load() != 1 {
		t.Fatalf("%d errors after %d requests, want 1 error and no retries", errs, requests.Load())
	}
}

func TestItemsOffsetIgnoredIsAnError(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(HeaderOffset, "0") // whatever was asked
		w.Header().Set(HeaderCount, "2")
		fmt.Fprint(w, `[{"id":1},{"id":2}]`)
	}))
	defer srv.Close()
	n, errs := 0, 0
	for _, err := range Items[testItem](context.Background(), testFetch(srv, nil), Options{PageSize: 2, Prefetch: 1}) {
		if err != nil {
			errs++
			if !strings.Contains(err.Error(), "answered offset 0") {
				t.Errorf("error %v", err)
			}
			continue
		}
		n++
	}
	if n != 2 || errs != 1 {
		t.Fatalf("%d items, %d errors; want 2 then 1 error", n, errs)
	}
}
