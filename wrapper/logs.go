package apify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// LogOptions tune [LogClient.Follow].
type LogOptions struct {
	// Raw keeps the log verbatim; by default the API removes ANSI escape
	// codes, keeping only printable characters.
	Raw bool
	// MaxReconnects is how many times in a row the log stream is opened
	// again after it failed (a cut connection, a 5xx answer) without
	// delivering anything new; 0 means 8. A stream that ends cleanly while
	// the job goes on is always opened again.
	MaxReconnects int
	// IdleTimeout is how often the job's status is checked while the
	// stream is open; 0 means 30 s. Once the job has finished, a stream that
	// delivered nothing for a whole period ends, and so does one still
	// trickling a period later: a stream of a finished job is held at most
	// about 2×IdleTimeout (plus one request for the end of the log).
	IdleTimeout time.Duration
}

const defaultLogIdleTimeout = 30 * time.Second

// errStalledFinished ends a log stream that delivered nothing for the idle
// timeout while its job had finished.
var errStalledFinished = errors.New("the log stream stalled after the job finished")

const defaultMaxReconnects = 8

// LogClient addresses the log of a run or build: [RunClient.Log],
// [BuildClient.Log], or [Client.Log] for either by ID. It does no I/O until
// a method is called.
type LogClient struct {
	r resource
	// jobs are the run or build whose status tells whether the log is
	// complete; for a log by ID, the run and the build of that ID, tried in
	// turn.
	jobs []resource
}

// Log returns the client of the log of the run or build with the given ID.
//
// Apify API docs: https://docs.apify.com/api/v2/log-get
func (c *Client) Log(id string) *LogClient {
	r := c.newResource("logs", "log", "buildOrRunID", id)
	return &LogClient{r: r, jobs: []resource{
		c.newResource("actor-runs", "run", "buildOrRunID", id),
		c.newResource("actor-builds", "build", "buildOrRunID", id),
	}}
}

// Get returns the whole log as it is now.
//
// Apify API docs: https://docs.apify.com/api/v2/log-get
func (l *LogClient) Get(ctx context.Context) (string, error) {
	resp, err := l.r.send(withBufferedBody(ctx), http.MethodGet, "", nil, nil, "")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body) // already in memory
	if err != nil {
		return "", responseError(resp, err)
	}
	return string(b), nil
}

// Follow copies the log to w as it grows (the API's ?stream=1), until the
// run or build finishes and its whole log has been written, or ctx ends.
//
// When the stream breaks — a cut connection, a proxy closing a long
// response — Follow opens it again and skips the bytes it already wrote, so
// w sees every byte once, in order. A job not found at first is looked for
// again for a few seconds, as [RunClient.Wait] does. After a clean end of
// stream it checks that the job has finished before it returns; if not, it
// follows on. While the stream is open, Follow checks the job's status every
// LogOptions.IdleTimeout (30 s by default); once the job has finished and
// the stream stalls (or trickles on for another period), Follow reads the
// finished log once more and returns: a stream cannot hold it past about
// 2×IdleTimeout after the job ended.
// To log line by line through log/slog, pass a [LogWriter].
// opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-log-get
func (l *LogClient) Follow(ctx context.Context, w io.Writer, opts *LogOptions) error {
	if err := l.r.check(ctx); err != nil {
		return err
	}
	return l.follow(ctx, w, opts)
}

// jobStatus is the part of a run or build the log follower needs.
type jobStatus struct {
	Status JobStatus `json:"status"`
}

// follow streams the log to w until the job (one of l.jobs) has finished
// and its log is complete.
func (l *LogClient) follow(ctx context.Context, w io.Writer, opts *LogOptions) error {
	c, what, log, jobs := l.r.c, l.r.desc, l.r, l.jobs
	if w == nil {
		return errors.New("apify: the io.Writer for the log is nil")
	}
	maxReconnects := defaultMaxReconnects
	idle := defaultLogIdleTimeout
	q := url.Values{}
	if opts != nil {
		if opts.MaxReconnects < 0 {
			return fmt.Errorf("apify: invalid LogOptions: the MaxReconnects %d is negative", opts.MaxReconnects)
		}
		if opts.IdleTimeout < 0 {
			return fmt.Errorf("apify: invalid LogOptions: the IdleTimeout %v is negative", opts.IdleTimeout)
		}
		if opts.IdleTimeout > 0 {
			idle = opts.IdleTimeout
		}
		if opts.MaxReconnects > 0 {
			maxReconnects = opts.MaxReconnects
		}
		if opts.Raw {
			q.Set("raw", "1")
		}
	}
	f := &logFollower{log: log, jobs: jobs, idle: idle, w: w, query: q}
	failures, quiet := 0, 0
	notFoundTries := int(defaultNotFoundGrace / notFoundDelay)
	for {
		before := f.written
		err := f.copy(ctx, true)
		if errors.Is(err, errStalledFinished) && ctx.Err() == nil {
			err = nil // as a clean end: the finished log is read once more below
		}
		if err != nil && f.written == 0 && notFoundTries > 0 && errors.Is(err, ErrNotFound) && ctx.Err() == nil {
			// A job just started may not be visible at once.
			notFoundTries--
			if serr := c.sleep(ctx, notFoundDelay); serr != nil {
				return fmt.Errorf("apify: following the log of %s: %w", what, serr)
			}
			continue
		}
		switch {
		case ctx.Err() != nil:
			return fmt.Errorf("apify: following the log of %s: stopped after %d bytes: %w", what, f.written, ctx.Err())
		case f.writeErr != nil:
			return fmt.Errorf("apify: writing the log of %s after %d bytes: %w", what, f.written, f.writeErr)
		case err != nil && !retryableLogError(err):
			return fmt.Errorf("apify: following the log of %s: %w", what, err)
		}
		progress := f.written > before
		var delay time.Duration
		if err == nil {
			// A clean end: the job finished, or something between us and
			// the API closed a long answer.
			done, serr := jobFinished(ctx, jobs)
			if serr != nil {
				return fmt.Errorf("apify: following the log of %s: checking whether it finished: %w", what, serr)
			}
			if done {
				// The stream may have ended before the last lines: read the
				// finished log once more and write what is new.
				if err := f.copy(ctx, false); err != nil {
					if f.writeErr != nil {
						err = f.writeErr
					}
					return fmt.Errorf("apify: reading the end of the log of %s: %w", what, err)
				}
				return nil
			}
			failures = 0
			if progress {
				quiet = 0
				continue
			}
			delay = min(time.Second<<min(quiet, 4), 10*time.Second)
			quiet++
		} else {
			if progress {
				failures = 0
				continue
			}
			failures++
			if failures > maxReconnects {
				return fmt.Errorf("apify: following the log of %s: gave up after %d attempts in a row without new output: %w", what, failures, err)
			}
			delay = min(DefaultInitialDelay<<(failures-1), 10*time.Second)
		}
		if err := c.sleep(ctx, delay); err != nil {
			return fmt.Errorf("apify: following the log of %s: stopped after %d bytes: %w", what, f.written, err)
		}
	}
}

// retryableLogError reports whether a failure to read the log stream is
// worth opening it again: broken connections and server errors are; answers
// such as 404 or 401 are not.
func retryableLogError(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode == http.StatusTooManyRequests || apiErr.StatusCode >= 500
	}
	return true
}

// jobFinished reports whether the run or build has finished, asking each
// of jobs in turn until one is found.
func jobFinished(ctx context.Context, jobs []resource) (bool, error) {
	var err error
	for _, r := range jobs {
		var job *jobStatus
		job, err = getResource[jobStatus](ctx, r)
		if err == nil {
			return Finished(job.Status), nil
		}
		if !errors.Is(err, ErrNotFound) {
			break
		}
	}
	return false, err
}

// logFollower writes a log to w, once per byte across reconnects.
type logFollower struct {
	log      resource
	jobs     []resource    // where the job's status is read
	idle     time.Duration // how long a stream may deliver nothing
	w        io.Writer
	query    url.Values
	written  int64 // bytes of the log already written to w
	writeErr error
}

// copy reads the log (streaming or whole) and writes what lies beyond the
// bytes already written.
func (f *logFollower) copy(ctx context.Context, stream bool) error {
	q := url.Values{}
	for k, v := range f.query {
		q[k] = v
	}
	var progress chan struct{}
	if stream {
		q.Set("stream", "1")
		ctx = withAttemptTimeout(ctx, 0) // the answer lasts as long as the job
		var cancel context.CancelCauseFunc
		ctx, cancel = context.WithCancelCause(ctx)
		progress = make(chan struct{}, 1)
		watched := make(chan struct{})
		go f.watch(ctx, cancel, progress, watched)
		defer func() {
			cancel(nil)
			<-watched
		}()
	}
	resp, err := f.log.send(ctx, http.MethodGet, "", q, nil, "")
	if err != nil {
		if errors.Is(context.Cause(ctx), errStalledFinished) {
			return errStalledFinished
		}
		return err
	}
	defer resp.Body.Close()
	// The API sends the log from its start: skip what was written before.
	if _, err := io.CopyN(io.Discard, resp.Body, f.written); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // nothing new yet (or the log is shorter than before)
		}
		return err
	}
	buf := make([]byte, 32<<10)
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 && progress != nil {
			select {
			case progress <- struct{}{}:
			default:
			}
		}
		if n > 0 {
			m, werr := f.w.Write(buf[:n])
			f.written += int64(m)
			if werr == nil && m < n {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				f.writeErr = werr
				return werr
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			if errors.Is(context.Cause(ctx), errStalledFinished) {
				return errStalledFinished
			}
			return rerr
		}
	}
}

// watch is the timer of one log stream: every f.idle it checks the job's
// status, and ends the stream (cancel with errStalledFinished) once the job
// has finished and the stream delivered nothing for a whole period, or was
// already finished one period before (a stream that trickles on after its
// job ended). It returns when ctx ends, closing done.
func (f *logFollower) watch(ctx context.Context, cancel context.CancelCauseFunc, progress <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	finishedBefore := false
	for {
		if waitTimer(ctx, f.log.c.cfg.newIdleTimer, f.idle) != nil {
			return
		}
		quiet := true
		select {
		case <-progress:
			quiet = false // bytes arrived during the period
		default:
		}
		finished, err := jobFinished(ctx, f.jobs)
		if err == nil && finished && (quiet || finishedBefore) {
			cancel(errStalledFinished)
			return
		}
		finishedBefore = err == nil && finished
	}
}
