package apify

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ListOptions selects the part of a list an iterator yields. The zero value
// (or nil) lists everything, oldest first, 1000 items per request. The
// options of the lists with filters embed it.
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

// window returns where the list starts and how it is paged, and the query
// with desc.
func (o *ListOptions) window() (listWindow, url.Values) {
	if o == nil {
		o = &ListOptions{}
	}
	q := url.Values{}
	setQueryBool(q, "desc", o.Desc)
	return listWindow{offset: o.Offset, limit: o.Limit, pageSize: o.PageSize, maxPage: maxListPage}, q
}

// ActorListOptions selects the Actors [ActorCollectionClient.List] yields.
type ActorListOptions struct {
	ListOptions
	// My lists only the Actors the user owns.
	My bool
	// SortBy is the sort field: "createdAt" (default) or "stats.lastRunStartedAt".
	SortBy string
}

func (o *ActorListOptions) window() (listWindow, url.Values) {
	if o == nil {
		o = &ActorListOptions{}
	}
	w, q := o.ListOptions.window()
	setQueryBool(q, "my", o.My)
	setQueryString(q, "sortBy", o.SortBy)
	return w, q
}

// RunListOptions selects the runs [RunCollectionClient.List] yields.
type RunListOptions struct {
	ListOptions
	// Status keeps only runs with one of these statuses, e.g. [RunSucceeded].
	Status []JobStatus
	// StartedAfter and StartedBefore keep only runs started in this window
	// (inclusive; the zero time means no bound). Task runs ignore them.
	StartedAfter, StartedBefore time.Time
}

func (o *RunListOptions) window() (listWindow, url.Values) {
	if o == nil {
		o = &RunListOptions{}
	}
	w, q := o.ListOptions.window()
	statuses := make([]string, len(o.Status))
	for i, s := range o.Status {
		statuses[i] = string(s)
	}
	setQueryList(q, "status", statuses)
	if !o.StartedAfter.IsZero() {
		q.Set("startedAfter", o.StartedAfter.UTC().Format(time.RFC3339Nano))
	}
	if !o.StartedBefore.IsZero() {
		q.Set("startedBefore", o.StartedBefore.UTC().Format(time.RFC3339Nano))
	}
	return w, q
}

// StorageListOptions selects the storages the dataset, key-value store and
// request queue collection clients list.
type StorageListOptions struct {
	ListOptions
	// Unnamed includes unnamed storages (by default only named ones are listed).
	Unnamed bool
	// Ownership is "ownedByMe" or "sharedWithMe"; empty lists both.
	Ownership string
}

func (o *StorageListOptions) window() (listWindow, url.Values) {
	if o == nil {
		o = &StorageListOptions{}
	}
	w, q := o.ListOptions.window()
	setQueryBool(q, "unnamed", o.Unnamed)
	setQueryString(q, "ownership", o.Ownership)
	return w, q
}

// StoreListOptions selects the Apify Store Actors [StoreCollectionClient.List]
// yields. The Store has its own order (SortBy); ListOptions.Desc does not
// apply.
type StoreListOptions struct {
	ListOptions
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
	w, q := o.ListOptions.window()
	q.Del("desc")
	setQueryString(q, "search", o.Search)
	setQueryString(q, "sortBy", o.SortBy)
	setQueryString(q, "category", o.Category)
	setQueryString(q, "username", o.Username)
	setQueryString(q, "pricingModel", o.PricingModel)
	setQueryString(q, "responseFormat", o.ResponseFormat)
	if o.AllowsAgenticUsers != nil {
		q.Set("allowsAgenticUsers", strconv.FormatBool(*o.AllowsAgenticUsers))
	}
	setQueryBool(q, "includeUnrunnableActors", o.IncludeUnrunnableActors)
	return w, q
}

// KeyListOptions selects the keys [KeyValueStoreClient.ListKeys] yields.
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
	setQueryString(q, "collection", o.Collection)
	setQueryString(q, "prefix", o.Prefix)
	setQueryString(q, "signature", o.Signature)
	return listWindow{limit: o.Limit, pageSize: o.PageSize, maxPage: maxListPage}, q, o.ExclusiveStartKey
}

// maxRequestPage is the largest page of requests the API serves.
const maxRequestPage = 10000

// RequestListOptions selects the requests [RequestQueueClient.ListRequests]
// yields.
type RequestListOptions struct {
	// Cursor continues a listing from a previous page's nextCursor.
	Cursor string
	// Limit caps the number of requests yielded; 0 yields all.
	Limit int
	// PageSize is the number of requests asked for at a time, 1..10000; 0 means 10000.
	PageSize int
	// Filter keeps only requests in these states: "locked", "pending" (any of them).
	Filter []string
}

func (o *RequestListOptions) window() (listWindow, url.Values, string, error) {
	if o == nil {
		o = &RequestListOptions{}
	}
	q := url.Values{}
	for _, f := range o.Filter {
		if f != "locked" && f != "pending" {
			return listWindow{}, nil, "", fmt.Errorf("apify: invalid RequestListOptions: the Filter holds %q; want \"locked\" or \"pending\"", f)
		}
	}
	if len(o.Filter) > 0 {
		q.Set("filter", strings.Join(o.Filter, ","))
	}
	return listWindow{limit: o.Limit, pageSize: o.PageSize, maxPage: maxRequestPage}, q, o.Cursor, nil
}

func setQueryString(q url.Values, name, v string) {
	if v != "" {
		q.Set(name, v)
	}
}
