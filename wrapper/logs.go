package apify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/apifygo/apify/gen"
)

// LogOptions tune [Client.FollowRunLog] and [Client.FollowBuildLog].
type LogOptions struct {
	// Raw keeps the log verbatim; by default the API removes ANSI escape
	// codes, keeping only printable characters.
	Raw bool
	// MaxReconnects is how many times in a row the log stream is opened
	// again after it failed (a cut connection, a 5xx answer) without
	// delivering anything new; 0 means 8. A stream that ends cleanly while
	// the job goes on is always opened again.
	MaxReconnects int
}

const defaultMaxReconnects = 8

// FollowRunLog copies a run's log to w as it grows (the API's ?stream=1),
// until the run finishes and its whole log has been written, or ctx ends.
//
// When the stream breaks — a cut connection, a proxy closing a long
// response — FollowRunLog opens it again and skips the bytes it already
// wrote, so w sees every byte once, in order. A run not found at first is
// looked for again for a few seconds, as [Client.WaitForRun] does. After a clean end of stream it
// checks that the run has finished before it returns; if not, it follows on.
// To log line by line through log/slog, pass a [LogWriter]. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-log-get
func (c *Client) FollowRunLog(ctx context.Context, runID string, w io.Writer, opts *LogOptions) error {
	logPath, err := idPath("actor-runs", runID, "runID", "log")
	if err != nil {
		return err
	}
	statusPath, _ := idPath("actor-runs", runID, "runID")
	return c.followLog(ctx, "run "+runID, logPath, statusPath, w, opts)
}

// FollowBuildLog copies an Actor build's log to w as it grows, until the
// build finishes, as [Client.FollowRunLog] does for a run.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-build-log-get
func (c *Client) FollowBuildLog(ctx context.Context, buildID string, w io.Writer, opts *LogOptions) error {
	logPath, err := idPath("actor-builds", buildID, "buildID", "log")
	if err != nil {
		return err
	}
	statusPath, _ := idPath("actor-builds", buildID, "buildID")
	return c.followLog(ctx, "build "+buildID, logPath, statusPath, w, opts)
}

// jobStatus is the part of a run or build the log follower needs.
type jobStatus struct {
	Status gen.ActorJobStatus `json:"status"`
}

// followLog streams the log at logPath to w until the job at statusPath has
// finished and its log is complete.
func (c *Client) followLog(ctx context.Context, what, logPath, statusPath string, w io.Writer, opts *LogOptions) error {
	if w == nil {
		return errors.New("apify: the io.Writer for the log is nil")
	}
	maxReconnects := defaultMaxReconnects
	q := url.Values{}
	if opts != nil {
		if opts.MaxReconnects < 0 {
			return fmt.Errorf("apify: invalid LogOptions: the MaxReconnects %d is negative", opts.MaxReconnects)
		}
		if opts.MaxReconnects > 0 {
			maxReconnects = opts.MaxReconnects
		}
		if opts.Raw {
			q.Set("raw", "1")
		}
	}
	f := &logFollower{c: c, w: w, path: logPath, query: q}
	failures, quiet := 0, 0
	notFoundTries := int(defaultNotFoundGrace / notFoundDelay)
	for {
		before := f.written
		err := f.copy(ctx, true)
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
			done, serr := c.jobFinished(ctx, statusPath)
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

// jobFinished reports whether the run or build at path has finished.
func (c *Client) jobFinished(ctx context.Context, path string) (bool, error) {
	req, err := c.newRequest(ctx, http.MethodGet, path, nil, nil, "")
	if err != nil {
		return false, err
	}
	job, err := doJSON[jobStatus](c, req)
	if err != nil {
		return false, err
	}
	return terminalStatus(job.Status), nil
}

// logFollower writes a log to w, once per byte across reconnects.
type logFollower struct {
	c        *Client
	w        io.Writer
	path     string
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
	if stream {
		q.Set("stream", "1")
		ctx = withAttemptTimeout(ctx, 0) // the answer lasts as long as the job
	}
	req, err := f.c.newRequest(ctx, http.MethodGet, f.path, q, nil, "")
	if err != nil {
		return err
	}
	resp, err := f.c.do(req)
	if err != nil {
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
			return rerr
		}
	}
}
