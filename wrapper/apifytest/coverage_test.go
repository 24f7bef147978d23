package apifytest

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestConformanceCoversEveryOperation drives every operation the fake
// implements, through every path that reaches it (a storage directly, as a
// run's default storage, through an Actor's and a task's last run), and checks
// that each one sent at least one response the validator accepted.
func TestConformanceCoversEveryOperation(t *testing.T) {
	t.Parallel()
	requireValidator(t)
	s, c := newTestServer(t)
	actorID := must(s.AddActor("cover", func(ctx context.Context, run *ActorRun) error {
		run.Logf("started")
		if err := run.PushItems(map[string]any{"n": 1, "tags": []string{"a", "b"}}, map[string]any{"n": 2}); err != nil {
			return err
		}
		return run.SetOutput(map[string]string{"ok": "yes"})
	}))(t)
	blockers := make(chan string, 4)
	blockerID := must(s.AddActor("block", blocker(blockers)))(t)

	// Account, Actors and tasks.
	c.do(http.MethodGet, "/v2/users/me", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actors?limit=10&offset=0&desc=true", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actors/"+actorID, nil).want(http.StatusOK)
	var task struct{ ID string }
	c.do(http.MethodPost, "/v2/actor-tasks", `{"actId":"`+actorID+`","name":"cover-task","input":{"q":1}}`).want(http.StatusCreated).data(&task)
	c.do(http.MethodGet, "/v2/actor-tasks", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-tasks/"+task.ID, nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-tasks/"+task.ID+"/input", nil).want(http.StatusOK)

	// Synchronous runs.
	for _, base := range []string{"/v2/actors/" + actorID, "/v2/actor-tasks/" + task.ID} {
		c.do(http.MethodPost, base+"/run-sync", `{"q":2}`).want(http.StatusCreated)
		c.do(http.MethodGet, base+"/run-sync", nil).want(http.StatusCreated)
		c.do(http.MethodPost, base+"/run-sync-get-dataset-items?clean=1", `{"q":2}`).want(http.StatusCreated)
		c.do(http.MethodGet, base+"/run-sync-get-dataset-items?format=jsonl", nil).want(http.StatusCreated)
	}

	// Storages, directly.
	var ds, kv, rq struct{ ID string }
	c.do(http.MethodPost, "/v2/datasets?name=cover", nil).want(http.StatusCreated).data(&ds)
	c.do(http.MethodPost, "/v2/key-value-stores?name=cover", nil).want(http.StatusCreated).data(&kv)
	c.do(http.MethodPost, "/v2/request-queues?name=cover", nil).want(http.StatusCreated).data(&rq)
	c.do(http.MethodGet, "/v2/datasets?unnamed=true", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/key-value-stores?unnamed=true", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/request-queues?unnamed=true", nil).want(http.StatusOK)
	c.do(http.MethodHead, "/v2/datasets/"+ds.ID+"/items", nil).want(http.StatusOK)
	c.do(http.MethodHead, "/v2/key-value-stores/"+kv.ID+"/records/none", nil).want(http.StatusNotFound)
	exerciseDataset(c, "/v2/datasets/"+ds.ID, "cover-d")
	exerciseKVStore(c, "/v2/key-value-stores/"+kv.ID, "cover-k")
	exerciseQueue(c, "/v2/request-queues/"+rq.ID, "cover-q")

	// Runs and their default storages, by run ID.
	var run runData
	c.do(http.MethodPost, "/v2/actors/"+actorID+"/runs?waitForFinish=60", `{"q":3}`).want(http.StatusCreated).data(&run)
	c.do(http.MethodGet, "/v2/actor-runs", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actors/"+actorID+"/runs", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-runs/"+run.ID+"?waitForFinish=1", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actors/"+actorID+"/runs/"+run.ID, nil).want(http.StatusOK)
	c.do(http.MethodPut, "/v2/actor-runs/"+run.ID, `{"statusMessage":"covered"}`).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-runs/"+run.ID+"/log", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-runs/"+run.ID+"/log?stream=1", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/logs/"+run.ID, nil).want(http.StatusOK)
	exerciseRunStorages(c, "/v2/actor-runs/"+run.ID, "by-id")

	// Through the Actor's last run.
	c.do(http.MethodPost, "/v2/actors/"+actorID+"/runs?waitForFinish=60", `{"q":4}`).want(http.StatusCreated)
	c.do(http.MethodGet, "/v2/actors/"+actorID+"/runs/last?status=SUCCEEDED", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actors/"+actorID+"/runs/last/log", nil).want(http.StatusOK)
	exerciseRunStorages(c, "/v2/actors/"+actorID+"/runs/last", "actor-last")

	// Through the task's last run.
	c.do(http.MethodPost, "/v2/actor-tasks/"+task.ID+"/runs?waitForFinish=60", `{"q":5}`).want(http.StatusCreated)
	c.do(http.MethodGet, "/v2/actor-tasks/"+task.ID+"/runs", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-tasks/"+task.ID+"/runs/last", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-tasks/"+task.ID+"/runs/last/log", nil).want(http.StatusOK)
	exerciseRunStorages(c, "/v2/actor-tasks/"+task.ID+"/runs/last", "task-last")

	// Aborts, by every route.
	for _, abort := range []func(id string) string{
		func(id string) string { return "/v2/actor-runs/" + id + "/abort" },
		func(id string) string { return "/v2/actors/" + blockerID + "/runs/" + id + "/abort" },
		func(string) string { return "/v2/actors/" + blockerID + "/runs/last/abort?gracefully=false" },
	} {
		var r runData
		c.do(http.MethodPost, "/v2/actors/"+blockerID+"/runs", "{}").want(http.StatusCreated).data(&r)
		<-blockers
		c.do(http.MethodPost, abort(r.ID), nil).want(http.StatusOK)
	}
	bt := must(s.AddTask(blockerID, "block-task", nil))(t)
	c.do(http.MethodPost, "/v2/actor-tasks/"+bt+"/runs", "{}").want(http.StatusCreated)
	<-blockers
	c.do(http.MethodPost, "/v2/actor-tasks/"+bt+"/runs/last/abort", nil).want(http.StatusOK)

	exerciseOperationsBeyondStorages(t, s, c, actorID)

	// Every implemented operation must have been validated.
	var missing []string
	for _, id := range Operations() {
		if c.vt.seen[id] == 0 {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d implemented operations were never validated:\n  %s", len(missing), strings.Join(missing, "\n  "))
	}
	t.Logf("validated %d operations (%d implemented of %d in the document)", len(c.vt.seen), len(Operations()), len(operations))
}

// exerciseRunStorages drives the default storages of the run at prefix.
func exerciseRunStorages(c *testClient, prefix, name string) {
	c.t.Helper()
	exerciseDataset(c, prefix+"/dataset", name+"-d")
	exerciseKVStore(c, prefix+"/key-value-store", name+"-k")
	exerciseQueue(c, prefix+"/request-queue", name+"-q")
}

func exerciseDataset(c *testClient, p, name string) {
	c.t.Helper()
	c.do(http.MethodGet, p, nil).want(http.StatusOK)
	c.do(http.MethodPut, p, `{"name":"`+name+`"}`).want(http.StatusOK)
	c.do(http.MethodPost, p+"/items", `[{"n":3,"#h":1},{}]`).want(http.StatusCreated)
	c.do(http.MethodGet, p+"/items?offset=1&limit=5&desc=1&skipEmpty=1", nil).want(http.StatusOK)
	c.do(http.MethodGet, p+"/items?format=csv&fields=n,tags&unwind=tags", nil).want(http.StatusOK)
	c.do(http.MethodDelete, p, nil).want(http.StatusNoContent)
}

func exerciseKVStore(c *testClient, p, name string) {
	c.t.Helper()
	c.do(http.MethodGet, p, nil).want(http.StatusOK)
	c.do(http.MethodPut, p, `{"name":"`+name+`"}`).want(http.StatusOK)
	c.do(http.MethodPut, p+"/records/a", `{"a":1}`).want(http.StatusCreated)
	c.do(http.MethodPost, p+"/records/b", "plain text", header("Content-Type", "text/plain")).want(http.StatusCreated)
	c.do(http.MethodGet, p+"/records/a", nil).want(http.StatusOK)
	c.do(http.MethodGet, p+"/records/b", nil).want(http.StatusOK)
	c.do(http.MethodGet, p+"/keys?limit=1&exclusiveStartKey=a", nil).want(http.StatusOK)
	c.do(http.MethodDelete, p+"/records/b", nil).want(http.StatusNoContent)
	c.do(http.MethodGet, p+"/records/b", nil).want(http.StatusNotFound)
	c.do(http.MethodDelete, p, nil).want(http.StatusNoContent)
}

func exerciseQueue(c *testClient, p, name string) {
	c.t.Helper()
	c.do(http.MethodGet, p, nil).want(http.StatusOK)
	c.do(http.MethodPut, p, `{"name":"`+name+`"}`).want(http.StatusOK)
	var reg struct{ RequestID string }
	c.do(http.MethodPost, p+"/requests?clientKey=c1", `{"url":"https://e.com/a","uniqueKey":"a","userData":{"x":1}}`).want(http.StatusCreated).data(&reg)
	c.do(http.MethodPost, p+"/requests/batch?forefront=true", `[{"url":"https://e.com/b","uniqueKey":"b"},{"url":"https://e.com/c","uniqueKey":"c","method":"POST","payload":"x=1"}]`).want(http.StatusCreated)
	c.do(http.MethodGet, p+"/requests?limit=2", nil).want(http.StatusOK)
	c.do(http.MethodGet, p+"/requests/"+reg.RequestID, nil).want(http.StatusOK)
	c.do(http.MethodPut, p+"/requests/"+reg.RequestID+"?clientKey=c1", `{"id":"`+reg.RequestID+`","url":"https://e.com/a","uniqueKey":"a","retryCount":1}`).want(http.StatusOK)
	c.do(http.MethodGet, p+"/head?limit=2&clientKey=c1", nil).want(http.StatusOK)
	c.do(http.MethodPost, p+"/head/lock?lockSecs=60&limit=3&clientKey=c1", nil).want(http.StatusCreated)
	c.do(http.MethodPut, p+"/requests/"+reg.RequestID+"/lock?lockSecs=30&clientKey=c1", nil).want(http.StatusOK)
	c.do(http.MethodDelete, p+"/requests/"+reg.RequestID+"/lock?clientKey=c1", nil).want(http.StatusNoContent)
	c.do(http.MethodPost, p+"/requests/unlock?clientKey=c1", nil).want(http.StatusOK)
	c.do(http.MethodDelete, p+"/requests/batch", `[{"uniqueKey":"b"},{"id":"`+requestID("c")+`"}]`).want(http.StatusOK)
	c.do(http.MethodDelete, p+"/requests/"+reg.RequestID, nil).want(http.StatusNoContent)
	c.do(http.MethodDelete, p, nil).want(http.StatusNoContent)
}
