package apify

import (
	"context"
	"errors"
	"fmt"
	"iter"
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
		p := newRunPoll(rc.r, rc.id, opts.grace(), every)
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
