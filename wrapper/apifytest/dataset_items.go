package apifytest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// noLimit is the limit the API reports when the request set none.
const noLimit = 999999999999

// itemsQuery holds the dataset-items parameters the fake understands.
type itemsQuery struct {
	offset, limit        int64
	limited              bool
	desc                 bool
	skipHidden           bool
	skipEmpty            bool
	skipFailedPages      bool
	fields, outputFields []string
	omit, unwind         []string
	flatten              []string
	format               string
	delimiter            string
	bom, bomSet          bool
	skipHeaderRow        bool
	attachment           bool
	document             documentParams // xml, html, rss and xlsx
}

// parseItemsQuery reads and checks the dataset-items query parameters.
func (c *call) parseItemsQuery() (*itemsQuery, error) {
	q := &itemsQuery{format: "json", delimiter: ","}
	var err error
	if q.offset, _, err = c.intParam("offset"); err != nil {
		return nil, err
	}
	if q.limit, q.limited, err = c.intParam("limit"); err != nil {
		return nil, err
	}
	bools := []struct {
		name string
		dst  *bool
	}{
		{"desc", &q.desc}, {"skipHidden", &q.skipHidden}, {"skipEmpty", &q.skipEmpty},
		{"skipHeaderRow", &q.skipHeaderRow}, {"attachment", &q.attachment},
		{"skipFailedPages", &q.skipFailedPages},
	}
	for _, b := range bools {
		if *b.dst, err = c.boolParam(b.name, false); err != nil {
			return nil, err
		}
	}
	clean, err := c.boolParam("clean", false)
	if err != nil {
		return nil, err
	}
	if clean {
		q.skipHidden, q.skipEmpty = true, true
	}
	if c.query.Get("bom") != "" {
		q.bomSet = true
		if q.bom, err = c.boolParam("bom", false); err != nil {
			return nil, err
		}
	}
	q.fields = splitList(c.query.Get("fields"))
	q.unwind = splitList(c.query.Get("unwind"))
	simplified, err := c.boolParam("simplified", false)
	if err != nil {
		return nil, err
	}
	if simplified {
		// The document: simplified "applies the
		// fields=url,pageFunctionResult,errorInfo and unwind=pageFunctionResult
		// query parameters", so it replaces any given with it.
		q.fields = []string{"url", "pageFunctionResult", "errorInfo"}
		q.unwind = []string{"pageFunctionResult"}
	}
	q.outputFields = splitList(c.query.Get("outputFields"))
	if len(q.outputFields) > 0 && len(q.outputFields) != len(q.fields) {
		return nil, invalidParam("outputFields", c.query.Get("outputFields"), "give as many names as fields has")
	}
	q.omit = splitList(c.query.Get("omit"))
	q.flatten = splitList(c.query.Get("flatten"))
	if f := c.query.Get("format"); f != "" {
		q.format = f
	}
	switch q.format {
	case "json", "jsonl", "csv":
	case "xml", "html", "rss", "xlsx":
		if q.document, err = c.parseDocumentParams(); err != nil {
			return nil, err
		}
	default:
		return nil, invalidParam("format", q.format, "use json, jsonl, csv, html, xlsx, xml or rss")
	}
	if d := c.query.Get("delimiter"); d != "" {
		if len([]rune(d)) != 1 {
			return nil, invalidParam("delimiter", d, "use a single character")
		}
		q.delimiter = d
	}
	if v := c.query.Get("view"); v != "" {
		// A view is defined by the dataset schema of the Actor build that
		// made the dataset; the fake's builds carry no schema.
		return nil, errorf(http.StatusNotImplemented, "not-implemented",
			"apifytest keeps no dataset schemas, so it cannot apply the view %q; leave out view, or test views against the Apify API", v)
	}
	return q, nil
}

// window selects the stored items a request scans: offset and limit apply to
// the stored items, in the requested order, before any filter.
func (q *itemsQuery) window(items []object) []object {
	n := int64(len(items))
	start := min(q.offset, n)
	end := n
	if q.limited {
		end = min(start+q.limit, n)
	}
	if !q.desc {
		return items[start:end]
	}
	out := make([]object, 0, end-start)
	for i := n - 1 - start; i >= n-end; i-- {
		out = append(out, items[i])
	}
	return out
}

// transform applies the filters and reshaping to the scanned items, in this
// order: skipFailedPages, skipHidden, skipEmpty, fields (with outputFields),
// omit, unwind, flatten.
func (q *itemsQuery) transform(scanned []object) []object {
	out := make([]object, 0, len(scanned))
	for _, it := range scanned {
		if q.skipFailedPages && failedPage(it) {
			continue
		}
		if q.skipHidden {
			it = it.without(isHidden)
		}
		if q.skipEmpty && len(it) == 0 {
			continue
		}
		if len(q.fields) > 0 {
			picked := object{}
			for i, f := range q.fields {
				if v, ok := it.get(f); ok {
					name := f
					if len(q.outputFields) > 0 {
						name = q.outputFields[i]
					}
					picked = append(picked, field{name, v})
				}
			}
			it = picked
		}
		if len(q.omit) > 0 {
			it = it.without(func(k string) bool { return contains(q.omit, k) })
		}
		recs := []object{it}
		for _, f := range q.unwind {
			var next []object
			for _, r := range recs {
				next = append(next, unwindField(r, f)...)
			}
			recs = next
		}
		for _, r := range recs {
			for _, f := range q.flatten {
				r = flattenField(r, f)
			}
			out = append(out, r)
		}
	}
	return out
}

// failedPage reports whether an item records a failed page of the legacy
// Apify Crawler: it has an errorInfo field that is not null, false or "".
func failedPage(it object) bool {
	v, ok := it.get("errorInfo")
	if !ok {
		return false
	}
	switch string(bytes.TrimSpace(v)) {
	case "null", "false", `""`:
		return false
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// unwindField expands rec on key: an array gives one record per element (an
// object element is merged into the parent, any other element replaces the
// field), an object is merged into the parent, and anything else (or a
// missing or empty array) leaves the record as it is.
func unwindField(rec object, key string) []object {
	val, ok := rec.get(key)
	if !ok {
		return []object{rec}
	}
	rest := rec.without(func(k string) bool { return k == key })
	merge := func(child json.RawMessage) (object, bool) {
		o, err := parseObject(child)
		if err != nil {
			return nil, false
		}
		m := rest
		for _, f := range o {
			m = m.with(f.key, f.val)
		}
		return m, true
	}
	switch jsonKind(val) {
	case '{':
		if m, ok := merge(val); ok {
			return []object{m}
		}
	case '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(val, &elems); err != nil || len(elems) == 0 {
			return []object{rec}
		}
		out := make([]object, 0, len(elems))
		for _, e := range elems {
			if m, ok := merge(e); ok {
				out = append(out, m)
			} else {
				out = append(out, rec.with(key, e))
			}
		}
		return out
	}
	return []object{rec}
}

// flattenField replaces an object-valued field by its leaves, named with
// dot-separated paths ({"foo":{"bar":1}} becomes {"foo.bar":1}).
func flattenField(rec object, key string) object {
	val, ok := rec.get(key)
	if !ok || jsonKind(val) != '{' {
		return rec
	}
	var out object
	for _, f := range rec {
		if f.key != key {
			out = append(out, f)
			continue
		}
		out = append(out, flattenValue(key, ".", f.val, false)...)
	}
	return out
}

// flattenValue turns a value into leaf fields named prefix<sep>key..., going
// into objects (and arrays, if arrays is true).
func flattenValue(prefix, sep string, val json.RawMessage, arrays bool) []field {
	switch jsonKind(val) {
	case '{':
		o, err := parseObject(val)
		if err == nil && len(o) > 0 {
			var out []field
			for _, f := range o {
				out = append(out, flattenValue(prefix+sep+f.key, sep, f.val, arrays)...)
			}
			return out
		}
	case '[':
		var elems []json.RawMessage
		if arrays && json.Unmarshal(val, &elems) == nil && len(elems) > 0 {
			var out []field
			for i, e := range elems {
				out = append(out, flattenValue(prefix+sep+strconv.Itoa(i), sep, e, arrays)...)
			}
			return out
		}
	}
	return []field{{prefix, val}}
}

// getItems serves the dataset items (GET) or only their headers (HEAD).
//
// GET /v2/datasets/{datasetId}/items — https://docs.apify.com/api/v2/dataset-items-get
//
// HEAD /v2/datasets/{datasetId}/items — https://docs.apify.com/api/v2/dataset-items-head
func getItems(c *call) error {
	q, err := c.parseItemsQuery()
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	d, err := c.dataset()
	if err != nil {
		c.s.mu.Unlock()
		return err
	}
	d.readCount++
	d.touch(c.s.now(), false)
	q.document.datasetID, q.document.datasetName = d.id, d.name
	total := len(d.items)
	scanned := q.window(d.items)
	c.s.mu.Unlock()
	return c.writeItems(q, scanned, total, http.StatusOK)
}

// writeItems sends the items of one window with the pagination headers.
func (c *call) writeItems(q *itemsQuery, scanned []object, total, status int) error {
	items := q.transform(scanned)
	body, ctype, err := encodeItems(q, items)
	if err != nil {
		return err
	}
	h := c.w.Header()
	limit := int64(noLimit)
	if q.limited {
		limit = q.limit
	}
	h.Set("X-Apify-Pagination-Offset", strconv.FormatInt(q.offset, 10))
	h.Set("X-Apify-Pagination-Limit", strconv.FormatInt(limit, 10))
	h.Set("X-Apify-Pagination-Count", strconv.Itoa(len(scanned)))
	h.Set("X-Apify-Pagination-Total", strconv.Itoa(total))
	h.Set("X-Apify-Pagination-Desc", strconv.FormatBool(q.desc))
	h.Set("Content-Type", ctype)
	if q.attachment {
		h.Set("Content-Disposition", `attachment; filename="items.`+q.format+`"`)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.WriteHeader(status)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(body)
	}
	return nil
}

// encodeItems renders items in the requested format.
func encodeItems(q *itemsQuery, items []object) ([]byte, string, error) {
	var b bytes.Buffer
	switch q.format {
	case "xml", "html", "rss", "xlsx":
		return encodeDocument(q, items)
	case "jsonl":
		for _, it := range items {
			line, err := it.MarshalJSON()
			if err != nil {
				return nil, "", err
			}
			b.Write(line)
			b.WriteByte('\n')
		}
		if q.bom {
			return append([]byte("\uFEFF"), b.Bytes()...), "application/jsonl; charset=utf-8", nil
		}
		return b.Bytes(), "application/jsonl; charset=utf-8", nil
	case "csv":
		if !q.bomSet || q.bom {
			b.WriteString("\uFEFF")
		}
		if err := writeCSV(&b, items, []rune(q.delimiter)[0], q.skipHeaderRow); err != nil {
			return nil, "", err
		}
		return b.Bytes(), "text/csv; charset=utf-8", nil
	default:
		if q.bom {
			b.WriteString("\uFEFF")
		}
		b.WriteByte('[')
		for i, it := range items {
			if i > 0 {
				b.WriteByte(',')
			}
			raw, err := it.MarshalJSON()
			if err != nil {
				return nil, "", err
			}
			b.Write(raw)
		}
		b.WriteByte(']')
		return b.Bytes(), "application/json; charset=utf-8", nil
	}
}
