package pager

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// scriptedPages answers each page request with the response built by page
// for the requested offset, without a network: the engine sees exactly the
// headers and lengths a hostile server could send.
func scriptedPages(page func(offset, limit int) *http.Response) Fetch {
	return func(_ context.Context, offset, limit int) (*http.Response, error) {
		return page(offset, limit), nil
	}
}

func pageResponse(body string, contentLength int64, headers map[string]string) *http.Response {
	h := http.Header{}
	for k, v := range headers {
		h.Set(k, v)
	}
	return &http.Response{StatusCode: 200, Header: h, Body: io.NopCloser(strings.NewReader(body)), ContentLength: contentLength}
}

func TestDeclaredContentLengthIsAHintNotAnAllocation(t *testing.T) {
	for _, declared := range []int64{1 << 50, 1 << 40, 1<<63 - 1} {
		t.Run(strconv.FormatInt(declared, 10), func(t *testing.T) {
			fetch := scriptedPages(func(offset, _ int) *http.Response {
				if offset > 0 {
					return pageResponse(`[]`, 2, map[string]string{HeaderCount: "0"})
				}
				return pageResponse(`[{"id":1},{"id":2}]`, declared, map[string]string{HeaderCount: "2"})
			})
			for _, typed := range []bool{false, true} {
				n := 0
				var err error
				if typed {
					for _, e := range Items[testItem](context.Background(), fetch, Options{PageSize: 2}) {
						if err = e; e != nil {
							break
						}
						n++
					}
				} else {
					for _, e := range Items[json.RawMessage](context.Background(), fetch, Options{PageSize: 2}) {
						if err = e; e != nil {
							break
						}
						n++
					}
				}
				if err != nil || n != 2 {
					t.Fatalf("typed=%v: got %d items, err %v; want the 2 items that arrived", typed, n, err)
				}
			}
		})
	}
}

func TestPageBodyOverTheBoundFailsAtOnce(t *testing.T) {
	requests := 0
	fetch := scriptedPages(func(int, int) *http.Response {
		requests++
		return pageResponse(`[`+strings.Repeat(`{"id":1},`, 1000)+`{"id":1}]`, -1, map[string]string{HeaderCount: "1001"})
	})
	var err error
	for _, e := range Items[json.RawMessage](context.Background(), fetch, Options{PageSize: 2000, MaxBodyBytes: 1000}) {
		if e != nil {
			err = e
		}
	}
	if !errors.Is(err, ErrBodyTooLarge) || requests != 1 {
		t.Fatalf("err = %v after %d requests, want ErrBodyTooLarge after 1", err, requests)
	}
}

func TestCountZeroWithItemsDropsNothing(t *testing.T) {
	fetch := scriptedPages(func(offset, _ int) *http.Response {
		if offset == 0 {
			return pageResponse(`[{"id":1},{"id":2}]`, -1, map[string]string{HeaderCount: "0"})
		}
		return pageResponse(`[]`, -1, map[string]string{HeaderCount: "0"})
	})
	var got []int
	for it, err := range Items[testItem](context.Background(), fetch, Options{PageSize: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, it.ID)
	}
	if len(got) != 2 {
		t.Fatalf("got %v, want both items of the page that claimed Count 0", got)
	}

	// With filters the items do not say where the next page starts: an error.
	var err error
	n := 0
	for _, e := range Items[testItem](context.Background(), fetch, Options{PageSize: 2, Filtered: true}) {
		if e != nil {
			err = e
			break
		}
		n++
	}
	if err == nil || !strings.Contains(err.Error(), HeaderCount) {
		t.Fatalf("filtered: got %d items and err %v, want an error about the inconsistent %s", n, err, HeaderCount)
	}
}

func TestTokensCycleIsAnError(t *testing.T) {
	calls := 0
	fetch := func(_ context.Context, token string, _ int) (Chunk[int, string], error) {
		calls++
		if calls > 20 {
			t.Fatal("still fetching after 20 pages: the cycle was not detected")
		}
		pages := map[string]Chunk[int, string]{
			"":  {Items: []int{0}, Next: "A", More: true},
			"A": {Items: []int{1}, Next: "B", More: true},
			"B": {Items: []int{2}, Next: "A", More: true},
		}
		return pages[token], nil
	}
	got, err := collectTokens(t, fetch)
	if err == nil || len(got) != 3 {
		t.Fatalf("got %v, %v; want [0 1 2] then an error", got, err)
	}
	// An empty page leading back to an earlier token is a cycle too.
	calls = 0
	got, err = collectTokens(t, pagesByToken(map[string]Chunk[int, string]{
		"":  {Items: []int{0}, Next: "A", More: true},
		"A": {Items: nil, Next: "", More: true},
	}))
	if err == nil || len(got) != 1 {
		t.Fatalf("got %v, %v; want [0] then an error", got, err)
	}
}

func TestNilContextIsAnError(t *testing.T) {
	var nilCtx context.Context
	for _, err := range Tokens(nilCtx, "", 0, pagesByToken(nil)) {
		if !errors.Is(err, ErrNilContext) {
			t.Fatalf("Tokens: err = %v, want ErrNilContext", err)
		}
	}
	fetch := scriptedPages(func(int, int) *http.Response { t.Fatal("fetched with a nil context"); return nil })
	for _, err := range Items[testItem](nilCtx, fetch, Options{}) {
		if !errors.Is(err, ErrNilContext) {
			t.Fatalf("Items: err = %v, want ErrNilContext", err)
		}
	}
	for _, err := range Pages[testItem](nilCtx, fetch, Options{}) {
		if !errors.Is(err, ErrNilContext) {
			t.Fatalf("Pages: err = %v, want ErrNilContext", err)
		}
	}
}

func TestCountBeyondTheLimitIsAnError(t *testing.T) {
	requests := 0
	fetch := scriptedPages(func(offset, _ int) *http.Response {
		requests++
		return pageResponse(`[{"id":1}]`, -1, map[string]string{HeaderCount: strconv.Itoa(1<<62 - 1)})
	})
	var err error
	for _, e := range Items[testItem](context.Background(), fetch, Options{PageSize: 10}) {
		if e != nil {
			err = e
		}
	}
	if err == nil || requests != 1 {
		t.Fatalf("err = %v after %d requests; want an error after 1", err, requests)
	}
}
