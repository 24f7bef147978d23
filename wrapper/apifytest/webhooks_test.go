package apifytest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// receivedHook is one request a webhook receiver got.
type receivedHook struct {
	header http.Header
	body   map[string]any
}

// hookReceiver starts a loopback receiver that hands each request to the test.
func hookReceiver(t *testing.T, status int) (string, <-chan receivedHook) {
	t.Helper()
	got := make(chan receivedHook, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(b, &body)
		got <- receivedHook{r.Header.Clone(), body}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, got
}

func nextHook(t *testing.T, got <-chan receivedHook) receivedHook {
	t.Helper()
	select {
	case h := <-got:
		return h
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook request arrived")
		return receivedHook{}
	}
}

func TestWebhookIsDispatchedOnRunEvents(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	actorID := must(s.AddActor("hooked", scraper))(t)
	url, got := hookReceiver(t, http.StatusOK)

	var hook struct{ ID string }
	c.do(http.MethodPost, "/v2/webhooks", map[string]any{
		"eventTypes": []string{"ACTOR.RUN.SUCCEEDED"}, "condition": map[string]string{"actorId": actorID}, "requestUrl": url,
		"headersTemplate": `{"X-Secret": "s3"}`,
	}).want(http.StatusCreated).data(&hook)
	var run runData
	c.do(http.MethodPost, "/v2/actors/"+actorID+"/runs?waitForFinish=60", `{"count":1}`).want(http.StatusCreated).data(&run)

	h := nextHook(t, got)
	if h.body["eventType"] != "ACTOR.RUN.SUCCEEDED" || h.header.Get("X-Secret") != "s3" || h.header.Get("X-Apify-Webhook") != hook.ID {
		t.Errorf("webhook request %v %v", h.header, h.body)
	}
	resource, _ := h.body["resource"].(map[string]any)
	data, _ := h.body["eventData"].(map[string]any)
	if resource["id"] != run.ID || resource["status"] != StatusSucceeded || data["actorRunId"] != run.ID {
		t.Errorf("payload %v", h.body)
	}

	// The dispatch is recorded once the receiver has answered.
	var list struct {
		Total int
		Items []struct {
			Status, EventType string
			Calls             []struct{ ResponseStatus int }
		}
	}
	if err := s.WaitForDispatches(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.do(http.MethodGet, "/v2/webhooks/"+hook.ID+"/dispatches", nil).want(http.StatusOK).data(&list)
	if list.Total != 1 || list.Items[0].Status != "SUCCEEDED" || list.Items[0].Calls[0].ResponseStatus != 200 {
		t.Errorf("dispatches %+v", list)
	}

	// The test endpoint sends a TEST event.
	c.do(http.MethodPost, "/v2/webhooks/"+hook.ID+"/test", nil).want(http.StatusCreated)
	if h := nextHook(t, got); h.body["eventType"] != "TEST" {
		t.Errorf("test event %v", h.body)
	}
}

func TestAdHocWebhookWithPayloadTemplate(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	actorID := must(s.AddActor("adhoc", scraper))(t)
	url, got := hookReceiver(t, http.StatusOK)
	hooks, _ := json.Marshal([]map[string]any{{
		"eventTypes": []string{"ACTOR.RUN.SUCCEEDED", "ACTOR.RUN.FAILED"}, "requestUrl": url,
		"payloadTemplate":          `{"run": {{resource.id}}, "text": "status {{resource.status}}", "event": {{eventType}}}`,
		"shouldInterpolateStrings": true,
	}})
	var run runData
	c.do(http.MethodPost, "/v2/actors/"+actorID+"/runs?waitForFinish=60&webhooks="+base64.StdEncoding.EncodeToString(hooks), `{}`).want(http.StatusCreated).data(&run)
	h := nextHook(t, got)
	if h.body["run"] != run.ID || h.body["text"] != "status SUCCEEDED" || h.body["event"] != "ACTOR.RUN.SUCCEEDED" {
		t.Errorf("payload %v", h.body)
	}
	c.do(http.MethodPost, "/v2/actors/"+actorID+"/runs?webhooks=bm90IGpzb24", `{}`).wantError(http.StatusBadRequest, "invalid-parameter")
}

func TestWebhookValidation(t *testing.T) {
	t.Parallel()
	_, c := newTestServer(t)
	for _, body := range []string{
		`{"eventTypes":[],"condition":{"actorId":"a"},"requestUrl":"http://127.0.0.1/x"}`,
		`{"eventTypes":["ACTOR.RUN.SUCCEEDED"],"condition":{},"requestUrl":"http://127.0.0.1/x"}`,
		`{"eventTypes":["ACTOR.RUN.SUCCEEDED"],"condition":{"actorId":"a"},"requestUrl":"not a url"}`,
		`{"eventTypes":["ACTOR.RUN.SUCCEEDED"],"condition":{"actorId":"a"},"requestUrl":"http://127.0.0.1/x","payloadTemplate":"{ broken"}`,
	} {
		c.do(http.MethodPost, "/v2/webhooks", body, invalid()).wantError(http.StatusBadRequest, "invalid-input")
	}
}
