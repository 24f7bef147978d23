package apify

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// coreTestToken is the token used by the core tests; every test that can print
// something checks that it never appears.
const coreTestToken = "apify_api_SECRETsecret1234567890"

// coreTimers hands out timers that fire at once and records every delay the
// retry loop asked for, so retry tests never sleep.
type coreTimers struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (f *coreTimers) newTimer() backoff.Timer { return &coreTimer{owner: f} }

func (f *coreTimers) recorded() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.delays...)
}

type coreTimer struct {
	owner *coreTimers
	c     chan time.Time
}

func (t *coreTimer) Start(d time.Duration) {
	t.owner.mu.Lock()
	t.owner.delays = append(t.owner.delays, d)
	t.owner.mu.Unlock()
	t.c = make(chan time.Time, 1)
	t.c <- time.Now()
}

func (t *coreTimer) Stop() {}

func (t *coreTimer) C() <-chan time.Time { return t.c }

// coreLogBuffer collects log output at debug level, safe for concurrent writes.
type coreLogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *coreLogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *coreLogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *coreLogBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newCoreClient returns a client for srv with the test token and fake timers.
func newCoreClient(t *testing.T, srv *httptest.Server, timers *coreTimers, opts ...Option) *Client {
	t.Helper()
	all := append([]Option{WithToken(coreTestToken), WithBaseURL(srv.URL), withTimer(timers.newTimer)}, opts...)
	c, err := NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return c
}

// coreCutConnection hijacks the connection of w and closes it without answering.
func coreCutConnection(t *testing.T, w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	conn.Close()
}

// coreTruncateBody answers 200 with a Content-Length larger than the body it
// sends, then closes the connection.
func coreTruncateBody(t *testing.T, w http.ResponseWriter, partial string) {
	coreRawAnswer(t, w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"+partial)
}

// coreRawAnswer hijacks the connection of w, writes raw (a status line,
// headers and a body, however malformed) and closes the connection.
func coreRawAnswer(t *testing.T, w http.ResponseWriter, raw string) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Error("response writer cannot hijack")
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	defer conn.Close()
	buf.WriteString(raw)
	buf.Flush()
}

// coreClosedAddr returns a loopback address where nothing listens.
func coreClosedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// coreAssertNoToken fails if s shows the test token.
func coreAssertNoToken(t *testing.T, what, s string) {
	t.Helper()
	if strings.Contains(s, coreTestToken) || strings.Contains(s, coreTestToken[10:]) {
		t.Errorf("%s shows the token: %s", what, s)
	}
}

// coreWriteJSON answers with status and a JSON body.
func coreWriteJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func parseURLForTest(s string) (*url.URL, error) { return url.Parse(s) }

// attemptDeadlines arms per-attempt deadlines (withAttemptDeadline) that
// expire only when the test says, so a test cuts an attempt at a chosen
// point instead of after real time. An expired attempt's context reports
// context.DeadlineExceeded, as a real deadline's does.
type attemptDeadlines struct {
	mu    sync.Mutex
	armed []*armedDeadline
}

type armedDeadline struct {
	d       time.Duration
	cancel  context.CancelCauseFunc
	expired bool
}

// deadlineCtx is an attempt context whose Err is DeadlineExceeded once its
// deadline was expired by the test.
type deadlineCtx struct{ context.Context }

func (c deadlineCtx) Err() error {
	if err := c.Context.Err(); err != nil && errors.Is(context.Cause(c.Context), context.DeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return c.Context.Err()
}

func (a *attemptDeadlines) arm(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	inner, cancel := context.WithCancelCause(ctx)
	a.mu.Lock()
	a.armed = append(a.armed, &armedDeadline{d: d, cancel: cancel})
	a.mu.Unlock()
	return deadlineCtx{inner}, func() { cancel(context.Canceled) }
}

// expire ends every armed deadline of at most max not yet expired, and
// returns how many it ended.
func (a *attemptDeadlines) expire(max time.Duration) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, x := range a.armed {
		if !x.expired && x.d <= max {
			x.expired = true
			x.cancel(context.DeadlineExceeded)
			n++
		}
	}
	return n
}

// durations returns the timeouts armed so far, in order.
func (a *attemptDeadlines) durations() []time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []time.Duration
	for _, x := range a.armed {
		out = append(out, x.d)
	}
	return out
}

// arrivals returns a handler step that reports its request on the returned
// channel, then holds it until the client gives up on it or release is
// closed, and then answers with next (when released).
func arrivals(release <-chan struct{}, next func(http.ResponseWriter, *http.Request)) (func(http.ResponseWriter, *http.Request), <-chan struct{}) {
	arrived := make(chan struct{}, 16)
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // lets the server notice the client leaving
		arrived <- struct{}{}
		select {
		case <-release:
			if next != nil {
				next(w, r)
			}
		case <-r.Context().Done():
		}
	}, arrived
}
