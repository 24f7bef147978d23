package apify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apifygo/apify/gen"
	"github.com/apifygo/apify/wrapper/apifytest"
	"github.com/cenkalti/backoff/v4"
)

func TestCallActorSucceeds(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "greeter", func(ctx context.Context, run *apifytest.ActorRun) error {
		var in struct{ Name string }
		if err := run.DecodeInput(&in); err != nil {
			return err
		}
		return run.PushItems(map[string]any{"greeting": "hello " + in.Name})
	})
	c := fakeClient(t, srv, nil)

	run, err := c.Actor(actorID).Call(testCtx(t), map[string]string{"Name": "Ada"}, nil)
	if err != nil {
		t.Fatalf("CallActor: %v", err)
	}
	if run.Status != gen.ActorJobStatusSUCCEEDED {
		t.Fatalf("status %s, want SUCCEEDED", run.Status)
	}
	info, _ := srv.Run(run.ID)
	if string(info.Input) != `{"Name":"Ada"}` {
		t.Errorf("input %s", info.Input)
	}
	var got []string
	for item, err := range Items[map[string]string](testCtx(t), c.Dataset(run.DefaultDatasetID), nil) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, item["greeting"])
	}
	if len(got) != 1 || got[0] != "hello Ada" {
		t.Errorf("items %q", got)
	}
}

func TestCallActorFailedRunIsRunFailedError(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "breaks", func(ctx context.Context, run *apifytest.ActorRun) error {
		return errors.New("the page had no prices")
	})
	c := fakeClient(t, srv, nil)

	run, err := c.Actor(actorID).Call(testCtx(t), nil, nil)
	if !errors.Is(err, ErrRunFailed) {
		t.Fatalf("err = %v, want ErrRunFailed", err)
	}
	var rf *RunFailedError
	if !errors.As(err, &rf) || rf.Run == nil || rf.Run.Status != gen.ActorJobStatusFAILED {
		t.Fatalf("err = %#v, want *RunFailedError with the FAILED run", err)
	}
	if run == nil || run.ID != rf.Run.ID {
		t.Errorf("CallActor returned run %v, want the failed run too", run)
	}
	if !strings.Contains(err.Error(), "FAILED") || !strings.Contains(err.Error(), "no prices") {
		t.Errorf("message %q should give the status and the status message", err)
	}
}

func TestCallTaskMergesInput(t *testing.T) {
	srv := apifytest.NewServer(t)
	var seen atomic.Value
	actorID := addActor(t, srv, "echo", func(ctx context.Context, run *apifytest.ActorRun) error {
		seen.Store(string(run.Input()))
		return nil
	})
	taskID, err := srv.AddTask(actorID, "daily", map[string]any{"a": 1, "b": 2})
	if err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	if _, err := c.Task(taskID).Call(testCtx(t), map[string]any{"b": 3}, nil); err != nil {
		t.Fatal(err)
	}
	var in map[string]int
	if err := json.Unmarshal([]byte(seen.Load().(string)), &in); err != nil || in["a"] != 1 || in["b"] != 3 {
		t.Errorf("task input %v (%v), want a=1 b=3", in, err)
	}
}

func TestStartActorRawInput(t *testing.T) {
	srv := apifytest.NewServer(t)
	type got struct{ input, ctype string }
	inputs := make(chan got, 4)
	actorID := addActor(t, srv, "raw", func(ctx context.Context, run *apifytest.ActorRun) error {
		inputs <- got{string(run.Input()), run.InputContentType()}
		return nil
	})
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)

	cases := []struct {
		name      string
		input     any
		ctype     string
		wantInput string
		wantType  string
	}{
		{"bytes with a content type", []byte("plain words"), "text/plain; charset=utf-8", "plain words", "text/plain; charset=utf-8"},
		{"JSON bytes", []byte(`{"x":[1,2]}`), "", `{"x":[1,2]}`, "application/json"},
		{"raw message", json.RawMessage(`[1, 2]`), "", `[1, 2]`, "application/json"},
		{"a Go value", struct {
			X int `json:"x"`
		}{7}, "", `{"x":7}`, "application/json"},
	}
	for _, tc := range cases {
		if _, err := c.Actor(actorID).Call(ctx, tc.input, &CallOptions{RunOptions: RunOptions{ContentType: tc.ctype}}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		g := <-inputs
		if g.input != tc.wantInput || g.ctype != tc.wantType {
			t.Errorf("%s: the run got %q as %q, want %q as %q", tc.name, g.input, g.ctype, tc.wantInput, tc.wantType)
		}
	}

	// Bytes that are not JSON need a content type: a clear error, no request.
	srv.ResetRequests()
	_, err := c.Actor(actorID).Start(ctx, []byte("not json"), nil)
	if err == nil || !strings.Contains(err.Error(), "ContentType") {
		t.Errorf("non-JSON bytes without ContentType: err = %v", err)
	}
	if _, err := c.Actor(actorID).Start(ctx, map[string]int{}, &RunOptions{ContentType: "text/plain"}); err == nil {
		t.Error("a Go value with a non-JSON ContentType was accepted")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}

func TestStartActorSendsRunOptions(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "opts", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	c := fakeClient(t, srv, nil)
	restart := false
	opts := &RunOptions{
		Build: "0.0.1", MemoryMB: 2048, Timeout: 90500 * time.Millisecond, MaxItems: 100,
		MaxTotalChargeUSD: 2.5, RestartOnError: &restart, ForcePermissionLevel: "LIMITED_PERMISSIONS",
		WaitForFinish: 5 * time.Second,
		Webhooks:      []RunWebhook{{EventTypes: []string{"ACTOR.RUN.SUCCEEDED"}, RequestURL: "https://example.com/hook"}},
	}
	run, err := c.Actor(actorID).Start(testCtx(t), nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	if run.ID == "" {
		t.Fatal("no run ID")
	}
	var q url.Values
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost {
			q = r.Query
		}
	}
	want := map[string]string{"build": "0.0.1", "memory": "2048", "timeout": "91", "maxItems": "100",
		"maxTotalChargeUsd": "2.5", "restartOnError": "false", "forcePermissionLevel": "LIMITED_PERMISSIONS", "waitForFinish": "5"}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("query %s = %q, want %q", k, q.Get(k), v)
		}
	}
	raw, err := base64.StdEncoding.DecodeString(q.Get("webhooks"))
	if err != nil {
		t.Fatalf("webhooks is not base64: %v", err)
	}
	if string(raw) != `[{"eventTypes":["ACTOR.RUN.SUCCEEDED"],"requestUrl":"https://example.com/hook"}]` {
		t.Errorf("webhooks decode to %s", raw)
	}
}

func TestRunOptionsRejectBadValues(t *testing.T) {
	bad := []RunOptions{
		{MemoryMB: 1000},
		{Timeout: -time.Second},
		{MaxItems: -1},
		{MaxTotalChargeUSD: -1},
		{WaitForFinish: 61 * time.Second},
		{ForcePermissionLevel: "ROOT"},
		{Webhooks: []RunWebhook{{RequestURL: "https://example.com"}}},
	}
	for _, o := range bad {
		if _, err := o.query("RunOptions", useStart); err == nil || !strings.Contains(err.Error(), "invalid RunOptions") {
			t.Errorf("%+v: err = %v", o, err)
		}
	}
	if _, err := (&RunOptions{WaitForFinish: time.Second}).query("RunSyncOptions", useSync); err == nil {
		t.Error("WaitForFinish accepted where it does not apply")
	}
	for _, o := range []RunOptions{{ForcePermissionLevel: "FULL_PERMISSIONS"}, {ContentType: "text/plain"},
		{Webhooks: []RunWebhook{{EventTypes: []string{"ACTOR.RUN.FAILED"}, RequestURL: "https://example.com"}}}} {
		if _, err := o.query("RunOptions of Resurrect", useResurrect); err == nil || !strings.Contains(err.Error(), "resurrection takes only") {
			t.Errorf("%+v accepted for a resurrection: %v", o, err)
		}
	}
}

// runScript serves GET /v2/actor-runs/run1 from a list of answers (the last
// repeats) and counts them. Kept beside apifytest: its long poll answers when
// a run ends, so it cannot script a status per poll (for exact waits between
// polls) or a run that vanishes after it was seen.
func runScript(t *testing.T, answers ...func(w http.ResponseWriter)) (*stubAPI, *atomic.Int32) {
	var n atomic.Int32
	s := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		i := int(n.Add(1)) - 1
		answers[min(i, len(answers)-1)](w)
	})
	return s, &n
}

func notFoundAnswer(w http.ResponseWriter) {
	coreWriteJSON(w, http.StatusNotFound, `{"error":{"type":"record-not-found","message":"Actor run was not found"}}`)
}

func runAnswer(status string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { writeData(w, http.StatusOK, runJSON("run1", status)) }
}

func TestWaitForRunRetriesEarlyNotFound(t *testing.T) {
	s, n := runScript(t, notFoundAnswer, notFoundAnswer, notFoundAnswer, runAnswer("RUNNING"), runAnswer("SUCCEEDED"))
	timers := &coreTimers{}
	c := s.client(t, timers)

	run, err := c.Run("run1").Wait(context.Background(), nil)
	if err != nil || run.Status != gen.ActorJobStatusSUCCEEDED {
		t.Fatalf("WaitForRun = %v, %v", run, err)
	}
	if n.Load() != 5 {
		t.Errorf("%d requests, want 5", n.Load())
	}
	delays := timers.recorded()
	want := []time.Duration{notFoundDelay, notFoundDelay, notFoundDelay, minPollInterval}
	if len(delays) != len(want) {
		t.Fatalf("waited %v, want %v", delays, want)
	}
	for i := range want {
		if delays[i] != want[i] {
			t.Errorf("wait %d = %v, want %v", i, delays[i], want[i])
		}
	}
	if q := s.requests()[0].Query; q != "waitForFinish=60" {
		t.Errorf("query %q, want waitForFinish=60", q)
	}
}

func TestCallActorThroughNotFoundLag(t *testing.T) {
	// Right after a start the API may not know the run yet: the fake
	// answers 404 to the first polls, the wait looks again.
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "fresh", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	if err := srv.InjectFault(apifytest.Fault{Method: http.MethodGet, Path: "/v2/actor-runs/*", Status: http.StatusNotFound, Times: 3}); err != nil {
		t.Fatal(err)
	}
	timers := &coreTimers{}
	run, err := fakeClient(t, srv, timers).Actor(actorID).Call(testCtx(t), nil, nil)
	if err != nil || run.Status != gen.ActorJobStatusSUCCEEDED {
		t.Fatalf("CallActor: %v, %v", run, err)
	}
	if srv.PendingFaults() != 0 || len(timers.recorded()) != 3 {
		t.Errorf("faults left %d, waits %v", srv.PendingFaults(), timers.recorded())
	}
}

func TestWaitForRunGivesUpOnAMissingRun(t *testing.T) {
	srv := apifytest.NewServer(t)
	c := fakeClient(t, srv, nil)
	_, err := c.Run("missing-run").Wait(testCtx(t), &WaitOptions{NotFoundGrace: time.Second})
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if got, want := len(srv.Requests()), int(1+time.Second/notFoundDelay); got != want {
		t.Errorf("%d requests, want %d (a short grace, not the whole budget)", got, want)
	}

	srv.ResetRequests()
	if _, err := c.Run("missing-run").Wait(testCtx(t), &WaitOptions{NotFoundGrace: -1}); !errors.Is(err, ErrNotFound) || len(srv.Requests()) != 1 {
		t.Errorf("without grace: err = %v after %d requests", err, len(srv.Requests()))
	}
}

func TestWaitForRunNotFoundAfterSeenIsAnError(t *testing.T) {
	s, n := runScript(t, runAnswer("RUNNING"), notFoundAnswer)
	_, err := s.client(t, nil).Run("run1").Wait(testCtx(t), nil)
	if !errors.Is(err, ErrNotFound) || n.Load() != 2 {
		t.Errorf("err = %v after %d requests; a run that disappears is not retried", err, n.Load())
	}
}

func TestWaitForRunReturnsAnyTerminalRun(t *testing.T) {
	clock := apifytest.NewFakeClock(time.Date(2026, 8, 21, 10, 0, 0, 0, time.UTC))
	srv := apifytest.NewServer(t, apifytest.WithClock(clock))
	actorID := addActor(t, srv, "ends", func(ctx context.Context, run *apifytest.ActorRun) error {
		var in struct{ End string }
		if err := run.DecodeInput(&in); err != nil {
			return err
		}
		switch in.End {
		case "FAILED":
			return errors.New("asked to fail")
		case "SUCCEEDED":
			return nil
		}
		<-ctx.Done() // until aborted or timed out
		return ctx.Err()
	})
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	for _, status := range []string{"FAILED", "TIMED-OUT", "ABORTED", "SUCCEEDED"} {
		started, err := c.Actor(actorID).Start(ctx, map[string]string{"End": status}, &RunOptions{Timeout: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		switch status {
		case "TIMED-OUT":
			clock.Advance(time.Minute)
		case "ABORTED":
			if _, err := c.Run(started.ID).Abort(ctx, nil); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := srv.WaitForRun(ctx, started.ID); err != nil {
			t.Fatal(err)
		}
		run, err := c.Run(started.ID).Wait(ctx, nil)
		if err != nil || string(run.Status) != status {
			t.Errorf("%s: got %v, %v; want the run and a nil error", status, run, err)
		}
	}
}

// cancelTimer cancels a context when a wait starts, and never fires.
type cancelTimer struct {
	cancel context.CancelFunc
	c      chan time.Time
}

func (t *cancelTimer) Start(time.Duration) { t.c = make(chan time.Time); t.cancel() }
func (t *cancelTimer) Stop()               {}
func (t *cancelTimer) C() <-chan time.Time { return t.c }

func TestWaitForRunStopsWhenCtxEnds(t *testing.T) {
	s, _ := runScript(t, runAnswer("RUNNING"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := NewClient(WithToken(coreTestToken), WithBaseURL(s.URL), withTimer(func() backoff.Timer { return &cancelTimer{cancel: cancel} }))
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.Run("run1").Wait(ctx, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if run == nil || run.Status != gen.ActorJobStatusRUNNING {
		t.Errorf("run = %v, want the RUNNING run as last seen", run)
	}
	if !strings.Contains(err.Error(), "still RUNNING") || !strings.Contains(err.Error(), "goes on") {
		t.Errorf("message %q should say the run goes on", err)
	}
}

func TestWaitForRunAsksLessThanTheDeadline(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "quick", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	c := fakeClient(t, srv, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	started, err := c.Actor(actorID).Start(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	if _, err := c.Run(started.ID).Wait(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if w := srv.Requests()[0].Query.Get("waitForFinish"); w != "8" && w != "9" {
		t.Errorf("waitForFinish=%s with 10 s left, want 8 or 9", w)
	}
}

func TestWaitForRunLongPollsTheFake(t *testing.T) {
	srv := apifytest.NewServer(t)
	release := make(chan struct{})
	actorID := addActor(t, srv, "slow", func(ctx context.Context, run *apifytest.ActorRun) error {
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	timers := &coreTimers{}
	c := fakeClient(t, srv, timers)
	run, err := c.Actor(actorID).Start(testCtx(t), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *gen.Run)
	go func() {
		r, err := c.Run(run.ID).Wait(testCtx(t), nil)
		if err != nil {
			t.Error(err)
		}
		done <- r
	}()
	close(release)
	if r := <-done; r == nil || r.Status != gen.ActorJobStatusSUCCEEDED {
		t.Errorf("run %v", r)
	}
}

func TestAbortRun(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "forever", func(ctx context.Context, run *apifytest.ActorRun) error {
		<-ctx.Done()
		return ctx.Err()
	})
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	run, err := c.Actor(actorID).Start(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(run.ID).Abort(ctx, &AbortOptions{Gracefully: true}); err != nil {
		t.Fatal(err)
	}
	final, err := c.Run(run.ID).Wait(ctx, nil)
	if err != nil || final.Status != gen.ActorJobStatusABORTED {
		t.Fatalf("after abort: %v, %v", final, err)
	}
	var sawGraceful bool
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/abort") && r.Query.Get("gracefully") == "true" {
			sawGraceful = true
		}
	}
	if !sawGraceful {
		t.Error("gracefully=true was not sent")
	}
}

func TestAbortRunIsRetried(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "forever", func(ctx context.Context, run *apifytest.ActorRun) error {
		<-ctx.Done()
		return ctx.Err()
	})
	c := fakeClient(t, srv, nil)
	started, err := c.Actor(actorID).Start(testCtx(t), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.InjectFault(apifytest.Fault{Method: http.MethodPost, Path: "/v2/actor-runs/*/abort", Status: http.StatusInternalServerError}); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	run, err := c.Run(started.ID).Abort(testCtx(t), nil)
	if n := len(srv.Requests()); err != nil || n != 2 {
		t.Errorf("err = %v after %d requests; abort is safe to repeat", err, n)
	}
	if run != nil && run.Status != gen.ActorJobStatusABORTED && run.Status != gen.ActorJobStatusABORTING {
		t.Errorf("abort answered %s", run.Status)
	}
}

func TestRunControlEndpoints(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "jane/blocker", func(ctx context.Context, run *apifytest.ActorRun) error {
		<-ctx.Done() // runs until rebooted or metamorphed
		return ctx.Err()
	})
	var morphedInput atomic.Value
	addActor(t, srv, "jane/other-actor", func(ctx context.Context, run *apifytest.ActorRun) error {
		var in map[string]int
		if err := run.DecodeInput(&in); err != nil {
			return err
		}
		morphedInput.Store(in)
		return nil
	})
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	started, err := c.Actor(actorID).Start(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := started.ID
	srv.ResetRequests()
	if _, err := c.Run(id).Reboot(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(id).Metamorph(ctx, "jane/other-actor", map[string]int{"n": 1}, &MetamorphOptions{Build: "latest"}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitForRun(ctx, id); err != nil {
		t.Fatal(err)
	}
	if in, _ := morphedInput.Load().(map[string]int); in["n"] != 1 {
		t.Errorf("the metamorph target read input %v, want n=1", in)
	}
	restart := true
	if _, err := c.Run(id).Resurrect(ctx, &RunOptions{Build: "0.0.1", MemoryMB: 512, Timeout: time.Minute, RestartOnError: &restart}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitForRun(ctx, id); err != nil {
		t.Fatal(err)
	}
	run, err := c.Run(id).Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	morphs, _ := run.Metamorphs.Get()
	if run.Status != gen.ActorJobStatusSUCCEEDED || run.Stats.RebootCount == nil || *run.Stats.RebootCount != 1 ||
		run.Stats.ResurrectCount == nil || *run.Stats.ResurrectCount != 1 || len(morphs) != 1 {
		t.Errorf("run after reboot, metamorph and resurrect: %+v", run)
	}
	reqs := srv.Requests()
	want := []struct{ method, path, query, body string }{
		{"POST", "/v2/actor-runs/" + id + "/reboot", "", ""},
		{"POST", "/v2/actor-runs/" + id + "/metamorph", "build=latest&targetActorId=jane~other-actor", `{"n":1}`},
		{"POST", "/v2/actor-runs/" + id + "/resurrect", "build=0.0.1&memory=512&restartOnError=true&timeout=60", ""},
		{"GET", "/v2/actor-runs/" + id, "", ""},
	}
	if len(reqs) != len(want) {
		t.Fatalf("%d requests, want %d", len(reqs), len(want))
	}
	for i, w := range want {
		r := reqs[i]
		if r.Method != w.method || r.Path != w.path || r.Query.Encode() != w.query || string(r.Body) != w.body {
			t.Errorf("request %d = %s %s?%s %s, want %s %s?%s %s", i, r.Method, r.Path, r.Query.Encode(), r.Body, w.method, w.path, w.query, w.body)
		}
	}
	if _, err := c.Run(id).Resurrect(ctx, &RunOptions{MemoryMB: 3}); err == nil || !strings.Contains(err.Error(), "Resurrect") {
		t.Errorf("bad resurrect options: err = %v", err)
	}
	if _, err := c.Run(id).Metamorph(ctx, " ", nil, nil); err == nil {
		t.Error("an empty target Actor was accepted")
	}
	if n := len(srv.Requests()); n != len(want) {
		t.Errorf("bad options sent %d requests", n-len(want))
	}
}

func TestChargeRunReusesOneIdempotencyKey(t *testing.T) {
	srv := apifytest.NewServer(t)
	release := make(chan struct{})
	actorID, _ := srv.AddActor("priced", func(ctx context.Context, run *apifytest.ActorRun) error {
		<-release
		return nil
	}, apifytest.ActorOptions{ChargeEvents: map[string]apifytest.ChargeEvent{"PAGE": {PriceUSD: 0.01}}})
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	started, err := c.Actor(actorID).Start(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer close(release)
	id := started.ID
	if err := srv.InjectFault(apifytest.Fault{Method: http.MethodPost, Path: "/v2/actor-runs/*/charge", Status: http.StatusBadGateway}); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	if err := c.Run(id).Charge(ctx, "PAGE", 3, nil); err != nil {
		t.Fatalf("ChargeRun: %v", err)
	}
	reqs := srv.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d attempts, want 2 (a charge with a key is retried)", len(reqs))
	}
	k1, k2 := reqs[0].Header.Get("Idempotency-Key"), reqs[1].Header.Get("Idempotency-Key")
	if k1 == "" || k1 != k2 || !strings.HasPrefix(k1, id+"-PAGE-") {
		t.Errorf("keys %q and %q, want one key %s-PAGE-... on both attempts", k1, k2, id)
	}
	if string(reqs[0].Body) != `{"count":3,"eventName":"PAGE"}` || reqs[0].Path != "/v2/actor-runs/"+id+"/charge" {
		t.Errorf("request %s %s", reqs[0].Path, reqs[0].Body)
	}

	if err := c.Run(id).Charge(ctx, "PAGE", 1, &ChargeOptions{IdempotencyKey: "mine-1"}); err != nil {
		t.Fatal(err)
	}
	if k := srv.Requests()[2].Header.Get("Idempotency-Key"); k != "mine-1" {
		t.Errorf("key %q, want the caller's", k)
	}
	if err := c.Run(id).Charge(ctx, "PAGE", 1, &ChargeOptions{IdempotencyKey: "mine-1"}); err != nil {
		t.Fatal(err)
	}
	if counts, _, err := srv.ChargedEvents(id); err != nil || counts["PAGE"] != 4 {
		t.Errorf("charged %v (%v), want PAGE 4: the repeated key is charged once", counts, err)
	}
	if err := c.Run(id).Charge(ctx, "PAGE", 0, nil); err == nil {
		t.Error("count 0 accepted")
	}
	if err := c.Run(id).Charge(ctx, "", 1, nil); err == nil {
		t.Error("empty event accepted")
	}
}

func TestStartActorNotRetriedAfterServerError(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "once", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	if err := srv.InjectFault(apifytest.Fault{Method: http.MethodPost, Path: "/v2/actors/*/runs", Status: http.StatusInternalServerError}); err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	_, err := c.Actor(actorID).Start(testCtx(t), nil, nil)
	if !errors.Is(err, ErrServer) {
		t.Fatalf("err = %v, want ErrServer", err)
	}
	if n := len(srv.Runs()); n != 0 {
		t.Errorf("%d runs started", n)
	}
	posts := 0
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost {
			posts++
		}
	}
	if posts != 1 {
		t.Errorf("%d start attempts, want 1", posts)
	}
}
