package apify

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
)

// DatasetClient addresses one dataset: a dataset by ID or name
// ([Client.Dataset]) or a run's default dataset ([RunClient.Dataset]). It
// does no I/O until a method is called. Go methods cannot have type
// parameters, so the typed jobs are functions that take the handle: read its
// items with [Items] and [ItemPages] (the JS client's listItems), append to
// it with [PushItems] (pushItems); download it in a format with Export
// (downloadItems).
type DatasetClient struct {
	r resource
}

// Dataset returns the client of the dataset with the given ID or
// "username/dataset-name" (also accepted as "username~dataset-name").
func (c *Client) Dataset(id string) *DatasetClient {
	return &DatasetClient{r: c.newResource("datasets", "dataset", "datasetID", id)}
}

// Get returns the dataset.
//
// Apify API docs: https://docs.apify.com/api/v2/dataset-get
func (d *DatasetClient) Get(ctx context.Context) (*Dataset, error) {
	return getResource[Dataset](ctx, d.r)
}

// Delete deletes the dataset.
//
// Apify API docs: https://docs.apify.com/api/v2/dataset-delete
func (d *DatasetClient) Delete(ctx context.Context) error {
	return d.r.delete(ctx)
}

// KeyValueStoreClient addresses one key-value store: a store by ID or name
// ([Client.KeyValueStore]) or a run's default store
// ([RunClient.KeyValueStore]). It does no I/O until a method is called.
// Read a JSON record into a Go value with [GetRecordJSON] (a function, since
// Go methods cannot have type parameters), write one with SetRecordJSON.
type KeyValueStoreClient struct {
	r resource
}

// KeyValueStore returns the client of the key-value store with the given ID
// or "username/store-name" (also accepted as "username~store-name").
func (c *Client) KeyValueStore(id string) *KeyValueStoreClient {
	return &KeyValueStoreClient{r: c.newResource("key-value-stores", "key-value store", "storeID", id)}
}

// Get returns the key-value store.
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-get
func (s *KeyValueStoreClient) Get(ctx context.Context) (*KeyValueStore, error) {
	return getResource[KeyValueStore](ctx, s.r)
}

// Delete deletes the key-value store.
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-delete
func (s *KeyValueStoreClient) Delete(ctx context.Context) error {
	return s.r.delete(ctx)
}

// ListKeys iterates over the store's keys, in key order. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-keys-get
func (s *KeyValueStoreClient) ListKeys(ctx context.Context, opts *KeyListOptions) iter.Seq2[KeyValueStoreKey, error] {
	w, q, start := opts.window()
	return listByToken[KeyValueStoreKey](ctx, s.r, "keys", q, "exclusiveStartKey", start, w)
}

// RequestQueueOptions set up a [RequestQueueClient].
type RequestQueueOptions struct {
	// ClientKey identifies this client to the queue (1..32 characters): the
	// requests it locks are its own, and the queue tells its additions from
	// other clients'. It is sent with every request of the client.
	ClientKey string
}

// RequestQueueClient addresses one request queue: a queue by ID or name
// ([Client.RequestQueue]) or a run's default queue
// ([RunClient.RequestQueue]). It does no I/O until a method is called.
// A crawler's loop locks requests with LockHead (the JS client's
// listAndLockHead), marks each done by setting its HandledAt (see
// [Value]) and sending it back with UpdateRequest, and gives back a request
// it will not do with DeleteRequestLock. A client key for the locks is
// set with [RequestQueueOptions].
type RequestQueueClient struct {
	r resource
}

// RequestQueue returns the client of the request queue with the given ID or
// "username/queue-name" (also accepted as "username~queue-name"). opts,
// which may be omitted or nil, set the client key the client's requests
// carry.
func (c *Client) RequestQueue(id string, opts ...*RequestQueueOptions) *RequestQueueClient {
	return newRequestQueueClient(c.newResource("request-queues", "request queue", "queueID", id), opts)
}

func newRequestQueueClient(r resource, opts []*RequestQueueOptions) *RequestQueueClient {
	o, err := oneOption("RequestQueue", opts)
	if err == nil && o != nil {
		err = checkClientKey(o.ClientKey)
		if err != nil {
			err = fmt.Errorf("apify: invalid RequestQueueOptions: %w", err)
		}
	}
	if err != nil && r.err == nil {
		r.err = err
	}
	if o != nil && o.ClientKey != "" {
		r = r.withQuery("clientKey", o.ClientKey)
	}
	return &RequestQueueClient{r: r}
}

func checkClientKey(key string) error {
	if len(key) > 32 {
		return fmt.Errorf("the ClientKey %q is longer than 32 characters", key)
	}
	return nil
}

// Get returns the request queue.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-get
func (q *RequestQueueClient) Get(ctx context.Context) (*RequestQueue, error) {
	return getResource[RequestQueue](ctx, q.r)
}

// Delete deletes the request queue.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-delete
func (q *RequestQueueClient) Delete(ctx context.Context) error {
	return q.r.delete(ctx)
}

// ListRequests iterates over the queue's requests. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-requests-get
func (q *RequestQueueClient) ListRequests(ctx context.Context, opts *RequestListOptions) iter.Seq2[Request, error] {
	w, query, cursor, err := opts.window()
	if err != nil {
		return errorSeq2[Request](err)
	}
	return listByToken[Request](ctx, q.r, "requests", query, "cursor", cursor, w)
}

// DatasetCollectionClient addresses the user's datasets. Get it from
// [Client.Datasets].
type DatasetCollectionClient struct {
	r resource
}

// Datasets returns the client of the user's datasets.
func (c *Client) Datasets() *DatasetCollectionClient {
	return &DatasetCollectionClient{r: c.collection("datasets")}
}

// List iterates over the user's datasets. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/datasets-get
func (l *DatasetCollectionClient) List(ctx context.Context, opts *StorageListOptions) iter.Seq2[DatasetListItem, error] {
	w, q := opts.window()
	return listByOffset[DatasetListItem](ctx, l.r, q, w)
}

// GetOrCreate returns the dataset named name, creating it when there is
// none; an empty name creates a new unnamed dataset. Naming makes the
// request safe to repeat, so a named one is retried after any failure.
//
// Apify API docs: https://docs.apify.com/api/v2/datasets-post
func (l *DatasetCollectionClient) GetOrCreate(ctx context.Context, name string) (*Dataset, error) {
	return getOrCreate[Dataset](ctx, l.r, name)
}

// KeyValueStoreCollectionClient addresses the user's key-value stores. Get
// it from [Client.KeyValueStores].
type KeyValueStoreCollectionClient struct {
	r resource
}

// KeyValueStores returns the client of the user's key-value stores.
func (c *Client) KeyValueStores() *KeyValueStoreCollectionClient {
	return &KeyValueStoreCollectionClient{r: c.collection("key-value-stores")}
}

// List iterates over the user's key-value stores. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-stores-get
func (l *KeyValueStoreCollectionClient) List(ctx context.Context, opts *StorageListOptions) iter.Seq2[KeyValueStore, error] {
	w, q := opts.window()
	return listByOffset[KeyValueStore](ctx, l.r, q, w)
}

// GetOrCreate returns the key-value store named name, creating it when
// there is none; see [DatasetCollectionClient.GetOrCreate].
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-stores-post
func (l *KeyValueStoreCollectionClient) GetOrCreate(ctx context.Context, name string) (*KeyValueStore, error) {
	return getOrCreate[KeyValueStore](ctx, l.r, name)
}

// RequestQueueCollectionClient addresses the user's request queues. Get it
// from [Client.RequestQueues].
type RequestQueueCollectionClient struct {
	r resource
}

// RequestQueues returns the client of the user's request queues.
func (c *Client) RequestQueues() *RequestQueueCollectionClient {
	return &RequestQueueCollectionClient{r: c.collection("request-queues")}
}

// List iterates over the user's request queues. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queues-get
func (l *RequestQueueCollectionClient) List(ctx context.Context, opts *StorageListOptions) iter.Seq2[RequestQueueShort, error] {
	w, q := opts.window()
	return listByOffset[RequestQueueShort](ctx, l.r, q, w)
}

// GetOrCreate returns the request queue named name, creating it when there
// is none; see [DatasetCollectionClient.GetOrCreate].
//
// Apify API docs: https://docs.apify.com/api/v2/request-queues-post
func (l *RequestQueueCollectionClient) GetOrCreate(ctx context.Context, name string) (*RequestQueue, error) {
	return getOrCreate[RequestQueue](ctx, l.r, name)
}

// getOrCreate posts to a storage collection; a named storage is looked up
// or created once, however often the request is repeated.
func getOrCreate[T any](ctx context.Context, r resource, name string) (*T, error) {
	if err := r.check(ctx); err != nil {
		return nil, err
	}
	q := url.Values{}
	if name != "" {
		if strings.TrimSpace(name) != name {
			return nil, fmt.Errorf("apify: GetOrCreate: the name %q has leading or trailing spaces", name)
		}
		q.Set("name", name)
		ctx = markIdempotent(ctx)
	}
	return callResource[T](ctx, r, http.MethodPost, "", q, nil, "")
}
