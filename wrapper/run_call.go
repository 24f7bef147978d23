package apify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"
)

// CallOptions tune a call: the run's settings, and what the call does while
// it waits. The zero value (or nil) starts the run with the defaults and
// waits quietly; a call whose ctx ends leaves the run running.
type CallOptions struct {
	RunOptions

	// Log receives the run's log, byte for byte, as it grows (see
	// [LogClient.Follow]). The call returns once the log is complete.
	Log io.Writer
	// Logger, when set, receives the run's log line by line (as a
	// [LogWriter] would log it, with a "runId" attribute) and a record for
	// each change of the run's status or status message, as the JS and
	// Python clients print them. Problems following the log are logged
	// here as warnings (to slog.Default() when Logger is nil); they never
	// fail the call.
	Logger *slog.Logger
	// OnStatus, when set, is called with the run when first seen and each
	// time its status or status message changes, last with the finished
	// run; from the calling goroutine, in order.
	OnStatus func(*Run)
	// StatusInterval is the longest a status change goes unseen by Logger
	// and OnStatus, as WatchOptions.Interval; 0 means 5 s.
	StatusInterval time.Duration

	// AbortOnCancel aborts the run when ctx ends (cancelled or past its
	// deadline) before the run finishes, instead of leaving it running and
	// billing. The abort is graceful (the run gets the "aborting" event and
	// time to save its state); the call then waits up to AbortWait for the
	// run to stop, aborts it at once if it has not, and returns it with an
	// error wrapping ctx's error. A ctx that ends while the start request
	// is still on its way leaves no run ID to abort: the error then says
	// the start failed, and a run may exist.
	AbortOnCancel bool
	// AbortWait bounds the wait after a graceful abort; 0 means 30 s.
	AbortWait time.Duration
}

// validate checks the options that are not the run's settings.
func (o *CallOptions) validate() error {
	var errs []error
	if o.StatusInterval != 0 && (o.StatusInterval < time.Second || o.StatusInterval > maxWaitForFinish) {
		errs = append(errs, fmt.Errorf("the StatusInterval %v is out of range 1s..60s (0 means 5s)", o.StatusInterval))
	}
	if o.StatusInterval != 0 && o.Logger == nil && o.OnStatus == nil {
		errs = append(errs, errors.New("the StatusInterval applies only with a Logger or OnStatus"))
	}
	if o.WaitForFinish != 0 {
		errs = append(errs, errors.New("the WaitForFinish applies to Start only; Call waits on its own"))
	}
	if o.AbortWait < 0 {
		errs = append(errs, fmt.Errorf("the AbortWait %v is negative (0 means 30s)", o.AbortWait))
	}
	if o.AbortWait != 0 && !o.AbortOnCancel {
		errs = append(errs, errors.New("the AbortWait applies only with AbortOnCancel"))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("apify: invalid CallOptions: %w", err)
	}
	return nil
}

// logDrainTimeout bounds how long a call waits, once the run finished, for
// the log follower to write the end of the log.
const logDrainTimeout = 30 * time.Second

// call starts a run of x and sees it through as o asks: the wait of
// [ActorClient.Call] with the log and status forwarded and the abort on
// cancel.
func (x runnable) call(ctx context.Context, input any, o *CallOptions) (*Run, error) {
	if o == nil {
		o = &CallOptions{}
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	run, err := x.start(ctx, input, &o.RunOptions)
	if err != nil {
		return nil, err
	}
	final, err := x.r.c.Run(run.ID).follow(ctx, o)
	if err != nil {
		if final == nil {
			final = run
		}
		return final, err
	}
	if final.Status != RunSucceeded {
		return final, &RunFailedError{Run: final}
	}
	return final, nil
}

// follow waits for the run (rc addresses it by ID), forwarding its log and
// status changes, and aborts it if ctx ends first and o asks for it.
func (rc *RunClient) follow(ctx context.Context, o *CallOptions) (*Run, error) {
	stopLog := rc.forwardLog(ctx, o)
	p := newRunPoll(rc.r, rc.id, defaultNotFoundGrace, maxWaitForFinish)
	var observe func(*Run) bool
	if o.Logger != nil || o.OnStatus != nil {
		p.every = defaultWatchInterval
		if o.StatusInterval != 0 {
			p.every = o.StatusInterval.Truncate(time.Second)
		}
		var changed runChanges
		observe = func(r *Run) bool {
			if changed.seen(r) {
				reportStatus(o, r)
			}
			return true
		}
	}
	final, err := p.wait(ctx, observe)
	if err != nil && o.AbortOnCancel && ctx.Err() != nil {
		final, err = rc.abortAfterCancel(ctx, final, o.AbortWait, err)
		if final != nil && Finished(final.Status) && observe != nil {
			observe(final)
		}
	}
	stopLog(final != nil && Finished(final.Status))
	return final, err
}

// reportStatus tells o's Logger and OnStatus about a run's new state.
func reportStatus(o *CallOptions, run *Run) {
	if o.Logger != nil {
		msg, _ := run.StatusMessage.Get()
		text := string(run.Status)
		if msg != "" {
			text += ": " + msg
		}
		o.Logger.Info(text, slog.String("runId", run.ID), slog.String("status", string(run.Status)), slog.String("statusMessage", msg))
	}
	if o.OnStatus != nil {
		o.OnStatus(run)
	}
}

// forwardLog follows the run's log into o.Log and o.Logger in the
// background. The returned stop waits for the follower: with finished
// true (the run has finished) until it has written the end of the log,
// up to logDrainTimeout; otherwise it stops it at once.
func (rc *RunClient) forwardLog(ctx context.Context, o *CallOptions) (stop func(finished bool)) {
	runID := rc.id
	if o.Log == nil && o.Logger == nil {
		return func(bool) {}
	}
	var lw *LogWriter
	var w io.Writer
	switch {
	case o.Logger != nil && o.Log != nil:
		lw = NewLogWriter(o.Logger, slog.LevelInfo, slog.String("runId", runID))
		w = io.MultiWriter(o.Log, lw)
	case o.Logger != nil:
		lw = NewLogWriter(o.Logger, slog.LevelInfo, slog.String("runId", runID))
		w = lw
	default:
		w = o.Log
	}
	// The log outlives ctx, so that a run aborted on cancel still gets its
	// last lines written; stop ends it.
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := rc.Log().Follow(lctx, w, nil)
		if lw != nil {
			lw.Close()
		}
		if err != nil && lctx.Err() == nil {
			logger := o.Logger
			if logger == nil {
				logger = slog.Default()
			}
			logger.Warn("apify: stopped forwarding the run's log", slog.String("runId", runID), slog.Any("error", err))
		}
	}()
	return func(finished bool) {
		if !finished {
			cancel()
			wg.Wait()
			return
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		timer := time.NewTimer(logDrainTimeout)
		defer timer.Stop()
		select {
		case <-done:
		case <-timer.C:
			cancel()
			<-done
		}
		cancel()
	}
}
