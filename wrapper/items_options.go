package apify

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// maxPrefetch bounds ItemsOptions.Prefetch: more pages in flight would only
// meet the API's per-resource rate limit.
const maxPrefetch = 16

// ItemsOptions selects and shapes the dataset items an iterator yields. The
// zero value (or nil) reads every item from the start, 1000 per request, with
// up to 4 requests in flight. The query parameters mirror
// https://docs.apify.com/api/v2/dataset-items-get; the formatting ones that
// only apply to csv, xlsx, xml or rss output are left out, since iterators
// always read JSON.
type ItemsOptions struct {
	// Offset is the number of items to skip at the start (at the end with Desc).
	Offset int
	// Limit caps the number of items yielded; 0 yields all.
	Limit int
	// PageSize is the number of stored items requested at a time; 0 means 1000.
	PageSize int
	// Prefetch is the most page requests in flight at once, ahead of the
	// loop; 0 means 4, at most 16. Up to twice as many pages are held in
	// memory, so a new request goes out as soon as a body has arrived. The
	// iterator reaches this depth only while pages come back full and below
	// the reported total; the first request, requests past the total and the
	// request after a short page go one at a time, so no request is wasted
	// on pages past the end.
	Prefetch int

	// Desc lists the newest items first.
	Desc bool
	// Clean skips empty items and hidden fields (names starting with #); it
	// implies SkipEmpty and SkipHidden.
	Clean bool
	// SkipEmpty skips empty items.
	SkipEmpty bool
	// SkipHidden drops hidden fields (names starting with #).
	SkipHidden bool
	// Fields keeps only these fields of each item, in this order.
	Fields []string
	// OutputFields renames the fields picked by Fields, position by position.
	OutputFields []string
	// Omit drops these fields from each item.
	Omit []string
	// Unwind expands these array or object fields into separate items, in order.
	Unwind []string
	// Flatten turns these nested objects into dotted top-level fields.
	Flatten []string
	// Simplified applies fields=url,pageFunctionResult,errorInfo and
	// unwind=pageFunctionResult (legacy crawler results).
	Simplified bool
	// SkipFailedPages skips items that have an errorInfo property.
	SkipFailedPages bool
	// View applies a view of the dataset's schema (its fields and filters).
	View string
	// Signature grants access to a dataset shared by a signed URL.
	Signature string

	// Unmarshal decodes one item's JSON into a *T; nil means
	// encoding/json.Unmarshal. Decoding is most of the cost of reading a
	// dataset, so a faster decoder with the same semantics pays off
	// directly. It is called from several goroutines at once, and not at
	// all when T is json.RawMessage.
	Unmarshal func(data []byte, v any) error
}

// itemsQuery validates opts and returns the query parameters common to every
// page, with offset and limit left to the pager.
func (o *ItemsOptions) itemsQuery() (url.Values, error) {
	var errs []error
	if o.Offset < 0 {
		errs = append(errs, fmt.Errorf("the Offset %d is negative", o.Offset))
	}
	if o.Limit < 0 {
		errs = append(errs, fmt.Errorf("the Limit %d is negative (0 yields every item)", o.Limit))
	}
	if o.PageSize < 0 {
		errs = append(errs, fmt.Errorf("the PageSize %d is negative (0 means 1000)", o.PageSize))
	}
	if o.Prefetch < 0 || o.Prefetch > maxPrefetch {
		errs = append(errs, fmt.Errorf("the Prefetch %d is out of range 0..%d (0 means 4)", o.Prefetch, maxPrefetch))
	}
	if len(o.OutputFields) > 0 && len(o.OutputFields) != len(o.Fields) {
		errs = append(errs, fmt.Errorf("the OutputFields hold %d names for %d Fields; give one per field", len(o.OutputFields), len(o.Fields)))
	}
	for _, l := range []struct {
		name string
		list []string
	}{{"Fields", o.Fields}, {"OutputFields", o.OutputFields}, {"Omit", o.Omit}, {"Unwind", o.Unwind}, {"Flatten", o.Flatten}} {
		for _, f := range l.list {
			if f == "" || strings.Contains(f, ",") {
				errs = append(errs, fmt.Errorf("the %s hold %q; field names must be non-empty and contain no comma", l.name, f))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("apify: invalid ItemsOptions: %w", err)
	}
	q := url.Values{"format": {"json"}}
	setQueryBool(q, "desc", o.Desc)
	setQueryBool(q, "clean", o.Clean)
	setQueryBool(q, "skipEmpty", o.SkipEmpty)
	setQueryBool(q, "skipHidden", o.SkipHidden)
	setQueryBool(q, "simplified", o.Simplified)
	setQueryBool(q, "skipFailedPages", o.SkipFailedPages)
	setQueryList(q, "fields", o.Fields)
	setQueryList(q, "outputFields", o.OutputFields)
	setQueryList(q, "omit", o.Omit)
	setQueryList(q, "unwind", o.Unwind)
	setQueryList(q, "flatten", o.Flatten)
	if o.View != "" {
		q.Set("view", o.View)
	}
	if o.Signature != "" {
		q.Set("signature", o.Signature)
	}
	return q, nil
}

// reshapes reports whether items may not map one to one onto stored items:
// some are skipped or one stored item becomes several.
func (o *ItemsOptions) reshapes() bool {
	return o.Clean || o.SkipEmpty || o.SkipHidden || o.Simplified || o.SkipFailedPages ||
		len(o.Unwind) > 0 || o.View != ""
}

func setQueryBool(q url.Values, name string, v bool) {
	if v {
		q.Set(name, "1")
	}
}

func setQueryList(q url.Values, name string, list []string) {
	if len(list) > 0 {
		q.Set(name, strings.Join(list, ","))
	}
}

func setQueryInt(q url.Values, name string, v int) {
	q.Set(name, strconv.Itoa(v))
}
