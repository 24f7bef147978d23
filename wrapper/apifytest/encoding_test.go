package apifytest

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

// compress encodes b with one HTTP content coding.
func compress(t *testing.T, coding string, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch coding {
	case "br":
		w = brotli.NewWriter(&buf)
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "deflate":
		w = zlib.NewWriter(&buf)
	case "raw-deflate":
		fw, err := flate.NewWriter(&buf, flate.DefaultCompression)
		if err != nil {
			t.Fatal(err)
		}
		w = fw
	case "identity":
		return b
	default:
		t.Fatalf("no coding %q", coding)
	}
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The document's Content-Encoding request header (dataset items and
// record uploads, e.g. https://docs.apify.com/api/v2/dataset-items-post)
// lists br, gzip, deflate and identity; the official clients compress every
// body of 1 KiB or more with br (else gzip), batch adds of requests
// included. The real API answers any other coding with 415
// unsupported-content-encoding.
func TestRequestBodyContentEncodings(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	ds, err := s.AddDataset("encoded")
	if err != nil {
		t.Fatal(err)
	}
	qid, err := s.AddRequestQueue("encoded")
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 2048) // past the clients' 1 KiB threshold
	codings := []struct{ header, coding string }{
		{"br", "br"}, {"gzip", "gzip"}, {"deflate", "deflate"}, {"deflate", "raw-deflate"}, {"identity", "identity"}, {"", "identity"},
	}
	for i, cd := range codings {
		item := fmt.Sprintf(`[{"n":%d,"pad":%q}]`, i, big)
		opts := []reqOption{}
		if cd.header != "" {
			opts = append(opts, header("Content-Encoding", cd.header))
		}
		c.do(http.MethodPost, "/v2/datasets/"+ds+"/items", compress(t, cd.coding, []byte(item)), opts...).want(http.StatusCreated)

		rec := fmt.Sprintf(`{"coding":%q}`, cd.coding)
		c.do(http.MethodPut, "/v2/key-value-stores/"+mustStore(t, s)+"/records/"+cd.coding, compress(t, cd.coding, []byte(rec)), opts...).want(http.StatusCreated)
		if v, _, ok := s.Record("encoded", cd.coding); !ok || string(v) != rec {
			t.Errorf("%s: record stored as %q, want %q", cd.coding, v, rec)
		}

		batch := fmt.Sprintf(`[{"url":"https://example.com/%d","uniqueKey":"%d-%s"}]`, i, i, big)
		var res struct {
			ProcessedRequests []struct{ RequestID string } `json:"processedRequests"`
		}
		c.do(http.MethodPost, "/v2/request-queues/"+qid+"/requests/batch", compress(t, cd.coding, []byte(batch)), opts...).
			want(http.StatusCreated).data(&res)
		if len(res.ProcessedRequests) != 1 {
			t.Errorf("%s: batch add processed %d requests, want 1", cd.coding, len(res.ProcessedRequests))
		}
	}
	items, err := s.DatasetItems(ds)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(codings) {
		t.Fatalf("%d items stored, want %d", len(items), len(codings))
	}
	for i, it := range items {
		var got struct{ N int }
		if err := json.Unmarshal(it, &got); err != nil || got.N != i {
			t.Errorf("item %d is %.80s", i, it)
		}
	}

	// Several codings are undone in reverse order (RFC 9110 section 8.4).
	twice := compress(t, "br", compress(t, "gzip", []byte(`[{"twice":true}]`)))
	c.do(http.MethodPost, "/v2/datasets/"+ds+"/items", twice, header("Content-Encoding", "gzip, br"), invalid()).want(http.StatusCreated)

	c.do(http.MethodPost, "/v2/datasets/"+ds+"/items", compress(t, "gzip", []byte(`[{}]`)), header("Content-Encoding", "compress"), invalid()).
		wantError(http.StatusUnsupportedMediaType, "unsupported-content-encoding")
	c.do(http.MethodPost, "/v2/datasets/"+ds+"/items", []byte(`[{}]`), header("Content-Encoding", "br")).
		wantError(http.StatusBadRequest, "invalid-request")
}

// mustStore returns the ID of the store named "encoded", creating it.
func mustStore(t *testing.T, s *Server) string {
	t.Helper()
	s.mu.Lock()
	k, ok := s.findKVStore("encoded")
	s.mu.Unlock()
	if ok {
		return k.id
	}
	id, err := s.AddKeyValueStore("encoded")
	if err != nil {
		t.Fatal(err)
	}
	return id
}
