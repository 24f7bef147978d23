package apify

// The request tests use stubs, not apifytest: they check the raw request URI
// under a base path, streamed and broken bodies, and replays of opaque bodies.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestNewRequestJoinsBasePathAndQuery(t *testing.T) {
	var gotURI string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotURI = r.RequestURI
		coreWriteJSON(w, 200, `{"data":{"ok":true}}`)
	}))
	defer srv.Close()
	c := newCoreClient(t, srv, &coreTimers{})
	c2, err := NewClient(WithBaseURL(srv.URL + "/proxy/apify/"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	path := "/v2/key-value-stores/store/records/" + url.PathEscape("a b/ü")
	q := url.Values{"limit": {"10"}, "desc": {"1"}}
	for _, tt := range []struct {
		c    *Client
		want string
	}{
		{c, "/v2/key-value-stores/store/records/a%20b%2F%C3%BC?desc=1&limit=10"},
		{c2, "/proxy/apify/v2/key-value-stores/store/records/a%20b%2F%C3%BC?desc=1&limit=10"},
	} {
		req, err := tt.c.newRequest(ctx, http.MethodGet, path, q, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := tt.c.do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if gotURI != tt.want {
			t.Errorf("server saw %q, want %q", gotURI, tt.want)
		}
	}

	for _, bad := range []string{"", "datasets", "/v1/datasets", "/v2/datasets?limit=1", "/v2/x#frag"} {
		if _, err := c.newRequest(ctx, http.MethodGet, bad, nil, nil, ""); err == nil {
			t.Errorf("newRequest(%q) succeeded, want an error", bad)
		}
	}
	//lint:ignore SA1012 checking that a nil context is an error, not a panic
	if _, err := c.newRequest(nil, http.MethodGet, "/v2/x", nil, nil, ""); err == nil {
		t.Error("nil context accepted")
	}
}

func TestNewRequestSetsContentType(t *testing.T) {
	c, _ := NewClient()
	req, err := c.newRequest(context.Background(), http.MethodPost, "/v2/datasets/d/items", nil, strings.NewReader(`[]`), "application/json")
	if err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("Content-Type") != "application/json" || req.GetBody == nil {
		t.Errorf("Content-Type %q, GetBody set %v", req.Header.Get("Content-Type"), req.GetBody != nil)
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("the built request carries a token: it would be visible to the caller")
	}
}

func TestDoStreamsSuccessAndReturnsAPIErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/datasets/d/items":
			w.Header().Set("X-Apify-Pagination-Count", "2")
			coreWriteJSON(w, 200, `[{"a":1},{"a":2}]`)
		case "/v2/datasets/missing":
			coreWriteJSON(w, 404, `{"error":{"type":"record-not-found","message":"Dataset was not found","data":{"id":"missing"}}}`)
		case "/v2/proxy":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, "<html>\n<body>\t"+strings.Repeat("Bad request from the load balancer. ", 100)+"</body></html>")
		}
	}))
	defer srv.Close()
	c := newCoreClient(t, srv, &coreTimers{})
	ctx := context.Background()

	req, _ := c.newRequest(ctx, http.MethodGet, "/v2/datasets/d/items", nil, nil, "")
	resp, err := c.do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `[{"a":1},{"a":2}]` || resp.Header.Get("X-Apify-Pagination-Count") != "2" {
		t.Errorf("body %q, headers %v", body, resp.Header)
	}

	req, _ = c.newRequest(ctx, http.MethodGet, "/v2/datasets/missing", nil, nil, "")
	_, err = c.do(req)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if apiErr.StatusCode != 404 || apiErr.Type != "record-not-found" || apiErr.Message != "Dataset was not found" ||
		apiErr.Method != "GET" || apiErr.URL != srv.URL+"/v2/datasets/missing" || apiErr.Attempt != 1 || apiErr.Data["id"] != "missing" {
		t.Errorf("APIError = %+v", apiErr)
	}
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrServer) {
		t.Error("404 does not match ErrNotFound only")
	}
	want := "apify: GET " + srv.URL + "/v2/datasets/missing: 404 record-not-found: Dataset was not found"
	if err.Error() != want {
		t.Errorf("Error() = %q\nwant      %q", err, want)
	}

	req, _ = c.newRequest(ctx, http.MethodGet, "/v2/proxy", nil, nil, "")
	_, err = c.do(req)
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("err = %v, want a 400 *APIError", err)
	}
	if apiErr.Type != "" || !strings.Contains(apiErr.Message, "text/html") || !strings.Contains(apiErr.Message, `"<html> <body> Bad request`) ||
		!strings.Contains(apiErr.Message, "…") || len(apiErr.Message) > 400 || len(apiErr.Body) > maxErrorBodyKept {
		t.Errorf("non-JSON error message %q (len %d), body %d bytes", apiErr.Message, len(apiErr.Message), len(apiErr.Body))
	}
}

func TestDoJSONDecoding(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/envelope":
			coreWriteJSON(w, 200, `{"data":{"id":"r1","data":{"nested":true}}}`)
		case "/v2/bare":
			coreWriteJSON(w, 200, `{"id":"r2"}`)
		case "/v2/array":
			coreWriteJSON(w, 200, `[1,2,3]`)
		case "/v2/null":
			coreWriteJSON(w, 200, `{"data":null}`)
		case "/v2/empty":
			w.WriteHeader(200)
		case "/v2/html":
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html>maintenance</html>")
		case "/v2/wrongtype":
			coreWriteJSON(w, 200, `{"data":{"id":42}}`)
		}
	}))
	defer srv.Close()
	c := newCoreClient(t, srv, &coreTimers{})
	get := func(path string) *http.Request {
		req, err := c.newRequest(context.Background(), http.MethodGet, path, nil, nil, "")
		if err != nil {
			t.Fatal(err)
		}
		return req
	}
	type item struct {
		ID   string         `json:"id"`
		Data map[string]any `json:"data"`
	}
	type payload struct {
		ID string `json:"id"`
	}
	type envelope struct {
		Data payload `json:"data"`
	}
	if v, err := doJSON[payload](c, get("/v2/envelope")); err != nil || v.ID != "r1" {
		t.Errorf("envelope: %+v, %v", v, err)
	}
	// Unwrapped once only: the payload's own "data" field stays.
	if v, err := doJSON[map[string]any](c, get("/v2/envelope")); err != nil || (*v)["data"] == nil {
		t.Errorf("envelope into map: %+v, %v", v, err)
	}
	// A T with a "data" field gets the whole envelope.
	if v, err := doJSON[envelope](c, get("/v2/envelope")); err != nil || v.Data.ID != "r1" {
		t.Errorf("envelope type: %+v, %v", v, err)
	}
	if v, err := doJSON[item](c, get("/v2/bare")); err != nil || v.ID != "r2" {
		t.Errorf("bare object: %+v, %v", v, err)
	}
	if v, err := doJSON[[]int](c, get("/v2/array")); err != nil || len(*v) != 3 {
		t.Errorf("array: %v, %v", v, err)
	}
	for _, path := range []string{"/v2/null", "/v2/empty", "/v2/html", "/v2/wrongtype"} {
		v, err := doJSON[payload](c, get(path))
		if err == nil || v != nil {
			t.Errorf("%s: got %+v, %v; want an error and no value", path, v, err)
			continue
		}
		if !errors.Is(err, ErrUnexpectedResponse) || !strings.Contains(err.Error(), "GET "+srv.URL+path) {
			t.Errorf("%s: error %q does not match ErrUnexpectedResponse or name the request", path, err)
		}
	}
}

func TestRequestBodyReplayedOnRetry(t *testing.T) {
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		if len(bodies) < 3 {
			coreWriteJSON(w, 429, `{"error":{"type":"rate-limit-exceeded","message":"slow down"}}`)
			return
		}
		coreWriteJSON(w, 201, `{"data":{"id":"ok"}}`)
	}))
	defer srv.Close()
	c := newCoreClient(t, srv, &coreTimers{})

	for name, body := range map[string]io.Reader{
		"bytes.Reader":     bytes.NewReader([]byte(`{"url":"https://example.com"}`)),
		"opaque io.Reader": io.MultiReader(strings.NewReader(`{"url":`), strings.NewReader(`"https://example.com"}`)),
	} {
		bodies = nil
		req, err := c.newRequest(context.Background(), http.MethodPost, "/v2/request-queues/q/requests", nil, body, "application/json")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := doJSON[map[string]any](c, req); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(bodies) != 3 {
			t.Fatalf("%s: server saw %d attempts, want 3", name, len(bodies))
		}
		for i, b := range bodies {
			if b != `{"url":"https://example.com"}` {
				t.Errorf("%s: attempt %d sent body %q", name, i+1, b)
			}
		}
	}
}

func TestLargeOpaqueBodyIsSentOnceOnly(t *testing.T) {
	attempts := 0
	size := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts++
		n, _ := io.Copy(io.Discard, r.Body)
		size = int(n)
		coreWriteJSON(w, 503, `{"error":{"type":"server-error","message":"try later"}}`)
	}))
	defer srv.Close()
	c := newCoreClient(t, srv, &coreTimers{})
	body := io.MultiReader(bytes.NewReader(make([]byte, maxReplayBuffer)), strings.NewReader("tail"))
	req, _ := c.newRequest(context.Background(), http.MethodPut, "/v2/key-value-stores/s/records/big", nil, body, "application/octet-stream")
	_, err := c.do(req)
	if !errors.Is(err, ErrServer) {
		t.Fatalf("err = %v, want the 503", err)
	}
	if attempts != 1 || size != maxReplayBuffer+4 {
		t.Errorf("attempts %d (want 1: the body cannot be replayed), body %d bytes (want %d)", attempts, size, maxReplayBuffer+4)
	}
}
