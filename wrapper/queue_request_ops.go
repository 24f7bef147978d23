package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/apifygo/apify/gen"
)

// QueueHead is the head of a request queue: the next requests to
// process, without locks.
type QueueHead = gen.RequestQueueHead

// GetRequest returns the request with the given ID.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-request-get
func (q *RequestQueueClient) GetRequest(ctx context.Context, requestID string) (*Request, error) {
	r, err := q.request(ctx, requestID)
	if err != nil {
		return nil, err
	}
	return getResource[Request](ctx, r)
}

// UpdateRequestOptions tune [RequestQueueClient.UpdateRequest].
type UpdateRequestOptions struct {
	// Forefront puts the request at the head of the queue (when it is not
	// handled).
	Forefront bool
}

// UpdateRequest replaces the stored request whose ID is request.ID with
// request: typically to mark it handled (set HandledAt) or to count a
// retry. A request that this client locked stays locked unless it is now
// handled; one locked by another client cannot be updated. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-request-put
func (q *RequestQueueClient) UpdateRequest(ctx context.Context, request *Request, opts *UpdateRequestOptions) (*AddedRequest, error) {
	if request == nil || request.ID == nil {
		return nil, errors.New("apify: UpdateRequest: the request or its ID is nil; update a request read with GetRequest or ListRequests")
	}
	r, err := q.request(ctx, *request.ID)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(request)
	if err != nil {
		return nil, fmt.Errorf("apify: UpdateRequest: encoding the request: %w", err)
	}
	query := url.Values{}
	if opts != nil && opts.Forefront {
		query.Set("forefront", "true")
	}
	return callResource[AddedRequest](ctx, r, http.MethodPut, "", query, bytes.NewReader(body), "application/json")
}

// DeleteRequest deletes the request with the given ID from the queue.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-request-delete
func (q *RequestQueueClient) DeleteRequest(ctx context.Context, requestID string) error {
	r, err := q.request(ctx, requestID)
	if err != nil {
		return err
	}
	return r.delete(ctx)
}

// ListHeadOptions tune [RequestQueueClient.ListHead].
type ListHeadOptions struct {
	// Limit is the most requests to return, 1..1000; 0 means 100.
	Limit int
}

// ListHead returns the requests at the head of the queue, next to be
// processed, without locking them: for a look at the queue, or for a single
// consumer. Consumers that share a queue take requests with
// [RequestQueueClient.LockHead] instead. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-head-get
func (q *RequestQueueClient) ListHead(ctx context.Context, opts *ListHeadOptions) (*QueueHead, error) {
	query := url.Values{}
	if opts != nil {
		if opts.Limit < 0 || opts.Limit > 1000 {
			return nil, fmt.Errorf("apify: invalid ListHeadOptions: the Limit %d is out of range 1..1000 (0 means 100)", opts.Limit)
		}
		if opts.Limit > 0 {
			query.Set("limit", strconv.Itoa(opts.Limit))
		}
	}
	return callResource[QueueHead](ctx, q.r, http.MethodGet, "head", query, nil, "")
}

// UnlockRequests releases every lock this client (its
// [RequestQueueOptions].ClientKey) holds on the queue's requests, so that
// other clients can take them, and returns how many were unlocked.
// Unlocking is safe to repeat, so failed attempts are retried.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-requests-unlock-post
func (q *RequestQueueClient) UnlockRequests(ctx context.Context) (int, error) {
	if err := q.r.check(ctx); err != nil {
		return 0, err
	}
	res, err := callResource[gen.UnlockRequestsResult](markIdempotent(ctx), q.r, http.MethodPost, "requests/unlock", nil, nil, "")
	if err != nil {
		return 0, err
	}
	return res.UnlockedCount, nil
}

// RequestKey names a request of a queue by its ID or, when the ID is empty,
// by its unique key.
type RequestKey struct {
	ID        string `json:"id,omitempty"`
	UniqueKey string `json:"uniqueKey,omitempty"`
}

// DeleteRequestsResult is what [RequestQueueClient.DeleteRequests] did.
type DeleteRequestsResult struct {
	// Deleted are the requests deleted.
	Deleted []RequestKey `json:"processedRequests"`
	// Unprocessed are the requests the API did not delete; delete them
	// again later.
	Unprocessed []RequestKey `json:"unprocessedRequests"`
}

// DeleteRequests deletes the given requests from the queue, in batches of
// 25, and says which were deleted and which the API left unprocessed.
// Deleting is safe to repeat, so failed attempts are retried. On an error,
// the result holds what the batches before it did.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-requests-batch-delete
func (q *RequestQueueClient) DeleteRequests(ctx context.Context, requests []RequestKey) (*DeleteRequestsResult, error) {
	if err := q.r.check(ctx); err != nil {
		return nil, err
	}
	for i, k := range requests {
		if k.ID == "" && k.UniqueKey == "" {
			return nil, fmt.Errorf("apify: DeleteRequests: request %d has neither an ID nor a UniqueKey", i)
		}
	}
	out := &DeleteRequestsResult{}
	for start := 0; start < len(requests); start += maxBatchRequests {
		batch := requests[start:min(start+maxBatchRequests, len(requests))]
		body, err := json.Marshal(batch)
		if err != nil {
			return out, fmt.Errorf("apify: DeleteRequests: encoding the requests: %w", err)
		}
		res, err := callResource[DeleteRequestsResult](ctx, q.r, http.MethodDelete, "requests/batch", nil, bytes.NewReader(body), "application/json")
		if err != nil {
			return out, err
		}
		out.Deleted = append(out.Deleted, res.Deleted...)
		out.Unprocessed = append(out.Unprocessed, res.Unprocessed...)
	}
	return out, nil
}
