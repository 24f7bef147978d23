package apify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkExport compares a json and a jsonl export with reading the same
// items in one plain GET (the floor) and with the Items iterator, against a
// purpose-built server that serves pre-rendered pages:
//
//	go test ./wrapper/ -run '^$' -bench BenchmarkExport -benchtime 3x
func BenchmarkExport(b *testing.B) {
	const n = 100000
	items := make([]string, n)
	total := 0
	for i := range items {
		items[i] = fmt.Sprintf(`{"id":%d,"url":"https://example.com/p/%d","title":"Product %d","price":%d.99,"tags":["a","b"],"desc":"%s"}`,
			i, i, i, i%100, strings.Repeat("x", 300))
		total += len(items[i])
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		off, _ := strconv.Atoi(q.Get("offset"))
		lim, err := strconv.Atoi(q.Get("limit"))
		if err != nil || lim <= 0 {
			lim = n
		}
		off = min(off, n)
		end := min(off+lim, n)
		w.Header().Set("X-Apify-Pagination-Count", strconv.Itoa(end-off))
		if q.Get("format") == "jsonl" {
			io.WriteString(w, strings.Join(items[off:end], "\n")+"\n")
			return
		}
		io.WriteString(w, "["+strings.Join(items[off:end], ",")+"]")
	}))
	defer srv.Close()
	c, err := NewClient(WithToken("t"), WithBaseURL(srv.URL))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		run  func() error
	}{
		{"one GET", func() error {
			resp, err := http.Get(srv.URL + "/v2/datasets/d/items?format=json")
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			_, err = io.Copy(io.Discard, resp.Body)
			return err
		}},
		{"Export json", func() error { _, err := c.Dataset("d").Export(ctx, io.Discard, ExportJSON, nil); return err }},
		{"Export jsonl", func() error { _, err := c.Dataset("d").Export(ctx, io.Discard, ExportJSONL, nil); return err }},
		{"Items raw", func() error {
			for _, err := range Items[json.RawMessage](ctx, c.Dataset("d"), nil) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(total))
			for b.Loop() {
				if err := bc.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
