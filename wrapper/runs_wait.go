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

// WaitOptions tune [Client.WaitForRun]. The zero value (or nil) suits most
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

// WaitForRun waits until a run finishes and returns it. It long-polls the
// run with waitForFinish (at most 60 s per request, less when ctx's deadline
// is nearer), for as long as ctx allows: there is no other time limit.
//
// Any final status — SUCCEEDED, FAILED, TIMED-OUT or ABORTED — comes back
// with a nil error; check run.Status (or use [Client.CallActor], which turns
// a failure into a [*RunFailedError]). When ctx ends first, WaitForRun
// returns the run as last seen (nil if never seen) and an error that wraps
// ctx.Err() and says the run is still going. A run the API does not know is
// looked for again for a short while (see [WaitOptions]), since a run just
// started may not be visible at once; after that, the [ErrNotFound] error is
// returned.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-get
func (c *Client) WaitForRun(ctx context.Context, runID string, opts *WaitOptions) (*gen.Run, error) {
	path, err := idPath("actor-runs", runID, "runID")
	if err != nil {
		return nil, err
	}
	grace := defaultNotFoundGrace
	if opts != nil && opts.NotFoundGrace != 0 {
		grace = max(opts.NotFoundGrace, 0)
	}
	notFoundTries := int(grace / notFoundDelay)

	var last *gen.Run
	for {
		wait := maxWaitForFinish
		if deadline, ok := ctx.Deadline(); ok {
			// Ask the server to answer a little before ctx ends, so the
			// caller gets the latest state rather than a cut request.
			wait = min(wait, time.Until(deadline)-time.Second)
		}
		wait = max(wait, 0).Truncate(time.Second)
		q := url.Values{"waitForFinish": {strconv.Itoa(int(wait / time.Second))}}
		req, err := c.newRequest(c.longPoll(ctx, wait), http.MethodGet, path, q, nil, "")
		if err != nil {
			return nil, err
		}
		began := time.Now()
		run, err := doJSON[gen.Run](c, req)
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return last, stillRunning(runID, last, ctx.Err())
		case last == nil && notFoundTries > 0 && errors.Is(err, ErrNotFound):
			notFoundTries--
			if serr := c.sleep(ctx, notFoundDelay); serr != nil {
				return nil, fmt.Errorf("apify: run %s was not found while waiting for it: %w", runID, serr)
			}
			continue
		default:
			return last, err
		}
		last = run
		if terminalStatus(run.Status) {
			return run, nil
		}
		if time.Since(began) < minPollInterval {
			if serr := c.sleep(ctx, minPollInterval); serr != nil {
				return last, stillRunning(runID, last, serr)
			}
		}
	}
}

// terminalStatus reports whether a run or build has finished.
func terminalStatus(s gen.ActorJobStatus) bool {
	switch s {
	case gen.ActorJobStatusSUCCEEDED, gen.ActorJobStatusFAILED, gen.ActorJobStatusTIMEDOUT, gen.ActorJobStatusABORTED:
		return true
	}
	return false
}

// stillRunning is the error of a wait that ctx ended.
func stillRunning(runID string, last *gen.Run, cause error) error {
	if last == nil {
		return fmt.Errorf("apify: stopped waiting for run %s before it was seen: %w", runID, cause)
	}
	return fmt.Errorf("apify: stopped waiting for run %s, still %s; it goes on (wait again with WaitForRun or abort it with AbortRun): %w",
		runID, last.Status, cause)
}
