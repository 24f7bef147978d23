package apifytest

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// dispatch is one delivery of a webhook. Callers hold Server.mu.
type dispatch struct {
	id, webhookID string
	createdAt     time.Time
	finishedAt    time.Time
	status        string // ACTIVE, SUCCEEDED, FAILED
	eventType     string
	eventData     eventData
	calls         []dispatchCall
	done          chan struct{} // closed once the dispatch has finished
}

// eventData is the eventData of a dispatch.
type eventData struct {
	ActorID      string  `json:"actorId"`
	ActorRunID   string  `json:"actorRunId,omitempty"`
	ActorBuildID string  `json:"actorBuildId,omitempty"`
	ActorTaskID  *string `json:"actorTaskId,omitempty"`
}

// dispatchCall is one HTTP request of a dispatch.
type dispatchCall struct {
	StartedAt      apiTime `json:"startedAt"`
	FinishedAt     optTime `json:"finishedAt"`
	ErrorMessage   *string `json:"errorMessage"`
	ResponseStatus *int    `json:"responseStatus"`
	ResponseBody   *string `json:"responseBody"`
}

// webhookTimeout bounds one webhook request, as the platform does.
const webhookTimeout = 30 * time.Second

// defaultPayloadTemplate is the platform's payload template.
const defaultPayloadTemplate = `{
    "userId": {{userId}},
    "createdAt": {{createdAt}},
    "eventType": {{eventType}},
    "eventData": {{eventData}},
    "resource": {{resource}}
}`

// runEventType is the webhook event of a run reaching status.
func runEventType(prefix, status string) string {
	return prefix + strings.ReplaceAll(status, "-", "_")
}

// fireRunEvent dispatches event (such as ACTOR.RUN.SUCCEEDED) for r to the
// webhooks whose condition it meets. Callers hold Server.mu.
func (s *Server) fireRunEvent(r *run, event string) {
	data := eventData{ActorID: r.actorID, ActorRunID: r.id, ActorTaskID: nullable(r.taskID)}
	s.fire(event, data, s.runJSON(r), func(c webhookCondition) bool {
		return (c.ActorRunID != nil && *c.ActorRunID == r.id) ||
			(c.ActorTaskID != nil && *c.ActorTaskID == r.taskID && r.taskID != "") ||
			(c.ActorID != nil && *c.ActorID == r.actorID)
	})
}

// fireBuildEvent dispatches event for b. Callers hold Server.mu.
func (s *Server) fireBuildEvent(b *build, event string) {
	data := eventData{ActorID: b.actorID, ActorBuildID: b.id}
	s.fire(event, data, s.buildJSON(b, false), func(c webhookCondition) bool {
		return c.ActorID != nil && *c.ActorID == b.actorID
	})
}

// fire starts a dispatch of every webhook of event whose condition matches.
// Callers hold Server.mu.
func (s *Server) fire(event string, data eventData, resource any, matches func(webhookCondition) bool) {
	for _, w := range byCreation(s.ops.webhooks, func(w *webhook) time.Time { return w.createdAt }) {
		if slices.Contains(w.eventTypes, event) && matches(w.condition) {
			s.startDispatch(w, event, data, resource)
		}
	}
}

// startDispatch records a dispatch of w and sends it in the background.
// Callers hold Server.mu.
func (s *Server) startDispatch(w *webhook, event string, data eventData, resource any) *dispatch {
	d := &dispatch{id: s.ids.next(), webhookID: w.id, createdAt: s.now(), status: "ACTIVE", eventType: event, eventData: data, done: make(chan struct{})}
	if s.ops.dispatches == nil {
		s.ops.dispatches = map[string]*dispatch{}
	}
	s.ops.dispatches[d.id] = d
	s.ops.dispatchOrder = append(s.ops.dispatchOrder, d)
	w.dispatches++
	w.last = d
	vars := map[string]any{"userId": s.userID, "createdAt": apiTime(d.createdAt), "eventType": event, "eventData": data, "resource": resource}
	payload, perr := interpolate(templateOr(w.payloadTemplate, defaultPayloadTemplate), vars, w.shouldInterpolateStrings)
	headers, herr := interpolate(templateOr(w.headersTemplate, "{}"), vars, w.shouldInterpolateStrings)
	req := webhookRequest{url: w.requestURL, webhookID: w.id, dispatchID: d.id, insecure: w.ignoreSslErrors, payload: payload}
	if perr == nil && herr == nil {
		herr = json.Unmarshal(headers, &req.headers)
	}
	if s.runCtx.Err() != nil { // the server is closing: nothing more starts
		msg := "apifytest was closing, so the webhook was not sent"
		d.status, d.finishedAt = "FAILED", s.now()
		d.calls = append(d.calls, dispatchCall{StartedAt: apiTime(d.finishedAt), FinishedAt: optTime(d.finishedAt), ErrorMessage: &msg})
		close(d.done)
		return d
	}
	s.runWG.Add(1)
	go func() {
		defer s.runWG.Done()
		started := s.now()
		call := dispatchCall{StartedAt: apiTime(started)}
		status, body, err := 0, "", perr
		if err == nil {
			err = herr
		}
		if err == nil {
			status, body, err = req.send(s.runCtx)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		call.FinishedAt = optTime(s.now())
		if status != 0 {
			call.ResponseStatus, call.ResponseBody = &status, &body
		}
		d.status = "SUCCEEDED"
		if err != nil {
			msg := err.Error()
			call.ErrorMessage = &msg
			d.status = "FAILED"
		}
		d.calls = append(d.calls, call)
		d.finishedAt = s.now()
		close(d.done)
	}()
	return d
}

// WaitForDispatches blocks until every webhook dispatch started so far has
// finished (its request was answered, failed or refused, and its status is
// SUCCEEDED or FAILED), or ctx is done. Dispatches start when a run or build
// reaches an event's status and on the webhook test endpoint; a test that
// checks a dispatch's record, rather than what its receiver got, waits here
// first. It does not use the server's clock.
func (s *Server) WaitForDispatches(ctx context.Context) error {
	s.mu.Lock()
	var pending []chan struct{}
	for _, d := range s.ops.dispatchOrder {
		pending = append(pending, d.done)
	}
	s.mu.Unlock()
	for _, done := range pending {
		select {
		case <-done:
		case <-ctx.Done():
			return fmt.Errorf("apifytest: WaitForDispatches: %w", ctx.Err())
		}
	}
	return nil
}

func templateOr(t *string, def string) string {
	if t == nil || *t == "" {
		return def
	}
	return *t
}

// webhookRequest is the HTTP request of a dispatch.
type webhookRequest struct {
	url, webhookID, dispatchID string
	insecure                   bool
	payload                    []byte
	headers                    map[string]string
}

// send POSTs the payload and returns the response's status and (the start
// of) its body; a status outside 2xx is an error.
func (wr webhookRequest) send(ctx context.Context) (int, string, error) {
	if err := checkLoopback(wr.url); err != nil {
		return 0, "", err
	}
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, wr.url, bytes.NewReader(wr.payload))
	if err != nil {
		return 0, "", err
	}
	for k, v := range wr.headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "ApifyWebhooks (apifytest)")
	req.Header.Set("X-Apify-Webhook", wr.webhookID)
	req.Header.Set("X-Apify-Webhook-Dispatch-Id", wr.dispatchID)
	req.Header.Set("X-Apify-Request-Origin", "WEBHOOK")
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if wr.insecure {
		transport.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the webhook's ignoreSslErrors asks for it
	}
	defer transport.CloseIdleConnections()
	resp, err := (&http.Client{Transport: transport}).Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1000))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, string(body), fmt.Errorf("the webhook's URL answered %d", resp.StatusCode)
	}
	return resp.StatusCode, string(body), nil
}

// templateVar matches a {{variable}} or {{variable.path}} of a template.
var templateVar = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}`)

// interpolate fills the variables of a payload or headers template: outside
// JSON strings with the variable's JSON, inside them (only if
// interpolateStrings) with its text. The result must be valid JSON.
func interpolate(tmpl string, vars map[string]any, interpolateStrings bool) ([]byte, error) {
	raw, err := json.Marshal(vars)
	if err != nil {
		return nil, err
	}
	var tree any
	_ = json.Unmarshal(raw, &tree)
	lookup := func(path string) any {
		v := tree
		for _, part := range strings.Split(path, ".") {
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[part]
		}
		return v
	}
	var out bytes.Buffer
	inString, escaped := false, false
	for i := 0; i < len(tmpl); {
		if loc := templateVar.FindStringSubmatchIndex(tmpl[i:]); loc != nil && loc[0] == 0 {
			val := lookup(tmpl[i+loc[2] : i+loc[3]])
			switch {
			case !inString:
				b, _ := json.Marshal(val)
				out.Write(b)
			case interpolateStrings:
				text, ok := val.(string)
				if !ok {
					b, _ := json.Marshal(val)
					text = string(b)
				}
				b, _ := json.Marshal(text)
				out.Write(b[1 : len(b)-1])
			default:
				out.WriteString(tmpl[i : i+loc[1]])
			}
			i += loc[1]
			continue
		}
		ch := tmpl[i]
		switch {
		case escaped:
			escaped = false
		case ch == '\\' && inString:
			escaped = true
		case ch == '"':
			inString = !inString
		}
		out.WriteByte(ch)
		i++
	}
	if !json.Valid(out.Bytes()) {
		return nil, fmt.Errorf("the template does not make valid JSON: %.200s", out.String())
	}
	return out.Bytes(), nil
}

// checkTemplates checks that w's templates make valid JSON.
func checkTemplates(w *webhook) error {
	sample := map[string]any{"userId": "u", "createdAt": "t", "eventType": "TEST", "eventData": map[string]any{}, "resource": map[string]any{}}
	if _, err := interpolate(templateOr(w.payloadTemplate, defaultPayloadTemplate), sample, w.shouldInterpolateStrings); err != nil {
		return errorf(http.StatusBadRequest, "invalid-input", "payloadTemplate: %v", err)
	}
	var headers map[string]string
	raw, err := interpolate(templateOr(w.headersTemplate, "{}"), sample, w.shouldInterpolateStrings)
	if err == nil {
		err = json.Unmarshal(raw, &headers)
	}
	if err != nil {
		return errorf(http.StatusBadRequest, "invalid-input", "headersTemplate must make a JSON object of strings: %v", err)
	}
	return nil
}

// decodeBase64 decodes standard or URL-safe base64, padded or not.
func decodeBase64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("not base64")
}

// dispatchJSON is the WebhookDispatch schema.
type dispatchJSON struct {
	ID        string           `json:"id"`
	UserID    string           `json:"userId"`
	WebhookID string           `json:"webhookId"`
	CreatedAt apiTime          `json:"createdAt"`
	Status    string           `json:"status"`
	EventType string           `json:"eventType"`
	EventData eventData        `json:"eventData"`
	Webhook   *dispatchWebhook `json:"webhook,omitempty"`
	Calls     []dispatchCall   `json:"calls"`
}

type dispatchWebhook struct {
	ActionType string           `json:"actionType"`
	Condition  webhookCondition `json:"condition"`
	RequestURL string           `json:"requestUrl"`
	IsAdHoc    bool             `json:"isAdHoc"`
}

func (s *Server) dispatchJSON(d *dispatch) dispatchJSON {
	j := dispatchJSON{ID: d.id, UserID: s.userID, WebhookID: d.webhookID, CreatedAt: apiTime(d.createdAt),
		Status: d.status, EventType: d.eventType, EventData: d.eventData, Calls: append([]dispatchCall{}, d.calls...)}
	if w, ok := s.ops.webhooks[d.webhookID]; ok {
		j.Webhook = &dispatchWebhook{ActionType: "HTTP_REQUEST", Condition: w.condition, RequestURL: w.requestURL, IsAdHoc: w.isAdHoc}
	}
	return j
}

// POST /v2/webhooks/{webhookId}/test — https://docs.apify.com/api/v2/webhook-test-post
// The TEST dispatch carries example data about no real run.
func testWebhook(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	w, err := c.webhook()
	if err != nil {
		return err
	}
	data := eventData{ActorID: "testActorId", ActorRunID: "testActorRunId"}
	if w.condition.ActorID != nil {
		data.ActorID = *w.condition.ActorID
	}
	d := c.s.startDispatch(w, "TEST", data, map[string]any{"id": "testActorRunId", "actId": data.ActorID, "status": StatusSucceeded})
	writeData(c.w, http.StatusCreated, c.s.dispatchJSON(d))
	return nil
}

// listDispatchesWhere serves a list of the dispatches keep accepts.
func (c *call) listDispatchesWhere(keep func(*dispatch) bool) error {
	offset, limit, desc, err := c.listWindow()
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	var all []*dispatch
	for _, d := range c.s.ops.dispatchOrder {
		if keep(d) {
			all = append(all, d)
		}
	}
	writeData(c.w, http.StatusOK, renderPage(all, c.s.dispatchJSON, offset, limit, desc))
	return nil
}

// GET /v2/webhook-dispatches — https://docs.apify.com/api/v2/webhook-dispatches-get
func listDispatches(c *call) error {
	return c.listDispatchesWhere(func(*dispatch) bool { return true })
}

// GET /v2/webhooks/{webhookId}/dispatches — https://docs.apify.com/api/v2/webhook-webhook-dispatches-get
func listWebhookDispatches(c *call) error {
	w, err := underLock(c.s, c.webhook)
	if err != nil {
		return err
	}
	return c.listDispatchesWhere(func(d *dispatch) bool { return d.webhookID == w.id })
}

// GET /v2/webhook-dispatches/{dispatchId} — https://docs.apify.com/api/v2/webhook-dispatch-get
func getDispatch(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	id := c.params["dispatchId"]
	d, ok := c.s.ops.dispatches[id]
	if !ok {
		return notFound("Webhook dispatch", id)
	}
	writeData(c.w, http.StatusOK, c.s.dispatchJSON(d))
	return nil
}

// checkLoopback refuses a webhook URL off this machine: the fake serves
// tests, which must not reach the network, so it delivers webhooks only to
// loopback addresses (such as an httptest.Server's) and fails the others
// without a request.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
		return nil
	}
	return fmt.Errorf("apifytest delivers webhooks only to loopback addresses (127.0.0.1, ::1, localhost), not to %s", host)
}
