package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// exportFixture is an apifytest server with a dataset of n items, some of
// them with hidden fields, empty, or with arrays to unwind.
func exportFixture(t *testing.T, n int) (*apifytest.Server, *Client, string) {
	t.Helper()
	srv := apifytest.NewServer(t)
	items := make([]any, n)
	for i := range items {
		switch {
		case i%7 == 3:
			items[i] = map[string]any{}
		case i%5 == 1:
			items[i] = map[string]any{"n": i, "tags": []string{"a", "b"}, "#debug": "x"}
		default:
			items[i] = map[string]any{"n": i, "text": fmt.Sprintf("line %d, \"quoted\"\nsecond", i)}
		}
	}
	id, err := srv.AddDataset("export", items...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, fakeClient(t, srv, nil), id
}

// exportOnce is what one uninterrupted export writes.
func exportOnce(t *testing.T, c *Client, id string, format ExportFormat, opts *ExportOptions) []byte {
	t.Helper()
	var b bytes.Buffer
	n, err := c.Dataset(id).Export(context.Background(), &b, format, opts)
	if err != nil {
		t.Fatalf("export %s: %v", format, err)
	}
	if n != int64(b.Len()) {
		t.Fatalf("export %s returned %d bytes, wrote %d", format, n, b.Len())
	}
	return b.Bytes()
}

func TestExportJSONMatchesItems(t *testing.T) {
	_, c, id := exportFixture(t, 45)
	for _, opts := range []*ExportOptions{
		nil,
		{ItemsOptions: ItemsOptions{PageSize: 10}},
		{ItemsOptions: ItemsOptions{PageSize: 4, Offset: 3, Limit: 20, Desc: true}},
		{ItemsOptions: ItemsOptions{PageSize: 6, Clean: true, Unwind: []string{"tags"}, Limit: 17}},
	} {
		var want []json.RawMessage
		io := ItemsOptions{}
		if opts != nil {
			io = opts.ItemsOptions
		}
		io.PageSize = 0
		for item, err := range Items[json.RawMessage](context.Background(), c.Dataset(id), &io) {
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, item)
		}
		var got []json.RawMessage
		if err := json.Unmarshal(exportOnce(t, c, id, ExportJSON, opts), &got); err != nil {
			t.Fatalf("json export is not a JSON array: %v", err)
		}
		if len(got) != len(want) {
			t.Fatalf("opts %+v: %d items exported, the iterator yields %d", opts, len(got), len(want))
		}
		var lines [][]byte
		for _, l := range bytes.Split(bytes.TrimSuffix(exportOnce(t, c, id, ExportJSONL, opts), []byte("\n")), []byte("\n")) {
			if len(l) > 0 {
				lines = append(lines, l)
			}
		}
		if len(lines) != len(want) {
			t.Fatalf("opts %+v: %d jsonl lines, want %d", opts, len(lines), len(want))
		}
		for i := range want {
			if !jsonEqual(got[i], want[i]) || !jsonEqual(lines[i], want[i]) {
				t.Fatalf("item %d: json %s, jsonl %s, want %s", i, got[i], lines[i], want[i])
			}
		}
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}

func TestExportEmptyDataset(t *testing.T) {
	srv := apifytest.NewServer(t)
	id, err := srv.AddDataset("empty")
	if err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	if got := exportOnce(t, c, id, ExportJSON, nil); string(got) != "[]" {
		t.Errorf("empty json export = %q, want []", got)
	}
	if got := exportOnce(t, c, id, ExportJSONL, nil); len(got) != 0 {
		t.Errorf("empty jsonl export = %q, want nothing", got)
	}
}

// TestExportResumesAfterBrokenBodies cuts every other page in half and
// checks that the export equals an uninterrupted one, that it resumed at the
// next item rather than the start, and that no item was written twice.
func TestExportResumesAfterBrokenBodies(t *testing.T) {
	for _, tc := range []struct {
		name   string
		format ExportFormat
		opts   ExportOptions
	}{
		{"json", ExportJSON, ExportOptions{ItemsOptions: ItemsOptions{PageSize: 8}}},
		{"jsonl", ExportJSONL, ExportOptions{ItemsOptions: ItemsOptions{PageSize: 8}}},
		{"json limited", ExportJSON, ExportOptions{ItemsOptions: ItemsOptions{PageSize: 8, Offset: 5, Limit: 30}}},
		{"json reshaped", ExportJSON, ExportOptions{ItemsOptions: ItemsOptions{PageSize: 8, Clean: true, Unwind: []string{"tags"}}}},
		{"jsonl reshaped", ExportJSONL, ExportOptions{ItemsOptions: ItemsOptions{PageSize: 8, SkipEmpty: true, Limit: 25}}},
		{"csv", ExportCSV, ExportOptions{}},
		{"csv filtered", ExportCSV, ExportOptions{ItemsOptions: ItemsOptions{Clean: true, Fields: []string{"n", "text"}}, Delimiter: ';'}},
		{"xml", ExportXML, ExportOptions{XMLRoot: "rows", XMLRow: "row"}},
		{"html", ExportHTML, ExportOptions{ItemsOptions: ItemsOptions{Desc: true}}},
		{"rss", ExportRSS, ExportOptions{FeedTitle: "Items"}},
		{"xlsx", ExportXLSX, ExportOptions{ItemsOptions: ItemsOptions{Offset: 10, Limit: 20}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c, id := exportFixture(t, 60)
			want := exportOnce(t, c, id, tc.format, &tc.opts)
			srv.ResetRequests()
			if err := srv.InjectFault(apifytest.Fault{Path: "/v2/datasets/*/items", TruncateBody: true, Times: 3}); err != nil {
				t.Fatal(err)
			}
			// More faults in the middle of the export, as items arrive.
			fw := &faultingWriter{srv: srv, at: map[int]bool{5: true, 13: true, 21: true}}
			if _, err := c.Dataset(id).Export(context.Background(), fw, tc.format, &tc.opts); err != nil {
				t.Fatal(err)
			}
			got := fw.Bytes()
			if !bytes.Equal(got, want) {
				t.Fatalf("export after broken bodies differs:\n got %q\nwant %q", got, want)
			}
			reqs := srv.Requests()
			truncated := 0
			for _, r := range reqs {
				if r.Fault != "" {
					truncated++
				}
			}
			if truncated != 3+fw.injected {
				t.Fatalf("%d requests hit the fault, want %d", truncated, 3+fw.injected)
			}
			if tc.format == ExportJSON || tc.format == ExportJSONL {
				// After a cut, the next request starts past the items
				// already written (or, with filters, at the same page).
				for i := 0; i+1 < len(reqs); i++ {
					if reqs[i].Fault == "" {
						continue
					}
					cut, next := reqs[i].Query.Get("offset"), reqs[i+1].Query.Get("offset")
					if tc.opts.reshapes() {
						if next != cut {
							t.Errorf("with filters, the request after a cut at offset %s starts at %s, want the same page", cut, next)
						}
					} else if atoiForTest(next) <= atoiForTest(cut) {
						t.Errorf("the request after a cut at offset %s starts at %s, want past the items written", cut, next)
					}
				}
			}
		})
	}
}

func atoiForTest(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

// TestExportReplayMismatch serves content that changes between requests
// (a workbook stamped with the time, rows of a table): the export must stop
// with ErrExportNotResumable rather than splice two files.
func TestExportReplayMismatch(t *testing.T) {
	// A stub, not apifytest: bodies that change between requests and are cut at chosen bytes.
	for _, tc := range []struct {
		format  ExportFormat
		opts    *ExportOptions
		body    string // with %d for the request number
		cut     int
		written string // a prefix of what must have been written
	}{
		{ExportXLSX, nil, "PK-stamp-%d-" + strings.Repeat("x", 4000), 1000, "PK-stamp-1-xxx"},
		{ExportCSV, &ExportOptions{ItemsOptions: ItemsOptions{Clean: true}}, "a\n%d\n" + strings.Repeat("row\n", 100), 50, "a\n1\nrow\n"},
	} {
		calls := 0
		stub := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
			calls++
			body := fmt.Sprintf(tc.body, calls)
			if calls == 1 {
				exportTruncate(t, w, body, tc.cut)
				return
			}
			w.Write([]byte(body))
		})
		var b bytes.Buffer
		n, err := stub.client(t, nil).Dataset("ds").Export(context.Background(), &b, tc.format, tc.opts)
		if !errors.Is(err, ErrExportNotResumable) {
			t.Errorf("%s: err = %v, want ErrExportNotResumable", tc.format, err)
		}
		if n != int64(b.Len()) || !strings.HasPrefix(b.String(), tc.written) {
			t.Errorf("%s: wrote %d bytes %.20q, want them to start %q", tc.format, n, b.String(), tc.written)
		}
	}
}

// TestExportReplayResumes serves the same bytes each time and cuts the first
// two responses at different places: the output is the whole file once.
func TestExportReplayResumes(t *testing.T) {
	// A stub, not apifytest: responses cut at chosen bytes.
	body := "PK" + strings.Repeat("0123456789", 1000)
	calls := 0
	stub := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		calls++
		if r.URL.Query().Get("format") != "xlsx" {
			t.Errorf("format = %q, want xlsx", r.URL.Query().Get("format"))
		}
		switch calls {
		case 1:
			exportTruncate(t, w, body, 3000)
		case 2:
			exportTruncate(t, w, body, 7000)
		default:
			w.Write([]byte(body))
		}
	})
	var b bytes.Buffer
	if _, err := stub.client(t, nil).Dataset("ds").Export(context.Background(), &b, ExportXLSX, nil); err != nil {
		t.Fatal(err)
	}
	if b.String() != body || calls != 3 {
		t.Fatalf("after %d calls wrote %d bytes, want %d once", calls, b.Len(), len(body))
	}
}

func TestExportErrors(t *testing.T) {
	srv, c, id := exportFixture(t, 3)
	ctx := context.Background()
	var b bytes.Buffer
	_, err := c.Dataset("missing").Export(ctx, &b, ExportJSON, nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrNotFound) {
		t.Errorf("missing dataset: err = %v, want an *APIError matching ErrNotFound", err)
	}
	for _, tc := range []struct {
		format ExportFormat
		opts   *ExportOptions
		want   string
	}{
		{"pdf", nil, `the format "pdf" is not one of`},
		{ExportJSON, &ExportOptions{Delimiter: ';'}, "the Delimiter applies to the csv format only"},
		{ExportCSV, &ExportOptions{Delimiter: '"'}, "cannot separate csv fields"},
		{ExportCSV, &ExportOptions{ItemsOptions: ItemsOptions{Prefetch: 2}}, "the Prefetch does not apply"},
		{ExportJSONL, &ExportOptions{ItemsOptions: ItemsOptions{Limit: -1}}, "the Limit -1 is negative"},
		{ExportXML, &ExportOptions{FeedTitle: "x"}, "the FeedTitle applies to the rss format only"},
	} {
		_, err := c.Dataset(id).Export(ctx, &b, tc.format, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %+v: err = %v, want it to say %q", tc.format, tc.opts, err, tc.want)
		}
	}
	if _, err := c.Dataset(id).Export(ctx, nil, ExportJSON, nil); err == nil {
		t.Error("a nil writer was accepted")
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("invalid calls sent requests: %d in all, want only the missing dataset's", n)
	}

	// A failing writer ends the export at once, without retries.
	srv.ResetRequests()
	_, err = c.Dataset(id).Export(ctx, failingWriter{}, ExportJSONL, nil)
	if n := len(srv.Requests()); err == nil || !strings.Contains(err.Error(), "disk full") || strings.Contains(err.Error(), "gave up") || n != 1 {
		t.Errorf("failing writer: err = %v after %d requests, want disk full at once, after 1", err, n)
	}

	// Breaks that never make progress end after MaxResumes.
	srv.ResetRequests()
	if err := srv.InjectFault(apifytest.Fault{Path: "/v2/datasets/*/items", CutConnection: true, Times: 1000}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Dataset(id).Export(ctx, &b, ExportJSON, &ExportOptions{MaxResumes: 2})
	if err == nil {
		t.Fatal("export through a dead connection succeeded")
	}
	srv.ClearFaults()
}

// exportTruncate answers 200 announcing all of body, sends its first cut
// bytes and closes the connection.
func exportTruncate(t *testing.T, w http.ResponseWriter, body string, cut int) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:cut])
	buf.Flush()
}

// faultingWriter injects a truncated body into the next items request when
// it receives its n-th write, for each n in at.
type faultingWriter struct {
	bytes.Buffer
	srv      *apifytest.Server
	at       map[int]bool
	writes   int
	injected int
}

func (f *faultingWriter) Write(p []byte) (int, error) {
	f.writes++
	if f.at[f.writes] {
		if err := f.srv.InjectFault(apifytest.Fault{Path: "/v2/datasets/*/items", TruncateBody: true}); err != nil {
			return 0, err
		}
		f.injected++
	}
	return f.Buffer.Write(p)
}

// TestExportBoundsItemSize: one item longer than the client's memory bound
// ends the export with ErrUnexpectedResponse, without resumes.
func TestExportBoundsItemSize(t *testing.T) {
	srv := apifytest.NewServer(t)
	id, err := srv.AddDataset("big", map[string]any{"n": 1}, map[string]any{"blob": strings.Repeat("x", 300<<10)})
	if err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil, withMaxResponseBody(64<<10))
	for _, f := range []ExportFormat{ExportJSON, ExportJSONL} {
		srv.ResetRequests()
		var b bytes.Buffer
		_, err := c.Dataset(id).Export(context.Background(), &b, f, nil)
		if n := len(srv.Requests()); !errors.Is(err, ErrUnexpectedResponse) || strings.Contains(err.Error(), "gave up") || n != 1 {
			t.Errorf("%s: err = %v after %d requests, want ErrUnexpectedResponse at once, after 1 request", f, err, n)
		}
	}
}

// TestExportCSVResumesByRow checks which way a broken csv export resumes:
// from the next row when the rest has the same columns, by replaying the
// first request when it has other columns.
func TestExportCSVResumesByRow(t *testing.T) {
	srv := apifytest.NewServer(t)
	var items []any
	for i := range 40 {
		if i < 5 {
			items = append(items, map[string]any{"a": i, "note": "x,\"y\"\nz"})
		} else {
			items = append(items, map[string]any{"b": i, "note": "multi\nline"})
		}
	}
	id, err := srv.AddDataset("mixed", items...)
	if err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	for _, tc := range []struct {
		name   string
		opts   ExportOptions
		replay bool
	}{
		{"same columns", ExportOptions{ItemsOptions: ItemsOptions{Fields: []string{"note", "b"}}}, false},
		{"same columns without header", ExportOptions{ItemsOptions: ItemsOptions{Fields: []string{"note", "b"}}, SkipHeaderRow: true}, false},
		{"other columns", ExportOptions{Delimiter: '\t'}, true},
		{"filtered", ExportOptions{ItemsOptions: ItemsOptions{SkipEmpty: true, Offset: 2, Limit: 30}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := exportOnce(t, c, id, ExportCSV, &tc.opts)
			srv.ResetRequests()
			if err := srv.InjectFault(apifytest.Fault{Path: "/v2/datasets/*/items", TruncateBody: true}); err != nil {
				t.Fatal(err)
			}
			if got := exportOnce(t, c, id, ExportCSV, &tc.opts); !bytes.Equal(got, want) {
				t.Fatalf("resumed csv differs:\n got %q\nwant %q", got, want)
			}
			reqs := srv.Requests()
			last := reqs[len(reqs)-1].Query
			replayed := last.Get("offset") == reqs[0].Query.Get("offset")
			if replayed != tc.replay || len(reqs) > 3 {
				t.Errorf("requests at offsets %v; want replay %v", offsets(reqs), tc.replay)
			}
			for _, r := range reqs {
				if r.Query.Get("skipHeaderRow") != "" {
					t.Errorf("skipHeaderRow was sent: the header is needed to check the columns")
				}
			}
		})
	}
}

func offsets(reqs []apifytest.RecordedRequest) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Query.Get("offset")+"/"+r.Query.Get("limit"))
	}
	return out
}

// TestExportJSONLLongLine: a jsonl item longer than the reader's 64 KiB
// buffer is written whole, and the item after it too.
func TestExportJSONLLongLine(t *testing.T) {
	srv := apifytest.NewServer(t)
	blob := strings.Repeat("x", 200<<10)
	id, err := srv.AddDataset("long", map[string]any{"blob": blob}, map[string]any{"n": 2})
	if err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	lines := bytes.Split(bytes.TrimSuffix(exportOnce(t, c, id, ExportJSONL, nil), []byte("\n")), []byte("\n"))
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2", len(lines))
	}
	var first struct{ Blob string }
	if err := json.Unmarshal(lines[0], &first); err != nil || first.Blob != blob {
		t.Errorf("first line: %d bytes, decoding error %v; want the %d-byte blob whole", len(lines[0]), err, len(blob))
	}
	if string(lines[1]) != `{"n":2}` {
		t.Errorf("second line = %q, want {\"n\":2}", lines[1])
	}
}
