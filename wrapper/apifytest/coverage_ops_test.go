package apifytest

import (
	"net/http"
	"testing"
)

// exerciseOperationsBeyondStorages drives the Actor, build, version, task,
// run-control and account operations for TestConformanceCoversEveryOperation.
// coverID is an Actor whose runs succeed at once.
func exerciseOperationsBeyondStorages(t *testing.T, s *Server, c *testClient, coverID string) {
	t.Helper()
	exerciseActorCRUD(c)
	exerciseBuilds(c, coverID)
	exerciseVersions(c, coverID)
	exerciseRunControl(t, s, c, coverID)
	exerciseAccount(c)
	exerciseStorageExtras(c, coverID)
	exerciseWebhooks(c, coverID)
	exerciseToolsStoreSchedules(t, s, c, coverID)
}

func exerciseWebhooks(c *testClient, actorID string) {
	c.t.Helper()
	url, _ := hookReceiver(c.t, http.StatusOK)
	task := must(c.s.AddTask(actorID, "hooked-task", nil))(c.t)
	var w struct{ ID string }
	c.do(http.MethodPost, "/v2/webhooks", map[string]any{"eventTypes": []string{"ACTOR.RUN.SUCCEEDED"},
		"condition": map[string]string{"actorId": actorID}, "requestUrl": url, "idempotencyKey": "cover"}).want(http.StatusCreated).data(&w)
	c.do(http.MethodPost, "/v2/webhooks", map[string]any{"eventTypes": []string{"ACTOR.RUN.FAILED"},
		"condition": map[string]string{"actorTaskId": task}, "requestUrl": url}).want(http.StatusCreated)
	c.do(http.MethodGet, "/v2/webhooks", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actors/"+actorID+"/webhooks", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-tasks/"+task+"/webhooks", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/webhooks/"+w.ID, nil).want(http.StatusOK)
	c.do(http.MethodPut, "/v2/webhooks/"+w.ID, `{"description":"covered","eventTypes":["ACTOR.RUN.SUCCEEDED","ACTOR.RUN.ABORTED"]}`).want(http.StatusOK)
	var d struct{ ID string }
	c.do(http.MethodPost, "/v2/webhooks/"+w.ID+"/test", nil).want(http.StatusCreated).data(&d)
	c.do(http.MethodGet, "/v2/webhooks/"+w.ID+"/dispatches", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/webhook-dispatches?desc=1", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/webhook-dispatches/"+d.ID, nil).want(http.StatusOK)
	c.do(http.MethodDelete, "/v2/webhooks/"+w.ID, nil).want(http.StatusNoContent)
}

func exerciseActorCRUD(c *testClient) {
	c.t.Helper()
	var a struct{ ID string }
	c.do(http.MethodPost, "/v2/actors", `{"name":"crud","title":"CRUD","versions":[{"versionNumber":"0.1","sourceType":"SOURCE_FILES","buildTag":"latest","sourceFiles":[]}],"defaultRunOptions":{"memoryMbytes":512}}`).want(http.StatusCreated).data(&a)
	c.do(http.MethodPut, "/v2/actors/"+a.ID, `{"description":"changed","isPublic":false}`).want(http.StatusOK)
	c.do(http.MethodPost, "/v2/actors/"+a.ID+"/builds?version=0.1&waitForFinish=60", nil).want(http.StatusCreated)
	c.do(http.MethodPost, "/v2/actors/"+a.ID+"/validate-input", `{"q":1}`).want(http.StatusOK)
	c.do(http.MethodDelete, "/v2/actors/"+a.ID, nil).want(http.StatusNoContent)
}

func exerciseBuilds(c *testClient, actorID string) {
	c.t.Helper()
	var b struct{ ID string }
	c.do(http.MethodPost, "/v2/actors/"+actorID+"/builds?version=0.0&tag=beta&useCache=1&waitForFinish=60", nil).want(http.StatusCreated).data(&b)
	c.do(http.MethodGet, "/v2/actors/"+actorID+"/builds?desc=1", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-builds?limit=5", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actors/"+actorID+"/builds/default?waitForFinish=1", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actors/"+actorID+"/builds/"+b.ID, nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-builds/"+b.ID, nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-builds/"+b.ID+"/log", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/logs/"+b.ID, nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-builds/"+b.ID+"/openapi.json", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actors/"+actorID+"/builds/default/openapi.json", nil).want(http.StatusOK)
	c.do(http.MethodPost, "/v2/actor-builds/"+b.ID+"/abort", nil).want(http.StatusOK)
	c.do(http.MethodPost, "/v2/actors/"+actorID+"/builds/"+b.ID+"/abort", nil).want(http.StatusOK)
	c.do(http.MethodDelete, "/v2/actor-builds/"+b.ID, nil).want(http.StatusNoContent)
}

func exerciseVersions(c *testClient, actorID string) {
	c.t.Helper()
	p := "/v2/actors/" + actorID + "/versions"
	c.do(http.MethodGet, p, nil).want(http.StatusOK)
	c.do(http.MethodPost, p, `{"versionNumber":"1.0","sourceType":"GIT_REPO","gitRepoUrl":"https://github.com/a/b","envVars":[{"name":"A","value":"1"}]}`).want(http.StatusCreated)
	c.do(http.MethodGet, p+"/1.0", nil).want(http.StatusOK)
	c.do(http.MethodPut, p+"/1.0", `{"buildTag":"next"}`).want(http.StatusOK)
	c.do(http.MethodPost, p+"/1.0", `{"applyEnvVarsToBuild":true}`).want(http.StatusOK)
	c.do(http.MethodGet, p+"/1.0/env-vars", nil).want(http.StatusOK)
	c.do(http.MethodPost, p+"/1.0/env-vars", `{"name":"SECRET","value":"s3","isSecret":true}`).want(http.StatusCreated)
	c.do(http.MethodGet, p+"/1.0/env-vars/SECRET", nil).want(http.StatusOK)
	c.do(http.MethodPut, p+"/1.0/env-vars/A", `{"name":"A","value":"2"}`).want(http.StatusOK)
	c.do(http.MethodPost, p+"/1.0/env-vars/A", `{"name":"A","value":"3"}`).want(http.StatusOK)
	c.do(http.MethodDelete, p+"/1.0/env-vars/A", nil).want(http.StatusNoContent)
	c.do(http.MethodDelete, p+"/1.0", nil).want(http.StatusNoContent)
}

func exerciseRunControl(t *testing.T, s *Server, c *testClient, coverID string) {
	t.Helper()
	started := make(chan string, 64)
	id := must(s.AddActor("control", blocker(started), ActorOptions{ChargeEvents: map[string]ChargeEvent{"page": {PriceUSD: 0.01}}}))(t)
	task := must(s.AddTask(id, "control-task", nil))(t)
	start := func(path string) string {
		var r runData
		c.do(http.MethodPost, path, "{}").want(http.StatusCreated).data(&r)
		<-started
		return r.ID
	}
	runID := start("/v2/actors/" + id + "/runs?maxTotalChargeUsd=1")
	c.do(http.MethodPost, "/v2/actor-runs/"+runID+"/charge", `{"eventName":"page","count":2}`, header("Idempotency-Key", "k1")).want(http.StatusCreated)
	c.do(http.MethodPost, "/v2/actor-runs/"+runID+"/reboot", nil).want(http.StatusOK)
	<-started
	c.do(http.MethodPost, "/v2/actors/"+id+"/runs/last/reboot", nil).want(http.StatusOK)
	<-started
	for _, p := range []string{"/v2/actor-runs/" + runID, "/v2/actors/" + id + "/runs/" + runID} {
		c.do(http.MethodPost, p+"/metamorph?targetActorId="+id, `{"m":1}`).want(http.StatusOK)
		<-started
	}
	c.do(http.MethodPost, "/v2/actors/"+id+"/runs/last/metamorph?targetActorId="+coverID, `{"m":2}`).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-runs/"+runID+"?waitForFinish=60", nil).want(http.StatusOK)
	c.do(http.MethodPost, "/v2/actor-runs/"+runID+"/resurrect?timeout=600", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-runs/"+runID+"?waitForFinish=60", nil).want(http.StatusOK)
	c.do(http.MethodPost, "/v2/actors/"+id+"/runs/"+runID+"/resurrect", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-runs/"+runID+"?waitForFinish=60", nil).want(http.StatusOK)
	c.do(http.MethodDelete, "/v2/actor-runs/"+runID, nil).want(http.StatusNoContent)

	taskRun := start("/v2/actor-tasks/" + task + "/runs")
	c.do(http.MethodPost, "/v2/actor-tasks/"+task+"/runs/last/reboot", nil).want(http.StatusOK)
	<-started
	c.do(http.MethodPost, "/v2/actor-tasks/"+task+"/runs/last/metamorph?targetActorId="+coverID, nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-runs/"+taskRun+"?waitForFinish=60", nil).want(http.StatusOK)

	c.do(http.MethodPut, "/v2/actor-tasks/"+task, `{"title":"Control","options":{"memoryMbytes":256},"input":{"a":1}}`).want(http.StatusOK)
	c.do(http.MethodPut, "/v2/actor-tasks/"+task+"/input", `{"b":2}`).want(http.StatusOK)
	c.do(http.MethodDelete, "/v2/actor-tasks/"+task, nil).want(http.StatusNoContent)
}

func exerciseAccount(c *testClient) {
	c.t.Helper()
	var me struct{ ID, Username string }
	c.do(http.MethodGet, "/v2/users/me", nil).want(http.StatusOK).data(&me)
	c.do(http.MethodGet, "/v2/users/"+me.Username, nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/users/me/usage/monthly?date=2026-01-15", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/users/me/usage/monthly", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/users/me/limits", nil).want(http.StatusOK)
	c.do(http.MethodPut, "/v2/users/me/limits", `{"maxMonthlyUsageUsd":50,"dataRetentionDays":14}`).want(http.StatusCreated)
}

func exerciseStorageExtras(c *testClient, coverID string) {
	c.t.Helper()
	var run runData
	c.do(http.MethodPost, "/v2/actors/"+coverID+"/runs?waitForFinish=60", `{}`).want(http.StatusCreated).data(&run)
	task := must(c.s.AddTask(coverID, "extras-task", nil))(c.t)
	c.do(http.MethodPost, "/v2/actor-tasks/"+task+"/runs?waitForFinish=60", `{}`).want(http.StatusCreated)
	for _, p := range []string{"/v2/actor-runs/" + run.ID, "/v2/actors/" + coverID + "/runs/last", "/v2/actor-tasks/" + task + "/runs/last"} {
		c.do(http.MethodGet, p+"/dataset/statistics", nil).want(http.StatusOK)
		c.do(http.MethodGet, p+"/key-value-store/records?prefix=OUT", nil).want(http.StatusOK)
	}
	c.do(http.MethodGet, "/v2/datasets/"+run.DefaultDatasetID+"/statistics", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/key-value-stores/"+run.DefaultKeyValueStoreID+"/records", nil).want(http.StatusOK)
}

func exerciseToolsStoreSchedules(t *testing.T, s *Server, c *testClient, actorID string) {
	t.Helper()
	c.do(http.MethodGet, "/v2/browser-info?rawHeaders=1", nil).want(http.StatusOK)
	c.do(http.MethodPost, "/v2/browser-info?skipHeaders=true", `{"a":1}`).want(http.StatusOK)
	c.do(http.MethodPut, "/v2/browser-info", `{}`).want(http.StatusOK)
	c.do(http.MethodDelete, "/v2/browser-info", nil).want(http.StatusOK)
	var enc struct{ Encoded string }
	c.do(http.MethodPost, "/v2/tools/encode-and-sign", `{"x":[1,2]}`).want(http.StatusOK).data(&enc)
	c.do(http.MethodPost, "/v2/tools/decode-and-verify", map[string]string{"encoded": enc.Encoded}).want(http.StatusOK)

	must(s.AddStoreActor(StoreActor{Username: "apify", Name: "web-scraper", Description: "Crawls websites", Categories: []string{"AI"}, TotalUsers: 10}))(t)
	c.do(http.MethodGet, "/v2/store?search=crawls&sortBy=popularity&category=AI&pricingModel=FREE", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/store?username=apify&responseFormat=agent&limit=5", nil).want(http.StatusOK)

	task := must(s.AddTask(actorID, "scheduled-task", nil))(t)
	var sc struct{ ID string }
	c.do(http.MethodPost, "/v2/schedules", map[string]any{"name": "nightly", "cronExpression": "0 3 * * *", "isEnabled": true, "isExclusive": true,
		"timezone": "Europe/Prague", "actions": []map[string]any{
			{"type": "RUN_ACTOR", "actorId": actorID, "runInput": map[string]string{"body": `{"a":1}`, "contentType": "application/json"}, "runOptions": map[string]any{"memoryMbytes": 256}},
			{"type": "RUN_ACTOR_TASK", "actorTaskId": task, "input": map[string]int{"b": 2}},
		}}).want(http.StatusCreated).data(&sc)
	c.do(http.MethodGet, "/v2/schedules", nil).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/schedules/"+sc.ID, nil).want(http.StatusOK)
	c.do(http.MethodPut, "/v2/schedules/"+sc.ID, `{"cronExpression":"@hourly","description":"hourly"}`).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/schedules/"+sc.ID+"/log", nil).want(http.StatusOK)
	c.do(http.MethodDelete, "/v2/schedules/"+sc.ID, nil).want(http.StatusNoContent)
}
