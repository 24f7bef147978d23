package apify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apifygo/apify/gen"
)

// TestDoneWhenScenario is the acceptance scenario: a program using
// NewClient, WithToken, WithBaseURL, WithMaxRetries, API(), APIError and the
// sentinels against a server injecting 429 with Retry-After, 500/503 and cut
// connections gets every answer right, waits as told, and never shows the
// token.
func TestDoneWhenScenario(t *testing.T) {
	var (
		mu       sync.Mutex
		faults   = map[string][]string{} // "METHOD path" -> faults to inject, in order
		seen     = map[string]int{}
		runsMade int
		badAuth  []string
	)
	inject := func(key string, f ...string) { mu.Lock(); faults[key] = f; seen[key] = 0; mu.Unlock() }
	count := func(key string) int { mu.Lock(); defer mu.Unlock(); return seen[key] }
	// A stub, not apifytest: HTML error bodies, Retry-After as an HTTP date and a
	// 401 echoing the token are wire habits apifytest does not have.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + r.URL.Path
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		seen[key]++
		var fault string
		if q := faults[key]; len(q) > 0 {
			fault, faults[key] = q[0], q[1:]
		}
		if r.Header.Get("Authorization") != "Bearer "+coreTestToken {
			badAuth = append(badAuth, key)
		}
		mu.Unlock()
		switch {
		case fault == "cut":
			coreCutConnection(t, w)
			return
		case strings.HasPrefix(fault, "429 "):
			w.Header().Set("Retry-After", strings.TrimPrefix(fault, "429 "))
			coreWriteJSON(w, 429, `{"error":{"type":"rate-limit-exceeded","message":"Too many requests"}}`)
			return
		case fault == "500" || fault == "503":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(map[string]int{"500": 500, "503": 503}[fault])
			io.WriteString(w, "<html><body>upstream trouble</body></html>")
			return
		}
		switch key {
		case "GET /v2/actor-runs/run1":
			coreWriteJSON(w, 200, coreRunJSON)
		case "POST /v2/actors/act1/runs":
			mu.Lock()
			runsMade++
			mu.Unlock()
			coreWriteJSON(w, 201, coreRunJSON)
		case "GET /v2/users/me":
			coreWriteJSON(w, 401, `{"error":{"type":"token-not-valid","message":"Authentication token `+coreTestToken+` is not valid"}}`)
		default:
			coreWriteJSON(w, 404, `{"error":{"type":"record-not-found","message":"Not found"}}`)
		}
	}))
	defer srv.Close()

	timers := &coreTimers{}
	var logs coreLogBuffer
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}} // every cut is seen by the retry loop
	client, err := NewClient(WithToken(coreTestToken), WithBaseURL(srv.URL), WithMaxRetries(4),
		WithLogger(logs.logger()), WithHTTPClient(hc), withTimer(timers.newTimer))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var shown []string
	show := func(err error) {
		if err != nil {
			shown = append(shown, fmt.Sprintf("%v|%+v|%#v|%s|%q|%x", err, err, err, err, err, err))
		}
	}

	// 1. A GET through 429 (Retry-After: 7), 503, a cut connection and 500 succeeds.
	inject("GET /v2/actor-runs/run1", "429 7", "503", "cut", "500")
	run, err := Result(apiOf(client).ActorRunGetWithResponse(ctx, "run1", nil))
	show(err)
	if err != nil || run.ID != "run1" || count("GET /v2/actor-runs/run1") != 5 {
		t.Fatalf("GET run: %+v, %v after %d attempts", run, err, count("GET /v2/actor-runs/run1"))
	}
	waits := timers.recorded()
	if len(waits) != 4 || waits[0] < 7*time.Second || waits[0] > 8*time.Second {
		t.Errorf("waits %v: want 4, the first as told by Retry-After (7s)", waits)
	}

	// 2. Persistent 503: the last answer after 1+4 attempts, as *APIError.
	inject("GET /v2/actor-runs/run1", "503", "503", "503", "503", "503", "503")
	_, err = Result(apiOf(client).ActorRunGetWithResponse(ctx, "run1", nil))
	show(err)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Attempt != 5 || !errors.Is(err, ErrServer) ||
		!strings.Contains(apiErr.Message, "upstream trouble") {
		t.Errorf("persistent 503: %v", err)
	}

	// 3. Starting a run: a 503 is not retried (no duplicate run)...
	input := gen.ActorsRunsPostJSONRequestBody{"query": "shoes"}
	inject("POST /v2/actors/act1/runs", "503")
	_, err = Result(apiOf(client).ActorsRunsPostWithResponse(ctx, "act1", nil, input))
	show(err)
	if !errors.Is(err, ErrServer) || count("POST /v2/actors/act1/runs") != 1 {
		t.Errorf("POST after 503: %v after %d attempts, want the 503 after 1", err, count("POST /v2/actors/act1/runs"))
	}
	// ...nor a connection cut once the request was sent...
	inject("POST /v2/actors/act1/runs", "cut")
	_, err = Result(apiOf(client).ActorsRunsPostWithResponse(ctx, "act1", nil, input))
	show(err)
	if err == nil || !strings.Contains(err.Error(), "not retried") || count("POST /v2/actors/act1/runs") != 1 {
		t.Errorf("POST after cut: %v after %d attempts", err, count("POST /v2/actors/act1/runs"))
	}
	// ...but a 429 is, waiting until the HTTP date the server gave.
	at := time.Now().Add(12 * time.Second).UTC().Format(http.TimeFormat)
	inject("POST /v2/actors/act1/runs", "429 "+at)
	before := len(timers.recorded())
	run, err = Result(apiOf(client).ActorsRunsPostWithResponse(ctx, "act1", nil, input))
	show(err)
	if err != nil || run.ID != "run1" || count("POST /v2/actors/act1/runs") != 2 || runsMade != 1 {
		t.Errorf("POST after 429: %+v, %v after %d attempts, %d runs made", run, err, count("POST /v2/actors/act1/runs"), runsMade)
	}
	if w := timers.recorded()[before:]; len(w) != 1 || w[0] < 10*time.Second || w[0] > 13*time.Second {
		t.Errorf("POST 429 waits %v, want about 12s", w)
	}

	// 4. Sentinels for answers that are not retried.
	_, err = Result(apiOf(client).DatasetGetWithResponse(ctx, "nope"))
	show(err)
	if !errors.Is(err, ErrNotFound) || count("GET /v2/datasets/nope") != 1 {
		t.Errorf("404: %v", err)
	}
	_, err = Result(apiOf(client).UsersMeGetWithResponse(ctx))
	show(err)
	if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &apiErr) || apiErr.Type != "token-not-valid" {
		t.Errorf("401: %v", err)
	}

	// The token went to the server on every request and nowhere else.
	if len(badAuth) != 0 {
		t.Errorf("requests without the token: %v", badAuth)
	}
	shown = append(shown, logs.String(), fmt.Sprintf("%v %+v %#v", client, client, client))
	for _, s := range shown {
		coreAssertNoToken(t, "output", s)
	}
	if !strings.Contains(logs.String(), "attempt=4") || !strings.Contains(logs.String(), "delay=7") {
		t.Errorf("retry log lacks attempts or delays:\n%s", logs.String())
	}
}
