package apify

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apifygo/apify/gen"
	"github.com/apifygo/apify/wrapper/apifytest"
)

// instantClock is the real clock, except that waits of up to a minute (the
// server's waitForFinish holds) end at once, so that polls answer without
// delay while run timeouts keep their real length.
type instantClock struct{}

func (instantClock) Now() time.Time { return time.Now() }

func (instantClock) AfterFunc(d time.Duration, f func()) func() bool {
	if d <= time.Minute {
		go f()
		return func() bool { return false }
	}
	return time.AfterFunc(d, f).Stop
}

// steppedActor sets each status message in turn and waits for the test to
// say it saw it (on next) before the next one; it logs a line per step.
func steppedActor(msgs []string, next <-chan struct{}) apifytest.ActorFunc {
	return func(ctx context.Context, run *apifytest.ActorRun) error {
		for _, m := range msgs {
			run.Logf("step %s", m)
			run.SetStatusMessage(m)
			select {
			case <-next:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		run.Logf("done")
		return nil
	}
}

type runState struct{ status, msg string }

func stateOf(r *gen.Run) runState {
	msg, _ := r.StatusMessage.Get()
	return runState{string(r.Status), msg}
}

// checkStates checks that states have no consecutive repeats, pass through
// every message in msgs in order, and end with the finished run.
func checkStates(t *testing.T, states []runState, msgs []string, final string) {
	t.Helper()
	for i := 1; i < len(states); i++ {
		if states[i] == states[i-1] {
			t.Errorf("state %v reported twice in a row: %v", states[i], states)
		}
	}
	i := 0
	for _, s := range states {
		if i < len(msgs) && s == (runState{"RUNNING", msgs[i]}) {
			i++
		}
	}
	if i != len(msgs) {
		t.Errorf("states %v miss RUNNING with %q", states, msgs[i])
	}
	if len(states) == 0 || states[len(states)-1].status != final {
		t.Errorf("states %v do not end %s", states, final)
	}
}

func TestWatchRunYieldsChanges(t *testing.T) {
	srv := apifytest.NewServer(t, apifytest.WithClock(instantClock{}))
	msgs := []string{"starting", "halfway"}
	next := make(chan struct{})
	actorID := addActor(t, srv, "stepper", steppedActor(msgs, next))
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	run, err := c.Actor(actorID).Start(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var states []runState
	for r, err := range c.Run(run.ID).Watch(ctx, &WatchOptions{Interval: time.Second}) {
		if err != nil {
			t.Fatal(err)
		}
		s := stateOf(r)
		states = append(states, s)
		if s.status == "RUNNING" && s.msg != "" {
			next <- struct{}{}
		}
	}
	checkStates(t, states, msgs, "SUCCEEDED")
}

func TestWatchRunStopsWithCtxAndBreak(t *testing.T) {
	srv := apifytest.NewServer(t, apifytest.WithClock(instantClock{}))
	actorID := addActor(t, srv, "waiter", func(ctx context.Context, run *apifytest.ActorRun) error {
		run.SetStatusMessage("waiting")
		<-ctx.Done()
		return ctx.Err()
	})
	c := fakeClient(t, srv, nil)
	run, err := c.Actor(actorID).Start(testCtx(t), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = c.Run(run.ID).Abort(context.Background(), nil) })

	n := 0
	for _, err := range c.Run(run.ID).Watch(testCtx(t), nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		break
	}
	if n != 1 {
		t.Fatalf("break: %d runs yielded", n)
	}

	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	var last error
	for r, err := range c.Run(run.ID).Watch(ctx, &WatchOptions{Interval: time.Second}) {
		if err != nil {
			last = err
			continue
		}
		if stateOf(r).msg == "waiting" {
			cancel()
		}
	}
	if !errors.Is(last, context.Canceled) || !strings.Contains(last.Error(), "still RUNNING") {
		t.Fatalf("after cancel: err = %v, want context.Canceled and still RUNNING", last)
	}

	for _, err := range c.Run(run.ID).Watch(testCtx(t), &WatchOptions{Interval: 500 * time.Millisecond}) {
		if err == nil || !strings.Contains(err.Error(), "Interval 500ms is out of range") {
			t.Fatalf("bad interval: err = %v", err)
		}
	}
}

func TestCallForwardsLogAndStatus(t *testing.T) {
	srv := apifytest.NewServer(t, apifytest.WithClock(instantClock{}))
	msgs := []string{"crawling", "saving"}
	next := make(chan struct{})
	actorID := addActor(t, srv, "stepper", steppedActor(msgs, next))
	c := fakeClient(t, srv, nil)

	var logBuf, slogBuf coreLogBuffer
	var states []runState
	opts := &CallOptions{
		Log:            &logBuf,
		Logger:         slog.New(slog.NewTextHandler(&slogBuf, nil)),
		StatusInterval: time.Second,
		OnStatus: func(r *gen.Run) {
			s := stateOf(r)
			states = append(states, s)
			if s.status == "RUNNING" && s.msg != "" {
				next <- struct{}{}
			}
		},
	}
	run, err := c.Actor(actorID).Call(testCtx(t), nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	checkStates(t, states, msgs, "SUCCEEDED")
	info, _ := srv.Run(run.ID)
	if logBuf.String() != info.Log {
		t.Errorf("forwarded log %q, the run's log is %q", logBuf.String(), info.Log)
	}
	out := slogBuf.String()
	for _, want := range []string{"step crawling", "step saving", "done", `msg="RUNNING: crawling"`, `msg="SUCCEEDED: saving"`, "runId=" + run.ID} {
		if !strings.Contains(out, want) {
			t.Errorf("the Logger's output lacks %q:\n%s", want, out)
		}
	}

	bad := &CallOptions{StatusInterval: time.Hour, AbortWait: time.Second}
	bad.WaitForFinish = time.Second
	_, err = c.Actor(actorID).Call(testCtx(t), nil, bad)
	for _, want := range []string{"StatusInterval 1h0m0s is out of range", "StatusInterval applies only with a Logger or OnStatus",
		"AbortWait applies only with AbortOnCancel", "WaitForFinish applies to Start only"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("invalid CallOptions: err = %v, want it to say %q", err, want)
		}
	}
}

// abortableActor waits for its run to be aborted, then logs that it saved
// its state.
func abortableActor() apifytest.ActorFunc {
	return func(ctx context.Context, run *apifytest.ActorRun) error {
		run.SetStatusMessage("working")
		<-ctx.Done()
		run.Logf("saving state")
		return ctx.Err()
	}
}

func TestCallAbortOnCancel(t *testing.T) {
	srv := apifytest.NewServer(t, apifytest.WithClock(instantClock{}))
	actorID := addActor(t, srv, "long", abortableActor())
	c := fakeClient(t, srv, nil)

	// Opted in: the run is aborted gracefully once ctx ends.
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	cancelWhenWorking := func(r *gen.Run) {
		if stateOf(r).msg == "working" {
			cancel()
		}
	}
	var logBuf coreLogBuffer
	run, err := c.Actor(actorID).Call(ctx, nil, &CallOptions{AbortOnCancel: true, Log: &logBuf, OnStatus: cancelWhenWorking, StatusInterval: time.Second})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "aborted it (now ABORTED)") {
		t.Fatalf("err = %v, want context.Canceled saying the run was aborted", err)
	}
	if run == nil || run.Status != gen.ActorJobStatusABORTED {
		t.Fatalf("run = %+v, want ABORTED", run)
	}
	if info, _ := srv.Run(run.ID); info.Status != apifytest.StatusAborted {
		t.Errorf("the server has the run %s", info.Status)
	}
	graceful := false
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/abort") && r.Query.Get("gracefully") == "true" {
			graceful = true
		}
	}
	if !graceful {
		t.Error("no graceful abort was sent")
	}
	if !strings.Contains(logBuf.String(), "saving state") {
		t.Errorf("the log forwarded after the abort lacks the run's last lines: %q", logBuf.String())
	}

	// Not opted in: the run goes on.
	ctx, cancel = context.WithCancel(testCtx(t))
	defer cancel()
	run, err = c.Actor(actorID).Call(ctx, nil, &CallOptions{OnStatus: cancelWhenWorking, StatusInterval: time.Second})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if info, _ := srv.Run(run.ID); info.Status != apifytest.StatusRunning {
		t.Errorf("without AbortOnCancel the run was stopped: %s", info.Status)
	}

	// WaitForRun with the option, on a ctx that has already ended.
	done, stop := context.WithCancel(context.Background())
	stop()
	got, err := c.Run(run.ID).Wait(done, &WaitOptions{AbortOnCancel: true, AbortWait: 5 * time.Second})
	if !errors.Is(err, context.Canceled) || got == nil || got.Status != gen.ActorJobStatusABORTED {
		t.Fatalf("WaitForRun: run %v, err = %v; want ABORTED and context.Canceled", got, err)
	}
}

// TestAbortOnCancelForcesAStuckRun: a run that ignores the graceful abort
// is aborted at once when AbortWait runs out.
func TestAbortOnCancelForcesAStuckRun(t *testing.T) {
	srv := apifytest.NewServer(t)
	stuck := make(chan struct{})
	t.Cleanup(func() { close(stuck) })
	actorID := addActor(t, srv, "stuck", func(ctx context.Context, run *apifytest.ActorRun) error {
		<-stuck // ignores the graceful abort's cancelled ctx
		return nil
	})
	c, err := NewClient(WithToken(srv.Token()), WithBaseURL(srv.URL())) // real timers: the bound is real time
	if err != nil {
		t.Fatal(err)
	}
	started, err := c.Actor(actorID).Start(testCtx(t), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	done, stop := context.WithCancel(context.Background())
	stop()
	began := time.Now()
	run, err := c.Run(started.ID).Wait(done, &WaitOptions{AbortOnCancel: true, AbortWait: time.Second})
	if !errors.Is(err, context.Canceled) || run == nil || run.Status != gen.ActorJobStatusABORTED {
		t.Fatalf("run %v, err = %v; want ABORTED and context.Canceled", run, err)
	}
	if d := time.Since(began); d > 5*time.Second {
		t.Errorf("the abort took %v, beyond its bound", d)
	}
	var aborts []string
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost {
			aborts = append(aborts, r.Query.Encode())
		}
	}
	if len(aborts) != 2 || aborts[0] != "gracefully=true" || aborts[1] != "" {
		t.Errorf("aborts sent: %q, want a graceful one then an immediate one", aborts)
	}
}

// TestRunJobsThroughComposedHandles: a task's Call forwards the log too,
// and Watch and Export work on an Actor's last run.
func TestRunJobsThroughComposedHandles(t *testing.T) {
	srv := apifytest.NewServer(t, apifytest.WithClock(instantClock{}))
	actorID := addActor(t, srv, "pusher", func(ctx context.Context, run *apifytest.ActorRun) error {
		run.Logf("pushing")
		return run.PushItems(map[string]any{"n": 1}, map[string]any{"n": 2})
	})
	taskID, err := srv.AddTask(actorID, "daily", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	var logBuf coreLogBuffer
	var final *gen.Run
	run, err := c.Task(taskID).Call(ctx, nil, &CallOptions{Log: &logBuf, OnStatus: func(r *gen.Run) { final = r }})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logBuf.String(), "pushing") || final == nil || final.Status != RunSucceeded {
		t.Errorf("task call: log %q, last status %v", logBuf.String(), final)
	}

	last := c.Actor(actorID).LastRun(&LastRunOptions{Status: RunSucceeded})
	var states []*gen.Run
	for r, err := range last.Watch(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, r)
	}
	if len(states) != 1 || states[0].ID != run.ID || states[0].Status != RunSucceeded {
		t.Errorf("watching the finished last run yielded %d states, want its one final state", len(states))
	}
	var b bytes.Buffer
	if _, err := last.Dataset().Export(ctx, &b, ExportJSONL, nil); err != nil {
		t.Fatal(err)
	}
	if b.String() != "{\"n\":1}\n{\"n\":2}\n" {
		t.Errorf("the last run's export: %q", b.String())
	}
}
