package apify

import (
	"context"
	"errors"
	"iter"
	"maps"
	"net/http"

	"github.com/apifygo/apify/wrapper/internal/pager"
)

// Items iterates over the items of a dataset, decoding each into a T:
//
//	for item, err := range apify.Items[Product](ctx, client.Dataset(datasetID), nil) {
//		if err != nil {
//			return err
//		}
//		use(item)
//	}
//
// The dataset may be any dataset client: client.Dataset(id), a run's
// default dataset (client.Run(id).Dataset()) or the last run's
// (client.Actor(id).LastRun(nil).Dataset()).
//
// Memory stays bounded by a few pages, whatever the dataset's size; pages
// are requested ahead of the loop (up to [ItemsOptions].Prefetch) and
// decoded on all cores while the loop runs. Each page starts where the
// previous one ended by the count of stored items the API scanned, so Clean,
// SkipEmpty and Unwind neither lose nor repeat items, and the iteration ends
// on an empty page or at Limit, never on the reported total, which lags
// behind writes. A page cut short is read again from the next item.
// Requests go ahead only where items are expected: reading n pages takes
// n+1 requests, the last one confirming the end (see [ItemsOptions].Prefetch).
//
// With T = json.RawMessage each item's bytes are yielded as sent, without
// decoding; they stay valid after the loop moves on. opts may be nil. See
// the package documentation for what every iterator guarantees.
//
// Apify API docs: https://docs.apify.com/api/v2/dataset-items-get
func Items[T any](ctx context.Context, dataset *DatasetClient, opts *ItemsOptions) iter.Seq2[T, error] {
	fetch, po, err := itemsSetup(ctx, dataset, opts)
	if err != nil {
		return errorSeq2[T](err)
	}
	return pager.Items[T](ctx, fetch, po)
}

// ItemsPage is one page of dataset items with the pagination metadata the
// API sent along (the X-Apify-Pagination-* headers): Offset, Limit, Count
// (stored items scanned; the next page starts at Offset+Count), Total (-1
// when absent; it lags behind writes), Desc and the Items.
type ItemsPage[T any] = pager.Page[T]

// ItemPages is [Items] one page at a time, for callers that want each page's
// metadata (Count, Total) or to handle items in batches. A page may hold no
// items when filters skipped all it scanned.
//
// Apify API docs: https://docs.apify.com/api/v2/dataset-items-get
func ItemPages[T any](ctx context.Context, dataset *DatasetClient, opts *ItemsOptions) iter.Seq2[*ItemsPage[T], error] {
	fetch, po, err := itemsSetup(ctx, dataset, opts)
	if err != nil {
		return errorSeq2[*ItemsPage[T]](err)
	}
	return pager.Pages[T](ctx, fetch, po)
}

// itemsSetup validates everything and returns the pager's fetch and options.
func itemsSetup(ctx context.Context, dataset *DatasetClient, opts *ItemsOptions) (pager.Fetch, pager.Options, error) {
	if dataset == nil {
		return nil, pager.Options{}, errors.New("apify: the *DatasetClient is nil")
	}
	ds := dataset.r
	if err := ds.check(ctx); err != nil {
		return nil, pager.Options{}, err
	}
	if opts == nil {
		opts = &ItemsOptions{}
	}
	q, err := opts.itemsQuery()
	if err != nil {
		return nil, pager.Options{}, err
	}
	fetch := func(ctx context.Context, offset, limit int) (*http.Response, error) {
		page := maps.Clone(q)
		setQueryInt(page, "offset", offset)
		setQueryInt(page, "limit", limit)
		return ds.send(ctx, http.MethodGet, "items", page, nil, "")
	}
	return fetch, pager.Options{
		Offset:       opts.Offset,
		Limit:        opts.Limit,
		PageSize:     opts.PageSize,
		Prefetch:     opts.Prefetch,
		Filtered:     opts.reshapes(),
		Unmarshal:    opts.Unmarshal,
		MaxBodyBytes: ds.c.cfg.maxBody,
		Scrub:        func(s string) string { return scrubText(s, ds.c.cfg.token.reveal()) },
	}, nil
}

// errorSeq2 yields err once.
func errorSeq2[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
