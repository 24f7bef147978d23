package pager

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Page is one page of dataset items with the pagination metadata the API
// sent in its X-Apify-Pagination-* headers.
type Page[T any] struct {
	// Offset is the offset this page was requested at.
	Offset int
	// Limit is the number of items requested (or the smaller limit the API reported).
	Limit int
	// Count is the number of stored items the API scanned for this page. It
	// differs from len(Items) under clean, skipEmpty, skipHidden (fewer items)
	// and unwind (more items); the next page starts at Offset+Count.
	Count int
	// Total is the dataset's item count as reported with the last response for
	// this page. It may lag behind writes: never stop on it. -1 when absent.
	Total int
	// Desc reports whether the API listed items newest first.
	Desc bool
	// Items are the page's items, decoded.
	Items []T
}

// header names of the dataset-items pagination metadata.
const (
	HeaderOffset = "X-Apify-Pagination-Offset"
	HeaderLimit  = "X-Apify-Pagination-Limit"
	HeaderCount  = "X-Apify-Pagination-Count"
	HeaderTotal  = "X-Apify-Pagination-Total"
	HeaderDesc   = "X-Apify-Pagination-Desc"
)

// meta is the pagination metadata of one response; -1 marks an absent number.
type meta struct {
	offset, limit, count, total int
	desc                        bool
}

func readMeta(h http.Header) (meta, error) {
	var m meta
	var err error
	if m.offset, err = headerInt(h, HeaderOffset); err != nil {
		return m, err
	}
	if m.limit, err = headerInt(h, HeaderLimit); err != nil {
		return m, err
	}
	if m.count, err = headerInt(h, HeaderCount); err != nil {
		return m, err
	}
	if m.total, err = headerInt(h, HeaderTotal); err != nil {
		return m, err
	}
	switch strings.ToLower(h.Get(HeaderDesc)) {
	case "1", "true":
		m.desc = true
	}
	return m, nil
}

// headerInt parses a non-negative integer header; absent gives -1.
func headerInt(h http.Header, name string) (int, error) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return -1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return -1, fmt.Errorf("response header %s: %q is not a non-negative integer", name, v)
	}
	return n, nil
}
