package apifytest

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"strings"
	"time"
)

// documentParams are the dataset-items parameters of the xml, html, rss
// and xlsx formats, and what the rss channel is named after.
type documentParams struct {
	xmlRoot, xmlRow            string
	feedTitle, feedDescription string
	datasetID, datasetName     string
}

// parseDocumentParams reads the xml and rss parameters.
func (c *call) parseDocumentParams() (documentParams, error) {
	p := documentParams{xmlRoot: "items", xmlRow: "item",
		feedTitle: c.query.Get("feedTitle"), feedDescription: c.query.Get("feedDescription")}
	for name, dst := range map[string]*string{"xmlRoot": &p.xmlRoot, "xmlRow": &p.xmlRow} {
		if v := c.query.Get(name); v != "" {
			if xmlName(v) != v {
				return p, invalidParam(name, v, "use a valid XML element name")
			}
			*dst = v
		}
	}
	return p, nil
}

const (
	xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"
	xlsxType  = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// encodeDocument renders items as xml, html, rss or xlsx, as
// https://docs.apify.com/api/v2/dataset-items-get describes them.
func encodeDocument(q *itemsQuery, items []object) ([]byte, string, error) {
	var b bytes.Buffer
	if q.bom {
		b.WriteString("\uFEFF")
	}
	d := q.document
	switch q.format {
	case "xml":
		b.WriteString(xmlHeader)
		fmt.Fprintf(&b, "<%s>", d.xmlRoot)
		for _, it := range items {
			writeXMLValue(&b, d.xmlRow, objectJSON(it))
		}
		fmt.Fprintf(&b, "</%s>\n", d.xmlRoot)
		return b.Bytes(), "application/xml; charset=utf-8", nil
	case "rss":
		title, desc := d.feedTitle, d.feedDescription
		if title == "" {
			title = "Dataset " + cmpOr(d.datasetName, d.datasetID)
		}
		if desc == "" {
			desc = fmt.Sprintf("Items in dataset with id %q.", d.datasetID)
		}
		b.WriteString(xmlHeader)
		b.WriteString(`<rss version="2.0"><channel>`)
		fmt.Fprintf(&b, "<title>%s</title><description>%s</description>", xmlText(title), xmlText(desc))
		for _, it := range items {
			writeXMLValue(&b, "item", objectJSON(it))
		}
		b.WriteString("</channel></rss>\n")
		return b.Bytes(), "application/rss+xml; charset=utf-8", nil
	case "html":
		columns, rows := itemTable(items)
		b.WriteString("<table>")
		writeHTMLRow(&b, "th", columns)
		for _, row := range rows {
			writeHTMLRow(&b, "td", row)
		}
		b.WriteString("</table>\n")
		return b.Bytes(), "text/html; charset=utf-8", nil
	default: // xlsx, which never has a BOM
		body, err := encodeXLSX(items)
		return body, xlsxType, err
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func objectJSON(o object) json.RawMessage {
	raw, _ := o.MarshalJSON()
	return raw
}

// writeXMLValue writes v as elements named name: an object as an element
// with its properties as children ("@" holding attributes and "#" the
// text of an element without children), an array as one element per
// value, null as an empty element and anything else as text.
func writeXMLValue(b *bytes.Buffer, name string, v json.RawMessage) {
	name = xmlName(name)
	switch jsonKind(v) {
	case '[':
		var elems []json.RawMessage
		_ = json.Unmarshal(v, &elems)
		for _, e := range elems {
			writeXMLValue(b, name, e)
		}
	case '{':
		o, _ := parseObject(v)
		b.WriteString("<" + name)
		var text *string
		var children object
		for _, f := range o {
			switch {
			case f.key == "@" && jsonKind(f.val) == '{':
				attrs, _ := parseObject(f.val)
				for _, a := range attrs {
					fmt.Fprintf(b, ` %s="%s"`, xmlName(a.key), xmlText(scalarText(a.val)))
				}
			case f.key == "#":
				t := scalarText(f.val)
				text = &t
			default:
				children = append(children, f)
			}
		}
		switch {
		case len(children) > 0:
			b.WriteString(">")
			for _, f := range children {
				writeXMLValue(b, f.key, f.val)
			}
			b.WriteString("</" + name + ">")
		case text != nil:
			b.WriteString(">" + xmlText(*text) + "</" + name + ">")
		default:
			b.WriteString("/>")
		}
	case 'n':
		b.WriteString("<" + name + "/>")
	default:
		b.WriteString("<" + name + ">" + xmlText(scalarText(v)) + "</" + name + ">")
	}
}

// scalarText is a JSON value as text: a string without its quotes, null
// as nothing, anything else as its JSON.
func scalarText(v json.RawMessage) string { return csvCell(v) }

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// xmlName turns a property name into an XML element name: characters a
// name cannot hold become "_", and a name that cannot start as it does gets
// a "_" in front.
func xmlName(s string) string {
	var b strings.Builder
	for i, r := range s {
		ok := r == '_' || r == '-' || r == '.' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r > 0x7f
		if i == 0 && (r == '-' || r == '.' || (r >= '0' && r <= '9')) {
			b.WriteByte('_')
		}
		if ok {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

func writeHTMLRow(b *bytes.Buffer, cell string, values []string) {
	if len(values) == 0 {
		return
	}
	b.WriteString("<tr>")
	for _, v := range values {
		b.WriteString("<" + cell + ">" + html.EscapeString(v) + "</" + cell + ">")
	}
	b.WriteString("</tr>")
}

// xlsxEpoch stamps the files of a workbook, so that the same items always
// give the same bytes.
var xlsxEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// encodeXLSX renders items as a one-sheet workbook: the columns of
// itemTable, a header row, every cell an inline string.
func encodeXLSX(items []object) ([]byte, error) {
	columns, rows := itemTable(items)
	var sheet bytes.Buffer
	sheet.WriteString(xmlHeader + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	writeRow := func(n int, values []string) {
		fmt.Fprintf(&sheet, `<row r="%d">`, n)
		for i, v := range values {
			fmt.Fprintf(&sheet, `<c r="%s%d" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, xlsxColumn(i), n, xmlText(v))
		}
		sheet.WriteString("</row>")
	}
	if len(columns) > 0 {
		writeRow(1, columns)
	}
	for i, row := range rows {
		writeRow(i+2, row)
	}
	sheet.WriteString("</sheetData></worksheet>")

	files := []struct{ name, body string }{
		{"[Content_Types].xml", xmlHeader + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`</Types>`},
		{"_rels/.rels", xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
			`</Relationships>`},
		{"xl/workbook.xml", xmlHeader + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="Items" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", xmlHeader + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`</Relationships>`},
		{"xl/worksheets/sheet1.xml", sheet.String()},
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: xlsxEpoch})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(f.body)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// xlsxColumn is the letters of the i-th column (0 is A, 26 is AA).
func xlsxColumn(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
