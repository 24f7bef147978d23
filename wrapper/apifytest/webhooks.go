package apifytest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"time"
)

// webhook is a stored (or ad-hoc) webhook. Callers hold Server.mu.
type webhook struct {
	id                       string
	createdAt, modifiedAt    time.Time
	isAdHoc                  bool
	eventTypes               []string
	condition                webhookCondition
	ignoreSslErrors          bool
	doNotRetry               bool
	requestURL               string
	payloadTemplate          *string
	headersTemplate          *string
	description              *string
	shouldInterpolateStrings bool
	idempotencyKey           string
	dispatches               int
	last                     *dispatch
}

// webhookCondition is the WebhookCondition schema.
type webhookCondition struct {
	ActorID     *string `json:"actorId,omitempty"`
	ActorTaskID *string `json:"actorTaskId,omitempty"`
	ActorRunID  *string `json:"actorRunId,omitempty"`
}

var webhookEventTypes = []string{"ACTOR.BUILD.ABORTED", "ACTOR.BUILD.CREATED", "ACTOR.BUILD.FAILED", "ACTOR.BUILD.SUCCEEDED",
	"ACTOR.BUILD.TIMED_OUT", "ACTOR.RUN.ABORTED", "ACTOR.RUN.CREATED", "ACTOR.RUN.FAILED", "ACTOR.RUN.RESURRECTED",
	"ACTOR.RUN.SUCCEEDED", "ACTOR.RUN.TIMED_OUT"}

func webhookHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"GET /v2/webhooks":                           listWebhooks,
		"POST /v2/webhooks":                          createWebhook,
		"GET /v2/webhooks/{webhookId}":               getWebhook,
		"PUT /v2/webhooks/{webhookId}":               updateWebhook,
		"DELETE /v2/webhooks/{webhookId}":            deleteWebhook,
		"POST /v2/webhooks/{webhookId}/test":         testWebhook,
		"GET /v2/webhooks/{webhookId}/dispatches":    listWebhookDispatches,
		"GET /v2/webhook-dispatches":                 listDispatches,
		"GET /v2/webhook-dispatches/{dispatchId}":    getDispatch,
		"GET /v2/actors/{actorId}/webhooks":          listActorWebhooks,
		"GET /v2/actor-tasks/{actorTaskId}/webhooks": listTaskWebhooks,
	}
}

// webhookBody is the WebhookCreate and WebhookUpdate schemas: absent fields
// are nil.
type webhookBody struct {
	IsAdHoc                  *bool             `json:"isAdHoc"`
	EventTypes               *[]string         `json:"eventTypes"`
	Condition                *webhookCondition `json:"condition"`
	IdempotencyKey           *string           `json:"idempotencyKey"`
	IgnoreSslErrors          *bool             `json:"ignoreSslErrors"`
	DoNotRetry               *bool             `json:"doNotRetry"`
	RequestURL               *string           `json:"requestUrl"`
	PayloadTemplate          *string           `json:"payloadTemplate"`
	HeadersTemplate          *string           `json:"headersTemplate"`
	Description              *string           `json:"description"`
	ShouldInterpolateStrings *bool             `json:"shouldInterpolateStrings"`
}

// apply checks b and applies it to w.
func (b *webhookBody) apply(w *webhook) error {
	next := *w
	if b.EventTypes != nil {
		next.eventTypes = *b.EventTypes
	}
	if b.Condition != nil {
		next.condition = *b.Condition
	}
	if b.RequestURL != nil {
		next.requestURL = *b.RequestURL
	}
	if b.PayloadTemplate != nil {
		next.payloadTemplate = b.PayloadTemplate
	}
	if b.HeadersTemplate != nil {
		next.headersTemplate = b.HeadersTemplate
	}
	if b.Description != nil {
		next.description = b.Description
	}
	for dst, src := range map[*bool]*bool{&next.isAdHoc: b.IsAdHoc, &next.ignoreSslErrors: b.IgnoreSslErrors,
		&next.doNotRetry: b.DoNotRetry, &next.shouldInterpolateStrings: b.ShouldInterpolateStrings} {
		if src != nil {
			*dst = *src
		}
	}
	if len(next.eventTypes) == 0 {
		return errorf(http.StatusBadRequest, "invalid-input", "eventTypes must name at least one event, such as ACTOR.RUN.SUCCEEDED")
	}
	for _, e := range next.eventTypes {
		if !slices.Contains(webhookEventTypes, e) {
			return errorf(http.StatusBadRequest, "invalid-input", "Unknown webhook event type %q", e)
		}
	}
	cond := next.condition
	if empty(cond.ActorID) && empty(cond.ActorTaskID) && empty(cond.ActorRunID) {
		return errorf(http.StatusBadRequest, "invalid-input", "condition must name an actorId, actorTaskId or actorRunId")
	}
	if u, err := url.Parse(next.requestURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errorf(http.StatusBadRequest, "invalid-input", "requestUrl %q is not an absolute http or https URL", next.requestURL)
	}
	if err := checkTemplates(&next); err != nil {
		return err
	}
	*w = next
	return nil
}

func empty(s *string) bool { return s == nil || *s == "" }

// webhookJSON is the Webhook schema (and WebhookShort in lists).
type webhookJSON struct {
	ID                       string           `json:"id"`
	CreatedAt                apiTime          `json:"createdAt"`
	ModifiedAt               apiTime          `json:"modifiedAt"`
	UserID                   string           `json:"userId"`
	IsAdHoc                  bool             `json:"isAdHoc"`
	ShouldInterpolateStrings bool             `json:"shouldInterpolateStrings"`
	EventTypes               []string         `json:"eventTypes"`
	Condition                webhookCondition `json:"condition"`
	IgnoreSslErrors          bool             `json:"ignoreSslErrors"`
	DoNotRetry               bool             `json:"doNotRetry"`
	RequestURL               string           `json:"requestUrl"`
	PayloadTemplate          *string          `json:"payloadTemplate,omitempty"`
	HeadersTemplate          *string          `json:"headersTemplate,omitempty"`
	Description              *string          `json:"description,omitempty"`
	LastDispatch             *lastDispatch    `json:"lastDispatch"`
	Stats                    webhookStats     `json:"stats"`
}

type lastDispatch struct {
	Status     string  `json:"status"`
	FinishedAt optTime `json:"finishedAt"`
}

type webhookStats struct {
	TotalDispatches int `json:"totalDispatches"`
}

func (s *Server) webhookJSON(w *webhook, short bool) webhookJSON {
	j := webhookJSON{ID: w.id, CreatedAt: apiTime(w.createdAt), ModifiedAt: apiTime(w.modifiedAt), UserID: s.userID,
		IsAdHoc: w.isAdHoc, ShouldInterpolateStrings: w.shouldInterpolateStrings, EventTypes: w.eventTypes,
		Condition: w.condition, IgnoreSslErrors: w.ignoreSslErrors, DoNotRetry: w.doNotRetry, RequestURL: w.requestURL,
		Stats: webhookStats{TotalDispatches: w.dispatches}}
	if w.last != nil {
		j.LastDispatch = &lastDispatch{Status: w.last.status, FinishedAt: optTime(w.last.finishedAt)}
	}
	if !short {
		j.PayloadTemplate, j.HeadersTemplate, j.Description = w.payloadTemplate, w.headersTemplate, w.description
	}
	return j
}

// addWebhook stores w. Callers hold Server.mu.
func (s *Server) addWebhook(w *webhook) {
	if s.ops.webhooks == nil {
		s.ops.webhooks = map[string]*webhook{}
	}
	s.ops.webhooks[w.id] = w
}

// webhook finds the webhook of the path. Callers hold Server.mu.
func (c *call) webhook() (*webhook, error) {
	id := c.params["webhookId"]
	w, ok := c.s.ops.webhooks[id]
	if !ok {
		return nil, notFound("Webhook", id)
	}
	return w, nil
}

// POST /v2/webhooks — https://docs.apify.com/api/v2/webhooks-post
// A repeated idempotencyKey answers the webhook made the first time.
func createWebhook(c *call) error {
	var body webhookBody
	if err := c.decodeJSONBody(&body, "a webhook (eventTypes, condition, requestUrl...)"); err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if body.IdempotencyKey != nil && *body.IdempotencyKey != "" {
		for _, w := range c.s.ops.webhooks {
			if w.idempotencyKey == *body.IdempotencyKey {
				writeData(c.w, http.StatusCreated, c.s.webhookJSON(w, false))
				return nil
			}
		}
	}
	now := c.s.now()
	w := &webhook{id: c.s.ids.next(), createdAt: now, modifiedAt: now}
	if body.IdempotencyKey != nil {
		w.idempotencyKey = *body.IdempotencyKey
	}
	if err := body.apply(w); err != nil {
		return err
	}
	c.s.addWebhook(w)
	c.w.Header().Set("Location", c.publicURL("/v2/webhooks/"+w.id))
	writeData(c.w, http.StatusCreated, c.s.webhookJSON(w, false))
	return nil
}

// GET /v2/webhooks/{webhookId} — https://docs.apify.com/api/v2/webhook-get
func getWebhook(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	w, err := c.webhook()
	if err != nil {
		return err
	}
	writeData(c.w, http.StatusOK, c.s.webhookJSON(w, false))
	return nil
}

// PUT /v2/webhooks/{webhookId} — https://docs.apify.com/api/v2/webhook-put
func updateWebhook(c *call) error {
	var body webhookBody
	if err := c.decodeJSONBody(&body, "the webhook's new settings"); err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	w, err := c.webhook()
	if err != nil {
		return err
	}
	if err := body.apply(w); err != nil {
		return err
	}
	w.modifiedAt = c.s.now()
	writeData(c.w, http.StatusOK, c.s.webhookJSON(w, false))
	return nil
}

// DELETE /v2/webhooks/{webhookId} — https://docs.apify.com/api/v2/webhook-delete
func deleteWebhook(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	w, err := c.webhook()
	if err != nil {
		return err
	}
	delete(c.s.ops.webhooks, w.id)
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// listWebhooksWhere serves a list of the webhooks keep accepts, oldest first.
func (c *call) listWebhooksWhere(keep func(*webhook) bool) error {
	offset, limit, desc, err := c.listWindow()
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	var all []*webhook
	for _, w := range byCreation(c.s.ops.webhooks, func(w *webhook) time.Time { return w.createdAt }) {
		if keep(w) {
			all = append(all, w)
		}
	}
	render := func(w *webhook) webhookJSON { return c.s.webhookJSON(w, true) }
	writeData(c.w, http.StatusOK, renderPage(all, render, offset, limit, desc))
	return nil
}

// GET /v2/webhooks — https://docs.apify.com/api/v2/webhooks-get
func listWebhooks(c *call) error { return c.listWebhooksWhere(func(*webhook) bool { return true }) }

// GET /v2/actors/{actorId}/webhooks — https://docs.apify.com/api/v2/act-webhooks-get
func listActorWebhooks(c *call) error {
	a, err := underLock(c.s, c.actor)
	if err != nil {
		return err
	}
	return c.listWebhooksWhere(func(w *webhook) bool { return w.condition.ActorID != nil && *w.condition.ActorID == a.id })
}

// GET /v2/actor-tasks/{actorTaskId}/webhooks — https://docs.apify.com/api/v2/actor-task-webhooks-get
func listTaskWebhooks(c *call) error {
	t, err := underLock(c.s, c.task)
	if err != nil {
		return err
	}
	return c.listWebhooksWhere(func(w *webhook) bool { return w.condition.ActorTaskID != nil && *w.condition.ActorTaskID == t.id })
}

// adHocWebhooks reads the webhooks query parameter of a run start: base64 of
// a JSON array of webhooks.
func (c *call) adHocWebhooks() ([]webhookBody, error) {
	v := c.query.Get("webhooks")
	if v == "" {
		return nil, nil
	}
	raw, err := decodeBase64(v)
	if err != nil {
		return nil, invalidParam("webhooks", v, "use base64 of a JSON array of webhooks")
	}
	var list []webhookBody
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, invalidParam("webhooks", v, "the decoded value is not a JSON array of webhooks: "+err.Error())
	}
	return list, nil
}

// prepareAdHocWebhooks checks the ad-hoc webhooks of a run about to start
// and returns them, to be stored by addAdHocWebhooks once the run exists.
// Callers hold Server.mu.
func (s *Server) prepareAdHocWebhooks(list []webhookBody) ([]*webhook, error) {
	now := s.now()
	made := make([]*webhook, 0, len(list))
	for i := range list {
		b := list[i]
		pending := "pending"
		b.Condition = &webhookCondition{ActorRunID: &pending}
		w := &webhook{id: s.ids.next(), createdAt: now, modifiedAt: now, isAdHoc: true}
		if err := b.apply(w); err != nil {
			return nil, err
		}
		made = append(made, w)
	}
	return made, nil
}

// addAdHocWebhooks stores the ad-hoc webhooks of run r. Callers hold
// Server.mu.
func (s *Server) addAdHocWebhooks(r *run, hooks []*webhook) {
	for _, w := range hooks {
		runID := r.id
		w.condition = webhookCondition{ActorRunID: &runID}
		s.addWebhook(w)
	}
}
