package apifytest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestFailNext(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddDataset("d", map[string]int{"a": 1}))(t)
	check(t, s.FailNext(http.MethodGet, "/v2/datasets/*/items", 2, http.StatusServiceUnavailable))
	check(t, s.InjectFault(Fault{Operation: "dataset_items_get", Status: http.StatusTooManyRequests, RetryAfter: 1500 * time.Millisecond}, 1))

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
	check(t, s.FailNext("", "/v2/**", 1, http.StatusBadGateway))
	c.do(http.MethodGet, "/v2/users/me", nil, noToken(), invalid()).wantError(http.StatusBadGateway, "internal-server-error")
	check(t, s.InjectFault(Fault{Path: "/v2/users/me", Status: http.StatusForbidden, ErrorType: "insufficient-permissions", Message: "try again"}, 1))
	if msg := c.do(http.MethodGet, "/v2/users/me", nil).wantError(http.StatusForbidden, "insufficient-permissions"); msg != "try again" {
		t.Errorf("message %q", msg)
	}
}

func TestFaultValidation(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	bad := []Fault{
		{},
		{Status: 200},
		{Status: 500, CutConnection: true},
		{CutConnection: true, TruncateBody: true},
		{Path: "v2/x", Status: 500},
		{Path: "/v2/**/x", Status: 500},
		{RetryAfter: time.Second, CutConnection: true},
		{Delay: -time.Second},
	}
	for _, f := range bad {
		if err := s.InjectFault(f, 1); err == nil {
			t.Errorf("%+v: no error", f)
		}
	}
	if s.PendingFaults() != 0 {
		t.Error("a rejected fault was kept")
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

	check(t, s.InjectFault(Fault{Path: path, CutConnection: true}, 1))
	if _, _, err := rawGet(t, s, path); err == nil {
		t.Error("a cut connection gave no error")
	}

	check(t, s.InjectFault(Fault{Path: path, TruncateBody: true}, 1))
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
	check(t, s.InjectFault(Fault{Path: "/v2/users/me", Delay: time.Minute}, 1))
	check(t, s.InjectFault(Fault{Path: "/v2/users/me", Delay: time.Minute, Status: 500}, 1))
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
	check(t, s.InjectFault(Fault{Path: "/v2/users/me", Delay: time.Hour}, 1))
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
