package apify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/apifygo/apify/gen"
)

// LockHeadOptions tune [Client.LockHead].
type LockHeadOptions struct {
	// Limit is the most requests to lock, 1..25; 0 means 25.
	Limit int
	// LockDuration is how long the requests stay locked (whole seconds,
	// rounded up); 0 means 60 s.
	LockDuration time.Duration
	// ClientKey identifies the client holding the locks (1-32 characters).
	ClientKey string
}

const defaultLockDuration = 60 * time.Second

// LockHead takes requests from the head of a request queue and locks them,
// so that other clients do not get them until the lock expires, is prolonged
// ([Client.ProlongRequestLock]) or deleted ([Client.DeleteRequestLock]).
// opts may be nil. queueID is a queue ID or "username~queue-name".
//
// Locking is not idempotent (a repeated call locks further requests), so a
// failed call is retried only where the API certainly did not act on it;
// requests locked by a call whose answer was lost are released when their
// lock expires.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-head-lock-post
func (c *Client) LockHead(ctx context.Context, queueID string, opts *LockHeadOptions) (*gen.LockedRequestQueueHead, error) {
	path, err := idPath("request-queues", queueID, "queueID", "head", "lock")
	if err != nil {
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
	if o.LockDuration < 0 {
		errs = append(errs, fmt.Errorf("the LockDuration %v is negative", o.LockDuration))
	}
	if err := checkClientKey(o.ClientKey); err != nil {
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
	q := url.Values{
		"limit":    {strconv.Itoa(o.Limit)},
		"lockSecs": {strconv.FormatInt(ceilSeconds(o.LockDuration), 10)},
	}
	if o.ClientKey != "" {
		q.Set("clientKey", o.ClientKey)
	}
	return callJSON[gen.LockedRequestQueueHead](ctx, c, http.MethodPost, path, q, nil, "")
}

// RequestLockOptions tune [Client.ProlongRequestLock] and
// [Client.DeleteRequestLock].
type RequestLockOptions struct {
	// ClientKey identifies the client holding the lock; it must be the one
	// that locked the request.
	ClientKey string
	// Forefront puts the request at the head of the queue when its lock
	// ends (deleted, or expired after prolonging).
	Forefront bool
}

func (o *RequestLockOptions) query() (url.Values, error) {
	q := url.Values{}
	if o == nil {
		return q, nil
	}
	if err := checkClientKey(o.ClientKey); err != nil {
		return nil, fmt.Errorf("apify: invalid RequestLockOptions: %w", err)
	}
	if o.ClientKey != "" {
		q.Set("clientKey", o.ClientKey)
	}
	if o.Forefront {
		q.Set("forefront", "true")
	}
	return q, nil
}

// ProlongRequestLock extends the lock on a request the client locked with
// [Client.LockHead] to d from now (whole seconds, rounded up; d > 0) and
// returns when it now expires. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-request-lock-put
func (c *Client) ProlongRequestLock(ctx context.Context, queueID, requestID string, d time.Duration, opts *RequestLockOptions) (time.Time, error) {
	path, err := requestLockPath(queueID, requestID)
	if err != nil {
		return time.Time{}, err
	}
	if d <= 0 {
		return time.Time{}, fmt.Errorf("apify: ProlongRequestLock: the duration %v is not positive", d)
	}
	q, err := opts.query()
	if err != nil {
		return time.Time{}, err
	}
	q.Set("lockSecs", strconv.FormatInt(ceilSeconds(d), 10))
	req, err := c.newRequest(ctx, http.MethodPut, path, q, nil, "")
	if err != nil {
		return time.Time{}, err
	}
	info, err := doJSON[gen.RequestLockInfo](c, req)
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
func (c *Client) DeleteRequestLock(ctx context.Context, queueID, requestID string, opts *RequestLockOptions) error {
	path, err := requestLockPath(queueID, requestID)
	if err != nil {
		return err
	}
	q, err := opts.query()
	if err != nil {
		return err
	}
	req, err := c.newRequest(ctx, http.MethodDelete, path, q, nil, "")
	if err != nil {
		return err
	}
	return c.doDiscard(req)
}

func requestLockPath(queueID, requestID string) (string, error) {
	if strings.TrimSpace(requestID) == "" {
		return "", errors.New("apify: requestID is empty")
	}
	return idPath("request-queues", queueID, "queueID", "requests", url.PathEscape(requestID), "lock")
}
