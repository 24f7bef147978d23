package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// maxPayloadBytes is the API's limit on a request body (dataset pushes,
// request-queue batches, records): 9 MiB.
const maxPayloadBytes = 9 << 20

// payloadBudget is what the client puts in one request: the limit less a
// 0.01 % margin, as the reference clients keep.
const payloadBudget = maxPayloadBytes - maxPayloadBytes/10000

// PushOptions tune [PushItems].
type PushOptions struct {
	// MaxBatchBytes caps the size of one request's JSON body; 0 means the
	// API's limit (9 MiB) less a 0.01 % margin, which is also the maximum.
	MaxBatchBytes int
}

// PushItems appends items to a dataset (any dataset client: a dataset's,
// a run's default dataset), each encoded as a JSON object,
// sending as few requests as the API's payload limit (9 MiB per request)
// allows, in order. It returns how many items the API has confirmed, so a
// failed push can be resumed from items[n:]. opts may be nil.
//
// An item that does not encode as a JSON object, or alone exceeds the limit
// (an error matching [ErrRequestTooLarge]), stops the push before its batch
// is sent. Each request is retried only where the API certainly did not
// store its items (429, failures to connect): after a 5xx answer or a cut
// connection the batch may have been stored, and the error says so. Opt in
// to retrying such failures anyway — accepting possible duplicate items —
// with [AllowUnsafeRetries] on ctx or [RetryPolicy].RetryNonIdempotent.
//
// Apify API docs: https://docs.apify.com/api/v2/dataset-items-post
func PushItems[T any](ctx context.Context, dataset *DatasetClient, items []T, opts *PushOptions) (int, error) {
	if dataset == nil {
		return 0, errors.New("apify: PushItems: the *DatasetClient is nil")
	}
	ds := dataset.r
	if err := ds.check(ctx); err != nil {
		return 0, err
	}
	limit := payloadBudget
	if opts != nil && opts.MaxBatchBytes != 0 {
		if opts.MaxBatchBytes < 0 || opts.MaxBatchBytes > payloadBudget {
			return 0, fmt.Errorf("apify: invalid PushOptions: the MaxBatchBytes %d is out of range 1..%d", opts.MaxBatchBytes, payloadBudget)
		}
		limit = opts.MaxBatchBytes
	}

	pushed := 0
	var batch bytes.Buffer
	first, count := 0, 0 // items[first:first+count] are in batch
	flush := func() error {
		if count == 0 {
			return nil
		}
		batch.WriteByte(']')
		err := ds.sendDiscard(ctx, http.MethodPost, "items", nil, bytes.NewReader(batch.Bytes()), "application/json; charset=utf-8")
		if err != nil {
			note := ""
			if mayHaveActed(ctx, err) {
				note = "; the API may have stored this batch: check the dataset before pushing it again"
			}
			return fmt.Errorf("apify: PushItems: pushing items %d..%d of %d to %s (the %d before were stored%s): %w",
				first, first+count-1, len(items), ds.desc, pushed, note, err)
		}
		pushed += count
		first, count = first+count, 0
		batch.Reset()
		return nil
	}
	for i, item := range items {
		b, err := json.Marshal(item)
		if err != nil {
			return pushed, fmt.Errorf("apify: PushItems: encoding item %d (%T) as JSON: %w (%d items were stored)", i, item, err, pushed)
		}
		if len(b) == 0 || b[0] != '{' {
			return pushed, fmt.Errorf("apify: PushItems: item %d (%T) is not a JSON object; dataset items must be objects (%d items were stored)", i, item, pushed)
		}
		if len(b)+2 > limit {
			return pushed, fmt.Errorf("apify: PushItems: item %d encodes to %d bytes, over the %d bytes one request may carry; split it (%d items were stored): %w",
				i, len(b), limit, pushed, ErrRequestTooLarge)
		}
		if count > 0 && batch.Len()+1+len(b)+1 > limit {
			if err := flush(); err != nil {
				return pushed, err
			}
		}
		if count == 0 {
			first = i
			batch.WriteByte('[')
		} else {
			batch.WriteByte(',')
		}
		batch.Write(b)
		count++
	}
	if err := flush(); err != nil {
		return pushed, err
	}
	return pushed, nil
}

// mayHaveActed reports whether a failed POST may still have had its effect:
// a 5xx answer, or no answer at all, except when the request was never sent.
func mayHaveActed(ctx context.Context, err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500
	}
	return ctx.Err() == nil && !notSent(err)
}
