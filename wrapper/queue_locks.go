package apify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/apifygo/apify/gen"
)

// LockHeadOptions tune [RequestQueueClient.LockHead].
type LockHeadOptions struct {
	// Limit is the most requests to lock, 1..25; 0 means 25.
	Limit int
	// LockDuration is how long the requests stay locked (whole seconds,
	// rounded up); 0 means 60 s.
	LockDuration time.Duration
}

const defaultLockDuration = 60 * time.Second

// LockHead takes requests from the head of the queue and locks them for
// this client (its [RequestQueueOptions].ClientKey), so that other clients
// do not get them until the lock expires, is prolonged
// ([RequestQueueClient.ProlongRequestLock]) or deleted
// ([RequestQueueClient.DeleteRequestLock]). opts may be nil.
//
// Locking is not idempotent (a repeated call locks further requests), so a
// failed call is retried only where the API certainly did not act on it;
// requests locked by a call whose answer was lost are released when their
// lock expires.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-head-lock-post
func (q *RequestQueueClient) LockHead(ctx context.Context, opts *LockHeadOptions) (*LockedHead, error) {
	if err := q.r.check(ctx); err != nil {
		return nil, err
	}
	o := LockHeadOptions{}
	if opts != nil {
		o = *opts
	}
	var errs []error
	if o.Limit < 0 || o.Limit > maxBatchRequests {
		errs = append(errs, fmt.Errorf("the Limit %d is out of range 1..%d (0 means %d)", o.Limit, maxBatchRequests, maxBatchRequests))
	}
	if err := checkWholeSeconds("LockDuration", o.LockDuration); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("apify: invalid LockHeadOptions: %w", err)
	}
	if o.Limit == 0 {
		o.Limit = maxBatchRequests
	}
	if o.LockDuration == 0 {
		o.LockDuration = defaultLockDuration
	}
	query := url.Values{
		"limit":    {strconv.Itoa(o.Limit)},
		"lockSecs": {strconv.FormatInt(ceilSeconds(o.LockDuration), 10)},
	}
	return callResource[LockedHead](ctx, q.r, http.MethodPost, "head/lock", query, nil, "")
}

// RequestLockOptions tune [RequestQueueClient.ProlongRequestLock] and
// [RequestQueueClient.DeleteRequestLock]. The lock is the client's: its
// [RequestQueueOptions].ClientKey must be the one that locked the request.
type RequestLockOptions struct {
	// Forefront puts the request at the head of the queue when its lock
	// ends (deleted, or expired after prolonging).
	Forefront bool
}

func (o *RequestLockOptions) query() url.Values {
	q := url.Values{}
	if o != nil && o.Forefront {
		q.Set("forefront", "true")
	}
	return q
}

// ProlongRequestLock extends the lock on a request the client locked with
// [RequestQueueClient.LockHead] to d from now (whole seconds, rounded up; d > 0) and
// returns when it now expires. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-request-lock-put
func (q *RequestQueueClient) ProlongRequestLock(ctx context.Context, requestID string, d time.Duration, opts *RequestLockOptions) (time.Time, error) {
	lock, err := q.requestLock(ctx, requestID)
	if err != nil {
		return time.Time{}, err
	}
	if d <= 0 {
		return time.Time{}, fmt.Errorf("apify: ProlongRequestLock: the duration %v is not positive", d)
	}
	if err := checkWholeSeconds("duration", d); err != nil {
		return time.Time{}, fmt.Errorf("apify: ProlongRequestLock: %w", err)
	}
	query := opts.query()
	query.Set("lockSecs", strconv.FormatInt(ceilSeconds(d), 10))
	info, err := callResource[gen.RequestLockInfo](ctx, lock, http.MethodPut, "", query, nil, "")
	if err != nil {
		return time.Time{}, err
	}
	return info.LockExpiresAt, nil
}

// DeleteRequestLock releases the lock on a request the client locked, so
// that the request can be taken again (from the head with opts.Forefront).
// opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-request-lock-delete
func (q *RequestQueueClient) DeleteRequestLock(ctx context.Context, requestID string, opts *RequestLockOptions) error {
	lock, err := q.requestLock(ctx, requestID)
	if err != nil {
		return err
	}
	return lock.sendDiscard(ctx, http.MethodDelete, "", opts.query(), nil, "")
}

// requestLock is the resource of the lock on the request requestID.
func (q *RequestQueueClient) requestLock(ctx context.Context, requestID string) (resource, error) {
	return q.request(ctx, requestID, "lock")
}

// request is the resource of the queue's request requestID (plus the
// already escaped segments sub).
func (q *RequestQueueClient) request(ctx context.Context, requestID string, sub ...string) (resource, error) {
	if err := q.r.check(ctx); err != nil {
		return resource{}, err
	}
	seg, err := resourceID("requestID", requestID)
	if err != nil {
		return resource{}, err
	}
	return q.r.child("", append([]string{"requests", seg}, sub...)...), nil
}
