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

// job is what the wait loop polls: a run or a build.
type job interface{ Run | Build }

// statusOf is the status of a run or a build.
func statusOf[T job](v *T) JobStatus {
	switch v := any(v).(type) {
	case *Run:
		return v.Status
	case *Build:
		return v.Status
	}
	return ""
}

// jobPoll is the wait loop of runs and builds: [RunClient.Wait],
// [RunClient.Watch], [ActorClient.Call], [BuildClient.Wait] and the wait
// after an abort on cancel. It long-polls the job with waitForFinish.
type jobPoll[T job] struct {
	r     resource      // the job, by ID
	kind  string        // "run" or "build", for messages
	id    string        // for messages
	grace time.Duration // how long a job not found yet is looked for
	every time.Duration // the longest one poll waits on the server
}

// runPoll is the wait loop of runs.
type runPoll = jobPoll[Run]

// newRunPoll is the wait loop of the run r (addressed by ID).
func newRunPoll(r resource, id string, grace, every time.Duration) *runPoll {
	return &runPoll{r: r, kind: "run", id: id, grace: grace, every: every}
}

// wait polls the job until it finishes, calling observe (when not nil)
// with every state seen, in order, from the calling goroutine; observe
// returning false stops the wait with errStopWatching. See
// [RunClient.Wait] for what it returns.
func (p *jobPoll[T]) wait(ctx context.Context, observe func(*T) bool) (*T, error) {
	notFoundTries := int(p.grace / notFoundDelay)
	c := p.r.c
	var last *T
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
		v, err := callResource[T](c.longPoll(ctx, wait), p.r, http.MethodGet, "", q, nil, "")
		switch {
		case err == nil:
		case ctx.Err() != nil:
			return last, p.stillGoing(last, ctx.Err())
		case last == nil && notFoundTries > 0 && errors.Is(err, ErrNotFound):
			notFoundTries--
			if serr := c.sleep(ctx, notFoundDelay); serr != nil {
				return nil, fmt.Errorf("apify: %s %s was not found while waiting for it: %w", p.kind, p.id, serr)
			}
			continue
		default:
			return last, err
		}
		if statusOf(v) == "" {
			// Polling it again would loop until ctx ends: an answer without
			// a status (an empty object) tells nothing about the job.
			return last, fmt.Errorf("apify: waiting for %s %s: %w: the answer has no status", p.kind, p.id, ErrUnexpectedResponse)
		}
		last = v
		if observe != nil && !observe(v) {
			return last, errStopWatching
		}
		if Finished(statusOf(v)) {
			return v, nil
		}
		if time.Since(began) < minPollInterval {
			if serr := c.sleep(ctx, minPollInterval); serr != nil {
				return last, p.stillGoing(last, serr)
			}
		}
	}
}

// stillGoing is the error of a wait that ctx ended.
func (p *jobPoll[T]) stillGoing(last *T, cause error) error {
	if last == nil {
		return fmt.Errorf("apify: stopped waiting for %s %s before it was seen: %w", p.kind, p.id, cause)
	}
	return fmt.Errorf("apify: stopped waiting for %s %s, still %s; it goes on (wait for it again, or abort it): %w",
		p.kind, p.id, statusOf(last), cause)
}
