package pager

import (
	"context"
	"errors"
	"fmt"
	"iter"
)

// Chunk is one page of a list whose pages are chained by a token: an offset
// (offset-envelope lists), an exclusive start key (key-value store keys) or
// a cursor (request-queue requests).
type Chunk[T any, K comparable] struct {
	Items []T
	Next  K    // token of the following page
	More  bool // whether there is a following page
}

// TokenFetch returns the page at token. remaining is the number of items
// still wanted (0 means no cap), so the last request can ask for fewer.
type TokenFetch[T any, K comparable] func(ctx context.Context, token K, remaining int) (Chunk[T, K], error)

// ErrNilContext is returned by every iteration started with a nil context.
var ErrNilContext = errors.New("ctx is nil; pass context.Background() or a request context")

// Tokens iterates over a token-chained list from token first, yielding at
// most limit items (0 means all). It stops when a page reports no more, when
// the limit is reached, when an empty page hands back the token it was asked
// for, or after yielding an error once. A page that hands back a token
// already visited in this iteration (its own, or an earlier one: A→B→A)
// would loop forever re-yielding the same items, so that is an error unless
// the page is empty and names its own token (the API's way to end some
// lists). Every range starts afresh from first.
func Tokens[T any, K comparable](ctx context.Context, first K, limit int, fetch TokenFetch[T, K]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if ctx == nil {
			yield(zero, ErrNilContext)
			return
		}
		if limit < 0 {
			yield(zero, fmt.Errorf("limit %d is negative (0 means no limit)", limit))
			return
		}
		token, yielded := first, 0
		seen := map[K]struct{}{first: {}}
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			remaining := 0
			if limit > 0 {
				remaining = limit - yielded
			}
			c, err := fetch(ctx, token, remaining)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range c.Items {
				if !yield(it, nil) {
					return
				}
				if yielded++; limit > 0 && yielded >= limit {
					return
				}
			}
			if !c.More {
				return
			}
			if c.Next == token && len(c.Items) == 0 {
				return // an empty last page that hands back its own token
			}
			if _, again := seen[c.Next]; again {
				yield(zero, fmt.Errorf("the API returned the page token %v, already visited in this listing; stopping instead of looping", c.Next))
				return
			}
			seen[c.Next] = struct{}{}
			token = c.Next
		}
	}
}
