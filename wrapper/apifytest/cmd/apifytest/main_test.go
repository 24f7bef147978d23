package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startCommand runs the command with args until the test ends and returns its
// base URL and output.
func startCommand(t *testing.T, args ...string) (string, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), out, func(u string) { ready <- u })
	}()
	var (
		once    sync.Once
		stopErr error
	)
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(20 * time.Second):
				t.Error("the command did not stop within 20s of its context ending")
			}
		})
		return stopErr
	}
	select {
	case u := <-ready:
		t.Cleanup(func() { _ = stop() })
		return u, out, stop
	case err := <-done:
		cancel()
		t.Fatalf("the command ended at start: %v\n%s", err, out)
	case <-time.After(20 * time.Second):
		cancel()
		t.Fatal("the command did not start within 20s")
	}
	return "", nil, nil
}

func get(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestCommandServesSeedsAndStops(t *testing.T) {
	base, out, stop := startCommand(t, "-seed", "testdata/seed.json", "-token", "t0k")
	if !strings.Contains(out.String(), "export APIFY_API_BASE_URL="+base+"\n") || !strings.Contains(out.String(), "export APIFY_TOKEN=t0k\n") {
		t.Errorf("the output does not give the URL and token:\n%s", out)
	}
	if st, b := get(t, base+"/v2/datasets/apifytest~products/items", "t0k"); st != 200 || string(b) != `[{"sku":"A1"},{"sku":"B2"}]` {
		t.Errorf("seeded items: %d %s", st, b)
	}
	if st, b := get(t, base+"/v2/key-value-stores/apifytest~state/records/note", "t0k"); st != 200 || string(b) != "hello" {
		t.Errorf("seeded text record: %d %s", st, b)
	}
	if st, _ := get(t, base+"/v2/request-queues/apifytest~crawl", "t0k"); st != 200 {
		t.Errorf("seeded queue: %d", st)
	}
	// The seeded Actor's run, through the task's input.
	req, _ := http.NewRequest(http.MethodPost, base+"/v2/actor-tasks/apifytest~nightly/run-sync-get-dataset-items", nil)
	req.Header.Set("Authorization", "Bearer t0k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || string(b) != `[{"sku":"P1"},{"count":3}]` {
		t.Errorf("task run items: %d %s", resp.StatusCode, b)
	}
	req, _ = http.NewRequest(http.MethodPost, base+"/v2/actors/apifytest~broken/runs?waitForFinish=10", nil)
	req.Header.Set("Authorization", "Bearer t0k")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var failed struct {
		Data struct{ Status, StatusMessage string }
	}
	_ = json.NewDecoder(resp.Body).Decode(&failed)
	resp.Body.Close()
	if failed.Data.Status != "FAILED" || !strings.Contains(failed.Data.StatusMessage, "no luck") {
		t.Errorf("the failing Actor's run: %+v", failed.Data)
	}
	if err := stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}
	if !strings.HasSuffix(out.String(), "apifytest: stopped\n") {
		t.Errorf("no clean stop in the output:\n%s", out)
	}
	if _, err := http.Get(base + "/v2/users/me"); err == nil {
		t.Error("the server still answers after stopping")
	}
}

// With -actor-env the command starts a run and prints the variables an SDK
// Actor reads on the platform; the run lasts until the command stops.
func TestCommandActorEnvironment(t *testing.T) {
	input := filepath.Join(t.TempDir(), "input.json")
	if err := os.WriteFile(input, []byte(`{"maxPages":3}`), 0o600); err != nil {
		t.Fatal(err)
	}
	base, out, stop := startCommand(t, "-actor-env", "-input", input)
	env := map[string]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "="); ok && strings.HasPrefix(line, "export ") {
			env[k] = v
		}
	}
	for _, k := range []string{"APIFY_IS_AT_HOME", "ACTOR_RUN_ID", "ACTOR_DEFAULT_DATASET_ID", "ACTOR_DEFAULT_KEY_VALUE_STORE_ID", "ACTOR_DEFAULT_REQUEST_QUEUE_ID", "APIFY_TOKEN"} {
		if env[k] == "" {
			t.Errorf("%s is not printed:\n%s", k, out)
		}
	}
	if st, b := get(t, base+"/v2/key-value-stores/"+env["ACTOR_DEFAULT_KEY_VALUE_STORE_ID"]+"/records/INPUT", env["APIFY_TOKEN"]); st != 200 || string(b) != `{"maxPages":3}` {
		t.Errorf("the run's INPUT: %d %s", st, b)
	}
	var run struct{ Data struct{ Status string } }
	_, b := get(t, base+"/v2/actor-runs/"+env["ACTOR_RUN_ID"], env["APIFY_TOKEN"])
	if err := json.Unmarshal(b, &run); err != nil || run.Data.Status != "RUNNING" {
		t.Errorf("the run: %s", b)
	}
	if err := stop(); err != nil {
		t.Fatalf("stopping: %v", err)
	}
}

func TestCommandRefusesBadArguments(t *testing.T) {
	dir := t.TempDir()
	unknown := filepath.Join(dir, "unknown.json")
	if err := os.WriteFile(unknown, []byte(`{"datasetz": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-seed", filepath.Join(dir, "missing.json")},
		{"-seed", unknown},
		{"-input", "x.json"},
		{"-addr", "not an address"},
		{"extra"},
	} {
		var out bytes.Buffer
		if err := run(context.Background(), args, &out, nil); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
