package apify

import (
	"context"
	"errors"
	"fmt"
	"time"
)

const (
	// defaultAbortWait is how long an abort on cancel waits for a run to
	// stop gracefully: the platform itself force-stops a gracefully
	// aborted run after 30 s.
	defaultAbortWait = 30 * time.Second
	// hardAbortTimeout bounds the immediate abort sent when the graceful
	// one ran over.
	hardAbortTimeout = 10 * time.Second
)

// abortAfterCancel stops the run (rc addresses it by ID) whose caller's ctx ended during a wait
// (cause wraps ctx.Err()): it aborts the run gracefully, waits up to wait
// (0 means 30 s) for it to stop, and aborts it at once if it has not. It
// returns the run as last seen and an error that still wraps cause and
// says what became of the run. It runs on a context detached from ctx's
// cancellation, so that the abort is sent although ctx is done.
func (rc *RunClient) abortAfterCancel(ctx context.Context, last *Run, wait time.Duration, cause error) (*Run, error) {
	runID := rc.id
	if wait == 0 {
		wait = defaultAbortWait
	}
	ctxErr := context.Cause(ctx)
	if ctxErr == nil {
		ctxErr = cause
	}
	detached := context.WithoutCancel(ctx)
	actx, cancel := context.WithTimeout(detached, wait)
	defer cancel()
	run, err := rc.Abort(actx, &AbortOptions{Gracefully: true})
	if err != nil {
		return last, fmt.Errorf("apify: stopped waiting for run %s and could not abort it; it may still be running: %w",
			runID, errors.Join(err, ctxErr))
	}
	if !Finished(run.Status) {
		p := newRunPoll(rc.r, runID, 0, maxWaitForFinish)
		if stopped, _ := p.wait(actx, nil); stopped != nil {
			run = stopped
		}
	}
	if !Finished(run.Status) {
		hctx, hcancel := context.WithTimeout(detached, hardAbortTimeout)
		defer hcancel()
		hard, err := rc.Abort(hctx, nil)
		if err != nil {
			return run, fmt.Errorf("apify: stopped waiting for run %s; it did not stop within %v of a graceful abort and aborting it at once failed: %w",
				runID, wait, errors.Join(err, ctxErr))
		}
		run = hard
	}
	return run, fmt.Errorf("apify: stopped waiting for run %s and aborted it (now %s): %w", runID, run.Status, ctxErr)
}
