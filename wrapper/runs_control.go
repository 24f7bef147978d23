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

// AbortOptions tune [Client.AbortRun].
type AbortOptions struct {
	// Gracefully sends the run the "aborting" and "persistState" events and
	// force-stops it only after 30 s, so it can save its state (useful
	// before ResurrectRun).
	Gracefully bool
}

// AbortRun aborts a run and returns it (ABORTING or ABORTED; a run that had
// already finished comes back unchanged). opts may be nil for an immediate
// abort. Aborting is safe to repeat, so failed attempts are retried.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-abort-post
func (c *Client) AbortRun(ctx context.Context, runID string, opts *AbortOptions) (*gen.Run, error) {
	path, err := idPath("actor-runs", runID, "runID", "abort")
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if opts != nil && opts.Gracefully {
		q.Set("gracefully", "true")
	}
	return callJSON[gen.Run](markIdempotent(ctx), c, http.MethodPost, path, q, nil, "")
}

// ResurrectOptions override the settings a resurrected run starts again
// with; by default it keeps those of the original run.
type ResurrectOptions struct {
	// Build is the build tag or number to run.
	Build string
	// MemoryMbytes is the memory in megabytes: a power of two, at least 128.
	MemoryMbytes int
	// Timeout bounds the resurrected run, sent in whole seconds (rounded up).
	Timeout time.Duration
	// MaxItems caps the dataset items charged for pay-per-result Actors.
	MaxItems int
	// MaxTotalChargeUSD caps the total cost of the run in US dollars.
	MaxTotalChargeUSD float64
	// RestartOnError restarts the run when it fails; nil keeps the setting.
	RestartOnError *bool
}

// ResurrectRun restarts a finished run (FAILED, ABORTED, TIMED-OUT or even
// SUCCEEDED) in its same storages and returns it. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/post-resurrect-run
func (c *Client) ResurrectRun(ctx context.Context, runID string, opts *ResurrectOptions) (*gen.Run, error) {
	path, err := idPath("actor-runs", runID, "runID", "resurrect")
	if err != nil {
		return nil, err
	}
	var ro RunOptions
	if opts != nil {
		ro = RunOptions{Build: opts.Build, MemoryMbytes: opts.MemoryMbytes, Timeout: opts.Timeout,
			MaxItems: opts.MaxItems, MaxTotalChargeUSD: opts.MaxTotalChargeUSD, RestartOnError: opts.RestartOnError}
	}
	q, err := ro.query("ResurrectOptions", false)
	if err != nil {
		return nil, err
	}
	return callJSON[gen.Run](ctx, c, http.MethodPost, path, q, nil, "")
}

// RebootRun restarts the container of a RUNNING run, keeping its storages,
// and returns the run.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-reboot-post
func (c *Client) RebootRun(ctx context.Context, runID string) (*gen.Run, error) {
	path, err := idPath("actor-runs", runID, "runID", "reboot")
	if err != nil {
		return nil, err
	}
	return callJSON[gen.Run](ctx, c, http.MethodPost, path, nil, nil, "")
}

// MetamorphOptions tune [Client.MetamorphRun].
type MetamorphOptions struct {
	// Build is the build tag or number of the target Actor.
	Build string
	// ContentType is the media type of an input given as []byte.
	ContentType string
}

// MetamorphRun turns a RUNNING run into a run of another Actor, which
// starts with input (as in [Client.StartActor]: nil, raw bytes or a value
// encoded as JSON) in the same storages, and returns the run. It is usually
// called by the run itself. targetActorID is an Actor ID or
// "username~actor-name".
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-metamorph-post
func (c *Client) MetamorphRun(ctx context.Context, runID, targetActorID string, input any, opts *MetamorphOptions) (*gen.Run, error) {
	path, err := idPath("actor-runs", runID, "runID", "metamorph")
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(targetActorID) == "" {
		return nil, errors.New("apify: targetActorID is empty")
	}
	q := url.Values{"targetActorId": {strings.Replace(targetActorID, "/", "~", 1)}}
	ctype := ""
	if opts != nil {
		if opts.Build != "" {
			q.Set("build", opts.Build)
		}
		ctype = opts.ContentType
	}
	body, ctype, err := encodeInput(input, ctype)
	if err != nil {
		return nil, err
	}
	return callJSON[gen.Run](ctx, c, http.MethodPost, path, q, bodyReader(body), ctype)
}

// ChargeOptions tune [Client.ChargeRun].
type ChargeOptions struct {
	// IdempotencyKey identifies this charge, so that the API charges it once
	// however often it is sent. Empty means a new key
	// "<runID>-<eventName>-<unix ms>-<random>" made once per call.
	IdempotencyKey string
}

// ChargeRun charges count events named eventName in a pay-per-event run.
// count must be at least 1; opts may be nil.
//
// The charge carries one idempotency key (the Idempotency-Key header), the
// same on every attempt, so the client retries it after any failure without
// risking a double charge.
//
// Apify API docs: https://docs.apify.com/api/v2/post-charge-run
func (c *Client) ChargeRun(ctx context.Context, runID, eventName string, count int, opts *ChargeOptions) error {
	path, err := idPath("actor-runs", runID, "runID", "charge")
	if err != nil {
		return err
	}
	if strings.TrimSpace(eventName) == "" {
		return errors.New("apify: ChargeRun: eventName is empty")
	}
	if count < 1 {
		return fmt.Errorf("apify: ChargeRun: count is %d, want at least 1", count)
	}
	key := ""
	if opts != nil {
		key = opts.IdempotencyKey
	}
	if key == "" {
		key = newIdempotencyKey(runID, eventName)
	}
	body, err := json.Marshal(gen.ChargeRunRequest{EventName: eventName, Count: count})
	if err != nil {
		return fmt.Errorf("apify: ChargeRun: %w", err)
	}
	req, err := c.newRequest(ctx, http.MethodPost, path, nil, bodyReader(body), "application/json")
	if err != nil {
		return err
	}
	req.Header.Set("Idempotency-Key", key)
	return c.doDiscard(req)
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
