package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/apifygo/apify/gen"
)

// maxBatchRequests is the most requests the API adds in one batch call.
const maxBatchRequests = 25

// QueueRequest is a request to add to a request queue.
type QueueRequest struct {
	// URL is the URL to crawl (required).
	URL string `json:"url"`
	// UniqueKey identifies the request in the queue: adding a request whose
	// key is already there adds nothing. Empty means the URL as given (Apify
	// SDKs normalise the URL instead; set the key yourself to match them).
	UniqueKey string `json:"uniqueKey"`
	// Method is the HTTP method; empty means GET.
	Method string `json:"method,omitempty"`
	// Payload is the body sent with the request, e.g. for POST.
	Payload string `json:"payload,omitempty"`
	// Headers are the HTTP headers sent with the request.
	Headers map[string]string `json:"headers,omitempty"`
	// UserData is custom data stored with the request.
	UserData map[string]any `json:"userData,omitempty"`
	// NoRetry tells the crawler not to retry the request when it fails.
	NoRetry bool `json:"noRetry,omitempty"`
}

// AddRequestsOptions tune [RequestQueueClient.AddRequests].
type AddRequestsOptions struct {
	// Forefront adds the requests to the head of the queue.
	Forefront bool
	// Parallelism is the number of batch calls in flight, 1..25; 0 means 5.
	// Batches sent in parallel may reach the queue in any order; 1 keeps
	// the order given.
	Parallelism int
	// UnprocessedRetries is how many more times requests the API left
	// unprocessed are sent, with growing pauses, 0..10; 0 means 3.
	UnprocessedRetries int
}

// batchSettings are resolved [AddRequestsOptions] plus the limits of one
// batch call, which tests lower.
type batchSettings struct {
	parallelism, unprocessedRetries int
	maxBytes, maxPerCall            int
}

// defaultBatchLimits are the API's limits on one batch call.
var defaultBatchLimits = batchSettings{maxBytes: payloadBudget, maxPerCall: maxBatchRequests}

// AddRequestsResult says what [RequestQueueClient.AddRequests] did with each request.
type AddRequestsResult struct {
	// Processed are the requests the queue now holds (including those that
	// were there already: WasAlreadyPresent), in the order given.
	Processed []AddedRequest
	// Unprocessed are the requests that were not added, in the order given,
	// each with the reason.
	Unprocessed []UnprocessedRequest
}

// UnprocessedRequest is a request that [RequestQueueClient.AddRequests]
// could not add.
type UnprocessedRequest struct {
	// Index is the position of the request in the slice given.
	Index int
	// Request is the request as given (UniqueKey filled in).
	Request QueueRequest
	// Err says why: the API kept leaving it unprocessed
	// ([ErrRequestNotAdded]), or its batch call failed.
	Err error
}

// ErrRequestNotAdded matches the reason of an [UnprocessedRequest] the API
// kept leaving unprocessed (usually under rate limiting); adding it again
// later is safe.
var ErrRequestNotAdded = errors.New("apify: the API left the request unprocessed")

const (
	defaultAddParallelism      = 5
	defaultUnprocessedRetries  = 3
	maxUnprocessedRetriesLimit = 10
)

// AddRequests adds requests to the queue in batches of up to 25 (and
// under the API's 9 MiB payload limit), several batches at a time. The API
// may leave some requests of a batch unprocessed; those are sent again, with
// growing pauses, up to opts.UnprocessedRetries times. Since the queue keys
// requests by UniqueKey, a batch call is retried after any failure without
// adding anything twice.
//
// The result lists every request as either Processed or Unprocessed. The
// error is nil when all were added; otherwise it says how many were not and
// wraps the first reason. Invalid requests (no URL, one larger than the
// payload limit) fail the whole call before anything is sent. opts may be
// nil.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-requests-batch-post
func (q *RequestQueueClient) AddRequests(ctx context.Context, requests []QueueRequest, opts *AddRequestsOptions) (*AddRequestsResult, error) {
	return q.addRequests(ctx, requests, opts, defaultBatchLimits)
}

// addRequests is AddRequests within the batch limits of limits.
func (q *RequestQueueClient) addRequests(ctx context.Context, requests []QueueRequest, opts *AddRequestsOptions, limits batchSettings) (*AddRequestsResult, error) {
	if err := q.r.check(ctx); err != nil {
		return nil, err
	}
	cfg, query, err := opts.settings(limits)
	if err != nil {
		return nil, err
	}
	reqs := make([]QueueRequest, len(requests))
	encoded := make([][]byte, len(requests))
	for i, r := range requests {
		if strings.TrimSpace(r.URL) == "" {
			return nil, fmt.Errorf("apify: AddRequests: request %d has no URL; nothing was added", i)
		}
		if r.UniqueKey == "" {
			r.UniqueKey = r.URL
		}
		b, err := json.Marshal(r)
		if err != nil {
			return nil, fmt.Errorf("apify: AddRequests: encoding request %d: %w; nothing was added", i, err)
		}
		if len(b)+2 > cfg.maxBytes {
			return nil, fmt.Errorf("apify: AddRequests: request %d encodes to %d bytes, over the %d bytes one call may carry; nothing was added: %w",
				i, len(b), cfg.maxBytes, ErrRequestTooLarge)
		}
		reqs[i], encoded[i] = r, b
	}

	b := &batchAdder{r: q.r, query: query, retries: cfg.unprocessedRetries, reqs: reqs, encoded: encoded,
		added: make([]*AddedRequest, len(reqs)), failed: make([]error, len(reqs))}
	batches := make(chan []int)
	var wg sync.WaitGroup
	for range cfg.parallelism {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for idx := range batches {
				b.add(ctx, idx)
			}
		}()
	}
	for _, idx := range splitBatches(encoded, cfg.maxPerCall, cfg.maxBytes) {
		select {
		case batches <- idx:
		case <-ctx.Done():
			b.fail(idx, ctx.Err())
		}
	}
	close(batches)
	wg.Wait()
	return b.result()
}

func (o *AddRequestsOptions) settings(limits batchSettings) (batchSettings, url.Values, error) {
	cfg := limits
	cfg.parallelism, cfg.unprocessedRetries = defaultAddParallelism, defaultUnprocessedRetries
	q := url.Values{}
	if o == nil {
		return cfg, q, nil
	}
	var errs []error
	switch {
	case o.Parallelism < 0 || o.Parallelism > maxBatchRequests:
		errs = append(errs, fmt.Errorf("the Parallelism %d is out of range 1..%d (0 means %d)", o.Parallelism, maxBatchRequests, defaultAddParallelism))
	case o.Parallelism > 0:
		cfg.parallelism = o.Parallelism
	}
	switch {
	case o.UnprocessedRetries < 0 || o.UnprocessedRetries > maxUnprocessedRetriesLimit:
		errs = append(errs, fmt.Errorf("the UnprocessedRetries %d is out of range 0..%d (0 means %d)", o.UnprocessedRetries, maxUnprocessedRetriesLimit, defaultUnprocessedRetries))
	case o.UnprocessedRetries > 0:
		cfg.unprocessedRetries = o.UnprocessedRetries
	}
	if err := errors.Join(errs...); err != nil {
		return cfg, nil, fmt.Errorf("apify: invalid AddRequestsOptions: %w", err)
	}
	if o.Forefront {
		q.Set("forefront", "true")
	}
	return cfg, q, nil
}

// splitBatches cuts the encoded requests into consecutive batches of at most
// perCall requests whose JSON array stays within budget bytes.
func splitBatches(encoded [][]byte, perCall, budget int) [][]int {
	var out [][]int
	var cur []int
	size := 1 // "["
	for i, b := range encoded {
		if len(cur) == perCall || len(cur) > 0 && size+1+len(b)+1 > budget {
			out = append(out, cur)
			cur, size = nil, 1
		}
		cur = append(cur, i)
		size += len(b) + 1
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// batchAdder sends batches and records, per request, what happened.
type batchAdder struct {
	r       resource
	query   url.Values
	retries int
	reqs    []QueueRequest
	encoded [][]byte

	mu     sync.Mutex
	added  []*AddedRequest
	failed []error
}

// add sends the requests idx (one batch), then those the API left
// unprocessed again, up to b.retries more times.
func (b *batchAdder) add(ctx context.Context, idx []int) {
	pending := idx
	for round := 0; ; round++ {
		res, err := b.send(ctx, pending)
		if err != nil {
			b.fail(pending, err)
			return
		}
		pending = b.record(pending, res)
		if len(pending) == 0 {
			return
		}
		if round == b.retries {
			b.fail(pending, fmt.Errorf("%w after %d attempts", ErrRequestNotAdded, round+1))
			return
		}
		// (1 + rand) · 2^round · 500 ms, as the reference client waits,
		// capped like the client's own retries.
		delay := min(time.Duration((1+rand.Float64())*float64(DefaultInitialDelay<<round)), DefaultMaxDelay)
		if err := b.r.c.sleep(ctx, delay); err != nil {
			b.fail(pending, err)
			return
		}
	}
}

// send posts one batch call with the requests idx.
func (b *batchAdder) send(ctx context.Context, idx []int) (*gen.BatchAddResult, error) {
	var body bytes.Buffer
	body.WriteByte('[')
	for n, i := range idx {
		if n > 0 {
			body.WriteByte(',')
		}
		body.Write(b.encoded[i])
	}
	body.WriteByte(']')
	// The queue deduplicates by uniqueKey: repeating the call is safe.
	return callResource[gen.BatchAddResult](markIdempotent(ctx), b.r, http.MethodPost, "requests/batch", b.query, bytes.NewReader(body.Bytes()), "application/json")
}

// record stores the processed requests of res and returns the requests of
// idx still to add: those the API listed as unprocessed, and any it did not
// mention at all.
func (b *batchAdder) record(idx []int, res *gen.BatchAddResult) []int {
	byKey := map[string][]int{}
	for _, i := range idx {
		k := b.reqs[i].UniqueKey
		byKey[k] = append(byKey[k], i)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range res.ProcessedRequests {
		waiting := byKey[p.UniqueKey]
		if len(waiting) == 0 {
			continue
		}
		added := p
		b.added[waiting[0]] = &added
		byKey[p.UniqueKey] = waiting[1:]
	}
	var pending []int
	for _, i := range idx {
		if b.added[i] == nil {
			pending = append(pending, i)
		}
	}
	return pending
}

func (b *batchAdder) fail(idx []int, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, i := range idx {
		b.failed[i] = err
	}
}

// result assembles the outcome in input order.
func (b *batchAdder) result() (*AddRequestsResult, error) {
	res := &AddRequestsResult{Processed: []AddedRequest{}}
	for i := range b.reqs {
		switch {
		case b.added[i] != nil:
			res.Processed = append(res.Processed, *b.added[i])
		default:
			err := b.failed[i]
			if err == nil {
				err = ErrRequestNotAdded
			}
			res.Unprocessed = append(res.Unprocessed, UnprocessedRequest{Index: i, Request: b.reqs[i], Err: err})
		}
	}
	if n := len(res.Unprocessed); n > 0 {
		return res, fmt.Errorf("apify: AddRequests: %d of %d requests were not added to %s (see AddRequestsResult.Unprocessed); the first: %w",
			n, len(b.reqs), b.r.desc, res.Unprocessed[0].Err)
	}
	return res, nil
}
