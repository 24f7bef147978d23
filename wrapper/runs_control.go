package apify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/apifygo/apify/gen"
)

// AbortOptions tune [RunClient.Abort].
type AbortOptions struct {
	// Gracefully sends the run the "aborting" and "persistState" events and
	// force-stops it only after 30 s, so it can save its state (useful
	// before a resurrection).
	Gracefully bool
}

// Abort aborts the run and returns it (ABORTING or ABORTED; a run that had
// already finished comes back unchanged). opts may be nil for an immediate
// abort. Aborting is safe to repeat, so failed attempts are retried.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-abort-post
func (rc *RunClient) Abort(ctx context.Context, opts *AbortOptions) (*Run, error) {
	if err := rc.r.check(ctx); err != nil {
		return nil, err
	}
	q := url.Values{}
	if opts != nil && opts.Gracefully {
		q.Set("gracefully", "true")
	}
	return callResource[Run](markIdempotent(ctx), rc.r, http.MethodPost, "abort", q, nil, "")
}

// Resurrect restarts a finished run (FAILED, ABORTED, TIMED-OUT or even
// SUCCEEDED) in its same storages and returns it. opts may be nil, which
// keeps the settings of the original run; otherwise only Build, MemoryMB,
// Timeout, MaxItems, MaxTotalChargeUSD and RestartOnError may be set.
//
// Apify API docs: https://docs.apify.com/api/v2/post-resurrect-run
func (rc *RunClient) Resurrect(ctx context.Context, opts *RunOptions) (*Run, error) {
	q, err := opts.query("RunOptions of Resurrect", useResurrect)
	if err != nil {
		return nil, err
	}
	run, err := rc.byID(ctx)
	if err != nil {
		return nil, err
	}
	return callResource[Run](ctx, run.r, http.MethodPost, "resurrect", q, nil, "")
}

// Reboot restarts the container of a RUNNING run, keeping its storages, and
// returns the run.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-reboot-post
func (rc *RunClient) Reboot(ctx context.Context) (*Run, error) {
	return callResource[Run](ctx, rc.r, http.MethodPost, "reboot", nil, nil, "")
}

// MetamorphOptions tune [RunClient.Metamorph].
type MetamorphOptions struct {
	// Build is the build tag or number of the target Actor.
	Build string
	// ContentType is the media type of an input given as []byte.
	ContentType string
}

// Metamorph turns a RUNNING run into a run of another Actor, which starts
// with input (as in [ActorClient.Start]: nil, raw bytes or a value encoded
// as JSON) in the same storages, and returns the run. It is usually called
// by the run itself. targetActorID is an Actor ID or "username/actor-name".
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-metamorph-post
func (rc *RunClient) Metamorph(ctx context.Context, targetActorID string, input any, opts *MetamorphOptions) (*Run, error) {
	if err := rc.r.check(ctx); err != nil {
		return nil, err
	}
	target, err := resourceID("targetActorID", targetActorID)
	if err != nil {
		return nil, err
	}
	target, _ = url.PathUnescape(target) // a query value, escaped by Encode
	q := url.Values{"targetActorId": {target}}
	ctype := ""
	if opts != nil {
		setQueryString(q, "build", opts.Build)
		ctype = opts.ContentType
	}
	body, ctype, err := encodeInput(input, ctype)
	if err != nil {
		return nil, err
	}
	return callResource[Run](ctx, rc.r, http.MethodPost, "metamorph", q, bodyReader(body), ctype)
}

// ChargeOptions tune [RunClient.Charge].
type ChargeOptions struct {
	// IdempotencyKey identifies this charge, so that the API charges it once
	// however often it is sent. Empty means a new key
	// "<runID>-<eventName>-<unix ms>-<random>" made once per call.
	IdempotencyKey string
}

// Charge charges count events named eventName in a pay-per-event run.
// count must be at least 1; opts may be nil.
//
// The charge carries one idempotency key (the Idempotency-Key header), the
// same on every attempt, so the client retries it after any failure without
// risking a double charge.
//
// Apify API docs: https://docs.apify.com/api/v2/post-charge-run
func (rc *RunClient) Charge(ctx context.Context, eventName string, count int, opts *ChargeOptions) error {
	if err := rc.r.check(ctx); err != nil {
		return err
	}
	if strings.TrimSpace(eventName) == "" {
		return errors.New("apify: Charge: eventName is empty")
	}
	if count < 1 {
		return fmt.Errorf("apify: Charge: count is %d, want at least 1", count)
	}
	run, err := rc.byID(ctx)
	if err != nil {
		return err
	}
	key := ""
	if opts != nil {
		key = opts.IdempotencyKey
	}
	if key == "" {
		key = newIdempotencyKey(run.id, eventName)
	}
	body, err := json.Marshal(gen.ChargeRunRequest{EventName: eventName, Count: count})
	if err != nil {
		return fmt.Errorf("apify: Charge: %w", err)
	}
	req, err := run.r.request(ctx, http.MethodPost, "charge", nil, bodyReader(body), "application/json")
	if err != nil {
		return err
	}
	req.Header.Set("Idempotency-Key", key)
	return rc.r.c.doDiscard(req)
}

// newIdempotencyKey returns "<runID>-<eventName>-<unix ms>-<random hex>".
func newIdempotencyKey(runID, eventName string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return runID + "-" + eventName + "-" + strconv.FormatInt(time.Now().UnixMilli(), 10) + "-" + hex.EncodeToString(b[:])
}

// doDiscard sends req and discards a successful answer's body.
func (c *Client) doDiscard(req *http.Request) error {
	resp, err := c.do(req)
	if err != nil {
		return err
	}
	discard(resp)
	return nil
}
