package apifytest

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestUpdateTaskAndItsInput(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	actorID := must(s.AddActor("scraper", scraper))(t)
	id := must(s.AddTask(actorID, "daily", map[string]any{"count": 1, "site": "a"}))(t)

	var task struct {
		Name    string
		Title   string
		Options struct{ MemoryMbytes int }
		Input   map[string]any
	}
	c.do(http.MethodPut, "/v2/actor-tasks/"+id, `{"name":"weekly","title":"Weekly","options":{"memoryMbytes":256}}`).want(http.StatusOK).data(&task)
	if task.Name != "weekly" || task.Title != "Weekly" || task.Options.MemoryMbytes != 256 || task.Input["site"] != "a" {
		t.Errorf("updated task %+v", task)
	}
	// The input update merges its fields into the input.
	var in map[string]any
	check(t, json.Unmarshal(c.do(http.MethodPut, "/v2/actor-tasks/"+id+"/input", `{"count":3}`).want(http.StatusOK).Body, &in))
	if in["count"] != 3.0 || in["site"] != "a" {
		t.Errorf("input %v", in)
	}
	var run runData
	c.do(http.MethodPost, "/v2/actor-tasks/apifytest~weekly/runs?waitForFinish=60", `{}`).want(http.StatusCreated).data(&run)
	if items := must(s.DatasetItems(run.DefaultDatasetID))(t); len(items) != 3 || run.Options.MemoryMbytes != 256 {
		t.Errorf("run of the updated task: %d items, %+v", len(items), run.Options)
	}
	c.do(http.MethodDelete, "/v2/actor-tasks/"+id, nil).want(http.StatusNoContent)
	c.do(http.MethodGet, "/v2/actor-tasks/"+id, nil).wantError(http.StatusNotFound, "record-not-found")
}
