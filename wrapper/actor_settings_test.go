package apify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// actorStub serves GET and PUT /v2/actors/{id} for one Actor. Kept beside
// apifytest for its defaultRunOptions field the API document does not have
// yet ("futureOption"), which an update must send back unchanged.
func actorStub(t *testing.T) *stubAPI {
	actor := `{"id":"act1","userId":"u1","name":"scraper","username":"jane","isPublic":false,
		"createdAt":"2026-01-01T00:00:00.000Z","modifiedAt":"2026-01-01T00:00:00.000Z","title":"Scraper",
		"stats":{"totalRuns":3},"versions":[],
		"defaultRunOptions":{"build":"latest","memoryMbytes":1024,"timeoutSecs":3600,"futureOption":"keep me"}}`
	return newStubAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.URL.Path != "/v2/actors/jane~scraper" {
			coreWriteJSON(w, 404, `{"error":{"type":"record-not-found","message":"Actor was not found"}}`)
			return
		}
		switch r.Method {
		case http.MethodGet:
			coreWriteJSON(w, 200, `{"data":`+actor+`}`)
		case http.MethodPut:
			var patch map[string]json.RawMessage
			if err := json.Unmarshal(body, &patch); err != nil {
				coreWriteJSON(w, 400, `{"error":{"type":"invalid-input","message":"bad JSON"}}`)
				return
			}
			coreWriteJSON(w, 200, `{"data":`+actor+`}`)
		}
	})
}

func TestUpdateActorSettingsSendsOnlyChanges(t *testing.T) {
	s := actorStub(t)
	c := s.client(t, nil)
	actor, err := c.Actor("jane/scraper").UpdateSettings(testCtx(t), func(st *ActorSettings) {
		if st.Title != "Scraper" || st.DefaultRunOptions.MemoryMB != 1024 || st.DefaultRunOptions.Timeout != time.Hour {
			t.Errorf("current settings %+v", st)
		}
		st.DefaultRunOptions.MemoryMB = 4096
		st.DefaultRunOptions.Timeout = 10 * time.Minute
		st.DefaultRunOptions.MaxItems = 500
	})
	if err != nil {
		t.Fatal(err)
	}
	if actor.ID != "act1" {
		t.Errorf("actor %+v", actor)
	}
	reqs := s.requests()
	if len(reqs) != 2 || reqs[1].Method != http.MethodPut {
		t.Fatalf("requests %+v, want GET then PUT", reqs)
	}
	var body map[string]map[string]any
	if err := json.Unmarshal(reqs[1].Body, &body); err != nil {
		t.Fatal(err)
	}
	if len(body) != 1 {
		t.Errorf("PUT body %s changes more than defaultRunOptions", reqs[1].Body)
	}
	want := map[string]any{"build": "latest", "memoryMbytes": 4096.0, "timeoutSecs": 600.0, "maxItems": 500.0, "futureOption": "keep me"}
	got := body["defaultRunOptions"]
	for k, v := range want {
		if got[k] != v {
			t.Errorf("defaultRunOptions.%s = %v, want %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("defaultRunOptions %v has fields beyond %v", got, want)
	}
}

// scraperOnFake returns a client and an apifytest server holding the Actor
// jane/scraper.
func scraperOnFake(t *testing.T) (*Client, *apifytest.Server) {
	srv := apifytest.NewServer(t)
	addActor(t, srv, "jane/scraper", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	return fakeClient(t, srv, nil), srv
}

func TestUpdateActorSettingsTitleOnlyAndNoChange(t *testing.T) {
	c, srv := scraperOnFake(t)
	if _, err := c.Actor("jane~scraper").UpdateSettings(testCtx(t), func(st *ActorSettings) {
		st.Title = "Best scraper"
		st.Categories = append(st.Categories, "ECOMMERCE")
	}); err != nil {
		t.Fatal(err)
	}
	if body := string(srv.Requests()[1].Body); body != `{"categories":["ECOMMERCE"],"title":"Best scraper"}` {
		t.Errorf("PUT body %s", body)
	}
	if _, err := c.Actor("jane~scraper").UpdateSettings(testCtx(t), func(st *ActorSettings) {
		if st.Title != "Best scraper" || len(st.Categories) != 1 || st.Categories[0] != "ECOMMERCE" {
			t.Errorf("settings after the update: %+v", st)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests; an update without changes must not PUT", n)
	}
}

func TestUpdateActorSettingsValidates(t *testing.T) {
	c, srv := scraperOnFake(t)
	_, err := c.Actor("jane~scraper").UpdateSettings(testCtx(t), func(st *ActorSettings) {
		st.DefaultRunOptions.MemoryMB = 1000
	})
	if err == nil || !strings.Contains(err.Error(), "MemoryMB 1000") {
		t.Errorf("err = %v", err)
	}
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPut {
			t.Error("invalid settings were sent")
		}
	}
	if _, err := c.Actor("jane~scraper").UpdateSettings(testCtx(t), nil); err == nil {
		t.Error("nil change accepted")
	}
	if _, err := c.Actor("jane~nobody").UpdateSettings(testCtx(t), func(*ActorSettings) {}); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing Actor: %v, want ErrNotFound", err)
	}
}
