package apifytest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// testClient sends requests to a Server through a validatingTransport, so
// that every exchange of every test is checked against the API document.
type testClient struct {
	t  *testing.T
	s  *Server
	vt *validatingTransport
	hc *http.Client
}

// newTestServer starts a server for t and a validating client for it.
func newTestServer(t *testing.T, opts ...Option) (*Server, *testClient) {
	t.Helper()
	s := NewServer(t, opts...)
	return s, newTestClient(t, s)
}

func newTestClient(t *testing.T, s *Server) *testClient {
	vt := newValidatingTransport(t, http.DefaultTransport)
	return &testClient{t: t, s: s, vt: vt, hc: &http.Client{Transport: vt, Timeout: 20 * time.Second}}
}

// testResponse is a buffered response.
type testResponse struct {
	t      *testing.T
	Status int
	Header http.Header
	Body   []byte
}

// reqOption adjusts one request.
type reqOption func(*http.Request)

func header(k, v string) reqOption { return func(r *http.Request) { r.Header.Set(k, v) } }

func noToken() reqOption { return func(r *http.Request) { r.Header.Del("Authorization") } }

// invalid marks the request as deliberately invalid, so only the response is
// validated.
func invalid() reqOption {
	return func(r *http.Request) { *r = *r.WithContext(withInvalidRequest(r.Context())) }
}

// do sends a request. body is nil, a string or []byte (sent as is, JSON by
// default), or any other value (encoded as JSON). The query in path is
// re-encoded, which percent-encodes reserved characters such as commas, as
// the document requires of parameters without allowReserved.
func (c *testClient) do(method, path string, body any, opts ...reqOption) *testResponse {
	c.t.Helper()
	return c.doCtx(context.Background(), method, path, body, opts...)
}

func (c *testClient) doCtx(ctx context.Context, method, path string, body any, opts ...reqOption) *testResponse {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			c.t.Fatalf("encoding the request body: %v", err)
		}
		rd = bytes.NewReader(enc)
	}
	if p, q, ok := strings.Cut(path, "?"); ok {
		values, err := url.ParseQuery(q)
		if err != nil {
			c.t.Fatalf("bad query in %q: %v", path, err)
		}
		path = p + "?" + values.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, c.s.URL()+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.s.Token())
	for _, o := range opts {
		o(req)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return &testResponse{t: c.t, Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// want fails the test unless the response has the given status.
func (r *testResponse) want(status int) *testResponse {
	r.t.Helper()
	if r.Status != status {
		r.t.Fatalf("status %d, want %d; body: %.500s", r.Status, status, r.Body)
	}
	return r
}

// data decodes the {"data": ...} envelope into v.
func (r *testResponse) data(v any) {
	r.t.Helper()
	env := struct{ Data json.RawMessage }{}
	if err := json.Unmarshal(r.Body, &env); err != nil || env.Data == nil {
		r.t.Fatalf("no data envelope in %.500s (%v)", r.Body, err)
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		r.t.Fatalf("decoding data %.500s: %v", env.Data, err)
	}
}

// apiErr decodes the error envelope and checks its type.
func (r *testResponse) wantError(status int, typ string) string {
	r.t.Helper()
	r.want(status)
	var env struct {
		Error struct{ Type, Message string }
	}
	if err := json.Unmarshal(r.Body, &env); err != nil {
		r.t.Fatalf("no error envelope in %.500s (%v)", r.Body, err)
	}
	if env.Error.Type != typ {
		r.t.Fatalf("error type %q, want %q (message %q)", env.Error.Type, typ, env.Error.Message)
	}
	if env.Error.Message == "" {
		r.t.Fatalf("error %q has no message", typ)
	}
	return env.Error.Message
}

// jsonItems decodes a JSON array body.
func (r *testResponse) jsonItems() []map[string]any {
	r.t.Helper()
	var items []map[string]any
	if err := json.Unmarshal(r.Body, &items); err != nil {
		r.t.Fatalf("not a JSON array of objects: %.500s (%v)", r.Body, err)
	}
	return items
}

// must returns v through a function that fails the test if err is not nil:
// must(s.AddDataset("d"))(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
