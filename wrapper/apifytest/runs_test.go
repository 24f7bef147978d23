package apifytest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// runData is the part of the Run object the tests look at.
type runData struct {
	ID, ActID, Status, BuildID string
	ActorTaskID                *string
	StatusMessage              *string
	ExitCode                   *int
	FinishedAt                 *string
	DefaultDatasetID           string
	DefaultKeyValueStoreID     string
	DefaultRequestQueueID      string
	Options                    struct{ TimeoutSecs, MemoryMbytes int }
}

// scraper is an Actor that pushes input.count products, sets OUTPUT and logs.
func scraper(ctx context.Context, run *ActorRun) error {
	var in struct{ Count int }
	if err := run.DecodeInput(&in); err != nil {
		return err
	}
	run.Logf("scraping %d products", in.Count)
	for i := range in.Count {
		if err := run.PushItems(map[string]any{"sku": fmt.Sprintf("P%03d", i), "price": 10 + i}); err != nil {
			return err
		}
	}
	run.Logf("done")
	return run.SetOutput(map[string]int{"scraped": in.Count})
}

func TestActorRunLifecycle(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	actorID := must(s.AddActor("scraper", scraper))(t)

	var run runData
	r := c.do(http.MethodPost, "/v2/actors/"+actorID+"/runs?waitForFinish=60&memory=2048&timeout=300", `{"count":3}`).want(http.StatusCreated)
	r.data(&run)
	if run.Status != StatusSucceeded || run.ActID != actorID || run.ExitCode == nil || *run.ExitCode != 0 || run.FinishedAt == nil {
		t.Fatalf("run %+v", run)
	}
	if run.Options.MemoryMbytes != 2048 || run.Options.TimeoutSecs != 300 {
		t.Errorf("options %+v", run.Options)
	}
	if !strings.HasSuffix(r.Header.Get("Location"), "/v2/actor-runs/"+run.ID) {
		t.Errorf("Location %q", r.Header.Get("Location"))
	}

	// The run's default storages, through every route that reaches them.
	for _, prefix := range []string{
		"/v2/actor-runs/" + run.ID,
		"/v2/actors/" + actorID + "/runs/last",
		"/v2/actors/apifytest~scraper/runs/last",
		"/v2/actors/apifytest%2Fscraper/runs/last",
	} {
		items := c.do(http.MethodGet, prefix+"/dataset/items?limit=2", nil).want(http.StatusOK)
		if got := items.jsonItems(); len(got) != 2 || got[0]["sku"] != "P000" {
			t.Errorf("%s/dataset/items: %v", prefix, got)
		}
		if got := pagination(items); got != [4]string{"0", "2", "2", "3"} {
			t.Errorf("%s/dataset/items pagination %v", prefix, got)
		}
		out := c.do(http.MethodGet, prefix+"/key-value-store/records/OUTPUT", nil).want(http.StatusOK)
		if string(out.Body) != `{"scraped":3}` {
			t.Errorf("%s OUTPUT %s", prefix, out.Body)
		}
		var ds struct{ ID, ActRunID string }
		c.do(http.MethodGet, prefix+"/dataset", nil).want(http.StatusOK).data(&ds)
		if ds.ID != run.DefaultDatasetID || ds.ActRunID != run.ID {
			t.Errorf("%s/dataset %+v", prefix, ds)
		}
		var rq struct{ ID string }
		c.do(http.MethodGet, prefix+"/request-queue", nil).want(http.StatusOK).data(&rq)
		if rq.ID != run.DefaultRequestQueueID {
			t.Errorf("%s/request-queue %+v", prefix, rq)
		}
	}
	input := c.do(http.MethodGet, "/v2/key-value-stores/"+run.DefaultKeyValueStoreID+"/records/INPUT", nil).want(http.StatusOK)
	if string(input.Body) != `{"count":3}` {
		t.Errorf("INPUT %s", input.Body)
	}
	log := c.do(http.MethodGet, "/v2/actor-runs/"+run.ID+"/log", nil).want(http.StatusOK)
	if !strings.Contains(string(log.Body), "Z scraping 3 products\n") || !strings.HasSuffix(string(log.Body), "Z done\n") {
		t.Errorf("log %q", log.Body)
	}
	same := c.do(http.MethodGet, "/v2/logs/"+run.ID, nil).want(http.StatusOK)
	if string(same.Body) != string(log.Body) {
		t.Errorf("/v2/logs gave %q", same.Body)
	}

	var last runData
	c.do(http.MethodGet, "/v2/actors/"+actorID+"/runs/last?status=SUCCEEDED", nil).want(http.StatusOK).data(&last)
	if last.ID != run.ID {
		t.Errorf("last run %s, want %s", last.ID, run.ID)
	}
	c.do(http.MethodGet, "/v2/actors/"+actorID+"/runs/last?status=FAILED", nil).wantError(http.StatusNotFound, "record-not-found")
	c.do(http.MethodGet, "/v2/actors/"+actorID+"/runs/"+run.ID, nil).want(http.StatusOK)

	var list struct {
		Total int
		Items []struct{ ID, Status string }
	}
	c.do(http.MethodGet, "/v2/actors/"+actorID+"/runs", nil).want(http.StatusOK).data(&list)
	if list.Total != 1 || list.Items[0].ID != run.ID {
		t.Errorf("runs %+v", list)
	}
	c.do(http.MethodGet, "/v2/actor-runs?status=SUCCEEDED", nil).want(http.StatusOK).data(&list)
	if list.Total != 1 {
		t.Errorf("all runs %+v", list)
	}

	var actorData struct {
		ID, Name, Username string
		Stats              struct{ TotalRuns int }
	}
	c.do(http.MethodGet, "/v2/actors/apifytest~scraper", nil).want(http.StatusOK).data(&actorData)
	if actorData.ID != actorID || actorData.Stats.TotalRuns != 1 {
		t.Errorf("actor %+v", actorData)
	}
	c.do(http.MethodGet, "/v2/actors", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actors/nobody~nothing", nil).wantError(http.StatusNotFound, "record-not-found")

	var updated runData
	c.do(http.MethodPut, "/v2/actor-runs/"+run.ID, `{"runId":"`+run.ID+`","statusMessage":"all good"}`).want(http.StatusOK).data(&updated)
	if updated.StatusMessage == nil || *updated.StatusMessage != "all good" {
		t.Errorf("status message %v", updated.StatusMessage)
	}
}

func TestActorRunFailures(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	failing := must(s.AddActor("failing", func(ctx context.Context, run *ActorRun) error {
		run.Logf("trying")
		return errors.New("the site is down")
	}))(t)
	panicking := must(s.AddActor("panicking", func(ctx context.Context, run *ActorRun) error {
		panic("boom")
	}))(t)

	var run runData
	c.do(http.MethodPost, "/v2/actors/"+failing+"/runs?waitForFinish=10", "{}").want(http.StatusCreated).data(&run)
	if run.Status != StatusFailed || run.StatusMessage == nil || *run.StatusMessage != "the site is down" || *run.ExitCode != 1 {
		t.Errorf("failed run %+v", run)
	}
	info, _ := s.Run(run.ID)
	if !strings.HasSuffix(info.Log, "Z the site is down\n") {
		t.Errorf("log %q", info.Log)
	}
	c.do(http.MethodPost, "/v2/actors/"+panicking+"/runs?waitForFinish=10", "{}").want(http.StatusCreated).data(&run)
	if run.Status != StatusFailed || run.StatusMessage == nil || !strings.Contains(*run.StatusMessage, "panicked") {
		t.Errorf("panicking run %+v", run)
	}
	c.do(http.MethodPost, "/v2/actors/"+failing+"/run-sync", "{}").wantError(http.StatusBadRequest, "run-failed")
	c.do(http.MethodPost, "/v2/actors/"+failing+"/runs?memory=100", "{}", invalid()).wantError(http.StatusBadRequest, "invalid-parameter")
	c.do(http.MethodPost, "/v2/actors/missing/runs", "{}").wantError(http.StatusNotFound, "record-not-found")
}

// blocker is an Actor that waits for its context; started reports each run.
func blocker(started chan<- string) ActorFunc {
	return func(ctx context.Context, run *ActorRun) error {
		run.Logf("waiting")
		started <- run.ID()
		<-ctx.Done()
		return ctx.Err()
	}
}

func TestAbortRun(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	started := make(chan string, 2)
	id := must(s.AddActor("blocker", blocker(started)))(t)

	var run runData
	c.do(http.MethodPost, "/v2/actors/"+id+"/runs", "{}").want(http.StatusCreated).data(&run)
	<-started
	var aborted runData
	c.do(http.MethodPost, "/v2/actor-runs/"+run.ID+"/abort", nil).want(http.StatusOK).data(&aborted)
	if aborted.Status != StatusAborted || aborted.FinishedAt == nil {
		t.Errorf("aborted run %+v", aborted)
	}
	// The function's late writes are refused.
	info := must(s.WaitForRun(context.Background(), run.ID))(t)
	if info.Status != StatusAborted {
		t.Errorf("status %s after the function returned", info.Status)
	}

	c.do(http.MethodPost, "/v2/actors/"+id+"/runs", "{}").want(http.StatusCreated).data(&run)
	<-started
	c.do(http.MethodPost, "/v2/actors/"+id+"/runs/last/abort?gracefully=true", nil).want(http.StatusOK).data(&aborted)
	if aborted.Status != StatusAborting && aborted.Status != StatusAborted {
		t.Errorf("graceful abort gave %s", aborted.Status)
	}
	if info := must(s.WaitForRun(context.Background(), run.ID))(t); info.Status != StatusAborted {
		t.Errorf("graceful abort ended %s", info.Status)
	}
	c.do(http.MethodPost, "/v2/actor-runs/"+run.ID+"/metamorph?targetActorId=x", nil).wantError(http.StatusBadRequest, "job-finished")
	c.do(http.MethodPost, "/v2/actor-runs/"+run.ID+"/reboot", nil).wantError(http.StatusBadRequest, "job-finished")
}

func TestWritesAfterFinishAreRefused(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	handles := make(chan *ActorRun, 1)
	id := must(s.AddActor("leaky", func(ctx context.Context, run *ActorRun) error {
		handles <- run
		return nil
	}))(t)
	s.mu.Lock()
	r := s.startRun(s.actors[id], nil, nil, "", runOptions{origin: "API", memoryMbytes: 1024})
	s.mu.Unlock()
	run := <-handles
	if _, err := s.WaitForRun(context.Background(), r.id); err != nil {
		t.Fatal(err)
	}
	if err := run.PushItems(map[string]int{"late": 1}); !errors.Is(err, ErrRunFinished) {
		t.Errorf("PushItems after the end: %v", err)
	}
	if err := run.SetOutput(1); !errors.Is(err, ErrRunFinished) {
		t.Errorf("SetOutput after the end: %v", err)
	}
	if err := run.PushItems(42); err == nil || errors.Is(err, ErrRunFinished) {
		t.Errorf("a non-object item: %v", err)
	}
}

func TestRunTimeoutAndWaitUseTheServerClock(t *testing.T) {
	t.Parallel()
	clock := NewFakeClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s, c := newTestServer(t, WithClock(clock))
	started := make(chan string, 3)
	id := must(s.AddActor("blocker", blocker(started)))(t)

	// waitForFinish returns the still-running run once 60 s pass on the clock.
	done := make(chan runData)
	go func() {
		var run runData
		c.do(http.MethodPost, "/v2/actors/"+id+"/runs?waitForFinish=300&timeout=600", "{}").want(http.StatusCreated).data(&run)
		done <- run
	}()
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if !clock.WaitForTimers(ctx, 2) { // the run timeout and the wait
		t.Fatal("the server never started waiting")
	}
	clock.Advance(60 * time.Second)
	run := <-done
	if run.Status != StatusRunning {
		t.Fatalf("after waitForFinish the run is %s, want RUNNING", run.Status)
	}
	// The run times out on the clock.
	clock.Advance(540 * time.Second)
	info := must(s.WaitForRun(ctx, run.ID))(t)
	if info.Status != StatusTimedOut || info.FinishedAt.Sub(info.StartedAt) != 600*time.Second {
		t.Errorf("run %s after %v", info.Status, info.FinishedAt.Sub(info.StartedAt))
	}

	// run-sync gives up after 300 s with 408, leaving the run running.
	go func() {
		c.do(http.MethodPost, "/v2/actors/"+id+"/run-sync?timeout=0", "{}").wantError(http.StatusRequestTimeout, "run-timeout-exceeded")
		done <- runData{}
	}()
	<-started
	if !clock.WaitForTimers(ctx, 1) {
		t.Fatal("run-sync never started waiting")
	}
	clock.Advance(300 * time.Second)
	<-done
	if runs := s.Runs(); runs[len(runs)-1].Status != StatusRunning {
		t.Errorf("the run-sync run is %s", runs[len(runs)-1].Status)
	}
}

func TestRunSync(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddActor("scraper", scraper))(t)
	r := c.do(http.MethodPost, "/v2/actors/apifytest~scraper/run-sync", `{"count":2}`).want(http.StatusCreated)
	if string(r.Body) != `{"scraped":2}` || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("run-sync %q (%s)", r.Body, r.Header.Get("Content-Type"))
	}
	r = c.do(http.MethodPost, "/v2/actors/"+id+"/run-sync?outputRecordKey=INPUT", `{"count":1}`).want(http.StatusCreated)
	if string(r.Body) != `{"count":1}` {
		t.Errorf("outputRecordKey=INPUT gave %q", r.Body)
	}
	r = c.do(http.MethodPost, "/v2/actors/"+id+"/run-sync-get-dataset-items?offset=1&fields=sku", `{"count":3}`).want(http.StatusCreated)
	if string(r.Body) != `[{"sku":"P001"},{"sku":"P002"}]` {
		t.Errorf("run-sync-get-dataset-items %s", r.Body)
	}
	if got := pagination(r); got != [4]string{"1", "999999999999", "2", "3"} {
		t.Errorf("pagination %v", got)
	}
	quiet := must(s.AddActor("quiet", func(context.Context, *ActorRun) error { return nil }))(t)
	r = c.do(http.MethodPost, "/v2/actors/"+quiet+"/run-sync", "{}").want(http.StatusCreated)
	if len(r.Body) != 0 || r.Header.Get("X-Apify-Run-Id") == "" {
		t.Errorf("run-sync without OUTPUT: %q, run %q", r.Body, r.Header.Get("X-Apify-Run-Id"))
	}
	r = c.do(http.MethodGet, "/v2/actors/"+id+"/run-sync-get-dataset-items?format=csv&bom=false", nil).want(http.StatusCreated)
	if string(r.Body) != "" {
		t.Errorf("no input, no items: %q", r.Body)
	}
}

func TestStreamedLog(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	step := make(chan struct{})
	id := must(s.AddActor("chatty", func(ctx context.Context, run *ActorRun) error {
		run.Logf("one")
		<-step
		run.Logf("two")
		<-step
		return nil
	}))(t)
	var runID string
	{
		_, c := s, newTestClient(t, s)
		var run runData
		c.do(http.MethodPost, "/v2/actors/"+id+"/runs", "{}").want(http.StatusCreated).data(&run)
		runID = run.ID
	}
	// Read the stream as it grows, with the server's own client.
	resp, err := s.Client().Get(s.URL() + "/v2/actor-runs/" + runID + "/log?stream=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	next := func() string {
		if !lines.Scan() {
			t.Fatalf("the stream ended early: %v", lines.Err())
		}
		_, msg, _ := strings.Cut(lines.Text(), " ")
		return msg
	}
	if got := next(); got != "one" {
		t.Errorf("first line %q", got)
	}
	step <- struct{}{}
	if got := next(); got != "two" {
		t.Errorf("second line %q", got)
	}
	step <- struct{}{}
	if lines.Scan() {
		t.Errorf("unexpected line %q", lines.Text())
	}
	if info, _ := s.Run(runID); info.Status != StatusSucceeded {
		t.Errorf("run %s", info.Status)
	}
}

func TestTasks(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	actorID := must(s.AddActor("scraper", scraper))(t)
	seeded := must(s.AddTask("apifytest/scraper", "two", map[string]int{"count": 2}))(t)

	var task struct {
		ID, ActID, Name string
		Input           map[string]int
	}
	c.do(http.MethodPost, "/v2/actor-tasks", `{"actId":"`+actorID+`","name":"five","input":{"count":5},"options":{"memoryMbytes":512}}`).want(http.StatusCreated).data(&task)
	if task.ActID != actorID || task.Input["count"] != 5 {
		t.Errorf("created task %+v", task)
	}
	c.do(http.MethodGet, "/v2/actor-tasks/apifytest~two", nil).want(http.StatusOK).data(&task)
	if task.ID != seeded {
		t.Errorf("task by name %+v", task)
	}
	var input map[string]int
	r := c.do(http.MethodGet, "/v2/actor-tasks/"+seeded+"/input", nil).want(http.StatusOK)
	if string(r.Body) != `{"count":2}` {
		t.Errorf("task input %s (%v)", r.Body, input)
	}

	var run runData
	c.do(http.MethodPost, "/v2/actor-tasks/apifytest~five/runs?waitForFinish=60", "{}").want(http.StatusCreated).data(&run)
	if run.Status != StatusSucceeded || run.ActorTaskID == nil || run.Options.MemoryMbytes != 512 {
		t.Errorf("task run %+v", run)
	}
	// A run's input object is merged over the task's.
	c.do(http.MethodPost, "/v2/actor-tasks/"+seeded+"/runs?waitForFinish=60", `{"count":4}`).want(http.StatusCreated).data(&run)
	items := c.do(http.MethodGet, "/v2/actor-tasks/"+seeded+"/runs/last/dataset/items", nil).want(http.StatusOK).jsonItems()
	if len(items) != 4 {
		t.Errorf("the merged input pushed %d items, want 4", len(items))
	}
	r = c.do(http.MethodPost, "/v2/actor-tasks/"+seeded+"/run-sync", "{}").want(http.StatusCreated)
	if string(r.Body) != `{"scraped":2}` {
		t.Errorf("task run-sync %s", r.Body)
	}
	r = c.do(http.MethodGet, "/v2/actor-tasks/"+seeded+"/run-sync-get-dataset-items?limit=1", nil).want(http.StatusCreated)
	if string(r.Body) != `[{"price":10,"sku":"P000"}]` {
		t.Errorf("task run-sync-get-dataset-items %s", r.Body)
	}
	var list struct{ Total int }
	c.do(http.MethodGet, "/v2/actor-tasks/"+seeded+"/runs", nil).want(http.StatusOK).data(&list)
	if list.Total != 3 {
		t.Errorf("task runs %d, want 3", list.Total)
	}
	c.do(http.MethodGet, "/v2/actor-tasks", nil).want(http.StatusOK).data(&list)
	if list.Total != 2 {
		t.Errorf("tasks %d, want 2", list.Total)
	}
	var last runData
	c.do(http.MethodGet, "/v2/actor-tasks/"+seeded+"/runs/last", nil).want(http.StatusOK).data(&last)
	log := c.do(http.MethodGet, "/v2/actor-tasks/"+seeded+"/runs/last/log", nil).want(http.StatusOK)
	if !strings.Contains(string(log.Body), "scraping 2 products") {
		t.Errorf("last task run log %q", log.Body)
	}
	c.do(http.MethodPost, "/v2/actor-tasks", `{"actId":"nope","name":"x"}`).wantError(http.StatusNotFound, "record-not-found")
}
