package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// run serves the fake until ctx ends. It writes the URL, the token and the
// environment to stdout; ready, if not nil, is called with the base URL once
// the server listens.
func run(ctx context.Context, args []string, stdout io.Writer, ready func(baseURL string)) error {
	cfg, err := parseFlags(args, stdout)
	if err != nil {
		return err
	}
	srv, err := apifytest.NewUnstartedServer(apifytest.WithToken(cfg.token),
		apifytest.WithUsername(cfg.username), apifytest.WithSeed(cfg.idSeed))
	if err != nil {
		return err
	}
	defer srv.Close()
	if cfg.seedPath != "" {
		if err := seedFromFile(srv, cfg.seedPath); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", cfg.addr, err)
	}
	baseURL := "http://" + ln.Addr().String()
	handler := srv.Handler()
	if cfg.verbose {
		handler = logRequests(handler, os.Stderr)
	}
	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 30 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	env := [][2]string{{"APIFY_API_BASE_URL", baseURL}, {"APIFY_CLIENT_BASE_URL", baseURL}, {"APIFY_TOKEN", srv.Token()}}
	if cfg.actorEnv {
		runEnv, err := startLocalRun(ctx, srv, baseURL, cfg.input)
		if err != nil {
			_ = hs.Close()
			return err
		}
		env = append(env, runEnv...)
	}
	fmt.Fprintf(stdout, "apifytest: serving the fake Apify API at %s (token %s); stop with Ctrl-C\n", baseURL, srv.Token())
	for _, kv := range env {
		fmt.Fprintf(stdout, "export %s=%s\n", kv[0], kv[1])
	}
	if ready != nil {
		ready(baseURL)
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		return fmt.Errorf("serving: %w", err)
	}
	// Abort running Actor functions and end long waits (waitForFinish,
	// streamed logs) first, then let open requests finish.
	srv.Close()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	fmt.Fprintln(stdout, "apifytest: stopped")
	return nil
}

// localActor is the name of the built-in Actor whose run -actor-env starts.
const localActor = "local-actor"

// startLocalRun starts a run of the built-in Actor, which stays RUNNING until
// the server closes, and returns the environment of that run.
func startLocalRun(ctx context.Context, srv *apifytest.Server, baseURL, inputPath string) ([][2]string, error) {
	actorID, err := srv.AddActor(localActor, func(ctx context.Context, run *apifytest.ActorRun) error {
		run.Logf("local-actor: this run stands for an Actor running outside the fake; it lasts until the server stops")
		<-ctx.Done()
		return nil
	})
	if err != nil {
		return nil, err
	}
	input := []byte("{}")
	if inputPath != "" {
		if input, err = os.ReadFile(inputPath); err != nil {
			return nil, fmt.Errorf("-input: %w", err)
		}
		if !json.Valid(input) {
			return nil, fmt.Errorf("-input: %s is not valid JSON", inputPath)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/v2/actors/"+actorID+"/runs?timeout=0", bytes.NewReader(input))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("starting the run of %s: %w", localActor, err)
	}
	defer resp.Body.Close()
	var body struct {
		Data struct {
			ID, ActID, UserID                                                          string
			DefaultDatasetID, DefaultKeyValueStoreID, DefaultRequestQueueID, StartedAt string
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("starting the run of %s: status %d, %v", localActor, resp.StatusCode, err)
	}
	d := body.Data
	if d.ID == "" {
		return nil, errors.New("starting the run of " + localActor + ": no run ID in the answer")
	}
	env := [][2]string{
		{"APIFY_IS_AT_HOME", "1"},
		{"APIFY_API_PUBLIC_BASE_URL", baseURL},
		{"APIFY_USER_ID", d.UserID},
		{"ACTOR_INPUT_KEY", "INPUT"},
		{"ACTOR_STARTED_AT", d.StartedAt},
	}
	for _, v := range [][3]string{
		{"ACTOR_ID", "APIFY_ACTOR_ID", d.ActID},
		{"ACTOR_RUN_ID", "APIFY_ACTOR_RUN_ID", d.ID},
		{"ACTOR_DEFAULT_DATASET_ID", "APIFY_DEFAULT_DATASET_ID", d.DefaultDatasetID},
		{"ACTOR_DEFAULT_KEY_VALUE_STORE_ID", "APIFY_DEFAULT_KEY_VALUE_STORE_ID", d.DefaultKeyValueStoreID},
		{"ACTOR_DEFAULT_REQUEST_QUEUE_ID", "APIFY_DEFAULT_REQUEST_QUEUE_ID", d.DefaultRequestQueueID},
	} {
		env = append(env, [2]string{v[0], v[2]}, [2]string{v[1], v[2]})
	}
	return env, nil
}

// logRequests logs each request's method, path (without the query, which
// may hold a token), status and request Content-Encoding to w.
func logRequests(next http.Handler, w io.Writer) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		sw := &statusRecorder{ResponseWriter: rw, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		line := fmt.Sprintf("%s %s -> %d", r.Method, r.URL.Path, sw.status)
		if ce := r.Header.Get("Content-Encoding"); ce != "" {
			line += " (request Content-Encoding: " + ce + ")"
		}
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(w, line)
	})
}

// statusRecorder remembers the status written through it.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach Flush and Hijack.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// Flush sends buffered data (streamed logs) to the client.
func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
