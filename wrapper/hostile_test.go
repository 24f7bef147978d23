package apify

// Issue 10: hostile servers. Each test names the item it covers. The servers
// are stubs, not apifytest: they lie on the wire (Content-Length, huge bodies,
// cycling tokens, odd envelopes), which a faithful fake never does.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/apifygo/apify/gen"
)

// Item 1: a declared Content-Length is a hint, never an allocation.
func TestHostileContentLengthDoesNotAllocate(t *testing.T) {
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("X-Apify-Pagination-Count", "1")
		if r.URL.Query().Get("offset") != "0" {
			w.Header().Set("X-Apify-Pagination-Count", "0")
			coreWriteJSON(w, 200, `[]`)
			return
		}
		// Declares 2^50 bytes, sends a few, closes.
		coreRawAnswer(t, w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Apify-Pagination-Count: 1\r\nContent-Length: 1125899906842624\r\n\r\n[{\"id\":1}]")
	})
	c := api.client(t, nil)
	n := 0
	var iterErr error
	for _, err := range Items[json.RawMessage](testCtx(t), c.Dataset("ds1"), nil) {
		if err != nil {
			iterErr = err
			break
		}
		n++
	}
	// The body is shorter than declared, but the one item it counts came
	// whole: it is yielded and the next (empty) page ends the listing.
	if n != 1 || iterErr != nil {
		t.Errorf("got %d items and error %v; want the 1 item sent and no error", n, iterErr)
	}
}

// Item 2: through API(), an error body is bounded before the generated
// parser reads it; the response keeps its status and an excerpt.
func TestHostileHugeErrorBodyThroughAPIIsBounded(t *testing.T) {
	page := "<html>" + strings.Repeat("proxy says no. ", 300_000) + "</html>" // ~4.5 MB
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(404)
		_, _ = w.Write([]byte(page))
	})
	c := api.client(t, nil)
	resp, err := apiOf(c).ActorRunGetWithResponse(testCtx(t), "r1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != 404 || len(resp.Body) > maxErrorBody {
		t.Fatalf("status %d, body of %d bytes; want 404 and at most %d bytes", resp.StatusCode(), len(resp.Body), maxErrorBody)
	}
	_, err = Result(resp, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || !strings.Contains(apiErr.Message, "proxy says no") {
		t.Fatalf("err = %v, want a 404 *APIError quoting the page", err)
	}
}

// Item 2: a success body longer than the bound fails at once, with its
// status and an excerpt, through API() and the helpers alike.
func TestHostileHugeSuccessBodyIsBounded(t *testing.T) {
	big := `{"data":{"id":"r1","status":"RUNNING","pad":"` + strings.Repeat("x", 10_000) + `"}}`
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		coreWriteJSON(w, 200, big)
	})
	c := api.client(t, nil, withMaxResponseBody(4096))
	_, err := c.Run("r1").Get(testCtx(t))
	if !errors.Is(err, ErrUnexpectedResponse) || !strings.Contains(err.Error(), "200 OK") || !strings.Contains(err.Error(), "4096 bytes") {
		t.Fatalf("GetRun: err = %v, want ErrUnexpectedResponse naming the status and the bound", err)
	}
	_, err = Result(apiOf(c).ActorRunGetWithResponse(testCtx(t), "r1", nil))
	if !errors.Is(err, ErrUnexpectedResponse) {
		t.Fatalf("API(): err = %v, want ErrUnexpectedResponse", err)
	}
	_, err = c.KeyValueStore("kv1").GetRecord(testCtx(t), "big")
	if !errors.Is(err, ErrUnexpectedResponse) {
		t.Fatalf("GetRecord: err = %v, want ErrUnexpectedResponse", err)
	}
	if n := len(api.requests()); n != 3 {
		t.Errorf("server saw %d requests, want 3 (an over-long body is not retried)", n)
	}
	if _, err := NewClient(WithMaxResponseBody(10)); err == nil {
		t.Error("WithMaxResponseBody(10) accepted")
	}
}

// Item 3: cursors and start keys that cycle end with an error.
func TestHostileCyclingTokensEnd(t *testing.T) {
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		q := r.URL.Query()
		switch {
		case strings.HasSuffix(r.URL.Path, "/requests"):
			next := map[string]string{"": "A", "A": "B", "B": "A"}[q.Get("cursor")]
			writeData(w, 200, map[string]any{"items": []map[string]any{{"id": "req" + q.Get("cursor"), "url": "https://x", "uniqueKey": "k"}}, "nextCursor": next})
		case strings.HasSuffix(r.URL.Path, "/keys"):
			next := map[string]string{"": "a", "a": "b", "b": "a"}[q.Get("exclusiveStartKey")]
			writeData(w, 200, map[string]any{"items": []map[string]any{{"key": "k" + next, "size": 1}}, "isTruncated": true, "nextExclusiveStartKey": next})
		}
	})
	c := api.client(t, nil)
	n, err := 0, error(nil)
	for _, e := range c.RequestQueue("q1").ListRequests(testCtx(t), nil) {
		if err = e; e != nil || n > 50 {
			break
		}
		n++
	}
	if err == nil || n != 3 {
		t.Fatalf("ListRequests: %d items then %v; want 3 items and an error", n, err)
	}
	n, err = 0, nil
	for _, e := range c.KeyValueStore("kv1").ListKeys(testCtx(t), nil) {
		if err = e; e != nil || n > 50 {
			break
		}
		n++
	}
	if err == nil || n != 3 {
		t.Fatalf("ListKeys: %d items then %v; want 3 items and an error", n, err)
	}
}

// Item 3: a page with items and X-Apify-Pagination-Count: 0 loses nothing.
func TestHostileCountZeroKeepsItems(t *testing.T) {
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("X-Apify-Pagination-Count", "0")
		if r.URL.Query().Get("offset") == "0" {
			coreWriteJSON(w, 200, `[{"id":1},{"id":2},{"id":3}]`)
			return
		}
		coreWriteJSON(w, 200, `[]`)
	})
	c := api.client(t, nil)
	n := 0
	for _, err := range Items[json.RawMessage](testCtx(t), c.Dataset("ds1"), nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 3 {
		t.Fatalf("got %d items, want the 3 the page carried", n)
	}
}

// Item 4: {"data": …, "<other>": …} is unwrapped; an answer that cannot be
// is ErrUnexpectedResponse, never a zero value.
func TestHostileEnvelopeWithExtraMembers(t *testing.T) {
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch r.URL.Path {
		case "/v2/actor-runs/r1":
			body, _ := json.Marshal(map[string]any{"data": runJSON("r1", "SUCCEEDED"), "meta": map[string]any{"x": 1}})
			coreWriteJSON(w, 200, string(body))
		default:
			coreWriteJSON(w, 200, `{"result":{"id":"r2"}}`)
		}
	})
	c := api.client(t, nil)
	run, err := c.Run("r1").Get(testCtx(t))
	if err != nil || run.ID != "r1" || run.Status != gen.ActorJobStatus("SUCCEEDED") {
		t.Fatalf("GetRun: %+v, %v; want run r1 SUCCEEDED", run, err)
	}
	run, err = c.Run("r1").Wait(testCtx(t), nil)
	if err != nil || run.Status != gen.ActorJobStatus("SUCCEEDED") {
		t.Fatalf("WaitForRun: %+v, %v", run, err)
	}
	run, err = c.Run("r2").Get(testCtx(t))
	if !errors.Is(err, ErrUnexpectedResponse) || run != nil {
		t.Fatalf("GetRun of an answer without data: %+v, %v; want ErrUnexpectedResponse", run, err)
	}
	_, err = Result(apiOf(c).ActorRunGetWithResponse(testCtx(t), "r2", nil))
	if !errors.Is(err, ErrUnexpectedResponse) {
		t.Fatalf("Result of an answer without data: %v; want ErrUnexpectedResponse", err)
	}
}

// Item 5: GetRecord returns the stored bytes of a record labelled JSON that
// is not one JSON value, at once.
func TestHostileRecordLabelledJSONIsReturnedAsStored(t *testing.T) {
	const lines = "{\"a\":1}\n{\"a\":2}\n"
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		coreWriteJSON(w, 200, lines)
	})
	c := api.client(t, nil)
	rec, err := c.KeyValueStore("kv1").GetRecord(testCtx(t), "out.jsonl")
	if err != nil || string(rec.Value) != lines || !strings.HasPrefix(rec.ContentType, "application/json") {
		t.Fatalf("GetRecord: %+v, %v; want the bytes as stored", rec, err)
	}
	if n := len(api.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
	if _, err := GetRecordJSON[map[string]int](testCtx(t), c.KeyValueStore("kv1"), "out.jsonl"); err == nil {
		t.Error("GetRecordJSON decoded JSON Lines without an error")
	}
}

// Item 3: an offset list whose count exceeds the page asked for would skip
// items: an error.
func TestHostileOffsetListCountBeyondLimit(t *testing.T) {
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeData(w, 200, map[string]any{"total": 1 << 62, "offset": 0, "limit": 1000, "count": 1 << 61, "items": []any{runJSON("r1", "SUCCEEDED")}})
	})
	c := api.client(t, nil)
	n, err := 0, error(nil)
	for _, e := range c.Runs().List(testCtx(t), nil) {
		if err = e; e != nil || n > 10 {
			break
		}
		n++
	}
	if err == nil {
		t.Fatalf("%d runs and no error; want an error", n)
	}
}

// Item 2: a streamed run-sync item is bounded on its own; the stream is not.
func TestHostileRunSyncItemIsBounded(t *testing.T) {
	many := "[" + strings.Repeat(`{"a":"0123456789"},`, 1000) + `{"a":"end"}]`
	huge := `[{"a":"` + strings.Repeat("x", 20_000) + `"}]`
	body := many
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		coreWriteJSON(w, 201, body)
	})
	c := api.client(t, nil, withMaxResponseBody(4096))
	n := 0
	for _, err := range RunSyncItems[json.RawMessage](testCtx(t), c.Actor("a1"), nil, nil) {
		if err != nil {
			t.Fatalf("after %d items of a long stream: %v", n, err)
		}
		n++
	}
	if n != 1001 {
		t.Fatalf("got %d items, want 1001", n)
	}
	body = huge
	var err error
	for _, e := range RunSyncItems[json.RawMessage](testCtx(t), c.Actor("a1"), nil, nil) {
		err = e
	}
	if !errors.Is(err, ErrUnexpectedResponse) || !strings.Contains(err.Error(), "4096 bytes") {
		t.Fatalf("err = %v, want ErrUnexpectedResponse naming the bound", err)
	}
}

// Item 4: a run answer without a status ends a wait instead of polling on.
func TestHostileRunWithoutStatusEndsWait(t *testing.T) {
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		coreWriteJSON(w, 200, `{"data":{}}`)
	})
	c := api.client(t, nil)
	_, err := c.Run("r1").Wait(testCtx(t), nil)
	if !errors.Is(err, ErrUnexpectedResponse) || len(api.requests()) != 1 {
		t.Fatalf("err = %v after %d requests, want ErrUnexpectedResponse after 1", err, len(api.requests()))
	}
	var reqErr *RequestError
	_ = fmt.Sprintf("%#v", &RequestError{}) // no panic on a zero value
	_ = errors.As(err, &reqErr)
}
