package apify

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Red team: the json/jsonl export reads pages of dataset items itself; the
// pagination headers of a lying server must be held to the same rules as
// the items engine's (issue 10 item 3), or the export loops writing the
// same items forever, or ends silently short.
func TestRedteamExportPagesThatLie(t *testing.T) {
	cases := []struct {
		name  string
		opts  *ExportOptions
		serve func(w http.ResponseWriter, offset int)
	}{
		{
			// Ignores offset: page 0 again and again, and says so.
			name: "offset ignored, echoed",
			serve: func(w http.ResponseWriter, offset int) {
				w.Header().Set("X-Apify-Pagination-Offset", "0")
				w.Header().Set("X-Apify-Pagination-Count", "2")
				coreWriteJSON(w, 200, `[{"a":1},{"a":2}]`)
			},
			opts: &ExportOptions{ItemsOptions: ItemsOptions{PageSize: 2}},
		},
		{
			// With a filter: items come, the count says nothing was scanned.
			name: "count 0 with items, filtered",
			serve: func(w http.ResponseWriter, offset int) {
				if offset >= 4 {
					w.Header().Set("X-Apify-Pagination-Count", "0")
					coreWriteJSON(w, 200, `[]`)
					return
				}
				w.Header().Set("X-Apify-Pagination-Count", "0")
				coreWriteJSON(w, 200, `[{"a":1},{"a":2}]`)
			},
			opts: &ExportOptions{ItemsOptions: ItemsOptions{PageSize: 2, Clean: true}},
		},
		{
			// With a filter: a count that overflows the offset.
			name: "count beyond the limit, filtered",
			serve: func(w http.ResponseWriter, offset int) {
				w.Header().Set("X-Apify-Pagination-Count", strconv.Itoa(1<<62))
				coreWriteJSON(w, 200, `[{"a":1}]`)
			},
			opts: &ExportOptions{ItemsOptions: ItemsOptions{PageSize: 2, Clean: true}},
		},
		{
			name: "count not a number",
			serve: func(w http.ResponseWriter, offset int) {
				w.Header().Set("X-Apify-Pagination-Count", "two")
				coreWriteJSON(w, 200, `[{"a":1},{"a":2}]`)
			},
			opts: &ExportOptions{ItemsOptions: ItemsOptions{PageSize: 2, Clean: true}},
		},
	}
	for _, tc := range cases {
		for _, format := range []ExportFormat{ExportJSON, ExportJSONL} {
			t.Run(tc.name+"/"+string(format), func(t *testing.T) {
				requests := 0
				api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
					requests++
					offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
					tc.serve(w, offset)
				})
				c := api.client(t, nil)
				ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
				defer cancel()
				var out bytes.Buffer
				_, err := c.Dataset("ds1").Export(ctx, &out, format, tc.opts)
				if err == nil {
					t.Fatalf("no error after %d requests; wrote %q", requests, strings.TrimSpace(out.String()))
				}
				if ctx.Err() != nil {
					t.Fatalf("ended only with ctx after %d requests (%d bytes written): %v", requests, out.Len(), err)
				}
			})
		}
	}
}
