package apify

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// coreScript is a server that answers request i with steps[i] (the last step
// repeats) and counts requests. A stub, not apifytest: the retry tests script
// each answer on the wire (statuses, Retry-After values, cuts, bodies).
type coreScript struct {
	t     *testing.T
	mu    sync.Mutex
	steps []func(http.ResponseWriter, *http.Request)
	n     int
}

func (s *coreScript) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	i := min(s.n, len(s.steps)-1)
	s.n++
	s.mu.Unlock()
	s.steps[i](w, r)
}

func (s *coreScript) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func newCoreScript(t *testing.T, steps ...func(http.ResponseWriter, *http.Request)) (*coreScript, *httptest.Server) {
	s := &coreScript{t: t, steps: steps}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func coreStatus(code int, retryAfter string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		coreWriteJSON(w, code, `{"error":{"type":"test-error","message":"status `+http.StatusText(code)+`"}}`)
	}
}

func coreOK(body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) { coreWriteJSON(w, 200, body) }
}

func coreCut(t *testing.T) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) { coreCutConnection(t, w) }
}

func coreCall(t *testing.T, c *Client, ctx context.Context, method string) (*map[string]any, error) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost || method == http.MethodPut {
		body = strings.NewReader(`{"x":1}`)
	}
	req, err := c.newRequest(ctx, method, "/v2/actors/a/runs", nil, body, "application/json")
	if err != nil {
		t.Fatal(err)
	}
	return doJSON[map[string]any](c, req)
}

func TestIdempotentRequestsRetryEveryTransientFailure(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		t.Run(method, func(t *testing.T) {
			s, srv := newCoreScript(t, coreStatus(503, ""), coreStatus(500, ""), coreCut(t), coreStatus(429, "2"),
				func(w http.ResponseWriter, r *http.Request) { coreTruncateBody(t, w, `{"data":{"id":`) },
				coreOK(`{"data":{"id":"run1"}}`))
			timers := &coreTimers{}
			c := newCoreClient(t, srv, timers)
			v, err := coreCall(t, c, context.Background(), method)
			if err != nil {
				t.Fatal(err)
			}
			if (*v)["id"] != "run1" || s.count() != 6 {
				t.Errorf("got %v after %d attempts, want run1 after 6", *v, s.count())
			}
			// Go's transport itself may resend a GET whose reused
			// connection was cut; then one wait fewer is needed.
			d := timers.recorded()
			if len(d) != 5 && !(method == http.MethodGet && len(d) == 4) {
				t.Fatalf("waited %d times, want 5", len(d))
			}
			if d[len(d)-2] < 2*time.Second {
				t.Errorf("after Retry-After: 2 waited %v", d[len(d)-2])
			}
		})
	}
}

func TestCutConnectionsAreRetried(t *testing.T) {
	s, srv := newCoreScript(t, coreCut(t), coreCut(t), coreOK(`{"data":{"id":"run1"}}`))
	timers := &coreTimers{}
	// Fresh connections, so that Go's transport does not resend on its own.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	c := newCoreClient(t, srv, timers, WithHTTPClient(hc))
	v, err := coreCall(t, c, context.Background(), http.MethodGet)
	if err != nil || (*v)["id"] != "run1" || s.count() != 3 || len(timers.recorded()) != 2 {
		t.Errorf("got %v, %v after %d attempts and %d waits; want run1 after 3 and 2", v, err, s.count(), len(timers.recorded()))
	}
}

func TestDelaysGrowWithJitterAndCaps(t *testing.T) {
	s, srv := newCoreScript(t, coreStatus(500, ""))
	timers := &coreTimers{}
	c := newCoreClient(t, srv, timers)
	_, err := coreCall(t, c, context.Background(), http.MethodGet)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Attempt != 9 {
		t.Fatalf("err = %v, want the last 500 as *APIError with Attempt 9", err)
	}
	if !strings.HasSuffix(err.Error(), "(after 9 attempts)") {
		t.Errorf("Error() = %q, want the attempt count", err)
	}
	if s.count() != 9 {
		t.Errorf("server saw %d attempts, want 9 (8 retries)", s.count())
	}
	d := timers.recorded()
	if len(d) != 8 {
		t.Fatalf("waited %d times, want 8", len(d))
	}
	for k, got := range d {
		lo := DefaultInitialDelay << k
		hi := 2 * lo
		lo, hi = min(lo, DefaultMaxDelay*2/3), min(hi, DefaultMaxDelay)
		if got < lo || got > hi {
			t.Errorf("wait %d = %v, want within [%v, %v]", k, got, lo, hi)
		}
	}

	// MaxDelay caps every computed wait; Retry-After is capped by MaxRetryAfter.
	p := DefaultRetryPolicy()
	p.MaxRetries, p.InitialDelay, p.MaxDelay, p.MaxRetryAfter = 4, time.Second, 3*time.Second, 10*time.Second
	_, srv2 := newCoreScript(t, coreStatus(503, "3600"), coreStatus(503, ""), coreStatus(503, "5"), coreStatus(503, "garbage"), coreOK(`{"data":{}}`))
	timers = &coreTimers{}
	c = newCoreClient(t, srv2, timers, WithRetryPolicy(p))
	if _, err := coreCall(t, c, context.Background(), http.MethodGet); err != nil {
		t.Fatal(err)
	}
	d = timers.recorded()
	if len(d) != 4 || d[0] != 10*time.Second || d[1] > 3*time.Second || d[2] != 5*time.Second || d[3] > 3*time.Second {
		t.Errorf("waits %v, want [10s (capped Retry-After) ≤3s 5s ≤3s]", d)
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	at := time.Now().Add(20 * time.Second).UTC().Format(http.TimeFormat)
	_, srv := newCoreScript(t, coreStatus(429, at), coreOK(`{"data":{}}`))
	timers := &coreTimers{}
	c := newCoreClient(t, srv, timers)
	if _, err := coreCall(t, c, context.Background(), http.MethodGet); err != nil {
		t.Fatal(err)
	}
	if d := timers.recorded(); len(d) != 1 || d[0] < 18*time.Second || d[0] > 21*time.Second {
		t.Errorf("waits %v, want about 20s", d)
	}
}

func TestNonIdempotentRequestsRetryOnlyWhereSafe(t *testing.T) {
	t.Run("429 is retried", func(t *testing.T) {
		s, srv := newCoreScript(t, coreStatus(429, "1"), coreOK(`{"data":{"id":"run"}}`))
		c := newCoreClient(t, srv, &coreTimers{})
		if _, err := coreCall(t, c, context.Background(), http.MethodPost); err != nil || s.count() != 2 {
			t.Errorf("err %v after %d attempts, want success after 2", err, s.count())
		}
	})
	t.Run("5xx is not retried", func(t *testing.T) {
		s, srv := newCoreScript(t, coreStatus(502, ""), coreOK(`{"data":{}}`))
		c := newCoreClient(t, srv, &coreTimers{})
		_, err := coreCall(t, c, context.Background(), http.MethodPost)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 || apiErr.Attempt != 1 || s.count() != 1 {
			t.Errorf("err %v after %d attempts, want the 502 after 1", err, s.count())
		}
	})
	t.Run("cut after sending is not retried", func(t *testing.T) {
		s, srv := newCoreScript(t, coreCut(t), coreOK(`{"data":{}}`))
		c := newCoreClient(t, srv, &coreTimers{})
		_, err := coreCall(t, c, context.Background(), http.MethodPost)
		if err == nil || s.count() != 1 {
			t.Fatalf("err %v after %d attempts, want an error after 1", err, s.count())
		}
		if !strings.Contains(err.Error(), "not retried") || !strings.Contains(err.Error(), "AllowUnsafeRetries") {
			t.Errorf("error %q does not explain why it was not retried", err)
		}
	})
	t.Run("truncated success body is not retried", func(t *testing.T) {
		s, srv := newCoreScript(t, func(w http.ResponseWriter, r *http.Request) { coreTruncateBody(t, w, `{"data":`) }, coreOK(`{"data":{}}`))
		c := newCoreClient(t, srv, &coreTimers{})
		_, err := coreCall(t, c, context.Background(), http.MethodPost)
		if !errors.Is(err, ErrUnexpectedResponse) || s.count() != 1 {
			t.Errorf("err %v after %d attempts, want ErrUnexpectedResponse after 1", err, s.count())
		}
	})
	t.Run("refused connection is retried", func(t *testing.T) {
		timers := &coreTimers{}
		c, err := NewClient(WithToken(coreTestToken), WithBaseURL("http://"+coreClosedAddr(t)), withTimer(timers.newTimer), WithMaxRetries(2))
		if err != nil {
			t.Fatal(err)
		}
		_, err = coreCall(t, c, context.Background(), http.MethodPost)
		if err == nil || len(timers.recorded()) != 2 {
			t.Fatalf("err %v after %d waits, want an error after 2 retries", err, len(timers.recorded()))
		}
		if !strings.Contains(err.Error(), "after 3 attempts") || !strings.Contains(err.Error(), "POST http://") {
			t.Errorf("error %q does not name the request and attempts", err)
		}
		coreAssertNoToken(t, "refused error", err.Error())
	})
	optIns := map[string]func(*testing.T, *httptest.Server) (*Client, context.Context, http.Header){
		"AllowUnsafeRetries": func(t *testing.T, srv *httptest.Server) (*Client, context.Context, http.Header) {
			return newCoreClient(t, srv, &coreTimers{}), AllowUnsafeRetries(context.Background()), nil
		},
		"RetryNonIdempotent": func(t *testing.T, srv *httptest.Server) (*Client, context.Context, http.Header) {
			p := DefaultRetryPolicy()
			p.RetryNonIdempotent = true
			return newCoreClient(t, srv, &coreTimers{}, WithRetryPolicy(p)), context.Background(), nil
		},
		"markIdempotent": func(t *testing.T, srv *httptest.Server) (*Client, context.Context, http.Header) {
			return newCoreClient(t, srv, &coreTimers{}), markIdempotent(context.Background()), nil
		},
		"Idempotency-Key": func(t *testing.T, srv *httptest.Server) (*Client, context.Context, http.Header) {
			return newCoreClient(t, srv, &coreTimers{}), context.Background(), http.Header{"Idempotency-Key": {"run-event-1"}}
		},
	}
	for name, setup := range optIns {
		t.Run("opted in with "+name, func(t *testing.T) {
			s, srv := newCoreScript(t, coreStatus(500, ""), coreCut(t), coreOK(`{"data":{"id":"once"}}`))
			c, ctx, header := setup(t, srv)
			req, _ := c.newRequest(ctx, http.MethodPost, "/v2/actors/a/runs", nil, strings.NewReader(`{}`), "application/json")
			for k, v := range header {
				req.Header[k] = v
			}
			if _, err := doJSON[map[string]any](c, req); err != nil || s.count() != 3 {
				t.Errorf("err %v after %d attempts, want success after 3", err, s.count())
			}
		})
	}
}

func TestMaxRetriesZeroMakesOneAttempt(t *testing.T) {
	s, srv := newCoreScript(t, coreStatus(429, "1"), coreOK(`{}`))
	c := newCoreClient(t, srv, &coreTimers{}, WithMaxRetries(0))
	_, err := coreCall(t, c, context.Background(), http.MethodGet)
	if !errors.Is(err, ErrRateLimited) || s.count() != 1 {
		t.Errorf("err %v after %d attempts, want ErrRateLimited after 1", err, s.count())
	}
}

func TestNonRetryableStatusesReturnAtOnce(t *testing.T) {
	for _, code := range []int{400, 401, 402, 403, 404, 408, 409, 413, 501, 505} {
		s, srv := newCoreScript(t, coreStatus(code, "1"), coreOK(`{}`))
		c := newCoreClient(t, srv, &coreTimers{})
		_, err := coreCall(t, c, context.Background(), http.MethodGet)
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != code || s.count() != 1 {
			t.Errorf("%d: err %v after %d attempts, want the answer after 1", code, err, s.count())
		}
	}
}

// cancellingTimers cancel the call's context when a wait starts and never
// fire, like a caller giving up during a long Retry-After.
type coreCancellingTimer struct {
	cancel context.CancelFunc
	c      chan time.Time
}

func (t *coreCancellingTimer) Start(time.Duration) { t.cancel() }
func (t *coreCancellingTimer) Stop()               {}
func (t *coreCancellingTimer) C() <-chan time.Time { return t.c }

func TestContextBoundsTheWholeCall(t *testing.T) {
	t.Run("cancel during a wait", func(t *testing.T) {
		s, srv := newCoreScript(t, coreStatus(503, "30"))
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c := newCoreClient(t, srv, &coreTimers{},
			withTimer(func() backoff.Timer { return &coreCancellingTimer{cancel: cancel, c: make(chan time.Time)} }))
		_, err := coreCall(t, c, ctx, http.MethodGet)
		if !errors.Is(err, context.Canceled) || s.count() != 1 {
			t.Fatalf("err %v after %d attempts, want context.Canceled after 1", err, s.count())
		}
		if !strings.Contains(err.Error(), "503") {
			t.Errorf("error %q does not say what failed before the wait", err)
		}
	})
	t.Run("deadline before the next attempt returns the last answer", func(t *testing.T) {
		s, srv := newCoreScript(t, coreStatus(429, "30"), coreOK(`{}`))
		timers := &coreTimers{}
		c := newCoreClient(t, srv, timers)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := coreCall(t, c, ctx, http.MethodGet)
		if !errors.Is(err, ErrRateLimited) || s.count() != 1 || len(timers.recorded()) != 0 {
			t.Errorf("err %v after %d attempts and %d waits, want the 429 at once", err, s.count(), len(timers.recorded()))
		}
	})
	t.Run("no hidden overall limit", func(t *testing.T) {
		b := newRetryBackOff(context.Background(), DefaultRetryPolicy(), 8)
		if b.exp.MaxElapsedTime != 0 {
			t.Errorf("MaxElapsedTime = %v, want 0 so that only ctx bounds the call", b.exp.MaxElapsedTime)
		}
	})
}

// TestPerAttemptTimeout cuts attempts with deadlines the test expires once
// the server holds the request (attemptDeadlines), so no real time passes and
// the server always saw the attempt it cuts.
func TestPerAttemptTimeout(t *testing.T) {
	t.Run("GET is retried", func(t *testing.T) {
		hang, arrived := arrivals(nil, nil)
		s, srv := newCoreScript(t, hang, coreOK(`{"data":{"id":"late"}}`))
		dl := &attemptDeadlines{}
		c := newCoreClient(t, srv, &coreTimers{}, WithTimeout(time.Minute), withAttemptDeadline(dl.arm))
		go func() {
			<-arrived
			dl.expire(time.Minute)
		}()
		v, err := coreCall(t, c, testCtx(t), http.MethodGet)
		if err != nil || (*v)["id"] != "late" || s.count() != 2 {
			t.Errorf("got %v, %v after %d attempts", v, err, s.count())
		}
		if got := dl.durations(); !slices.Equal(got, []time.Duration{time.Minute, time.Minute}) {
			t.Errorf("attempt timeouts %v, want the client's minute for each", got)
		}
	})
	t.Run("POST is not retried and matches ErrTimeout", func(t *testing.T) {
		hang, arrived := arrivals(nil, nil)
		s, srv := newCoreScript(t, hang, coreOK(`{}`))
		dl := &attemptDeadlines{}
		c := newCoreClient(t, srv, &coreTimers{}, WithTimeout(time.Minute), withAttemptDeadline(dl.arm))
		go func() {
			<-arrived
			dl.expire(time.Minute)
		}()
		_, err := coreCall(t, c, testCtx(t), http.MethodPost)
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || s.count() != 1 {
			t.Errorf("err %v after %d attempts, want ErrTimeout after 1", err, s.count())
		}
	})
	t.Run("override per call", func(t *testing.T) {
		// withAttemptTimeout(ctx, 0) (log streams) arms no deadline at all:
		// the body goes on arriving after any deadline would have ended.
		release := make(chan struct{})
		_, srv := newCoreScript(t, func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			w.(http.Flusher).Flush()
			<-release
			io.WriteString(w, "streamed")
		})
		dl := &attemptDeadlines{}
		c := newCoreClient(t, srv, &coreTimers{}, WithTimeout(20*time.Millisecond), WithMaxRetries(0), withAttemptDeadline(dl.arm))
		req, _ := c.newRequest(withAttemptTimeout(testCtx(t), 0), http.MethodGet, "/v2/logs/x", nil, nil, "")
		resp, err := c.do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if n := dl.expire(time.Duration(math.MaxInt64)); n != 0 {
			t.Errorf("%d deadlines armed for a stream without a timeout (%v)", n, dl.durations())
		}
		close(release)
		if b, err := io.ReadAll(resp.Body); err != nil || string(b) != "streamed" {
			t.Errorf("stream read %q, %v", b, err)
		}
	})
	t.Run("real deadline", func(t *testing.T) {
		// Without the injected deadlines the timeout is the real clock's.
		hang, _ := arrivals(nil, nil)
		_, srv := newCoreScript(t, hang)
		c := newCoreClient(t, srv, &coreTimers{}, WithTimeout(time.Millisecond), WithMaxRetries(0))
		_, err := coreCall(t, c, testCtx(t), http.MethodGet)
		if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err %v, want ErrTimeout", err)
		}
	})
}

func TestDoKeepsSuccessBodiesStreaming(t *testing.T) {
	s, srv := newCoreScript(t, func(w http.ResponseWriter, r *http.Request) { coreTruncateBody(t, w, `[{"a":1},`) })
	c := newCoreClient(t, srv, &coreTimers{})
	req, _ := c.newRequest(context.Background(), http.MethodGet, "/v2/datasets/d/items", nil, nil, "")
	resp, err := c.do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, isBuffered := resp.Body.(*cancelOnClose).ReadCloser.(interface{ Len() int }); isBuffered {
		t.Error("do buffered the success body")
	}
	b, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) || string(b) != `[{"a":1},` || s.count() != 1 {
		t.Errorf("read %q, %v after %d attempts; want the partial body and io.ErrUnexpectedEOF for the caller to resume", b, err, s.count())
	}
}

func TestRetriesAreLoggedAtDebugWithoutToken(t *testing.T) {
	_, srv := newCoreScript(t, coreStatus(503, ""), coreCut(t), coreOK(`{"data":{}}`))
	var logs coreLogBuffer
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	c := newCoreClient(t, srv, &coreTimers{}, WithLogger(logs.logger()), WithHTTPClient(hc))
	req, _ := c.newRequest(context.Background(), http.MethodGet, "/v2/actors/a/runs", nil, nil, "")
	req.URL.RawQuery = "token=" + coreTestToken // a caller's mistake: still redacted
	if _, err := doJSON[map[string]any](c, req); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d log lines, want 2:\n%s", len(lines), logs.String())
	}
	for i, line := range lines {
		for _, want := range []string{"level=DEBUG", "retrying request", "method=GET", "attempt=" + string(rune('1'+i)), "delay=", "reason=", "token=REDACTED"} {
			if !strings.Contains(line, want) {
				t.Errorf("log line %q lacks %q", line, want)
			}
		}
		coreAssertNoToken(t, "log line", line)
	}
	if !strings.Contains(lines[0], "503") {
		t.Errorf("first retry reason should be the 503: %q", lines[0])
	}
}

func TestReplayableRequestBuffersSmallBodies(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "http://x/v2/y", io.MultiReader(strings.NewReader("ab"), strings.NewReader("c")))
	r, replayable, err := replayableRequest(req)
	if err != nil || !replayable || r.GetBody == nil || r.ContentLength != 3 {
		t.Fatalf("replayable %v, GetBody %v, len %d, err %v", replayable, r.GetBody != nil, r.ContentLength, err)
	}
	for range 2 {
		b, _ := r.GetBody()
		if got, _ := io.ReadAll(b); !bytes.Equal(got, []byte("abc")) {
			t.Errorf("replayed %q", got)
		}
	}
	if req.GetBody != nil {
		t.Error("the caller's request was modified")
	}
	failing, _ := http.NewRequest(http.MethodPost, "http://x/v2/y", io.MultiReader(strings.NewReader("ab"), coreErrReader{}))
	if _, _, err := replayableRequest(failing); err == nil {
		t.Error("a failing body reader was not reported")
	}
}

type coreErrReader struct{}

func (coreErrReader) Read([]byte) (int, error) { return 0, errors.New("disk gone") }
