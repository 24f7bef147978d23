package apify

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// ListOptions selects the part of a list an iterator yields. The zero value
// (or nil) lists everything, oldest first, 1000 items per request.
type ListOptions struct {
	// Offset is the number of items to skip at the start.
	Offset int
	// Limit caps the number of items yielded; 0 yields all.
	Limit int
	// PageSize is the number of items requested at a time, 1..1000; 0 means 1000.
	PageSize int
	// Desc lists the newest items first.
	Desc bool
}

func (o *ListOptions) window() (listWindow, url.Values) {
	if o == nil {
		o = &ListOptions{}
	}
	q := url.Values{}
	setQueryBool(q, "desc", o.Desc)
	return listWindow{offset: o.Offset, limit: o.Limit, pageSize: o.PageSize, maxPage: maxListPage}, q
}

// ActorListOptions selects the Actors [Client.ListActors] yields.
type ActorListOptions struct {
	Offset   int  // items to skip at the start
	Limit    int  // cap on items yielded; 0 yields all
	PageSize int  // items per request, 1..1000; 0 means 1000
	Desc     bool // newest first (by SortBy)
	// My lists only the Actors the user owns.
	My bool
	// SortBy is the sort field: "createdAt" (default) or "stats.lastRunStartedAt".
	SortBy string
}

func (o *ActorListOptions) window() (listWindow, url.Values) {
	if o == nil {
		o = &ActorListOptions{}
	}
	w, q := (&ListOptions{o.Offset, o.Limit, o.PageSize, o.Desc}).window()
	setQueryBool(q, "my", o.My)
	if o.SortBy != "" {
		q.Set("sortBy", o.SortBy)
	}
	return w, q
}

// RunListOptions selects the runs [Client.ListRuns], [Client.ListActorRuns]
// and [Client.ListTaskRuns] yield.
type RunListOptions struct {
	Offset   int  // items to skip at the start
	Limit    int  // cap on items yielded; 0 yields all
	PageSize int  // items per request, 1..1000; 0 means 1000
	Desc     bool // most recently started first
	// Status keeps only runs with one of these statuses, e.g. "SUCCEEDED".
	Status []string
	// StartedAfter and StartedBefore keep only runs started in this window
	// (inclusive; the zero time means no bound). Task runs ignore them.
	StartedAfter, StartedBefore time.Time
}

func (o *RunListOptions) window() (listWindow, url.Values) {
	if o == nil {
		o = &RunListOptions{}
	}
	w, q := (&ListOptions{o.Offset, o.Limit, o.PageSize, o.Desc}).window()
	setQueryList(q, "status", o.Status)
	if !o.StartedAfter.IsZero() {
		q.Set("startedAfter", o.StartedAfter.UTC().Format(time.RFC3339Nano))
	}
	if !o.StartedBefore.IsZero() {
		q.Set("startedBefore", o.StartedBefore.UTC().Format(time.RFC3339Nano))
	}
	return w, q
}

// StorageListOptions selects the storages [Client.ListDatasets],
// [Client.ListKeyValueStores] and [Client.ListRequestQueues] yield.
type StorageListOptions struct {
	Offset   int  // items to skip at the start
	Limit    int  // cap on items yielded; 0 yields all
	PageSize int  // items per request, 1..1000; 0 means 1000
	Desc     bool // newest first
	// Unnamed includes unnamed storages (by default only named ones are listed).
	Unnamed bool
	// Ownership is "ownedByMe" or "sharedWithMe"; empty lists both.
	Ownership string
}

func (o *StorageListOptions) window() (listWindow, url.Values) {
	if o == nil {
		o = &StorageListOptions{}
	}
	w, q := (&ListOptions{o.Offset, o.Limit, o.PageSize, o.Desc}).window()
	setQueryBool(q, "unnamed", o.Unnamed)
	if o.Ownership != "" {
		q.Set("ownership", o.Ownership)
	}
	return w, q
}

// StoreListOptions selects the Apify Store Actors [Client.ListStoreActors]
// yields.
type StoreListOptions struct {
	Offset   int // items to skip at the start
	Limit    int // cap on items yielded; 0 yields all
	PageSize int // items per request, 1..1000; 0 means 1000
	// Search matches title, name, description, username and readme.
	Search string
	// SortBy is "relevance" (default), "popularity", "newest" or "lastUpdate".
	SortBy string
	// Category and Username filter by category and author.
	Category, Username string
	// PricingModel is "FREE", "FLAT_PRICE_PER_MONTH", "PRICE_PER_DATASET_ITEM" or "PAY_PER_EVENT".
	PricingModel string
	// AllowsAgenticUsers, when set, keeps only Actors that do (or do not) allow agentic users.
	AllowsAgenticUsers *bool
	// ResponseFormat is "full" (default) or "agent" (fewer fields).
	ResponseFormat string
	// IncludeUnrunnableActors includes Actors that are not safe to run automatically.
	IncludeUnrunnableActors bool
}

func (o *StoreListOptions) window() (listWindow, url.Values) {
	if o == nil {
		o = &StoreListOptions{}
	}
	w, q := (&ListOptions{Offset: o.Offset, Limit: o.Limit, PageSize: o.PageSize}).window()
	for name, v := range map[string]string{"search": o.Search, "sortBy": o.SortBy, "category": o.Category,
		"username": o.Username, "pricingModel": o.PricingModel, "responseFormat": o.ResponseFormat} {
		if v != "" {
			q.Set(name, v)
		}
	}
	if o.AllowsAgenticUsers != nil {
		q.Set("allowsAgenticUsers", fmt.Sprint(*o.AllowsAgenticUsers))
	}
	setQueryBool(q, "includeUnrunnableActors", o.IncludeUnrunnableActors)
	return w, q
}

// KeyListOptions selects the keys [Client.ListKeys] and its run variants yield.
type KeyListOptions struct {
	// ExclusiveStartKey starts the listing after this key.
	ExclusiveStartKey string
	// Limit caps the number of keys yielded; 0 yields all.
	Limit int
	// PageSize is the number of keys requested at a time, 1..1000; 0 means 1000.
	PageSize int
	// Collection keeps only keys of this collection of the store's schema.
	Collection string
	// Prefix keeps only keys starting with it.
	Prefix string
	// Signature grants access to a store shared by a signed URL.
	Signature string
}

func (o *KeyListOptions) window() (listWindow, url.Values, string) {
	if o == nil {
		o = &KeyListOptions{}
	}
	q := url.Values{}
	for name, v := range map[string]string{"collection": o.Collection, "prefix": o.Prefix, "signature": o.Signature} {
		if v != "" {
			q.Set(name, v)
		}
	}
	return listWindow{limit: o.Limit, pageSize: o.PageSize, maxPage: maxListPage}, q, o.ExclusiveStartKey
}

// maxRequestPage is the largest page of requests the API serves.
const maxRequestPage = 10000

// RequestListOptions selects the requests [Client.ListRequests] and its run
// variants yield.
type RequestListOptions struct {
	// Cursor continues a listing from a previous page's nextCursor.
	Cursor string
	// Limit caps the number of requests yielded; 0 yields all.
	Limit int
	// PageSize is the number of requests asked for at a time, 1..10000; 0 means 10000.
	PageSize int
	// Filter keeps only requests in these states: "locked", "pending" (any of them).
	Filter []string
	// ClientKey identifies this client to the queue (1..32 characters).
	ClientKey string
}

func (o *RequestListOptions) window() (listWindow, url.Values, string, error) {
	if o == nil {
		o = &RequestListOptions{}
	}
	q := url.Values{}
	for _, f := range o.Filter {
		if f != "locked" && f != "pending" {
			return listWindow{}, nil, "", fmt.Errorf("apify: RequestListOptions.Filter holds %q; want \"locked\" or \"pending\"", f)
		}
	}
	if len(o.Filter) > 0 {
		q.Set("filter", strings.Join(o.Filter, ","))
	}
	if o.ClientKey != "" {
		q.Set("clientKey", o.ClientKey)
	}
	return listWindow{limit: o.Limit, pageSize: o.PageSize, maxPage: maxRequestPage}, q, o.Cursor, nil
}
