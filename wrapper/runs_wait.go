package apify

import (
	"context"
	"errors"
	"fmt"
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
	// AbortOnCancel aborts the run when ctx ends before it finishes,
	// instead of leaving it running (and billing), as
	// CallOptions.AbortOnCancel does.
	AbortOnCancel bool
	// AbortWait bounds how long, after ctx ended, AbortOnCancel waits for
	// the run to stop after a graceful abort; a run still going then is
	// aborted at once. 0 means 30 s.
	AbortWait time.Duration
}

func (o *WaitOptions) validate() error {
	if o.AbortWait < 0 {
		return fmt.Errorf("apify: invalid WaitOptions: the AbortWait %v is negative (0 means 30s)", o.AbortWait)
	}
	if o.AbortWait != 0 && !o.AbortOnCancel {
		return errors.New("apify: invalid WaitOptions: the AbortWait applies only with AbortOnCancel")
	}
	return nil
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
// says the run is still going, unless opts.AbortOnCancel asks to abort it
// (see [CallOptions]). A run the API does not know is looked for
// again for a short while (see [WaitOptions]), since a run just started may
// not be visible at once; after that, the [ErrNotFound] error is returned.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-get
func (rc *RunClient) Wait(ctx context.Context, opts *WaitOptions) (*Run, error) {
	rc, err := rc.byID(ctx)
	if err != nil {
		return nil, err
	}
	var o WaitOptions
	if opts != nil {
		o = *opts
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	p := newRunPoll(rc.r, rc.id, notFoundGrace(o.NotFoundGrace), maxWaitForFinish)
	run, err := p.wait(ctx, nil)
	if err != nil && o.AbortOnCancel && ctx.Err() != nil {
		return rc.abortAfterCancel(ctx, run, o.AbortWait, err)
	}
	return run, err
}
