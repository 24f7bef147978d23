package apifytest

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// runExt is the state of a run that metamorph, reboot, resurrect and charge
// change. Callers hold Server.mu.
type runExt struct {
	gen            int // bumped each time the run's function is replaced
	buildNumber    string
	scheduleID     string // the schedule that started the run
	scheduledAt    time.Time
	rebootCount    int
	resurrectCount int
	metamorphs     []metamorphRec
	pricing        map[string]ChargeEvent // the Actor's events when the run started
	charged        map[string]int         // event name -> count
	chargedUsd     float64
	chargeKeys     map[string]bool // idempotency keys already charged
}

// metamorphRec is the Metamorph schema.
type metamorphRec struct {
	CreatedAt apiTime `json:"createdAt"`
	ActorID   string  `json:"actorId"`
	BuildID   string  `json:"buildId"`
	InputKey  *string `json:"inputKey"`
}

func runControlHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"DELETE /v2/actor-runs/{runId}":         deleteRun,
		"POST /v2/actor-runs/{runId}/metamorph": metamorphRun,
		"POST /v2/actor-runs/{runId}/reboot":    rebootRun,
		"POST /v2/actor-runs/{runId}/resurrect": resurrectRun,
		"POST /v2/actor-runs/{runId}/charge":    chargeRun,
	}
}

// decorateRunJSON adds what metamorph, reboot, resurrect and charge changed
// to a run's JSON. Callers hold Server.mu.
func (s *Server) decorateRunJSON(r *run, j *runJSON) {
	j.Stats.RebootCount = r.ext.rebootCount
	j.Stats.ResurrectCount = r.ext.resurrectCount
	j.Metamorphs = r.ext.metamorphs
	if r.ext.scheduleID != "" {
		j.Meta.ScheduleID, j.Meta.ScheduledAt = &r.ext.scheduleID, optTime(r.ext.scheduledAt)
	}
	if len(r.ext.pricing) > 0 {
		j.PricingInfo = payPerEventJSON(r.ext.pricing, r.startedAt)
		j.ChargedEventCounts = map[string]int{}
		for name, n := range r.ext.charged {
			j.ChargedEventCounts[name] = n
		}
	}
}

// floatParam reads a non-negative number query parameter.
func (c *call) floatParam(name string) (f float64, present bool, err error) {
	v := c.query.Get(name)
	if v == "" {
		return 0, false, nil
	}
	f, perr := strconv.ParseFloat(v, 64)
	if perr != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false, invalidParam(name, v, "use a non-negative number")
	}
	return f, true, nil
}

// runLimits reads the run options beyond build, timeout, memory and maxItems
// that a run start and a resurrection take.
func (c *call) runLimits(o *runOptions) error {
	if usd, ok, err := c.floatParam("maxTotalChargeUsd"); err != nil {
		return err
	} else if ok {
		o.maxChargeUsd = &usd
	}
	if _, err := c.boolParam("restartOnError", false); err != nil {
		return err
	}
	if v := c.query.Get("forcePermissionLevel"); v != "" && v != "LIMITED_PERMISSIONS" && v != "FULL_PERMISSIONS" {
		return invalidParam("forcePermissionLevel", v, "use LIMITED_PERMISSIONS or FULL_PERMISSIONS")
	}
	return nil
}

// restartRun hands r to fn, as a fresh container would: the function running
// now sees its context cancelled and its writes refused. Callers hold
// Server.mu.
func (s *Server) restartRun(r *run, fn ActorFunc) {
	r.ext.gen++
	r.cancel()
	ctx, cancel := context.WithCancel(s.runCtx)
	r.cancel = cancel
	r.status = StatusRunning
	s.runWG.Add(1)
	go s.execute(ctx, fn, r, r.ext.gen)
}

// runningRun finds the run of the path and checks that it is running.
// Callers hold Server.mu.
func (c *call) runningRun(what string) (*run, error) {
	r, err := c.run()
	if err != nil {
		return nil, err
	}
	if r.status != StatusRunning && r.status != StatusReady {
		return nil, errorf(http.StatusBadRequest, "job-finished",
			"Actor run %s is %s; only a running run can be %s", r.id, r.status, what)
	}
	return r, nil
}

// DELETE /v2/actor-runs/{runId} — https://docs.apify.com/api/v2/actor-run-delete
func deleteRun(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	r, err := c.run()
	if err != nil {
		return err
	}
	if !r.finished() {
		return errorf(http.StatusBadRequest, "cannot-remove-running-run", "Actor run %s is %s; only a finished run can be deleted", r.id, r.status)
	}
	delete(c.s.runs, r.id)
	for i, x := range c.s.runOrder {
		if x == r {
			c.s.runOrder = append(c.s.runOrder[:i], c.s.runOrder[i+1:]...)
			break
		}
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// POST /v2/actor-runs/{runId}/metamorph — https://docs.apify.com/api/v2/actor-run-metamorph-post
// (and the Actor's and task's last-run variants). The run keeps its storages;
// the target Actor's function takes over with the new input, stored under
// INPUT-METAMORPH-n.
func metamorphRun(c *call) error {
	target := c.query.Get("targetActorId")
	if target == "" {
		return errorf(http.StatusBadRequest, "invalid-parameter", "Query parameter targetActorId is required: the Actor the run turns into")
	}
	input, ctype := c.body, c.r.Header.Get("Content-Type")
	if ctype == "" && len(input) > 0 {
		ctype = "application/json"
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	r, err := c.runningRun("metamorphed")
	if err != nil {
		return err
	}
	a, ok := c.s.findActor(target)
	if !ok {
		return notFound("Actor", target)
	}
	b, err := c.s.resolveBuild(a, c.query.Get("build"))
	if err != nil {
		return err
	}
	key := fmt.Sprintf("INPUT-METAMORPH-%d", len(r.ext.metamorphs)+1)
	if k, found := c.s.stores.byID[r.storeID]; found && len(input) > 0 {
		k.records[key] = record{value: append([]byte(nil), input...), contentType: ctype}
		k.touch(c.s.now(), true)
	}
	r.ext.metamorphs = append(r.ext.metamorphs, metamorphRec{CreatedAt: apiTime(c.s.now()), ActorID: a.id, BuildID: b.id, InputKey: &key})
	r.input, r.inputType = append([]byte(nil), input...), ctype
	c.s.appendLog(r, "Metamorphing the run into Actor "+a.username+"/"+a.name)
	c.s.restartRun(r, a.fn)
	writeData(c.w, http.StatusOK, c.s.runJSON(r))
	return nil
}

// POST /v2/actor-runs/{runId}/reboot — https://docs.apify.com/api/v2/actor-run-reboot-post
// The run's function starts again with the same input and storages.
func rebootRun(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	r, err := c.runningRun("rebooted")
	if err != nil {
		return err
	}
	a, ok := c.s.actors[r.actorID]
	if !ok {
		return notFound("Actor", r.actorID)
	}
	r.ext.rebootCount++
	c.s.appendLog(r, "Rebooting the run")
	c.s.restartRun(r, c.s.currentFunc(r, a))
	writeData(c.w, http.StatusOK, c.s.runJSON(r))
	return nil
}

// currentFunc is the function a run executes now: its last metamorph
// target's, else its Actor's. Callers hold Server.mu.
func (s *Server) currentFunc(r *run, a *actor) ActorFunc {
	if n := len(r.ext.metamorphs); n > 0 {
		if t, ok := s.actors[r.ext.metamorphs[n-1].ActorID]; ok {
			return t.fn
		}
	}
	return a.fn
}

// POST /v2/actor-runs/{runId}/resurrect — https://docs.apify.com/api/v2/post-resurrect-run
// (and POST /v2/actors/{actorId}/runs/{runId}/resurrect). A finished run is
// RUNNING again with the same storages, and its function starts again.
func resurrectRun(c *call) error {
	c.s.mu.Lock()
	r, err := c.run()
	c.s.mu.Unlock()
	if err != nil {
		return err
	}
	o := r.opts
	if b := c.query.Get("build"); b != "" {
		o.build = b
	}
	if secs, ok, err := c.intParam("timeout"); err != nil {
		return err
	} else if ok {
		o.timeout = time.Duration(secs) * time.Second
	}
	if mem, ok, err := c.intParam("memory"); err != nil {
		return err
	} else if ok {
		if !validMemory(mem) {
			return invalidParam("memory", c.query.Get("memory"), "use a power of two of at least 128 (megabytes)")
		}
		o.memoryMbytes = mem
	}
	if n, ok, err := c.intParam("maxItems"); err != nil {
		return err
	} else if ok {
		o.maxItems = &n
	}
	if err := c.runLimits(&o); err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if !r.finished() {
		return errorf(http.StatusBadRequest, "operation-not-allowed", "Actor run %s is %s; only a finished run can be resurrected", r.id, r.status)
	}
	a, ok := c.s.actors[r.actorID]
	if !ok {
		return notFound("Actor", r.actorID)
	}
	b, err := c.s.resolveBuild(a, o.build)
	if err != nil {
		return err
	}
	r.buildID, r.ext.buildNumber = b.id, b.number
	r.opts = o
	r.ext.resurrectCount++
	r.statusMessage, r.terminalMsg, r.exitCode, r.finishedAt = "", false, nil, time.Time{}
	r.done = make(chan struct{})
	if o.timeout > 0 {
		r.stopTimeout = c.s.cfg.clock.AfterFunc(o.timeout, func() { c.s.finishRun(r, StatusTimedOut, "Actor run timed out") })
	}
	c.s.appendLog(r, "Resurrecting the run")
	c.s.fireRunEvent(r, "ACTOR.RUN.RESURRECTED")
	c.s.restartRun(r, c.s.currentFunc(r, a))
	writeData(c.w, http.StatusOK, c.s.runJSON(r))
	return nil
}
