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

// CheckOffset refuses an answer whose X-Apify-Pagination-Offset header
// names another offset than the one asked for: a server that ignores the
// offset would serve the same items again and again. An absent header
// passes; a malformed one does not.
func CheckOffset(h http.Header, offset int) error {
	got, err := headerInt(h, HeaderOffset)
	if err != nil {
		return err
	}
	return checkOffset(got, offset)
}

// checkOffset is CheckOffset on the header's parsed value got (-1 when
// absent).
func checkOffset(got, offset int) error {
	if got >= 0 && got != offset {
		return fmt.Errorf("asked for offset %d, the API answered offset %d; stopping instead of repeating items", offset, got)
	}
	return nil
}

// ScannedCount is the number of stored items the page at offset, asked
// with limit, scanned by its X-Apify-Pagination-Count header, when items
// arrived: the next page starts that many stored items further. filtered
// says that items may not map one to one onto stored items (filters,
// unwind), so the header is needed. A count beyond limit (it would skip
// items never seen, or overflow the offset) is an error, as is a count of 0
// beside items under filters (ending there would drop the rest); without
// filters the items are the count.
func ScannedCount(h http.Header, offset, limit, items int, filtered bool) (int, error) {
	count, err := headerInt(h, HeaderCount)
	if err != nil {
		return 0, err
	}
	return scannedCount(count, offset, limit, items, filtered)
}

// scannedCount is ScannedCount on the header's parsed value count (-1 when
// absent); the engine calls it with the metadata readMeta parsed.
func scannedCount(count, offset, limit, items int, filtered bool) (int, error) {
	if count < 0 {
		if filtered {
			return 0, fmt.Errorf("the response for offset %d has no %s header, needed to page with filters or unwind", offset, HeaderCount)
		}
		count = items
	}
	if count > limit {
		// The next page would start past items never seen (or at an
		// overflowed offset).
		return 0, fmt.Errorf("the response for offset %d says its page scanned %d items, more than the %d asked for; stopping instead of skipping items", offset, count, limit)
	}
	if count == 0 && items > 0 {
		// The header says nothing was scanned, yet items came: ending here
		// would drop them. Without filters each item is one stored item,
		// so their number is the count; with filters nothing tells where
		// the next page starts.
		if filtered {
			return 0, fmt.Errorf("the response for offset %d carries %d items but its %s header says 0 were scanned; stopping instead of dropping them", offset, items, HeaderCount)
		}
		count = items
	}
	return count, nil
}
