package apifytest

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// maxWaitForFinish is the longest waitForFinish the API honours.
const maxWaitForFinish = 60 * time.Second

// maxSyncWait is how long the run-sync operations wait for the run.
const maxSyncWait = 300 * time.Second

// actorParam finds the Actor named by the actorId path parameter. Callers hold
// Server.mu.
func (c *call) actor() (*actor, error) {
	ref := c.params["actorId"]
	a, ok := c.s.findActor(ref)
	if !ok {
		return nil, errorf(http.StatusNotFound, "record-not-found", "Actor %q was not found", ref)
	}
	return a, nil
}

// runParam finds the run named by the runId path parameter. Callers hold
// Server.mu.
func (c *call) run() (*run, error) {
	id := c.params["runId"]
	r, ok := c.s.runs[id]
	if !ok {
		return nil, notFound("Actor run", id)
	}
	return r, nil
}

// underLock calls find with Server.mu held, for handlers that must release
// the lock before waiting.
func underLock[T any](s *Server, find func() (T, error)) (T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return find()
}

// lockedRunJSON renders r, taking Server.mu.
func (c *call) lockedRunJSON(r *run) runJSON {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.runJSON(r)
}

// resolveLastRun returns the step that finds the last run of the Actor or task
// named by param, filtered by the status (and origin) query parameters.
func resolveLastRun(param string, isTask bool) resolveStep {
	return func(c *call) error {
		status := c.query.Get("status")
		if status != "" && !slices.Contains(runStatuses, status) {
			return invalidParam("status", status, "use one of READY, RUNNING, SUCCEEDED, FAILED, TIMING-OUT, TIMED-OUT, ABORTING, ABORTED")
		}
		origin := c.query.Get("origin")
		c.s.mu.Lock()
		defer c.s.mu.Unlock()
		var actorID, taskID string
		if isTask {
			t, err := c.task()
			if err != nil {
				return err
			}
			taskID = t.id
		} else {
			a, err := c.actor()
			if err != nil {
				return err
			}
			actorID = a.id
		}
		for i := len(c.s.runOrder) - 1; i >= 0; i-- {
			r := c.s.runOrder[i]
			if (isTask && r.taskID != taskID) || (!isTask && r.actorID != actorID) {
				continue
			}
			if (status == "" || r.status == status) && (origin == "" || r.opts.origin == origin) {
				c.params["runId"] = r.id
				return nil
			}
		}
		return errorf(http.StatusNotFound, "record-not-found", "No run of %q matches (status %q)", c.params[param], status)
	}
}

// resolveActorRun checks that the run in the path belongs to the Actor in it.
func resolveActorRun(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a, err := c.actor()
	if err != nil {
		return err
	}
	r, err := c.run()
	if err != nil {
		return err
	}
	if r.actorID != a.id {
		return notFound("Actor run", r.id)
	}
	return nil
}

// resolveRunStorage returns the step that puts the run's default storage ID
// into the path parameter param.
func resolveRunStorage(param string) resolveStep {
	return func(c *call) error {
		c.s.mu.Lock()
		defer c.s.mu.Unlock()
		r, err := c.run()
		if err != nil {
			return err
		}
		c.params[param] = map[string]string{"datasetId": r.datasetID, "storeId": r.storeID, "queueId": r.queueID}[param]
		return nil
	}
}

// resolveLogTarget serves /v2/logs/{buildOrRunId}: getLog looks for a build
// of that ID first, then a run.
func resolveLogTarget(c *call) error {
	c.params["runId"] = c.params["buildOrRunId"]
	return nil
}

// GET /v2/actors — https://docs.apify.com/api/v2/actors-get
func listActors(c *call) error {
	offset, limit, desc, err := c.listWindow()
	if err != nil {
		return err
	}
	if _, err := c.boolParam("my", false); err != nil {
		return err
	}
	sortBy := c.query.Get("sortBy")
	if sortBy != "" && sortBy != "createdAt" && sortBy != "stats.lastRunStartedAt" {
		return invalidParam("sortBy", sortBy, "use createdAt or stats.lastRunStartedAt")
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	all := byCreation(c.s.actors, func(a *actor) time.Time { return a.createdAt })
	if sortBy == "stats.lastRunStartedAt" {
		last := map[string]time.Time{}
		for _, r := range c.s.runOrder {
			last[r.actorID] = r.startedAt
		}
		// Oldest last run first (never run before that), so that desc=1
		// lists the most recently run Actors first.
		slices.SortStableFunc(all, func(a, b *actor) int { return last[a.id].Compare(last[b.id]) })
	}
	render := func(a *actor) actorJSON { return c.s.actorJSON(a, true) }
	writeData(c.w, http.StatusOK, renderPage(all, render, offset, limit, desc))
	return nil
}

// GET /v2/actors/{actorId} — https://docs.apify.com/api/v2/actor-get
func getActor(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a, err := c.actor()
	if err != nil {
		return err
	}
	writeData(c.w, http.StatusOK, c.s.actorJSON(a, false))
	return nil
}

// runRequest reads the options and input of a run start. Callers do not hold
// Server.mu.
func (c *call) runRequest(a *actor, t *task) (runOptions, []byte, string, error) {
	o := runOptions{timeout: a.opts.Timeout, memoryMbytes: int64(a.opts.MemoryMbytes), origin: "API"}
	if t != nil {
		if t.options.Build != nil {
			o.build = *t.options.Build
		}
		if t.options.TimeoutSecs != nil {
			o.timeout = time.Duration(*t.options.TimeoutSecs) * time.Second
		}
		if t.options.MemoryMbytes != nil {
			o.memoryMbytes = *t.options.MemoryMbytes
		}
		o.maxItems = t.options.MaxItems
		o.maxChargeUsd = t.options.MaxTotalChargeUsd
	}
	if b := c.query.Get("build"); b != "" {
		o.build = b
	}
	if secs, ok, err := c.intParam("timeout"); err != nil {
		return o, nil, "", err
	} else if ok {
		o.timeout = time.Duration(secs) * time.Second
	}
	if mem, ok, err := c.intParam("memory"); err != nil {
		return o, nil, "", err
	} else if ok {
		if !validMemory(mem) {
			return o, nil, "", invalidParam("memory", c.query.Get("memory"), "use a power of two of at least 128 (megabytes)")
		}
		o.memoryMbytes = mem
	}
	if n, ok, err := c.intParam("maxItems"); err != nil {
		return o, nil, "", err
	} else if ok {
		o.maxItems = &n
	}
	if err := c.runLimits(&o); err != nil {
		return o, nil, "", err
	}
	input, ctype := c.body, c.r.Header.Get("Content-Type")
	if c.r.Method == http.MethodGet {
		input, ctype = nil, ""
	}
	if ctype == "" && len(input) > 0 {
		ctype = "application/json"
	}
	if t != nil {
		var err error
		if input, ctype, err = t.mergeInput(input, ctype); err != nil {
			return o, nil, "", err
		}
	}
	return o, input, ctype, nil
}

// waitParam reads waitForFinish, capped at 60 seconds as the API does.
func (c *call) waitParam() (time.Duration, error) {
	secs, _, err := c.intParam("waitForFinish")
	if err != nil {
		return 0, err
	}
	return min(time.Duration(secs)*time.Second, maxWaitForFinish), nil
}

// POST /v2/actors/{actorId}/runs — https://docs.apify.com/api/v2/actors-runs-post
func startActorRun(c *call) error { return c.startRun(false) }

// POST /v2/actor-tasks/{actorTaskId}/runs — https://docs.apify.com/api/v2/actor-task-runs-post
func startTaskRun(c *call) error { return c.startRun(true) }

func (c *call) startRun(isTask bool) error {
	wait, err := c.waitParam()
	if err != nil {
		return err
	}
	r, err := c.launchRun(isTask)
	if err != nil {
		return err
	}
	c.s.waitRun(c.r.Context(), r, wait)
	body := c.lockedRunJSON(r)
	c.w.Header().Set("Location", c.publicURL("/v2/actor-runs/"+r.id))
	writeData(c.w, http.StatusCreated, body)
	return nil
}

// launchRun starts a run of the Actor (or task) in the path with the
// request's options and input. Callers do not hold Server.mu.
func (c *call) launchRun(isTask bool) (*run, error) {
	a, t, err := c.runTarget(isTask)
	if err != nil {
		return nil, err
	}
	opts, input, ctype, err := c.runRequest(a, t)
	if err != nil {
		return nil, err
	}
	adHoc, err := c.adHocWebhooks()
	if err != nil {
		return nil, err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	hooks, err := c.s.prepareAdHocWebhooks(adHoc)
	if err != nil {
		return nil, err
	}
	if opts.build == "" {
		opts.build = c.s.actorExt(a).defaults.Build
	}
	if opts.maxItems == nil {
		opts.maxItems = c.s.actorExt(a).defaults.MaxItems
	}
	b, err := c.s.resolveBuild(a, opts.build)
	if err != nil {
		return nil, err
	}
	r := c.s.startRun(a, t, input, ctype, opts)
	r.buildID, r.ext.buildNumber = b.id, b.number
	c.s.addAdHocWebhooks(r, hooks)
	c.s.fireRunEvent(r, "ACTOR.RUN.CREATED")
	return r, nil
}

// runTarget finds the Actor (and task) a run operation names.
func (c *call) runTarget(isTask bool) (*actor, *task, error) {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if !isTask {
		a, err := c.actor()
		return a, nil, err
	}
	t, err := c.task()
	if err != nil {
		return nil, nil, err
	}
	a, ok := c.s.actors[t.actorID]
	if !ok {
		return nil, nil, errorf(http.StatusNotFound, "record-not-found", "The Actor of task %q no longer exists", t.id)
	}
	return a, t, nil
}

// GET /v2/actor-runs/{runId} — https://docs.apify.com/api/v2/actor-run-get
func getRun(c *call) error {
	wait, err := c.waitParam()
	if err != nil {
		return err
	}
	r, err := underLock(c.s, c.run)
	if err != nil {
		return err
	}
	c.s.waitRun(c.r.Context(), r, wait)
	writeData(c.w, http.StatusOK, c.lockedRunJSON(r))
	return nil
}

// PUT /v2/actor-runs/{runId} — https://docs.apify.com/api/v2/actor-run-put
func updateRun(c *call) error {
	var body struct {
		RunID                   string  `json:"runId"`
		StatusMessage           *string `json:"statusMessage"`
		IsStatusMessageTerminal *bool   `json:"isStatusMessageTerminal"`
	}
	if err := c.decodeJSONBody(&body, "the run's new status message"); err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	r, err := c.run()
	if err != nil {
		return err
	}
	if body.RunID != "" && body.RunID != r.id {
		return errorf(http.StatusBadRequest, "id-does-not-match", "The body's runId %q differs from the path's %q", body.RunID, r.id)
	}
	if body.StatusMessage != nil {
		r.statusMessage = *body.StatusMessage
	}
	if body.IsStatusMessageTerminal != nil {
		r.terminalMsg = *body.IsStatusMessageTerminal
	}
	writeData(c.w, http.StatusOK, c.s.runJSON(r))
	return nil
}

// POST /v2/actor-runs/{runId}/abort — https://docs.apify.com/api/v2/actor-run-abort-post
func abortRunHandler(c *call) error {
	gracefully, err := c.boolParam("gracefully", false)
	if err != nil {
		return err
	}
	r, err := underLock(c.s, c.run)
	if err != nil {
		return err
	}
	c.s.abortRun(r, gracefully)
	writeData(c.w, http.StatusOK, c.lockedRunJSON(r))
	return nil
}

// listRuns serves the run lists: all runs, an Actor's or a task's.
//
// GET /v2/actor-runs — https://docs.apify.com/api/v2/actor-runs-get
func listRuns(c *call) error { return c.listRuns(func(*run) bool { return true }) }

// GET /v2/actors/{actorId}/runs — https://docs.apify.com/api/v2/actors-runs-get
func listActorRuns(c *call) error {
	a, err := underLock(c.s, c.actor)
	if err != nil {
		return err
	}
	return c.listRuns(func(r *run) bool { return r.actorID == a.id })
}

// GET /v2/actor-tasks/{actorTaskId}/runs — https://docs.apify.com/api/v2/actor-task-runs-get
func listTaskRuns(c *call) error {
	t, err := underLock(c.s, c.task)
	if err != nil {
		return err
	}
	return c.listRuns(func(r *run) bool { return r.taskID == t.id })
}

// The filters are those of the document: status (one or a comma-separated
// list), startedAfter and startedBefore (both inclusive). The document lists
// the last two for all runs and an Actor's runs; a task's run list honours
// them too.
func (c *call) listRuns(keep func(*run) bool) error {
	offset, limit, desc, err := c.listWindow()
	if err != nil {
		return err
	}
	var statuses []string
	for _, v := range c.query["status"] {
		for _, s := range splitList(v) {
			if !slices.Contains(runStatuses, s) {
				return invalidParam("status", s, "use run statuses such as SUCCEEDED or RUNNING")
			}
			statuses = append(statuses, s)
		}
	}
	after, err := c.timeParam("startedAfter")
	if err != nil {
		return err
	}
	before, err := c.timeParam("startedBefore")
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	var all []*run
	for _, r := range c.s.runOrder {
		if keep(r) && (len(statuses) == 0 || slices.Contains(statuses, r.status)) &&
			(after.IsZero() || !r.startedAt.Before(after)) && (before.IsZero() || !r.startedAt.After(before)) {
			all = append(all, r)
		}
	}
	writeData(c.w, http.StatusOK, renderPage(all, c.s.runShortJSON, offset, limit, desc))
	return nil
}

// GET /v2/actor-runs/{runId}/log — https://docs.apify.com/api/v2/actor-run-log-get
// (and GET /v2/logs/{buildOrRunId}, https://docs.apify.com/api/v2/log-get,
// and GET /v2/actor-builds/{buildId}/log).
// With stream=1 the response grows with the log until the run finishes.
func getLog(c *call) error {
	stream, err := c.boolParam("stream", false)
	if err != nil {
		return err
	}
	download, err := c.boolParam("download", false)
	if err != nil {
		return err
	}
	if _, err := c.boolParam("raw", false); err != nil {
		return err
	}
	c.s.mu.Lock()
	src, id, err := c.logSource()
	if err != nil {
		c.s.mu.Unlock()
		return err
	}
	first, changed, finished := src.logSince(0)
	sent := len(first)
	c.s.mu.Unlock()

	h := c.w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	if download {
		h.Set("Content-Disposition", `attachment; filename="`+id+`.log"`)
	}
	if !stream || finished {
		h.Set("Content-Length", strconv.Itoa(len(first)))
		c.w.WriteHeader(http.StatusOK)
		_, _ = c.w.Write(first)
		return nil
	}
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(first)
	rc := http.NewResponseController(c.w)
	_ = rc.Flush()
	for {
		select {
		case <-changed:
		case <-c.r.Context().Done():
			return nil
		}
		c.s.mu.Lock()
		var chunk []byte
		chunk, changed, finished = src.logSince(sent)
		sent += len(chunk)
		c.s.mu.Unlock()
		if len(chunk) > 0 {
			if _, err := c.w.Write(chunk); err != nil {
				return nil
			}
			_ = rc.Flush()
		}
		if finished {
			return nil
		}
	}
}

// runSync starts a run, waits for it and hands the finished run to respond.
func (c *call) runSync(isTask bool, respond func(r *run) error) error {
	r, err := c.launchRun(isTask)
	if err != nil {
		return err
	}
	if !c.s.waitRun(c.r.Context(), r, maxSyncWait) {
		if c.r.Context().Err() != nil {
			return nil // the client is gone
		}
		return errorf(http.StatusRequestTimeout, "run-timeout-exceeded",
			"Actor run exceeded the timeout of %d seconds for this API endpoint (run ID: %s)", int(maxSyncWait/time.Second), r.id)
	}
	c.s.mu.Lock()
	status := r.status
	c.s.mu.Unlock()
	if status != StatusSucceeded {
		return errorf(http.StatusBadRequest, "run-failed", "Actor run did not succeed (run ID: %s, status: %s)", r.id, status)
	}
	return respond(r)
}

// POST and GET /v2/actors/{actorId}/run-sync — https://docs.apify.com/api/v2/actor-run-sync-post
func actorRunSync(c *call) error { return c.runSync(false, c.sendOutputRecord) }

// POST and GET /v2/actor-tasks/{actorTaskId}/run-sync — https://docs.apify.com/api/v2/actor-task-run-sync-post
func taskRunSync(c *call) error { return c.runSync(true, c.sendOutputRecord) }

// sendOutputRecord answers with the run's OUTPUT record (or the record named
// by outputRecordKey), or an empty body if there is none.
func (c *call) sendOutputRecord(r *run) error {
	key := c.query.Get("outputRecordKey")
	if key == "" {
		key = "OUTPUT"
	}
	c.s.mu.Lock()
	var rec record
	var ok bool
	if k, found := c.s.stores.byID[r.storeID]; found {
		rec, ok = k.records[key]
	}
	c.s.mu.Unlock()
	c.w.Header().Set("X-Apify-Run-Id", r.id)
	if !ok {
		c.w.Header().Set("Content-Length", "0")
		c.w.WriteHeader(http.StatusCreated)
		return nil
	}
	c.w.Header().Set("Content-Type", rec.contentType)
	c.w.Header().Set("Content-Length", strconv.Itoa(len(rec.value)))
	c.w.WriteHeader(http.StatusCreated)
	_, _ = c.w.Write(rec.value)
	return nil
}

// POST and GET /v2/actors/{actorId}/run-sync-get-dataset-items —
// https://docs.apify.com/api/v2/actor-run-sync-get-dataset-items-post
func actorRunSyncItems(c *call) error { return c.runSyncItems(false) }

// POST and GET /v2/actor-tasks/{actorTaskId}/run-sync-get-dataset-items —
// https://docs.apify.com/api/v2/actor-task-run-sync-get-dataset-items-post
func taskRunSyncItems(c *call) error { return c.runSyncItems(true) }

func (c *call) runSyncItems(isTask bool) error {
	q, err := c.parseItemsQuery()
	if err != nil {
		return err
	}
	return c.runSync(isTask, func(r *run) error {
		c.s.mu.Lock()
		d, ok := c.s.datasets.byID[r.datasetID]
		if !ok {
			c.s.mu.Unlock()
			return notFound("Dataset", r.datasetID)
		}
		total := len(d.items)
		scanned := q.window(d.items)
		d.readCount++
		c.s.mu.Unlock()
		c.w.Header().Set("X-Apify-Run-Id", r.id)
		return c.writeItems(q, scanned, total, http.StatusCreated)
	})
}
