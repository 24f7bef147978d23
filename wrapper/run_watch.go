package apify

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// WatchOptions tune [RunClient.Watch]. The zero value (or nil) suits most
// callers.
type WatchOptions struct {
	// Interval is the longest a change of status or status message may go
	// unseen: each poll asks the API to hold the answer up to this long
	// unless the run finishes first, which is seen at once. 0 means 5 s;
	// otherwise 1 s to 60 s, in whole seconds.
	Interval time.Duration
	// NotFoundGrace is as in [WaitOptions].
	NotFoundGrace time.Duration
}

const defaultWatchInterval = 5 * time.Second

// interval validates o (named what in errors) and returns the poll interval.
func (o *WatchOptions) interval(what string) (time.Duration, error) {
	if o == nil || o.Interval == 0 {
		return defaultWatchInterval, nil
	}
	if o.Interval < time.Second || o.Interval > maxWaitForFinish {
		return 0, fmt.Errorf("apify: invalid %s: the Interval %v is out of range 1s..60s (0 means 5s)", what, o.Interval)
	}
	return o.Interval.Truncate(time.Second), nil
}

func (o *WatchOptions) grace() time.Duration {
	if o == nil {
		return notFoundGrace(0)
	}
	return notFoundGrace(o.NotFoundGrace)
}

// notFoundGrace turns an options' NotFoundGrace into the grace to apply.
func notFoundGrace(d time.Duration) time.Duration {
	if d == 0 {
		return defaultNotFoundGrace
	}
	return max(d, 0)
}

// Watch iterates over the states of the run while it runs: it yields the
// run when first seen, then again each time its status or status message
// changes, and ends after yielding the finished run (SUCCEEDED, FAILED,
// TIMED-OUT or ABORTED):
//
//	for run, err := range client.Run(runID).Watch(ctx, nil) {
//		if err != nil {
//			return err
//		}
//		msg, _ := run.StatusMessage.Get()
//		fmt.Println(run.Status, msg)
//	}
//
// It polls the run as [RunClient.Wait] does, but asks the API to hold each
// answer at most opts.Interval, so a change is seen within that time and
// the run's end at once. When ctx ends, the error wrapping ctx.Err() is
// yielded; the run goes on. A last run ([ActorClient.LastRun]) is looked up
// once, and that run is watched. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-get
func (rc *RunClient) Watch(ctx context.Context, opts *WatchOptions) iter.Seq2[*Run, error] {
	every, err := opts.interval("WatchOptions")
	if err != nil {
		return errorSeq2[*Run](err)
	}
	return func(yield func(*Run, error) bool) {
		rc, err := rc.byID(ctx)
		if err != nil {
			yield(nil, err)
			return
		}
		var changed runChanges
		p := &runPoll{r: rc.r, runID: rc.id, grace: opts.grace(), every: every}
		_, err = p.wait(ctx, func(run *Run) bool {
			if !changed.seen(run) {
				return true
			}
			return yield(run, nil)
		})
		if err != nil && !errors.Is(err, errStopWatching) {
			yield(nil, err)
		}
	}
}

// runChanges remembers the last status and status message reported.
type runChanges struct {
	reported      bool
	status        JobStatus
	statusMessage string
}

// seen records run and reports whether it differs from the last one
// recorded (always true for the first).
func (r *runChanges) seen(run *Run) bool {
	msg, _ := run.StatusMessage.Get()
	if r.reported && run.Status == r.status && msg == r.statusMessage {
		return false
	}
	r.reported, r.status, r.statusMessage = true, run.Status, msg
	return true
}

// errStopWatching is returned by runPoll.wait when observe asked to stop.
var errStopWatching = errors.New("apify: stopped watching the run")

// runPoll is the wait loop of runs: [RunClient.Wait], [RunClient.Watch]
// and Call poll a run with it until it finishes.
type runPoll struct {
	r     resource      // the run, by ID
	runID string        // for messages
	grace time.Duration // how long a run not found yet is looked for
	every time.Duration // the longest one poll waits on the server
}

// wait polls the run until it finishes, calling observe (when not nil)
// with every state seen, in order, from the calling goroutine; observe
// returning false stops the wait with errStopWatching. See
// [RunClient.Wait] for what it returns.
func (p *runPoll) wait(ctx context.Context, observe func(*Run) bool) (*Run, error) {
	notFoundTries := int(p.grace / notFoundDelay)
	c := p.r.c
	var last *Run
	for {
		wait := p.every
		if deadline, ok := ctx.Deadline(); ok {
			// Ask the server to answer a little before ctx ends, so the
			// caller gets the latest state rather than a cut request.
			wait = min(wait, time.Until(deadline)-time.Second)
		}
		wait = max(wait, 0).Truncate(time.Second)
		q := url.Values{"waitForFinish": {strconv.Itoa(int(wait / time.Second))}}
		began := time.Now()
		run, err := callResource[Run](c.longPoll(ctx, wait), p.r, http.MethodGet, "", q, nil, "")
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return last, stillRunning(p.runID, last, ctx.Err())
		case last == nil && notFoundTries > 0 && errors.Is(err, ErrNotFound):
			notFoundTries--
			if serr := c.sleep(ctx, notFoundDelay); serr != nil {
				return nil, fmt.Errorf("apify: run %s was not found while waiting for it: %w", p.runID, serr)
			}
			continue
		default:
			return last, err
		}
		last = run
		if observe != nil && !observe(run) {
			return last, errStopWatching
		}
		if Finished(run.Status) {
			return run, nil
		}
		if time.Since(began) < minPollInterval {
			if serr := c.sleep(ctx, minPollInterval); serr != nil {
				return last, stillRunning(p.runID, last, serr)
			}
		}
	}
}
