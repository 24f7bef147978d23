package apify

// The compression tests use stubs, not apifytest: they read the request bytes
// as sent (before Content-Encoding is undone) and talk to a second host.

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// retryLinkOf returns the retry transport of c's chain, under the
// compression link when there is one.
func retryLinkOf(t *testing.T, c *Client) *retryTransport {
	t.Helper()
	rt := c.http.Transport
	if g, ok := rt.(*gzipTransport); ok {
		rt = g.next
	}
	r, ok := rt.(*retryTransport)
	if !ok {
		t.Fatalf("the chain starts with %T, want the retry transport (under gzip)", c.http.Transport)
	}
	return r
}

// bigJSON is a JSON array of n compressible items.
func bigJSON(n int) []byte {
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"url":"https://example.com/page","title":"A page title that repeats"}`)
	}
	b.WriteString("]")
	return []byte(b.String())
}

func TestCompressionRetryReplaysCompressedBody(t *testing.T) {
	body := bigJSON(100)
	var mu sync.Mutex
	var n int
	s := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		mu.Lock()
		n++
		first := n == 1
		mu.Unlock()
		if first {
			coreStatus(http.StatusServiceUnavailable, "")(w, r)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	c := s.client(t, nil)
	// A PUT is retried after a 503; the record body is replayed.
	req, err := c.newRequest(testCtx(t), http.MethodPut, "/v2/key-value-stores/kv1/records/r", nil, bytes.NewReader(body), "application/json")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.do(req)
	if err != nil {
		t.Fatalf("do: %v", err)
	}
	resp.Body.Close()
	reqs := s.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want a failed attempt and a retry", len(reqs))
	}
	for i, r := range reqs {
		if got := r.Header.Get("Content-Encoding"); got != "gzip" {
			t.Errorf("attempt %d: Content-Encoding %q, want gzip", i+1, got)
		}
		if len(r.Wire) >= len(body) {
			t.Errorf("attempt %d: %d bytes on the wire for a %d-byte body", i+1, len(r.Wire), len(body))
		}
		if got := r.Body; !bytes.Equal(got, body) {
			t.Errorf("attempt %d: the decompressed body differs from what was sent (%d vs %d bytes)", i+1, len(got), len(body))
		}
	}
}

func TestCompressionThresholdAndExemptions(t *testing.T) {
	s := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(http.StatusNoContent) })
	c := s.client(t, nil)
	big := bigJSON(100)
	random := make([]byte, 4096) // nothing for gzip to remove
	_, _ = rand.NewChaCha8([32]byte{1}).Read(random)
	for _, tc := range []struct {
		name     string
		body     []byte
		ctype    string
		encoding string
		want     string // Content-Encoding the server should see
	}{
		{"1023 bytes stay plain", bytes.Repeat([]byte("a"), minCompressSize-1), "text/plain", "", ""},
		{"1024 bytes are compressed", bytes.Repeat([]byte("a"), minCompressSize), "text/plain", "", "gzip"},
		{"JSON is compressed", big, "application/json", "", "gzip"},
		{"already encoded by the caller", big, "application/json", "deflate", "deflate"},
		{"identity is left alone", big, "application/json", "identity", "identity"},
		{"compressed media", big, "image/png", "", ""},
		{"an archive", big, "application/zip", "", ""},
		{"a body that would not shrink", random, "application/octet-stream", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(s.requests())
			req, err := c.newRequest(testCtx(t), http.MethodPut, "/v2/key-value-stores/kv1/records/r", nil, bytes.NewReader(tc.body), tc.ctype)
			if err != nil {
				t.Fatal(err)
			}
			if tc.encoding != "" {
				req.Header.Set("Content-Encoding", tc.encoding)
			}
			resp, err := c.do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got := s.requests()[before]
			if ce := got.Header.Get("Content-Encoding"); ce != tc.want {
				t.Errorf("Content-Encoding %q, want %q", ce, tc.want)
			}
			if tc.want == "gzip" {
				if !bytes.Equal(got.Body, tc.body) {
					t.Error("the decompressed body differs")
				}
			} else if !bytes.Equal(got.Wire, tc.body) {
				t.Error("a body left alone was changed")
			}
		})
	}
}

func TestCompressionOffAndAPIRequests(t *testing.T) {
	s := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(http.StatusCreated) })
	body := bigJSON(50)
	send := func(c *Client) stubRequest {
		t.Helper()
		before := len(s.requests())
		resp, err := apiOf(c).DatasetItemsPostWithBodyWithResponse(testCtx(t), "ds1", nil, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode() != http.StatusCreated {
			t.Fatalf("status %d", resp.StatusCode())
		}
		return s.requests()[before]
	}
	on := send(s.client(t, nil))
	if on.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(on.Body, body) {
		t.Errorf("API() request: Content-Encoding %q, want gzip and the same body", on.Header.Get("Content-Encoding"))
	}
	off := send(s.client(t, nil, WithRequestCompression(false)))
	if off.Header.Get("Content-Encoding") != "" || !bytes.Equal(off.Wire, body) {
		t.Errorf("with WithRequestCompression(false): Content-Encoding %q, want none and the body unchanged", off.Header.Get("Content-Encoding"))
	}
}

func TestCompressionUnknownLengthBody(t *testing.T) {
	s := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(http.StatusCreated) })
	c := s.client(t, nil)
	body := bigJSON(50)
	// A reader of unknown length, without GetBody: buffered, then compressed.
	req, err := c.newRequest(testCtx(t), http.MethodPost, "/v2/datasets/ds1/items", nil, io.MultiReader(bytes.NewReader(body)), "application/json")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := s.requests()[0]
	if got.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(got.Body, body) {
		t.Errorf("Content-Encoding %q, want gzip and the same body", got.Header.Get("Content-Encoding"))
	}
}

func TestCompressionNotSentToOtherHosts(t *testing.T) {
	other := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(http.StatusOK) })
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) { w.WriteHeader(http.StatusOK) })
	c := api.client(t, nil)
	req, err := http.NewRequestWithContext(testCtx(t), http.MethodPost, other.URL+"/upload", bytes.NewReader(bigJSON(50)))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ce := other.requests()[0].Header.Get("Content-Encoding"); ce != "" {
		t.Errorf("a request to another host was compressed (Content-Encoding %q)", ce)
	}
}

func TestCompressionWithApifytest(t *testing.T) {
	srv := apifytest.NewServer(t)
	id, err := srv.AddDataset("gzip-test")
	if err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	body := bigJSON(200)
	resp, err := apiOf(c).DatasetItemsPostWithBodyWithResponse(testCtx(t), id, nil, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode() != http.StatusCreated {
		t.Fatalf("push: status %d: %s", resp.StatusCode(), resp.Body)
	}
	reqs := srv.Requests()
	if ce := reqs[len(reqs)-1].Header.Get("Content-Encoding"); ce != "gzip" {
		t.Errorf("Content-Encoding %q, want gzip", ce)
	}
	items, err := srv.DatasetItems(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 200 {
		t.Errorf("the fake stored %d items, want 200", len(items))
	}
}

// BenchmarkCompressRequestBody measures the compression of a 9 MB-class push
// body at the level the client uses (BestSpeed) and at gzip's default, with
// the compressed size as a fraction of the input:
//
//	go test -run XXX -bench CompressRequestBody ./wrapper/
func BenchmarkCompressRequestBody(b *testing.B) {
	items := make([]map[string]any, 5000)
	for i := range items {
		items[i] = map[string]any{"url": fmt.Sprintf("https://shop.example.com/products/%d", i),
			"title": fmt.Sprintf("Product %d, a fine thing", i), "price": float64(i) * 1.25, "inStock": i%3 == 0}
	}
	body, _ := json.Marshal(items)
	for _, level := range []int{gzip.BestSpeed, gzip.DefaultCompression} {
		b.Run(fmt.Sprintf("level=%d", level), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			var out bytes.Buffer
			for b.Loop() {
				out.Reset()
				zw, _ := gzip.NewWriterLevel(&out, level)
				_, _ = zw.Write(body)
				_ = zw.Close()
			}
			b.ReportMetric(float64(out.Len())/float64(len(body)), "ratio")
		})
	}
	b.Run("client", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			gzipBytes(body)
		}
	})
}
