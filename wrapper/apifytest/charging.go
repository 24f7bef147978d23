package apifytest

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// ChargeEvent is an event a pay-per-event Actor charges for (see
// ActorOptions.ChargeEvents).
type ChargeEvent struct {
	// Title and Description are shown to users; Title defaults to the event's name.
	Title, Description string
	// PriceUSD is the price of one event in US dollars.
	PriceUSD float64
}

// chargeEventJSON is the ActorChargeEvent schema.
type chargeEventJSON struct {
	EventTitle       string  `json:"eventTitle"`
	EventDescription string  `json:"eventDescription"`
	EventPriceUsd    float64 `json:"eventPriceUsd"`
}

// payPerEventJSON is the PayPerEventActorPricingInfo schema of events.
func payPerEventJSON(events map[string]ChargeEvent, since time.Time) any {
	out := map[string]chargeEventJSON{}
	for name, e := range events {
		title := e.Title
		if title == "" {
			title = name
		}
		out[name] = chargeEventJSON{EventTitle: title, EventDescription: e.Description, EventPriceUsd: e.PriceUSD}
	}
	type perEvent struct {
		ActorChargeEvents map[string]chargeEventJSON `json:"actorChargeEvents"`
	}
	return struct {
		PricingModel          string   `json:"pricingModel"`
		PricingPerEvent       perEvent `json:"pricingPerEvent"`
		ApifyMarginPercentage float64  `json:"apifyMarginPercentage"`
		CreatedAt             apiTime  `json:"createdAt"`
		StartedAt             apiTime  `json:"startedAt"`
	}{"PAY_PER_EVENT", perEvent{out}, 0.2, apiTime(since), apiTime(since)}
}

// charge charges count events of name to r, once per non-empty idempotency
// key. Callers hold Server.mu.
func (s *Server) charge(r *run, name string, count int, key string) *apiError {
	switch {
	case count < 1:
		return errorf(http.StatusBadRequest, "invalid-input", "count must be a positive whole number, not %d", count)
	case r.finished():
		return errorf(http.StatusBadRequest, "job-finished", "Actor run %s is %s; only a running run can charge", r.id, r.status)
	case len(r.ext.pricing) == 0:
		return errorf(http.StatusBadRequest, "cannot-charge-non-pay-per-event-actor",
			"The Actor of run %s is not pay-per-event; give it ActorOptions.ChargeEvents to charge events", r.id)
	}
	ev, ok := r.ext.pricing[name]
	if !ok {
		return errorf(http.StatusBadRequest, "invalid-input", "The Actor of run %s has no charge event %q", r.id, name)
	}
	if key != "" && r.ext.chargeKeys[key] {
		return nil
	}
	cost := ev.PriceUSD * float64(count)
	if m := r.opts.maxChargeUsd; m != nil && r.ext.chargedUsd+cost > *m+1e-9 {
		return errorf(http.StatusBadRequest, "limit-reached",
			"Charging %d %q events (%.4f USD) would take run %s past its maxTotalChargeUsd of %.4f USD (charged so far: %.4f USD)",
			count, name, cost, r.id, *m, r.ext.chargedUsd)
	}
	if r.ext.charged == nil {
		r.ext.charged, r.ext.chargeKeys = map[string]int{}, map[string]bool{}
	}
	r.ext.charged[name] += count
	r.ext.chargedUsd += cost
	if key != "" {
		r.ext.chargeKeys[key] = true
	}
	return nil
}

// POST /v2/actor-runs/{runId}/charge — https://docs.apify.com/api/v2/post-charge-run
func chargeRun(c *call) error {
	var body struct {
		EventName *string `json:"eventName"`
		Count     *int    `json:"count"`
	}
	if err := c.decodeJSONBody(&body, "the event to charge (eventName, count)"); err != nil {
		return err
	}
	if body.EventName == nil || body.Count == nil {
		return errorf(http.StatusBadRequest, "invalid-input", "The body needs both eventName and count")
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	r, err := c.run()
	if err != nil {
		return err
	}
	if aerr := c.s.charge(r, *body.EventName, *body.Count, c.r.Header.Get("Idempotency-Key")); aerr != nil {
		return aerr
	}
	writeJSON(c.w, http.StatusCreated, struct{}{})
	return nil
}

// Charge charges count events of the pay-per-event Actor's event name to the
// run, as the Apify SDKs' Actor.charge does through the API.
func (a *ActorRun) Charge(name string, count int) error {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	if aerr := a.s.charge(a.r, name, count, ""); aerr != nil {
		return fmt.Errorf("apifytest: Charge: %s", aerr.message)
	}
	return nil
}

// ChargedEvents returns how many of each event the run with the given ID has
// charged, and their total price in US dollars. An unknown run is an error
// (which fails the test of a server made by NewServer).
func (s *Server) ChargedEvents(runID string) (map[string]int, float64, error) {
	if s.tb != nil {
		s.tb.Helper()
	}
	s.mu.Lock()
	r, ok := s.runs[runID]
	s.mu.Unlock()
	if !ok {
		return nil, 0, s.fail(errors.New("apifytest: ChargedEvents: no run " + runID))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range r.ext.charged {
		out[k] = v
	}
	return out, r.ext.chargedUsd, nil
}
