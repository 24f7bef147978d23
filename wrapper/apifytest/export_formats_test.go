package apifytest

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestDatasetItemsDocumentFormats(t *testing.T) {
	s, c := newTestServer(t)
	id, err := s.AddDataset("docs",
		json.RawMessage(`{"name":"Paul <Newman>","address":[{"@":{"type":"home"},"street":"21st","city":"Chicago"},{"@":{"type":"office"},"#":"unknown"}]}`),
		json.RawMessage(`{"name":"Ann","age":7,"note":null}`))
	if err != nil {
		t.Fatal(err)
	}
	get := func(query string) *testResponse {
		t.Helper()
		return c.do(http.MethodGet, "/v2/datasets/"+id+"/items?"+query, nil).want(http.StatusOK)
	}

	r := get("format=xml")
	want := xmlHeader + `<items><item><name>Paul &lt;Newman&gt;</name>` +
		`<address type="home"><street>21st</street><city>Chicago</city></address>` +
		`<address type="office">unknown</address></item>` +
		`<item><name>Ann</name><age>7</age><note/></item></items>` + "\n"
	if string(r.Body) != want || r.Header.Get("Content-Type") != "application/xml; charset=utf-8" {
		t.Errorf("xml %s:\n%s\nwant\n%s", r.Header.Get("Content-Type"), r.Body, want)
	}
	if err := wellFormed(r.Body); err != nil {
		t.Errorf("xml is not well formed: %v", err)
	}
	r = get("format=xml&xmlRoot=people&xmlRow=person&limit=1&offset=1")
	if got := string(r.Body); !strings.Contains(got, "<people><person><name>Ann</name>") {
		t.Errorf("xml with xmlRoot, xmlRow and paging: %s", got)
	}
	c.do(http.MethodGet, "/v2/datasets/"+id+"/items?format=xml&xmlRow=a%20b", nil, invalid()).wantError(http.StatusBadRequest, "invalid-parameter")

	r = get("format=rss&feedTitle=People")
	if got := string(r.Body); !strings.HasPrefix(got, xmlHeader+`<rss version="2.0"><channel><title>People</title><description>Items in dataset with id &#34;`+id+`&#34;.</description><item><name>Paul`) ||
		r.Header.Get("Content-Type") != "application/rss+xml; charset=utf-8" || wellFormed(r.Body) != nil {
		t.Errorf("rss: %s", got)
	}
	if got := string(get("format=rss").Body); !strings.Contains(got, "<title>Dataset docs</title>") {
		t.Errorf("rss default title: %s", got)
	}

	r = get("format=html&fields=name,age&bom=1")
	if got, want := string(r.Body), "\uFEFF<table><tr><th>name</th><th>age</th></tr><tr><td>Paul &lt;Newman&gt;</td><td></td></tr><tr><td>Ann</td><td>7</td></tr></table>\n"; got != want {
		t.Errorf("html:\n%q\nwant\n%q", got, want)
	}

	r = get("format=xlsx&fields=name,age")
	if r.Header.Get("Content-Type") != xlsxType {
		t.Errorf("xlsx Content-Type %q", r.Header.Get("Content-Type"))
	}
	sheet := xlsxPart(t, r.Body, "xl/worksheets/sheet1.xml")
	for _, want := range []string{`<c r="A1" t="inlineStr"><is><t xml:space="preserve">name</t>`, `<c r="A2" t="inlineStr"><is><t xml:space="preserve">Paul &lt;Newman&gt;</t>`, `<c r="B3" t="inlineStr"><is><t xml:space="preserve">7</t>`} {
		if !strings.Contains(sheet, want) {
			t.Errorf("the sheet lacks %s:\n%s", want, sheet)
		}
	}
	if again := get("format=xlsx&fields=name,age"); !bytes.Equal(again.Body, r.Body) {
		t.Error("the same items gave a different workbook")
	}
	if xlsxColumn(0) != "A" || xlsxColumn(25) != "Z" || xlsxColumn(26) != "AA" || xlsxColumn(701) != "ZZ" || xlsxColumn(702) != "AAA" {
		t.Error("xlsxColumn miscounts")
	}
}

func wellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func xlsxPart(t *testing.T, body []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("xlsx is not a zip: %v", err)
	}
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		if err := wellFormed(b); err != nil {
			t.Errorf("%s is not well formed: %v", name, err)
		}
		return string(b)
	}
	t.Fatalf("xlsx lacks %s", name)
	return ""
}
