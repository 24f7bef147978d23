package apifytest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFailNext(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddDataset("d", map[string]int{"a": 1}))(t)
	check(t, s.InjectFault(Fault{Method: http.MethodGet, Path: "/v2/datasets/*/items", Status: http.StatusServiceUnavailable, Times: 2}))
	check(t, s.InjectFault(Fault{Operation: "dataset_items_get", Status: http.StatusTooManyRequests, RetryAfter: 1500 * time.Millisecond}))

	// Other requests pass.
	c.do(http.MethodGet, "/v2/datasets/"+id, nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/datasets/"+id+"/items", nil).wantError(http.StatusServiceUnavailable, "internal-server-error")
	c.do(http.MethodGet, "/v2/datasets/"+id+"/items", nil).wantError(http.StatusServiceUnavailable, "internal-server-error")
	r := c.do(http.MethodGet, "/v2/datasets/"+id+"/items", nil)
	r.wantError(http.StatusTooManyRequests, "rate-limit-exceeded")
	if ra := r.Header.Get("Retry-After"); ra != "2" {
		t.Errorf("Retry-After %q, want 2 (rounded up)", ra)
	}
	c.do(http.MethodGet, "/v2/datasets/"+id+"/items", nil).want(http.StatusOK)
	if n := s.PendingFaults(); n != 0 {
		t.Errorf("%d faults left", n)
	}
	var faulted []string
	for _, rr := range s.Requests() {
		if rr.Fault != "" {
			faulted = append(faulted, rr.Fault)
		}
	}
	if strings.Join(faulted, "|") != "status 503|status 503|status 429" {
		t.Errorf("faults in the log: %q", faulted)
	}
	// Faults come before authentication, as a proxy's would.
	check(t, s.InjectFault(Fault{Path: "/v2/**", Status: http.StatusBadGateway}))
	c.do(http.MethodGet, "/v2/users/me", nil, noToken(), invalid()).wantError(http.StatusBadGateway, "internal-server-error")
	check(t, s.InjectFault(Fault{Path: "/v2/users/me", Status: http.StatusForbidden, ErrorType: "insufficient-permissions", Message: "try again"}))
	if msg := c.do(http.MethodGet, "/v2/users/me", nil).wantError(http.StatusForbidden, "insufficient-permissions"); msg != "try again" {
		t.Errorf("message %q", msg)
	}
}

// A fault with After lets that many matching requests through first.
func TestFaultAfter(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddDataset("d", map[string]int{"a": 1}))(t)
	check(t, s.InjectFault(Fault{Path: "/v2/datasets/*/items", Status: http.StatusBadRequest, After: 2}))
	c.do(http.MethodGet, "/v2/datasets/"+id, nil).want(http.StatusOK) // not matching: not counted
	c.do(http.MethodGet, "/v2/datasets/"+id+"/items", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/datasets/"+id+"/items", nil).want(http.StatusOK)
	if n := s.PendingFaults(); n != 1 {
		t.Errorf("%d faults pending after the requests let through, want 1", n)
	}
	c.do(http.MethodGet, "/v2/datasets/"+id+"/items", nil).wantError(http.StatusBadRequest, "invalid-input")
	c.do(http.MethodGet, "/v2/datasets/"+id+"/items", nil).want(http.StatusOK)
}

// InjectFault refuses a fault that does not validate, a negative count
// included, as every option does; a program's server returns the error.
func TestFaultValidation(t *testing.T) {
	t.Parallel()
	s, err := NewUnstartedServer()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	bad := []Fault{
		{},
		{Status: 200},
		{Status: 500, CutConnection: true},
		{CutConnection: true, TruncateBody: true},
		{Path: "v2/x", Status: 500},
		{Path: "/v2/**/x", Status: 500},
		{RetryAfter: time.Second, CutConnection: true},
		{Delay: -time.Second},
		{Status: 500, Times: -1},
		{Status: 500, After: -1},
	}
	for _, f := range bad {
		if err := s.InjectFault(f); err == nil {
			t.Errorf("%+v: no error", f)
		}
	}
	if s.PendingFaults() != 0 {
		t.Error("a rejected fault was kept")
	}
	if err := s.InjectFault(Fault{Status: 500, Times: 3}); err != nil || s.PendingFaults() != 3 {
		t.Errorf("Times 3: err %v, %d pending", err, s.PendingFaults())
	}
}

// recordingTB is a testing.TB that records a Fatal instead of stopping the
// test, to test what NewServer's seeding methods do on error.
type recordingTB struct {
	testing.TB
	fatal string
}

func (r *recordingTB) Helper()                   {}
func (r *recordingTB) Cleanup(f func())          { r.TB.Cleanup(f) }
func (r *recordingTB) Error(args ...any)         { r.TB.Error(args...) }
func (r *recordingTB) Fatal(args ...any)         { r.fatal = fmt.Sprint(args...); runtime.Goexit() }
func (r *recordingTB) Fatalf(f string, a ...any) { r.Fatal(fmt.Sprintf(f, a...)) }

// On a server made by NewServer, a seeding method that fails fails the test
// (its error result needs no checking).
func TestSeedingFailsTheTest(t *testing.T) {
	t.Parallel()
	for name, seed := range map[string]func(s *Server){
		"AddDataset":       func(s *Server) { _, _ = s.AddDataset("bad name!") },
		"PushItems":        func(s *Server) { _ = s.PushItems("missing", map[string]any{}) },
		"DatasetItems":     func(s *Server) { _, _ = s.DatasetItems("missing") },
		"AddKeyValueStore": func(s *Server) { _, _ = s.AddKeyValueStore("-bad") },
		"SetRecord":        func(s *Server) { _ = s.SetRecord("missing", "k", nil, "") },
		"AddRequestQueue":  func(s *Server) { _, _ = s.AddRequestQueue("-bad") },
		"AddActor":         func(s *Server) { _, _ = s.AddActor("a", nil) },
		"AddTask":          func(s *Server) { _, _ = s.AddTask("missing", "t", nil) },
		"InjectFault":      func(s *Server) { _ = s.InjectFault(Fault{Status: 500, Times: -2}) },
		"SetRandomFaults":  func(s *Server) { _ = s.SetRandomFaults(RandomFaults{Rate: 2}) },
	} {
		rec := &recordingTB{TB: t}
		s := NewServer(rec)
		done := make(chan struct{})
		go func() { defer close(done); seed(s) }()
		<-done
		if rec.fatal == "" {
			t.Errorf("%s: a failed seeding did not fail the test", name)
		}
	}
}

// rawGet sends a GET on a fresh connection (so the transport cannot retry a
// reused one) and reads the whole body.
func rawGet(t *testing.T, s *Server, path string) (*http.Response, []byte, error) {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true}
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
	req.Header.Set("Authorization", "Bearer "+s.Token())
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestCutConnectionAndTruncatedBody(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	id := must(s.AddDataset("d", map[string]string{"a": strings.Repeat("x", 100)}))(t)
	path := "/v2/datasets/" + id + "/items"

	check(t, s.InjectFault(Fault{Path: path, CutConnection: true}))
	if _, _, err := rawGet(t, s, path); err == nil {
		t.Error("a cut connection gave no error")
	}

	check(t, s.InjectFault(Fault{Path: path, TruncateBody: true}))
	resp, body, err := rawGet(t, s, path)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated body: err %v, want unexpected EOF", err)
	}
	if resp == nil || resp.StatusCode != http.StatusOK || len(body) != int(resp.ContentLength)/2 {
		t.Errorf("truncated body: %d of %d bytes", len(body), resp.ContentLength)
	}
	if _, body, err := rawGet(t, s, path); err != nil || len(body) < 100 {
		t.Errorf("after the faults: %v, %d bytes", err, len(body))
	}
	log := s.Requests()
	if log[0].Fault != "cut connection" || log[0].Status != 0 || log[1].Fault != "truncated body" || log[1].Status != 200 {
		t.Errorf("request log %+v", log[:2])
	}
}

func TestDelayUsesTheServerClock(t *testing.T) {
	t.Parallel()
	clock := NewFakeClock(time.Unix(0, 0))
	s, c := newTestServer(t, WithClock(clock))
	check(t, s.InjectFault(Fault{Path: "/v2/users/me", Delay: time.Minute}))
	check(t, s.InjectFault(Fault{Path: "/v2/users/me", Delay: time.Minute, Status: 500}))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.do(http.MethodGet, "/v2/users/me", nil).want(http.StatusOK)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if !clock.WaitForTimers(ctx, 1) {
		t.Fatal("the delay never started")
	}
	clock.Advance(time.Minute)
	wg.Wait()

	// A client that gives up ends the delay.
	short, cancelShort := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(short, http.MethodGet, s.URL()+"/v2/users/me", nil)
		_, err := s.Client().Do(req)
		done <- err
	}()
	if !clock.WaitForTimers(ctx, 1) {
		t.Fatal("the second delay never started")
	}
	cancelShort()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled request: %v", err)
	}
}

func TestRandomFaultsAreSeeded(t *testing.T) {
	t.Parallel()
	statuses := func() []int {
		s := NewServer(t, WithRandomFaults(RandomFaults{Seed: 42, Rate: 0.5, Path: "/v2/users/me"}))
		c := newTestClient(t, s)
		var out []int
		for range 20 {
			out = append(out, c.do(http.MethodGet, "/v2/users/me", nil).Status)
		}
		c.do(http.MethodGet, "/v2/datasets", nil).want(http.StatusOK) // not eligible
		check(t, s.SetRandomFaults(RandomFaults{}))
		c.do(http.MethodGet, "/v2/users/me", nil).want(http.StatusOK)
		return out
	}
	a, b := statuses(), statuses()
	failed := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("runs with the same seed differ: %v vs %v", a, b)
		}
		if a[i] != http.StatusOK {
			failed++
		}
	}
	if failed < 4 || failed > 16 {
		t.Errorf("%d of 20 failed at rate 0.5: %v", failed, a)
	}
}

func TestCloseEndsWaits(t *testing.T) {
	t.Parallel()
	clock := NewFakeClock(time.Unix(0, 0))
	s, err := NewUnstartedServer(WithClock(clock))
	check(t, err)
	s.Start()
	check(t, s.InjectFault(Fault{Path: "/v2/users/me", Delay: time.Hour}))
	started := make(chan string, 1)
	id := must(s.AddActor("blocker", blocker(started)))(t)

	errs := make(chan error, 2)
	get := func(method, path, body string) {
		req, _ := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
		resp, err := s.Client().Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		errs <- err
	}
	go get(http.MethodGet, "/v2/users/me", "")
	go get(http.MethodPost, "/v2/actors/"+id+"/runs?waitForFinish=60", "{}")
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if !clock.WaitForTimers(ctx, 3) { // the delay, the run timeout, the wait
		t.Fatal("the server never started waiting")
	}
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-ctx.Done():
		t.Fatal("Close hung on a pending wait")
	}
	for range 2 {
		<-errs // either answer is fine; what matters is that both ended
	}
}
