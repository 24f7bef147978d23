package apify

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"strings"

	"github.com/apifygo/apify/wrapper/internal/pager"
)

// DatasetItems iterates over the items of a dataset, decoding each into a T:
//
//	for item, err := range apify.DatasetItems[Product](ctx, client, datasetID, nil) {
//		if err != nil {
//			return err
//		}
//		use(item)
//	}
//
// Memory stays bounded by a few pages, whatever the dataset's size. Pages
// are requested ahead of the loop (up to ItemsOptions.Prefetch at once, in
// order) and decoded on all cores while the loop runs. Each page starts
// where the previous one ended according to the X-Apify-Pagination-Count
// header (items scanned), so Clean, SkipEmpty and Unwind neither lose nor
// repeat items; the iteration ends when a page scans nothing or Limit items
// were yielded, never on the reported total, which lags behind writes. A
// page whose body is cut short (broken connection, truncated body) is read
// again from the next item; failed requests are retried by the client's
// policy.
//
// Requests ahead are spent only where items are expected, since the API
// rate-limits each dataset: the first request goes alone, prefetching grows
// while pages come back full and never reaches past the reported total, and
// after a short page a single request confirms the end. Reading n pages
// thus costs n+1 requests (a 50-item dataset: 2), or fewer when Limit ends
// the iteration.
//
// With T = json.RawMessage each item's bytes are yielded as sent, without
// decoding; they stay valid after the loop moves on.
//
// Every range statement starts afresh. Breaking out of the loop or cancelling
// ctx stops all requests before the range statement returns. An error is
// yielded once, with the zero T, and ends the sequence; items before it were
// yielded in order.
//
// datasetID is a dataset ID or "username~dataset-name". opts may be nil.
// Apify API docs: https://docs.apify.com/api/v2/dataset-items-get
func DatasetItems[T any](ctx context.Context, c *Client, datasetID string, opts *ItemsOptions) iter.Seq2[T, error] {
	return itemsOf[T](ctx, c, datasetItemsPath("datasets", datasetID, "datasetID"), opts, nil)
}

// RunDatasetItems iterates over the items of a run's default dataset, as
// [DatasetItems] does.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-dataset-items-get
func RunDatasetItems[T any](ctx context.Context, c *Client, runID string, opts *ItemsOptions) iter.Seq2[T, error] {
	return itemsOf[T](ctx, c, runStoragePath("actor-runs", runID, "runID", "dataset/items"), opts, nil)
}

// ActorLastRunDatasetItems iterates over the items of the default dataset of
// an Actor's last run (optionally the last run with a given status or
// origin), as [DatasetItems] does. actorID is an Actor ID or
// "username~actor-name".
//
// Apify API docs: https://docs.apify.com/api/v2/actor-runs-last-dataset-items-get
func ActorLastRunDatasetItems[T any](ctx context.Context, c *Client, actorID string, last *LastRunOptions, opts *ItemsOptions) iter.Seq2[T, error] {
	return itemsOf[T](ctx, c, runStoragePath("actors", actorID, "actorID", "runs/last/dataset/items"), opts, last)
}

// TaskLastRunDatasetItems iterates over the items of the default dataset of
// a task's last run (optionally the last run with a given status or origin),
// as [DatasetItems] does. taskID is a task ID or "username~task-name".
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-runs-last-dataset-items-get
func TaskLastRunDatasetItems[T any](ctx context.Context, c *Client, taskID string, last *LastRunOptions, opts *ItemsOptions) iter.Seq2[T, error] {
	return itemsOf[T](ctx, c, runStoragePath("actor-tasks", taskID, "taskID", "runs/last/dataset/items"), opts, last)
}

// ItemsPage is one page of dataset items with the pagination metadata the
// API sent along (the X-Apify-Pagination-* headers).
type ItemsPage[T any] struct {
	// Offset is the offset the page was requested at.
	Offset int
	// Limit is the number of stored items requested (or the smaller number
	// the API said it would serve).
	Limit int
	// Count is the number of stored items the API scanned for this page; the
	// next page starts at Offset+Count. It exceeds len(Items) when Clean,
	// SkipEmpty or SkipFailedPages dropped items and falls below it with
	// Unwind.
	Count int
	// Total is the item count the API reported. It lags behind writes, so
	// the iteration does not stop on it; -1 when the header was absent.
	Total int
	// Desc reports whether the API listed the items newest first.
	Desc bool
	// Items are the page's items. With a Limit, the last page is cut to it.
	Items []T
}

// DatasetItemPages is [DatasetItems] one page at a time, for callers that
// want each page's metadata (Count, Total) or to handle items in batches. A
// page may hold no items when filters skipped all it scanned.
//
// Apify API docs: https://docs.apify.com/api/v2/dataset-items-get
func DatasetItemPages[T any](ctx context.Context, c *Client, datasetID string, opts *ItemsOptions) iter.Seq2[*ItemsPage[T], error] {
	return pagesOf[T](ctx, c, datasetItemsPath("datasets", datasetID, "datasetID"), opts, nil)
}

// RunDatasetItemPages is [RunDatasetItems] one page at a time; see
// [DatasetItemPages].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-dataset-items-get
func RunDatasetItemPages[T any](ctx context.Context, c *Client, runID string, opts *ItemsOptions) iter.Seq2[*ItemsPage[T], error] {
	return pagesOf[T](ctx, c, runStoragePath("actor-runs", runID, "runID", "dataset/items"), opts, nil)
}

// ActorLastRunDatasetItemPages is [ActorLastRunDatasetItems] one page at a
// time; see [DatasetItemPages].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-runs-last-dataset-items-get
func ActorLastRunDatasetItemPages[T any](ctx context.Context, c *Client, actorID string, last *LastRunOptions, opts *ItemsOptions) iter.Seq2[*ItemsPage[T], error] {
	return pagesOf[T](ctx, c, runStoragePath("actors", actorID, "actorID", "runs/last/dataset/items"), opts, last)
}

// TaskLastRunDatasetItemPages is [TaskLastRunDatasetItems] one page at a
// time; see [DatasetItemPages].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-runs-last-dataset-items-get
func TaskLastRunDatasetItemPages[T any](ctx context.Context, c *Client, taskID string, last *LastRunOptions, opts *ItemsOptions) iter.Seq2[*ItemsPage[T], error] {
	return pagesOf[T](ctx, c, runStoragePath("actor-tasks", taskID, "taskID", "runs/last/dataset/items"), opts, last)
}

// LastRunOptions picks which last run of an Actor or task the "last run"
// iterators read from. The zero value (or nil) means the last run, whatever
// its status.
type LastRunOptions struct {
	// Status restricts to the last run with this status, e.g. "SUCCEEDED".
	Status string
	// Origin restricts to the last run started this way, e.g. "API" or "SCHEDULER".
	Origin string
}

func (l *LastRunOptions) addTo(q url.Values) {
	if l == nil {
		return
	}
	if l.Status != "" {
		q.Set("status", l.Status)
	}
	if l.Origin != "" {
		q.Set("origin", l.Origin)
	}
}

// itemsPath is a request path, or the error that building it ran into.
type itemsPath struct {
	path string
	err  error
}

func datasetItemsPath(collection, id, what string) itemsPath {
	return runStoragePath(collection, id, what, "items")
}

// runStoragePath builds /v2/<collection>/<id>/<rest>, rejecting an empty ID.
// A "username/name" ID is sent as "username~name", as the API expects.
func runStoragePath(collection, id, what, rest string) itemsPath {
	if strings.TrimSpace(id) == "" {
		return itemsPath{err: fmt.Errorf("apify: %s is empty", what)}
	}
	return itemsPath{path: "/v2/" + collection + "/" + url.PathEscape(strings.Replace(id, "/", "~", 1)) + "/" + rest}
}

// itemsSetup validates everything and returns the pager's fetch and options.
func itemsSetup(c *Client, p itemsPath, opts *ItemsOptions, last *LastRunOptions) (pager.Fetch, pager.Options, error) {
	if c == nil {
		return nil, pager.Options{}, errors.New("apify: nil *Client; create one with NewClient")
	}
	if p.err != nil {
		return nil, pager.Options{}, p.err
	}
	if opts == nil {
		opts = &ItemsOptions{}
	}
	q, err := opts.itemsQuery()
	if err != nil {
		return nil, pager.Options{}, err
	}
	last.addTo(q)
	fetch := func(ctx context.Context, offset, limit int) (*http.Response, error) {
		page := maps.Clone(q)
		setQueryInt(page, "offset", offset)
		setQueryInt(page, "limit", limit)
		req, err := c.newRequest(ctx, http.MethodGet, p.path, page, nil, "")
		if err != nil {
			return nil, err
		}
		return c.do(req)
	}
	return fetch, pager.Options{
		Offset:       opts.Offset,
		Limit:        opts.Limit,
		PageSize:     opts.PageSize,
		Prefetch:     opts.Prefetch,
		Filtered:     opts.reshapes(),
		Unmarshal:    opts.Unmarshal,
		MaxBodyBytes: c.cfg.maxBody,
	}, nil
}

func itemsOf[T any](ctx context.Context, c *Client, p itemsPath, opts *ItemsOptions, last *LastRunOptions) iter.Seq2[T, error] {
	fetch, po, err := itemsSetup(c, p, opts, last)
	if err != nil {
		return errorSeq2[T](err)
	}
	return pager.Items[T](ctx, fetch, po)
}

func pagesOf[T any](ctx context.Context, c *Client, p itemsPath, opts *ItemsOptions, last *LastRunOptions) iter.Seq2[*ItemsPage[T], error] {
	fetch, po, err := itemsSetup(c, p, opts, last)
	if err != nil {
		return errorSeq2[*ItemsPage[T]](err)
	}
	return func(yield func(*ItemsPage[T], error) bool) {
		for p, err := range pager.Pages[T](ctx, fetch, po) {
			if err != nil {
				yield(nil, err)
				return
			}
			page := &ItemsPage[T]{Offset: p.Offset, Limit: p.Limit, Count: p.Count, Total: p.Total, Desc: p.Desc, Items: p.Items}
			if !yield(page, nil) {
				return
			}
		}
	}
}

// errorSeq2 yields err once.
func errorSeq2[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}
