package apify

import (
	"context"
	"fmt"
	"net/http"
)

// runnable is what Actor and task clients share: runs are started, called
// and run synchronously the same way under /v2/actors/{id} and
// /v2/actor-tasks/{id}.
type runnable struct {
	r    resource
	kind string // "Actor" or "task", for messages
	id   string // as given, for messages
}

// Runnable is an Actor or a task: what [RunSyncItems] runs. [*ActorClient]
// and [*TaskClient] implement it.
type Runnable interface {
	runnableOf() runnable
}

func (x runnable) start(ctx context.Context, input any, opts *RunOptions) (*Run, error) {
	if err := x.r.check(ctx); err != nil {
		return nil, err
	}
	q, err := opts.query("RunOptions", useStart)
	if err != nil {
		return nil, err
	}
	body, ctype, err := encodeInput(input, opts.contentType())
	if err != nil {
		return nil, err
	}
	if opts != nil && opts.WaitForFinish > 0 {
		ctx = x.r.c.longPoll(ctx, opts.WaitForFinish)
	}
	return callResource[Run](ctx, x.r, http.MethodPost, "runs", q, bodyReader(body), ctype)
}

// lastRun is the client of the last run, filtered by opts.
func (x runnable) lastRun(opts []*LastRunOptions) *RunClient {
	r := x.r.child("the last run of "+x.r.desc, "runs", "last")
	o, err := oneOption("LastRun", opts)
	if err != nil && r.err == nil {
		r.err = err
	}
	if o != nil {
		if o.Status != "" {
			r = r.withQuery("status", string(o.Status))
		}
		if o.Origin != "" {
			r = r.withQuery("origin", string(o.Origin))
		}
	}
	return &RunClient{r: r}
}

// LastRunOptions pick which last run of an Actor or task
// [ActorClient.LastRun] and [TaskClient.LastRun] address. The zero value (or
// nil) means the last run, whatever its status and origin.
type LastRunOptions struct {
	// Status restricts to the last run with this status, e.g. [RunSucceeded].
	Status JobStatus
	// Origin restricts to the last run started this way, e.g. [OriginAPI].
	Origin RunOrigin
}

// oneOption returns the single optional options value of a variadic
// parameter (nil when none), or an error naming method when there are more.
func oneOption[T any](method string, opts []*T) (*T, error) {
	switch len(opts) {
	case 0:
		return nil, nil
	case 1:
		return opts[0], nil
	}
	var zero T
	return nil, fmt.Errorf("apify: %s takes at most one %T, got %d", method, &zero, len(opts))
}
