package apifytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// schedule is a stored schedule. Callers hold Server.mu.
type schedule struct {
	id, name              string
	cron                  string
	spec                  *cronSpec
	timezone              string
	loc                   *time.Location
	isEnabled             bool
	isExclusive           bool
	description, title    *string
	notifyEmail           bool
	actions               []scheduleAction
	createdAt, modifiedAt time.Time
	lastRunAt             time.Time
	log                   []scheduleLogEntry
	runIDs                []string    // runs it started, for isExclusive
	stop                  func() bool // cancels the pending firing
	gen                   int         // bumped when the firing is re-armed
}

// scheduleAction is the ScheduleAction schema.
type scheduleAction struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	ActorID     string          `json:"actorId,omitempty"`
	ActorTaskID string          `json:"actorTaskId,omitempty"`
	RunInput    *scheduleInput  `json:"runInput,omitempty"`
	RunOptions  *taskOptions    `json:"runOptions,omitempty"`
	Input       json.RawMessage `json:"input,omitempty"`
}

// scheduleInput is the ScheduleActionRunInput schema.
type scheduleInput struct {
	Body        *string `json:"body"`
	ContentType *string `json:"contentType"`
}

// scheduleLogEntry is the ScheduleInvoked schema.
type scheduleLogEntry struct {
	Message   string  `json:"message"`
	Level     string  `json:"level"`
	CreatedAt apiTime `json:"createdAt"`
}

func scheduleHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"GET /v2/schedules":                  listSchedules,
		"POST /v2/schedules":                 createSchedule,
		"GET /v2/schedules/{scheduleId}":     getSchedule,
		"PUT /v2/schedules/{scheduleId}":     updateSchedule,
		"DELETE /v2/schedules/{scheduleId}":  deleteSchedule,
		"GET /v2/schedules/{scheduleId}/log": getScheduleLog,
	}
}

// scheduleBody is the ScheduleCreate and ScheduleUpdate schemas.
type scheduleBody struct {
	Name           *string           `json:"name"`
	IsEnabled      *bool             `json:"isEnabled"`
	IsExclusive    *bool             `json:"isExclusive"`
	CronExpression *string           `json:"cronExpression"`
	Timezone       *string           `json:"timezone"`
	Description    *string           `json:"description"`
	Title          *string           `json:"title"`
	Actions        *[]scheduleAction `json:"actions"`
	Notifications  *struct {
		Email bool `json:"email"`
	} `json:"notifications"`
}

// apply checks b and applies it to sc. Callers hold Server.mu.
func (s *Server) applySchedule(sc *schedule, b *scheduleBody) error {
	next := *sc
	if b.Name != nil {
		if !actorNamePattern.MatchString(*b.Name) {
			return errorf(http.StatusBadRequest, "invalid-input", "The schedule name %q is not valid (letters, digits and dashes, up to 63)", *b.Name)
		}
		for _, other := range s.ops.schedules {
			if other.id != sc.id && other.name == *b.Name {
				return errorf(http.StatusBadRequest, "schedule-name-not-unique", "A schedule named %q already exists", *b.Name)
			}
		}
		next.name = *b.Name
	}
	if b.CronExpression != nil {
		next.cron = *b.CronExpression
	}
	spec, err := parseCron(next.cron)
	if err != nil {
		return errorf(http.StatusBadRequest, "cron-expression-invalid", "cronExpression: %v", err)
	}
	next.spec = spec
	if b.Timezone != nil {
		next.timezone = *b.Timezone
	}
	if next.loc, err = time.LoadLocation(next.timezone); err != nil {
		return errorf(http.StatusBadRequest, "invalid-input", "timezone %q is not an IANA time zone", next.timezone)
	}
	set(&next.description, b.Description)
	set(&next.title, b.Title)
	if b.IsEnabled != nil {
		next.isEnabled = *b.IsEnabled
	}
	if b.IsExclusive != nil {
		next.isExclusive = *b.IsExclusive
	}
	if b.Notifications != nil {
		next.notifyEmail = b.Notifications.Email
	}
	if b.Actions != nil {
		next.actions = nil
		for _, act := range *b.Actions {
			switch act.Type {
			case "RUN_ACTOR":
				if _, ok := s.findActor(act.ActorID); !ok {
					return errorf(http.StatusBadRequest, "schedule-actor-not-found", "The schedule's Actor %q was not found", act.ActorID)
				}
			case "RUN_ACTOR_TASK":
				if _, ok := s.tasks[act.ActorTaskID]; !ok {
					return errorf(http.StatusBadRequest, "schedule-actor-task-not-found", "The schedule's task %q was not found", act.ActorTaskID)
				}
				if len(act.Input) > 0 && string(act.Input) != "null" && jsonKind(act.Input) != '{' {
					return errorf(http.StatusBadRequest, "invalid-input", "A task action's input must be a JSON object")
				}
			default:
				return errorf(http.StatusBadRequest, "invalid-input", "Schedule action type %q is not RUN_ACTOR or RUN_ACTOR_TASK", act.Type)
			}
			act.ID = s.ids.next()
			next.actions = append(next.actions, act)
		}
	}
	*sc = next
	return nil
}

// nextRun is when sc fires next; zero if disabled. Callers hold Server.mu.
func (s *Server) nextRun(sc *schedule) time.Time {
	if !sc.isEnabled {
		return time.Time{}
	}
	return sc.spec.next(s.now().In(sc.loc)).UTC()
}

// arm sets sc's timer on the server's clock for its next firing. Callers
// hold Server.mu.
func (s *Server) arm(sc *schedule) {
	if sc.stop != nil {
		sc.stop()
		sc.stop = nil
	}
	sc.gen++
	at := s.nextRun(sc)
	if at.IsZero() || s.runCtx.Err() != nil {
		return
	}
	gen := sc.gen
	sc.stop = s.cfg.clock.AfterFunc(at.Sub(s.cfg.clock.Now()), func() { s.fireSchedule(sc, gen, at) })
}

// fireSchedule runs sc's actions, logs them and re-arms it.
func (s *Server) fireSchedule(sc *schedule, gen int, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ops.schedules[sc.id] != sc || sc.gen != gen || !sc.isEnabled || s.runCtx.Err() != nil {
		return
	}
	sc.lastRunAt = at
	logf := func(level, format string, args ...any) {
		sc.log = append(sc.log, scheduleLogEntry{Message: fmt.Sprintf(format, args...), Level: level, CreatedAt: apiTime(s.now())})
		if len(sc.log) > 1000 {
			sc.log = sc.log[len(sc.log)-1000:]
		}
	}
	if sc.isExclusive {
		for _, id := range sc.runIDs {
			if r, ok := s.runs[id]; ok && !r.finished() {
				logf("WARNING", "Skipped: run %s of the schedule is still running and the schedule is exclusive", id)
				s.arm(sc)
				return
			}
		}
	}
	sc.runIDs = nil
	for _, act := range sc.actions {
		r, err := s.startScheduledRun(sc, act, at)
		if err != nil {
			logf("ERROR", "Action %s failed: %v", act.ID, err)
			continue
		}
		sc.runIDs = append(sc.runIDs, r.id)
		logf("INFO", "Started run %s", r.id)
	}
	s.arm(sc)
}

// startScheduledRun starts the run of one action. Callers hold Server.mu.
func (s *Server) startScheduledRun(sc *schedule, act scheduleAction, at time.Time) (*run, error) {
	var (
		a     *actor
		t     *task
		ok    bool
		input []byte
		ctype string
		opts  taskOptions
	)
	if act.Type == "RUN_ACTOR_TASK" {
		if t, ok = s.tasks[act.ActorTaskID]; !ok {
			return nil, fmt.Errorf("task %s no longer exists", act.ActorTaskID)
		}
		if a, ok = s.actors[t.actorID]; !ok {
			return nil, fmt.Errorf("the Actor of task %s no longer exists", t.id)
		}
		opts = t.options
		var err error
		if input, ctype, err = t.mergeInput(nullToNil(act.Input), "application/json"); err != nil {
			return nil, err
		}
	} else {
		if a, ok = s.findActor(act.ActorID); !ok {
			return nil, fmt.Errorf("actor %s no longer exists", act.ActorID)
		}
		if act.RunOptions != nil {
			opts = *act.RunOptions
		}
		if in := act.RunInput; in != nil && in.Body != nil {
			input, ctype = []byte(*in.Body), "application/json"
			if in.ContentType != nil && *in.ContentType != "" {
				ctype = *in.ContentType
			}
		}
	}
	o := runOptions{timeout: a.opts.Timeout, memoryMbytes: int64(a.opts.MemoryMbytes), origin: "SCHEDULER",
		maxItems: opts.MaxItems, maxChargeUsd: opts.MaxTotalChargeUsd, build: s.actorExt(a).defaults.Build}
	if opts.Build != nil {
		o.build = *opts.Build
	}
	if opts.TimeoutSecs != nil {
		o.timeout = time.Duration(*opts.TimeoutSecs) * time.Second
	}
	if opts.MemoryMbytes != nil {
		o.memoryMbytes = *opts.MemoryMbytes
	}
	b, err := s.resolveBuild(a, o.build)
	if err != nil {
		return nil, err
	}
	r := s.startRun(a, t, input, ctype, o)
	r.buildID, r.ext.buildNumber = b.id, b.number
	r.ext.scheduleID, r.ext.scheduledAt = sc.id, at
	s.fireRunEvent(r, "ACTOR.RUN.CREATED")
	return r, nil
}

// scheduleJSON is the Schedule schema (and ScheduleShort in lists).
type scheduleJSON struct {
	ID             string  `json:"id"`
	UserID         string  `json:"userId"`
	Name           string  `json:"name"`
	CronExpression string  `json:"cronExpression"`
	Timezone       string  `json:"timezone"`
	IsEnabled      bool    `json:"isEnabled"`
	IsExclusive    bool    `json:"isExclusive"`
	CreatedAt      apiTime `json:"createdAt"`
	ModifiedAt     apiTime `json:"modifiedAt"`
	NextRunAt      optTime `json:"nextRunAt"`
	LastRunAt      optTime `json:"lastRunAt"`
	Description    *string `json:"description,omitempty"`
	Title          *string `json:"title,omitempty"`
	Notifications  *struct {
		Email bool `json:"email"`
	} `json:"notifications,omitempty"`
	Actions []scheduleAction `json:"actions"`
}

func (s *Server) scheduleJSON(sc *schedule, short bool) scheduleJSON {
	j := scheduleJSON{ID: sc.id, UserID: s.userID, Name: sc.name, CronExpression: sc.cron, Timezone: sc.timezone,
		IsEnabled: sc.isEnabled, IsExclusive: sc.isExclusive, CreatedAt: apiTime(sc.createdAt), ModifiedAt: apiTime(sc.modifiedAt),
		NextRunAt: optTime(s.nextRun(sc)), LastRunAt: optTime(sc.lastRunAt), Actions: sc.actions}
	if j.Actions == nil {
		j.Actions = []scheduleAction{}
	}
	if short {
		j.Actions = make([]scheduleAction, len(sc.actions))
		for i, a := range sc.actions {
			j.Actions[i] = scheduleAction{ID: a.ID, Type: a.Type, ActorID: a.ActorID, ActorTaskID: a.ActorTaskID}
		}
		return j
	}
	j.Description, j.Title = sc.description, sc.title
	j.Notifications = &struct {
		Email bool `json:"email"`
	}{sc.notifyEmail}
	return j
}

// schedule finds the schedule of the path. Callers hold Server.mu.
func (c *call) schedule() (*schedule, error) {
	id := c.params["scheduleId"]
	if sc, ok := c.s.ops.schedules[id]; ok {
		return sc, nil
	}
	if user, name, ok := splitNamedRef(id); ok && user == c.s.cfg.username {
		for _, sc := range c.s.ops.schedules {
			if sc.name == name {
				return sc, nil
			}
		}
	}
	return nil, notFound("Schedule", id)
}

// POST /v2/schedules — https://docs.apify.com/api/v2/schedules-post
// An enabled schedule fires on the server's clock (see WithClock).
func createSchedule(c *call) error {
	var body scheduleBody
	if err := c.decodeJSONBody(&body, "a schedule (name, cronExpression, actions...)"); err != nil {
		return err
	}
	if body.CronExpression == nil {
		return errorf(http.StatusBadRequest, "cron-expression-invalid", "The schedule needs a cronExpression")
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	now := c.s.now()
	sc := &schedule{id: c.s.ids.next(), timezone: "UTC", createdAt: now, modifiedAt: now}
	sc.name = "schedule-" + sc.id
	if err := c.s.applySchedule(sc, &body); err != nil {
		return err
	}
	if c.s.ops.schedules == nil {
		c.s.ops.schedules = map[string]*schedule{}
	}
	c.s.ops.schedules[sc.id] = sc
	c.s.arm(sc)
	c.w.Header().Set("Location", c.publicURL("/v2/schedules/"+sc.id))
	writeData(c.w, http.StatusCreated, c.s.scheduleJSON(sc, false))
	return nil
}

// GET /v2/schedules — https://docs.apify.com/api/v2/schedules-get
func listSchedules(c *call) error {
	offset, limit, desc, err := c.listWindow()
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	all := byCreation(c.s.ops.schedules, func(sc *schedule) time.Time { return sc.createdAt })
	render := func(sc *schedule) scheduleJSON { return c.s.scheduleJSON(sc, true) }
	writeData(c.w, http.StatusOK, renderPage(all, render, offset, limit, desc))
	return nil
}

// GET /v2/schedules/{scheduleId} — https://docs.apify.com/api/v2/schedule-get
func getSchedule(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	sc, err := c.schedule()
	if err != nil {
		return err
	}
	writeData(c.w, http.StatusOK, c.s.scheduleJSON(sc, false))
	return nil
}

// PUT /v2/schedules/{scheduleId} — https://docs.apify.com/api/v2/schedule-put
func updateSchedule(c *call) error {
	var body scheduleBody
	if err := c.decodeJSONBody(&body, "the schedule's new settings"); err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	sc, err := c.schedule()
	if err != nil {
		return err
	}
	if err := c.s.applySchedule(sc, &body); err != nil {
		return err
	}
	sc.modifiedAt = c.s.now()
	c.s.arm(sc)
	writeData(c.w, http.StatusOK, c.s.scheduleJSON(sc, false))
	return nil
}

// DELETE /v2/schedules/{scheduleId} — https://docs.apify.com/api/v2/schedule-delete
func deleteSchedule(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	sc, err := c.schedule()
	if err != nil {
		return err
	}
	if sc.stop != nil {
		sc.stop()
	}
	delete(c.s.ops.schedules, sc.id)
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /v2/schedules/{scheduleId}/log — https://docs.apify.com/api/v2/schedule-log-get
func getScheduleLog(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	sc, err := c.schedule()
	if err != nil {
		return err
	}
	writeData(c.w, http.StatusOK, append([]scheduleLogEntry{}, sc.log...))
	return nil
}
