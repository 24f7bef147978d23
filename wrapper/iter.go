package apify

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"reflect"

	"github.com/apifygo/apify/wrapper/internal/pager"
)

// The list iterators share one mechanism, pager.Tokens: a page is fetched
// for a token and names the next token. Three families differ only in what
// the token is and how a page says it is the last:
//
//   - offset envelope {data:{total,offset,limit,count,desc,items}}: the token
//     is the offset, advanced by count; the list ends on an empty page, or on
//     a short page that also reaches total; a page at another offset than
//     asked (an endpoint ignoring offset) is an error, not a repeat;
//   - token listings, one engine for two envelopes: key listings
//     {data:{items,isTruncated,nextExclusiveStartKey,...}} (the token is
//     exclusiveStartKey, followed while isTruncated) and request listings
//     {data:{items,nextCursor,...}} (the token is cursor, followed until
//     nextCursor is empty).
//
// Each request goes through the resource's request path and doJSON, so
// auth, retries and errors are the client's.

// maxListPage is the largest page the offset-envelope lists serve.
const maxListPage = 1000

// listWindow is where a list iteration starts, how far it goes and how many
// items each request asks for.
type listWindow struct {
	offset, limit, pageSize int
	maxPage                 int // largest page size the endpoint serves
}

func (w listWindow) validate() error {
	var errs []error
	if w.offset < 0 {
		errs = append(errs, fmt.Errorf("the Offset %d is negative", w.offset))
	}
	if w.limit < 0 {
		errs = append(errs, fmt.Errorf("the Limit %d is negative (0 lists everything)", w.limit))
	}
	if w.pageSize < 0 || w.pageSize > w.maxPage {
		errs = append(errs, fmt.Errorf("the PageSize %d is out of range 1..%d (0 means %d)", w.pageSize, w.maxPage, w.maxPage))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("apify: invalid list options: %w", err)
	}
	return nil
}

// pageLimit is the limit of the next request: the page size, or fewer when
// only remaining items are still wanted (0 = no cap).
func (w listWindow) pageLimit(remaining int) int {
	size := w.pageSize
	if size == 0 {
		size = w.maxPage
	}
	if remaining > 0 {
		size = min(size, remaining)
	}
	return size
}

// offsetPage is the data of an offset-paginated list. Items holds the
// caller's *[]T, which encoding/json decodes the items into, so one
// non-generic page type serves every item type.
type offsetPage struct {
	Total  int  `json:"total"`
	Offset *int `json:"offset"`
	Limit  int  `json:"limit"`
	Count  int  `json:"count"`
	Items  any  `json:"items"`
}

// isZero reports whether the answer filled none of p's fields (see
// decodeDataInto): Items counts as filled when items were decoded into it.
func (p *offsetPage) isZero() bool {
	return p.Total == 0 && p.Offset == nil && p.Limit == 0 && p.Count == 0 && !hasSlice(p.Items)
}

// listByOffset iterates over the offset-envelope list at r's path. The
// requests and checks are in the non-generic offsetChunk.
func listByOffset[T any](ctx context.Context, r resource, query url.Values, w listWindow) iter.Seq2[T, error] {
	if err := listCheck(ctx, r, w); err != nil {
		return errorSeq2[T](err)
	}
	return pager.Tokens(ctx, w.offset, w.limit, func(ctx context.Context, offset, remaining int) (pager.Chunk[T, int], error) {
		var items []T
		next, more, err := offsetChunk(ctx, r, query, w, offset, remaining, &items)
		if err != nil {
			return pager.Chunk[T, int]{}, err
		}
		return pager.Chunk[T, int]{Items: items, Next: next, More: more}, nil
	})
}

// offsetChunk fetches the page at offset into items (a *[]T) and returns
// the next offset and whether there may be more.
func offsetChunk(ctx context.Context, r resource, query url.Values, w listWindow, offset, remaining int, items any) (int, bool, error) {
	limit := w.pageLimit(remaining)
	q := maps.Clone(query)
	if q == nil {
		q = url.Values{}
	}
	setQueryInt(q, "offset", offset)
	setQueryInt(q, "limit", limit)
	page := offsetPage{Items: items}
	if err := r.callInto(ctx, http.MethodGet, "", q, nil, "", &page); err != nil {
		return 0, false, err
	}
	if page.Offset != nil && *page.Offset != offset {
		return 0, false, fmt.Errorf("apify: GET %s: asked for offset %d, the API answered offset %d; stopping instead of repeating items", r.path, offset, *page.Offset)
	}
	got := sliceLen(items)
	n := max(page.Count, got)
	if n > limit {
		// The next offset would skip items (or overflow): the page is
		// not what was asked for.
		return 0, false, fmt.Errorf("apify: GET %s: asked for at most %d items, the API answered a count of %d with %d items; stopping instead of skipping items", r.path, limit, page.Count, got)
	}
	// A short page that also reaches the total is the last one; the total
	// alone is never trusted (it lags), nor a short page alone (the API
	// may serve fewer than asked).
	last := n == 0 || n < limit && offset+n >= page.Total
	return offset + n, !last, nil
}

// tokenPage is the data of a token listing: a key listing names its next
// token nextExclusiveStartKey and says isTruncated; a request listing names
// it nextCursor. Items holds the caller's *[]T, as in offsetPage.
type tokenPage struct {
	Items                 any     `json:"items"`
	IsTruncated           *bool   `json:"isTruncated"`
	NextExclusiveStartKey *string `json:"nextExclusiveStartKey"`
	NextCursor            *string `json:"nextCursor"`
}

// isZero reports whether the answer filled none of p's fields.
func (p *tokenPage) isZero() bool {
	return p.IsTruncated == nil && p.NextExclusiveStartKey == nil && p.NextCursor == nil && !hasSlice(p.Items)
}

// next returns the token of the page after this one and whether there is
// one. A page that says it is truncated but names no next key is an error:
// ending there would drop the rest of the listing silently.
func (p *tokenPage) next() (string, bool, error) {
	if p.NextCursor != nil {
		return *p.NextCursor, *p.NextCursor != "", nil
	}
	truncated := p.IsTruncated != nil && *p.IsTruncated
	if p.NextExclusiveStartKey == nil || *p.NextExclusiveStartKey == "" {
		if truncated {
			return "", false, errors.New("the page says the listing is truncated but names no nextExclusiveStartKey; stopping instead of dropping the rest")
		}
		return "", false, nil
	}
	return *p.NextExclusiveStartKey, truncated, nil
}

// listByToken iterates over the token listing at r's path (plus sub) from
// first; param names the token's query parameter (exclusiveStartKey,
// cursor). The requests are in the non-generic tokenChunk.
func listByToken[T any](ctx context.Context, r resource, sub string, query url.Values, param, first string, w listWindow) iter.Seq2[T, error] {
	if err := listCheck(ctx, r, w); err != nil {
		return errorSeq2[T](err)
	}
	return pager.Tokens(ctx, first, w.limit, func(ctx context.Context, token string, remaining int) (pager.Chunk[T, string], error) {
		var items []T
		next, more, err := tokenChunk(ctx, r, sub, query, param, token, w.pageLimit(remaining), &items)
		if err != nil {
			return pager.Chunk[T, string]{}, err
		}
		return pager.Chunk[T, string]{Items: items, Next: next, More: more}, nil
	})
}

// tokenChunk fetches the page at token into items (a *[]T) and returns the
// next token and whether there is one.
func tokenChunk(ctx context.Context, r resource, sub string, query url.Values, param, token string, limit int, items any) (string, bool, error) {
	q := maps.Clone(query)
	if q == nil {
		q = url.Values{}
	}
	if token != "" {
		q.Set(param, token)
	}
	setQueryInt(q, "limit", limit)
	page := tokenPage{Items: items}
	if err := r.callInto(ctx, http.MethodGet, sub, q, nil, "", &page); err != nil {
		return "", false, err
	}
	next, more, err := page.next()
	if err != nil {
		return "", false, fmt.Errorf("apify: GET %s: %w: %w", r.path, ErrUnexpectedResponse, err)
	}
	return next, more, nil
}

// hasSlice reports whether items (nil, or a *[]T) holds a non-nil slice.
func hasSlice(items any) bool {
	rv := reflect.ValueOf(items)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return false
	}
	return !rv.Elem().IsNil()
}

// sliceLen is the length of the slice items (a *[]T) points to.
func sliceLen(items any) int {
	return reflect.ValueOf(items).Elem().Len()
}

func listCheck(ctx context.Context, r resource, w listWindow) error {
	if err := r.check(ctx); err != nil {
		return err
	}
	return w.validate()
}
