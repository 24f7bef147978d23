package apify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

func TestFollowRunLogAgainstTheFake(t *testing.T) {
	srv := apifytest.NewServer(t)
	step := make(chan struct{})
	actorID := addActor(t, srv, "chatty", func(ctx context.Context, run *apifytest.ActorRun) error {
		run.Logf("starting")
		for i := range 3 {
			select {
			case <-step:
			case <-ctx.Done():
				return ctx.Err()
			}
			run.Logf("page %d done", i+1)
		}
		return nil
	})
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	run, err := c.Actor(actorID).Start(ctx, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf lockedBuffer
	done := make(chan error, 1)
	go func() { done <- c.Run(run.ID).Log().Follow(ctx, &buf, nil) }()
	for range 3 {
		step <- struct{}{}
	}
	if err := <-done; err != nil {
		t.Fatalf("FollowRunLog: %v", err)
	}
	info, _ := srv.Run(run.ID)
	if buf.String() != info.Log || !strings.Contains(info.Log, "page 3 done") {
		t.Errorf("followed log:\n%s\nwant:\n%s", buf.String(), info.Log)
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// logStub serves a run's log: stream answers (streams[i] for the i-th
// stream request, the last repeating), the whole log for plain requests,
// and the run's status from statuses (the last repeating). Kept beside
// apifytest for streams cut mid-body and statuses scripted per poll.
type logStub struct {
	*stubAPI
	streamN, statusN atomic.Int32
}

type streamAnswer struct {
	body string
	cut  bool // send a longer Content-Length and close after body
}

func newLogStub(t *testing.T, full string, streams []streamAnswer, statuses []string) *logStub {
	ls := &logStub{}
	ls.stubAPI = newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/log") && r.URL.Query().Get("stream") == "1":
			i := int(ls.streamN.Add(1)) - 1
			a := streams[min(i, len(streams)-1)]
			if a.cut {
				cutAfter(t, w, a.body, len(full)+100)
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprint(w, a.body)
		case strings.HasSuffix(r.URL.Path, "/log"):
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprint(w, full)
		default:
			i := int(ls.statusN.Add(1)) - 1
			writeData(w, http.StatusOK, runJSON("run1", statuses[min(i, len(statuses)-1)]))
		}
	})
	return ls
}

// cutAfter answers 200 announcing length bytes, sends body and closes the
// connection.
func cutAfter(t *testing.T, w http.ResponseWriter, body string, length int) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("cannot hijack")
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s", length, body)
	buf.Flush()
}

const fullLog = "2026-08-21T10:00:00.000Z start\n2026-08-21T10:00:01.000Z page 1\n2026-08-21T10:00:02.000Z page 2\n2026-08-21T10:00:03.000Z done\n"

func TestFollowRunLogReconnectsWithoutRepeating(t *testing.T) {
	cutAt := strings.Index(fullLog, "page 1") + 3 // in the middle of a line
	ls := newLogStub(t, fullLog, []streamAnswer{{body: fullLog[:cutAt], cut: true}, {body: fullLog}}, []string{"SUCCEEDED"})
	var buf bytes.Buffer
	if err := ls.client(t, nil).Run("run1").Log().Follow(testCtx(t), &buf, nil); err != nil {
		t.Fatalf("FollowRunLog: %v", err)
	}
	if buf.String() != fullLog {
		t.Errorf("wrote\n%q\nwant\n%q", buf.String(), fullLog)
	}
	if n := ls.streamN.Load(); n != 2 {
		t.Errorf("%d stream requests, want 2", n)
	}
}

func TestFollowRunLogFollowsAfterACleanEndWhileRunning(t *testing.T) {
	first := fullLog[:strings.Index(fullLog, "2026-08-21T10:00:02")]
	ls := newLogStub(t, fullLog,
		[]streamAnswer{{body: first}, {body: first}, {body: fullLog}},
		[]string{"RUNNING", "RUNNING", "SUCCEEDED"})
	timers := &coreTimers{}
	var buf bytes.Buffer
	if err := ls.client(t, timers).Run("run1").Log().Follow(testCtx(t), &buf, nil); err != nil {
		t.Fatal(err)
	}
	if buf.String() != fullLog {
		t.Errorf("wrote %q", buf.String())
	}
	// The second stream brought nothing new while the run went on: one pause.
	if d := timers.recorded(); len(d) != 1 || d[0] != time.Second {
		t.Errorf("waits %v, want [1s]", d)
	}
}

func TestFollowRunLogCatchesTheTailAfterTheRunEnds(t *testing.T) {
	// The stream ends early (a proxy), the run has finished meanwhile: the
	// last lines come from the plain log.
	ls := newLogStub(t, fullLog, []streamAnswer{{body: fullLog[:40]}}, []string{"FAILED"})
	var buf bytes.Buffer
	if err := ls.client(t, nil).Run("run1").Log().Follow(testCtx(t), &buf, &LogOptions{Raw: true}); err != nil {
		t.Fatal(err)
	}
	if buf.String() != fullLog {
		t.Errorf("wrote %q", buf.String())
	}
	for _, r := range ls.requests() {
		if strings.HasSuffix(r.Path, "/log") && !strings.Contains(r.Query, "raw=1") {
			t.Errorf("log request without raw=1: %s", r.Query)
		}
	}
}

func TestFollowRunLogGivesUp(t *testing.T) {
	ls := newLogStub(t, fullLog, []streamAnswer{{body: "", cut: true}}, []string{"RUNNING"})
	err := ls.client(t, nil, WithMaxRetries(0)).Run("run1").Log().Follow(testCtx(t), &bytes.Buffer{}, &LogOptions{MaxReconnects: 2})
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Errorf("err = %v", err)
	}
	if n := ls.streamN.Load(); n != 3 {
		t.Errorf("%d stream requests, want 3", n)
	}
}

// finishedRunOnFake returns a client and the ID of a run on an apifytest
// server that logged a few lines and SUCCEEDED, and its whole log.
func finishedRunOnFake(t *testing.T) (c *Client, srv *apifytest.Server, runID, log string) {
	srv = apifytest.NewServer(t)
	actorID := addActor(t, srv, "chatty", func(ctx context.Context, run *apifytest.ActorRun) error {
		run.Logf("starting")
		run.Logf("done")
		return nil
	})
	c = fakeClient(t, srv, nil)
	run, err := c.Actor(actorID).Call(testCtx(t), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := srv.Run(run.ID)
	return c, srv, run.ID, info.Log
}

func TestFollowLogErrors(t *testing.T) {
	c, srv, runID, _ := finishedRunOnFake(t)
	srv.ResetRequests()
	if err := c.Run("nope").Log().Follow(testCtx(t), &bytes.Buffer{}, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing run: %v", err)
	}
	if n, want := len(srv.Requests()), 1+int(defaultNotFoundGrace/notFoundDelay); n != want {
		t.Errorf("%d requests for a missing run, want %d (a short grace)", n, want)
	}
	if err := c.Run(runID).Log().Follow(testCtx(t), nil, nil); err == nil {
		t.Error("nil writer accepted")
	}
	if err := c.Run(runID).Log().Follow(testCtx(t), &bytes.Buffer{}, &LogOptions{MaxReconnects: -1}); err == nil {
		t.Error("negative MaxReconnects accepted")
	}

	err := c.Run(runID).Log().Follow(testCtx(t), failingWriter{}, nil)
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("writer failure: %v", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestFollowRunLogWaitsForANewRun(t *testing.T) {
	_, srv, runID, full := finishedRunOnFake(t)
	// Right after a start the log may not exist yet: two 404s.
	if err := srv.InjectFault(apifytest.Fault{Method: http.MethodGet, Path: "/v2/actor-runs/*/log", Status: http.StatusNotFound, ErrorType: "record-not-found", Times: 2}); err != nil {
		t.Fatal(err)
	}
	timers := &coreTimers{}
	c := fakeClient(t, srv, timers)
	var buf bytes.Buffer
	if err := c.Run(runID).Log().Follow(testCtx(t), &buf, nil); err != nil || buf.String() != full {
		t.Fatalf("FollowRunLog: %q, %v", buf.String(), err)
	}
	if d := timers.recorded(); len(d) != 2 || d[0] != notFoundDelay {
		t.Errorf("waits %v, want two short ones", d)
	}
}

func TestFollowBuildLogPaths(t *testing.T) {
	srv := apifytest.NewServer(t)
	actorID := addActor(t, srv, "built", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	c := fakeClient(t, srv, nil)
	var buildID string
	for b, err := range c.Actor(actorID).Builds().List(testCtx(t), nil) {
		if err != nil {
			t.Fatal(err)
		}
		buildID = b.ID
	}
	full, err := c.Log(buildID).Get(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	var buf bytes.Buffer
	if err := c.Build(buildID).Log().Follow(testCtx(t), &buf, nil); err != nil || buf.String() != full {
		t.Fatalf("FollowBuildLog: %q, %v; want %q", buf.String(), err, full)
	}
	paths := map[string]bool{}
	for _, r := range srv.Requests() {
		paths[r.Path] = true
	}
	if !paths["/v2/actor-builds/"+buildID+"/log"] || !paths["/v2/actor-builds/"+buildID] {
		t.Errorf("paths %v", paths)
	}
}

// recordingHandler keeps the records it handles.
type recordingHandler struct {
	mu      sync.Mutex
	level   slog.Level
	records []slog.Record
}

func (h *recordingHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r)
	return nil
}
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

func TestLogWriterLogsLines(t *testing.T) {
	h := &recordingHandler{level: slog.LevelDebug}
	lw := NewLogWriter(slog.New(h), slog.LevelInfo, slog.String("run", "run1"))
	for _, chunk := range []string{"first\nsec", "ond\r\n", "", "third"} {
		if n, err := lw.Write([]byte(chunk)); n != len(chunk) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if err := lw.Close(); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, r := range h.records {
		msgs = append(msgs, r.Message)
		var run string
		r.Attrs(func(a slog.Attr) bool { run = a.Value.String(); return true })
		if r.Level != slog.LevelInfo || run != "run1" {
			t.Errorf("record %v at %v with run=%q", r.Message, r.Level, run)
		}
	}
	if strings.Join(msgs, "|") != "first|second|third" {
		t.Errorf("messages %q", msgs)
	}

	h.records = nil
	long := strings.Repeat("x", maxLogLine+10)
	_, _ = lw.Write([]byte(long)) // held back, at most maxLogLine at a time
	_, _ = lw.Write([]byte("\n"))
	if len(h.records) != 2 || len(h.records[0].Message) != maxLogLine || len(h.records[1].Message) != 10 {
		t.Errorf("a long line gave %d records", len(h.records))
	}

	quiet := &recordingHandler{level: slog.LevelWarn}
	qw := NewLogWriter(slog.New(quiet), slog.LevelInfo)
	_, _ = qw.Write([]byte("hidden\n"))
	if len(quiet.records) != 0 {
		t.Error("a disabled level was logged")
	}
}
