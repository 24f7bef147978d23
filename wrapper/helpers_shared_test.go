package apify

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// Shared by the tests of the everyday helpers (runs, run-sync, logs,
// records, pushes, request-queue batches, signed URLs).

// fakeClient returns a client for an apifytest server, with timers that
// fire at once (recorded in timers, which may be nil).
func fakeClient(t *testing.T, srv *apifytest.Server, timers *coreTimers, opts ...Option) *Client {
	t.Helper()
	if timers == nil {
		timers = &coreTimers{}
	}
	all := append([]Option{WithToken(srv.Token()), WithBaseURL(srv.URL()), withTimer(timers.newTimer)}, opts...)
	c, err := NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// clientUnderBasePath returns a client whose base URL has the path /base,
// served by srv with that prefix removed: a request that loses the prefix
// gets a plain 404 and fails. srv's request log shows the paths without it.
func clientUnderBasePath(t *testing.T, srv *apifytest.Server, opts ...Option) *Client {
	t.Helper()
	hs := httptest.NewServer(http.StripPrefix("/base", srv.Handler()))
	t.Cleanup(hs.Close)
	all := append([]Option{WithToken(srv.Token()), WithBaseURL(hs.URL + "/base"), withTimer((&coreTimers{}).newTimer)}, opts...)
	c, err := NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// stubAPI is a purpose-built server for behaviour apifytest lacks: handle
// serves every request; the requests are recorded.
type stubAPI struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []stubRequest
}

type stubRequest struct {
	Method, Path, RawPath, Query string
	Header                       http.Header
	Body                         []byte // decoded, as the API reads it
	Wire                         []byte // as received (Content-Encoding not undone)
}

func newStubAPI(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, body []byte)) *stubAPI {
	t.Helper()
	s := &stubAPI{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wire := readAllForTest(r)
		body, err := decodeForTest(r.Header.Get("Content-Encoding"), wire)
		if err != nil {
			t.Errorf("stub server: %s %s: %v", r.Method, r.URL.Path, err)
		}
		s.mu.Lock()
		s.reqs = append(s.reqs, stubRequest{Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(), Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body, Wire: wire})
		s.mu.Unlock()
		handle(w, r, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *stubAPI) requests() []stubRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]stubRequest(nil), s.reqs...)
}

func (s *stubAPI) client(t *testing.T, timers *coreTimers, opts ...Option) *Client {
	t.Helper()
	if timers == nil {
		timers = &coreTimers{}
	}
	return newCoreClient(t, s.Server, timers, opts...)
}

func readAllForTest(r *http.Request) []byte {
	var b []byte
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Body.Read(buf)
		b = append(b, buf[:n]...)
		if err != nil {
			return b
		}
	}
}

// decodeForTest undoes a gzip Content-Encoding, as the API does; other
// encodings are left as they are.
func decodeForTest(encoding string, wire []byte) ([]byte, error) {
	if encoding != "gzip" {
		return wire, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(wire))
	if err != nil {
		return nil, fmt.Errorf("the gzip body does not decode: %w", err)
	}
	return io.ReadAll(zr)
}

// writeData answers {"data": v} with status.
func writeData(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(map[string]any{"data": v})
	coreWriteJSON(w, status, string(body))
}

// runJSON is a minimal run object.
func runJSON(id, status string) map[string]any {
	return map[string]any{"id": id, "actId": "actor1", "status": status, "startedAt": "2026-08-21T10:00:00.000Z",
		"defaultDatasetId": "ds1", "defaultKeyValueStoreId": "kv1", "defaultRequestQueueId": "rq1"}
}

// testCtx returns a context that ends with the test (or after 20 s).
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// addActor registers fn on srv and fails the test on error.
func addActor(t *testing.T, srv *apifytest.Server, name string, fn apifytest.ActorFunc, opts ...apifytest.ActorOptions) string {
	t.Helper()
	id, err := srv.AddActor(name, fn, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
