package apify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// WaitOptions tune [RunClient.Wait]. The zero value (or nil) suits most
// callers.
type WaitOptions struct {
	// NotFoundGrace is how long a run that is not found yet is looked for
	// again: right after a start, the API may not know a new run for a
	// moment. 0 means 3 s; a negative value turns the grace off. It applies
	// only until the run has been seen once.
	NotFoundGrace time.Duration
}

const (
	defaultNotFoundGrace = 3 * time.Second
	// notFoundDelay is the pause before looking again for a run not found.
	notFoundDelay = 250 * time.Millisecond
	// minPollInterval is the least time between two polls of a run that is
	// still going when the server answered before waitForFinish ran out.
	minPollInterval = time.Second
)

// Wait waits until the run finishes and returns it. It long-polls the run
// with waitForFinish (at most 60 s per request, less when ctx's deadline is
// nearer), for as long as ctx allows: there is no other time limit. A last
// run ([ActorClient.LastRun]) is looked up once, and that run is waited for.
//
// Any final status — SUCCEEDED, FAILED, TIMED-OUT or ABORTED — comes back
// with a nil error; check run.Status (or use [ActorClient.Call], which turns
// a failure into a [*RunFailedError]). When ctx ends first, Wait returns the
// run as last seen (nil if never seen) and an error that wraps ctx.Err() and
// says the run is still going. A run the API does not know is looked for
// again for a short while (see [WaitOptions]), since a run just started may
// not be visible at once; after that, the [ErrNotFound] error is returned.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-get
func (rc *RunClient) Wait(ctx context.Context, opts *WaitOptions) (*Run, error) {
	rc, err := rc.byID(ctx)
	if err != nil {
		return nil, err
	}
	runID := rc.id
	grace := defaultNotFoundGrace
	if opts != nil && opts.NotFoundGrace != 0 {
		grace = max(opts.NotFoundGrace, 0)
	}
	notFoundTries := int(grace / notFoundDelay)

	var last *Run
	for {
		wait := maxWaitForFinish
		if deadline, ok := ctx.Deadline(); ok {
			// Ask the server to answer a little before ctx ends, so the
			// caller gets the latest state rather than a cut request.
			wait = min(wait, time.Until(deadline)-time.Second)
		}
		wait = max(wait, 0).Truncate(time.Second)
		q := url.Values{"waitForFinish": {strconv.Itoa(int(wait / time.Second))}}
		began := time.Now()
		run, err := callResource[Run](rc.r.c.longPoll(ctx, wait), rc.r, http.MethodGet, "", q, nil, "")
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return last, stillRunning(runID, last, ctx.Err())
		case last == nil && notFoundTries > 0 && errors.Is(err, ErrNotFound):
			notFoundTries--
			if serr := rc.r.c.sleep(ctx, notFoundDelay); serr != nil {
				return nil, fmt.Errorf("apify: run %s was not found while waiting for it: %w", runID, serr)
			}
			continue
		default:
			return last, err
		}
		last = run
		if Finished(run.Status) {
			return run, nil
		}
		if time.Since(began) < minPollInterval {
			if serr := rc.r.c.sleep(ctx, minPollInterval); serr != nil {
				return last, stillRunning(runID, last, serr)
			}
		}
	}
}

// stillRunning is the error of a wait that ctx ended.
func stillRunning(runID string, last *Run, cause error) error {
	if last == nil {
		return fmt.Errorf("apify: stopped waiting for run %s before it was seen: %w", runID, cause)
	}
	return fmt.Errorf("apify: stopped waiting for run %s, still %s; it goes on (wait for it again, or abort it): %w",
		runID, last.Status, cause)
}
