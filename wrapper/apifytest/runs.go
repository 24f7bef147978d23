package apifytest

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"
)

// Run statuses, as the API names them.
const (
	StatusReady     = "READY"
	StatusRunning   = "RUNNING"
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimingOut = "TIMING-OUT"
	StatusTimedOut  = "TIMED-OUT"
	StatusAborting  = "ABORTING"
	StatusAborted   = "ABORTED"
)

var runStatuses = []string{StatusReady, StatusRunning, StatusSucceeded, StatusFailed, StatusTimingOut, StatusTimedOut, StatusAborting, StatusAborted}

func terminal(status string) bool {
	switch status {
	case StatusSucceeded, StatusFailed, StatusTimedOut, StatusAborted:
		return true
	}
	return false
}

// runOptions are the options a run starts with.
type runOptions struct {
	build        string
	timeout      time.Duration // 0: none
	memoryMbytes int64
	maxItems     *int64
	maxChargeUsd *float64
	origin       string
}

// run is one Actor run. Fields are guarded by Server.mu, except the
// immutable ones set at creation.
type run struct {
	id, actorID, taskID string
	datasetID, storeID  string
	queueID             string
	input               []byte
	inputType           string
	opts                runOptions
	buildID             string
	startedAt           time.Time

	status        string
	statusMessage string
	terminalMsg   bool
	exitCode      *int
	finishedAt    time.Time
	log           []byte
	logChanged    chan struct{} // closed and replaced when the log grows or the run ends
	done          chan struct{} // closed when the run reaches a terminal status
	cancel        context.CancelFunc
	stopTimeout   func() bool
	ext           runExt // metamorphs, reboots, resurrections and charges
}

func (r *run) finished() bool { return terminal(r.status) }

// startRun creates a run of a with its default storages and starts its
// function. Callers hold Server.mu.
func (s *Server) startRun(a *actor, t *task, input []byte, inputType string, opts runOptions) *run {
	now := s.now()
	r := &run{
		id: s.ids.next(), actorID: a.id, input: input, inputType: inputType, opts: opts,
		buildID: a.buildID, startedAt: now, status: StatusReady,
		logChanged: make(chan struct{}), done: make(chan struct{}),
	}
	if t != nil {
		r.taskID = t.id
	}
	d := s.createDataset("")
	k := s.createKVStore("")
	q := s.createQueue("")
	for _, m := range []*storageMeta{&d.storageMeta, &k.storageMeta, &q.storageMeta} {
		m.actID, m.actRunID = a.id, r.id
	}
	r.datasetID, r.storeID, r.queueID = d.id, k.id, q.id
	if len(input) > 0 {
		k.records["INPUT"] = record{value: input, contentType: inputType}
	}
	s.runs[r.id] = r
	s.runOrder = append(s.runOrder, r)

	ctx, cancel := context.WithCancel(s.runCtx)
	r.cancel = cancel
	if opts.timeout > 0 {
		r.stopTimeout = s.cfg.clock.AfterFunc(opts.timeout, func() { s.finishRun(r, StatusTimedOut, "Actor run timed out") })
	}
	r.ext.pricing = a.opts.ChargeEvents
	s.runWG.Add(1)
	go s.execute(ctx, a.fn, r, r.ext.gen)
	return r
}

// execute runs fn for r and records how it ended, unless the run has moved
// on to another function (metamorph, reboot, resurrect) meanwhile: gen is
// the run's generation fn belongs to.
func (s *Server) execute(ctx context.Context, fn ActorFunc, r *run, gen int) {
	defer s.runWG.Done()
	s.mu.Lock()
	if r.status == StatusReady {
		r.status = StatusRunning
	}
	s.mu.Unlock()

	err := callActor(ctx, fn, &ActorRun{s: s, r: r, gen: gen})

	s.mu.Lock()
	aborting := r.status == StatusAborting
	stale := r.ext.gen != gen
	s.mu.Unlock()
	if stale {
		return
	}
	switch {
	case aborting:
		s.finishRun(r, StatusAborted, "Actor run was aborted")
	case err != nil:
		s.finishRun(r, StatusFailed, err.Error())
	default:
		s.finishRun(r, StatusSucceeded, "")
	}
}

// callActor calls fn, turning a panic into an error.
func callActor(ctx context.Context, fn ActorFunc, ar *ActorRun) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the Actor function panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return fn(ctx, ar)
}

// finishRun moves r to a terminal status, unless it is there already.
func (s *Server) finishRun(r *run, status, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.finished() {
		return
	}
	r.status = status
	code := 0
	if status != StatusSucceeded {
		code = 1
		r.statusMessage = message
		s.appendLog(r, message)
	} else if r.statusMessage == "" {
		r.statusMessage = "Actor finished successfully"
	}
	r.exitCode = &code
	r.finishedAt = s.now()
	r.cancel()
	if r.stopTimeout != nil {
		r.stopTimeout()
	}
	close(r.done)
	s.notifyLog(r)
	s.fireRunEvent(r, runEventType("ACTOR.RUN.", status))
}

// abortRun aborts r: at once, or (gracefully) when its function returns.
func (s *Server) abortRun(r *run, gracefully bool) {
	s.mu.Lock()
	if r.finished() {
		s.mu.Unlock()
		return
	}
	if gracefully {
		r.status = StatusAborting
		r.cancel()
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	s.finishRun(r, StatusAborted, "Actor run was aborted")
}

// waitRun waits up to d on the server's clock for r to finish, or until ctx
// is done. It reports whether the run finished.
func (s *Server) waitRun(ctx context.Context, r *run, d time.Duration) bool {
	s.mu.Lock()
	done := r.done // a resurrection replaces it
	s.mu.Unlock()
	return s.waitDone(ctx, done, d)
}

// waitDone waits up to d on the server's clock for done to close, or until
// ctx is done. It reports whether done closed.
func (s *Server) waitDone(ctx context.Context, done <-chan struct{}, d time.Duration) bool {
	if d <= 0 {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
	expired := make(chan struct{})
	stop := s.cfg.clock.AfterFunc(d, func() { close(expired) })
	defer stop()
	select {
	case <-done:
		return true
	case <-expired:
	case <-ctx.Done():
	case <-s.runCtx.Done(): // the server is closing
	}
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// appendLog adds a line to the run's log. Callers hold Server.mu.
func (s *Server) appendLog(r *run, line string) {
	r.log = fmt.Appendf(r.log, "%s %s\n", s.now().Format("2006-01-02T15:04:05.000Z"), line)
	s.notifyLog(r)
}

// notifyLog wakes the streams of the run's log. Callers hold Server.mu.
func (s *Server) notifyLog(r *run) {
	close(r.logChanged)
	r.logChanged = make(chan struct{})
}
