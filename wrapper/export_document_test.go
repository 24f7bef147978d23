package apify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// cuttingProxy forwards every request to an apifytest server and cuts the
// bodies of chosen calls (1-based) after a chosen number of bytes, closing
// the connection with the Content-Length of the whole body announced. With
// pretty set it lays every body out with a line break between tags, the
// same way for every response, as an API that indents its documents would.
type cuttingProxy struct {
	*httptest.Server
	mu      sync.Mutex
	cuts    map[int]int
	pretty  bool
	calls   int
	queries []string
}

func newCuttingProxy(t *testing.T, target string) *cuttingProxy {
	p := &cuttingProxy{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, _ := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), nil)
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Errorf("proxy: %v", err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		p.mu.Lock()
		p.calls++
		cut, cutting := p.cuts[p.calls]
		p.queries = append(p.queries, r.URL.RawQuery)
		pretty := p.pretty
		p.mu.Unlock()
		if pretty && resp.StatusCode == http.StatusOK {
			body = bytes.ReplaceAll(body, []byte("><"), []byte(">\n  <"))
		}
		for k, v := range resp.Header {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		if cutting && cut < len(body) {
			exportTruncate(t, w, string(body), cut)
			return
		}
		w.WriteHeader(resp.StatusCode)
		w.Write(body)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *cuttingProxy) reset(cuts map[int]int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cuts, p.calls, p.queries = cuts, 0, nil
}

// TestExportDocumentResumesAtEveryCut exports xml, html and rss through a
// proxy that cuts the first (and second) response at many byte positions:
// in the header, inside items, between items and in the footer. The output
// must equal the uncut document byte for byte, and without filters the
// request after a cut must start at the item before the first one not
// written, not at the start.
func TestExportDocumentResumesAtEveryCut(t *testing.T) {
	srv, _, id := exportFixture(t, 14)
	proxy := newCuttingProxy(t, srv.URL())
	c, err := NewClient(WithToken(srv.Token()), WithBaseURL(proxy.URL), withTimer((&coreTimers{}).newTimer))
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	for _, tc := range []struct {
		name   string
		format ExportFormat
		opts   ExportOptions
		row    string
	}{
		{"xml", ExportXML, ExportOptions{}, "item"},
		{"xml rows", ExportXML, ExportOptions{XMLRoot: "rows", XMLRow: "row", BOM: &yes}, "row"},
		{"xml limited", ExportXML, ExportOptions{ItemsOptions: ItemsOptions{Offset: 2, Limit: 9, Desc: true}}, "item"},
		{"xml filtered", ExportXML, ExportOptions{ItemsOptions: ItemsOptions{Clean: true, Unwind: []string{"tags"}}}, "item"},
		{"rss", ExportRSS, ExportOptions{FeedTitle: "Items", FeedDescription: "All of them"}, "item"},
		{"rss filtered", ExportRSS, ExportOptions{ItemsOptions: ItemsOptions{SkipEmpty: true, Limit: 10}}, "item"},
		{"html", ExportHTML, ExportOptions{}, "tr"},
		{"html fields", ExportHTML, ExportOptions{ItemsOptions: ItemsOptions{Fields: []string{"n", "text"}}}, "tr"},
		{"html filtered", ExportHTML, ExportOptions{ItemsOptions: ItemsOptions{SkipHidden: true, Fields: []string{"n", "text"}}}, "tr"},
	} {
		for _, pretty := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/pretty=%v", tc.name, pretty), func(t *testing.T) {
				proxy.pretty = pretty
				proxy.reset(nil)
				var whole bytes.Buffer
				if _, err := c.Dataset(id).Export(context.Background(), &whole, tc.format, &tc.opts); err != nil {
					t.Fatal(err)
				}
				want := whole.Bytes()
				if !strings.Contains(string(want), "<"+tc.row) {
					t.Fatalf("the uncut export has no %s elements: %q", tc.row, want)
				}
				step := max(1, len(want)/90)
				for pos := 0; pos < len(want); pos += step {
					for _, second := range []int{-1, pos / 2, pos + 7} {
						cuts := map[int]int{1: pos}
						if second >= 0 {
							cuts[2] = second
						}
						proxy.reset(cuts)
						var b bytes.Buffer
						n, err := c.Dataset(id).Export(context.Background(), &b, tc.format, &tc.opts)
						if err != nil {
							t.Fatalf("cut at %d then %d: %v", pos, second, err)
						}
						if !bytes.Equal(b.Bytes(), want) || n != int64(len(want)) {
							t.Fatalf("cut at %d then %d: the export differs from the uncut one:\n got %q\nwant %q", pos, second, b.Bytes(), want)
						}
						proxy.mu.Lock()
						queries := proxy.queries
						proxy.mu.Unlock()
						if len(queries) < 2 {
							t.Fatalf("cut at %d: %d requests, want a resume", pos, len(queries))
						}
						// Items complete before the cut were written; without
						// filters the resume starts at the last of them.
						done := strings.Count(string(want[:pos]), "</"+tc.row+">") + strings.Count(string(want[:pos]), "<"+tc.row+"/>")
						if tc.format == ExportHTML && done > 0 {
							done-- // the header row
						}
						first, next := queryInt(queries[0], "offset"), queryInt(queries[1], "offset")
						if tc.opts.reshapes() || (tc.format == ExportHTML && tc.opts.Fields == nil) {
							continue // html may replay: its header depends on the rest
						}
						if wantNext := first + max(done-1, 0); done > 0 && next != wantNext {
							t.Errorf("cut at %d after %d items: resumed at offset %d, want %d", pos, done, next, wantNext)
						}
					}
				}
			})
		}
	}
}

func queryInt(rawQuery, name string) int {
	q, _ := url.ParseQuery(rawQuery)
	return atoiForTest(q.Get(name))
}

// TestExportDocumentNotResumable: a resumed response whose item at the
// resume point is not the one written, or a replay with another header,
// ends the export with ErrExportNotResumable instead of a spliced file.
func TestExportDocumentNotResumable(t *testing.T) {
	// A stub, not apifytest: documents that change between requests.
	head := `<?xml version="1.0" encoding="UTF-8"?>` + "\n<items>"
	for _, tc := range []struct {
		name   string
		opts   *ExportOptions
		bodies []string // per call; the first is cut after its second item
	}{
		{"other item at the resume point", nil, []string{
			head + "<item><n>1</n></item><item><n>2</n></item><item><n>3</n></item></items>\n",
			head + "<item><n>X</n></item><item><n>3</n></item></items>\n"}},
		{"other header on replay", &ExportOptions{ItemsOptions: ItemsOptions{Clean: true}}, []string{
			head + "<item><n>1</n></item><item><n>2</n></item><item><n>3</n></item></items>\n",
			strings.Replace(head, "items", "rows", 1) + "<item><n>1</n></item></rows>\n"}},
		{"fewer items on replay", &ExportOptions{ItemsOptions: ItemsOptions{Clean: true}}, []string{
			head + "<item><n>1</n></item><item><n>2</n></item><item><n>3</n></item></items>\n",
			head + "<item><n>1</n></item></items>\n"}},
	} {
		calls := 0
		stub := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
			calls++
			body := tc.bodies[min(calls, len(tc.bodies))-1]
			if calls == 1 {
				exportTruncate(t, w, body, strings.Index(body, "<item><n>3"))
				return
			}
			w.Write([]byte(body))
		})
		var b bytes.Buffer
		_, err := stub.client(t, nil).Dataset("ds").Export(context.Background(), &b, ExportXML, tc.opts)
		if !errors.Is(err, ErrExportNotResumable) {
			t.Errorf("%s: err = %v, want ErrExportNotResumable", tc.name, err)
		}
		if want := head + "<item><n>1</n></item><item><n>2</n></item>"; b.String() != want {
			t.Errorf("%s: wrote %q, want %q", tc.name, b.String(), want)
		}
	}
}

// TestExportDocumentIncomplete: a body that ends cleanly but with its
// document unfinished is a broken download, never a finished export.
func TestExportDocumentIncomplete(t *testing.T) {
	// A stub, not apifytest: a body that ends early without an error.
	items := []string{"<item><n>1</n></item>", "<item><n>2</n></item>"}
	doc := func(offset int) string {
		return `<?xml version="1.0"?><items>` + strings.Join(items[offset:], "") + `</items>`
	}
	body := doc(0)
	for _, short := range []string{body[:len(body)-3], body[:strings.Index(body, "<n>2")]} {
		calls := 0
		stub := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
			calls++
			if calls == 1 {
				w.Write([]byte(short))
				return
			}
			w.Write([]byte(doc(queryInt(r.URL.RawQuery, "offset"))))
		})
		var b bytes.Buffer
		if _, err := stub.client(t, nil).Dataset("ds").Export(context.Background(), &b, ExportXML, nil); err != nil {
			t.Fatal(err)
		}
		if b.String() != body || calls != 2 {
			t.Errorf("after %d calls wrote %q, want %q", calls, b.String(), body)
		}
	}
}

// TestExportDocumentMalformed: a document that closes an element it never
// opened is ErrUnexpectedResponse at once, not resumed.
func TestExportDocumentMalformed(t *testing.T) {
	// A stub, not apifytest: a malformed body.
	stub := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Write([]byte(`<?xml version="1.0"?><items><item/></x></items></items>`))
	})
	var b bytes.Buffer
	_, err := stub.client(t, nil).Dataset("ds").Export(context.Background(), &b, ExportXML, nil)
	if !errors.Is(err, ErrUnexpectedResponse) || len(stub.requests()) != 1 {
		t.Fatalf("err = %v after %d requests, want ErrUnexpectedResponse after 1", err, len(stub.requests()))
	}
}
