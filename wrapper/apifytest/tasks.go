package apifytest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// task is a saved Actor configuration. Callers hold Server.mu.
type task struct {
	id, name  string
	actorID   string
	input     json.RawMessage // a JSON object, or nil
	options   taskOptions
	createdAt time.Time
}

// taskOptions is the TaskOptions schema.
type taskOptions struct {
	Build        *string `json:"build,omitempty"`
	TimeoutSecs  *int64  `json:"timeoutSecs,omitempty"`
	MemoryMbytes *int64  `json:"memoryMbytes,omitempty"`
	MaxItems     *int64  `json:"maxItems,omitempty"`

	MaxTotalChargeUsd *float64 `json:"maxTotalChargeUsd,omitempty"`
	RestartOnError    *bool    `json:"restartOnError,omitempty"`
}

// mergeInput combines the task's input with a run's: two JSON objects merge
// (the run's fields win); otherwise the run's input replaces the task's.
func (t *task) mergeInput(input []byte, ctype string) ([]byte, string, error) {
	if len(input) == 0 {
		if t.input == nil {
			return nil, "", nil
		}
		return t.input, "application/json; charset=utf-8", nil
	}
	if t.input == nil || !strings.HasPrefix(ctype, "application/json") || jsonKind(input) != '{' {
		return input, ctype, nil
	}
	base, err := parseObject(t.input)
	if err != nil {
		return input, ctype, nil
	}
	over, err := parseObject(input)
	if err != nil {
		return nil, "", errorf(http.StatusBadRequest, "invalid-input", "The run input is not a valid JSON object: %v", err)
	}
	for _, f := range over {
		base = base.with(f.key, f.val)
	}
	merged, err := base.MarshalJSON()
	return merged, ctype, err
}

// AddTask saves a task of the Actor actorRef (an ID, "username/name" or the
// name of one of the server user's Actors) with
// the given input (anything that encodes as a JSON object, or nil) and
// returns the task's ID. The task is reachable by its ID and by
// "username~name".
func (s *Server) AddTask(actorRef, name string, input any) (string, error) {
	if s.tb != nil {
		s.tb.Helper()
	}
	v, err := s.addTask(actorRef, name, input)
	return v, s.fail(err)
}

// addTask is AddTask without failing the test.
func (s *Server) addTask(actorRef, name string, input any) (string, error) {
	if !actorNamePattern.MatchString(name) {
		return "", fmt.Errorf("apifytest: AddTask: %q is not a valid task name (letters, digits and dashes, up to 63)", name)
	}
	var raw json.RawMessage
	if input != nil {
		b, err := jsonMarshal(input)
		if err != nil {
			return "", fmt.Errorf("apifytest: AddTask: the input: %w", err)
		}
		if jsonKind(b) != '{' {
			return "", errors.New("apifytest: AddTask: the input must encode as a JSON object")
		}
		raw = b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.findActor(actorRef)
	if !ok {
		a, ok = s.findActor(s.cfg.username + "~" + actorRef)
	}
	if !ok {
		return "", fmt.Errorf("apifytest: AddTask: no Actor %q; add it with AddActor first", actorRef)
	}
	t, err := s.createTask(a, name, raw, taskOptions{})
	if err != nil {
		return "", fmt.Errorf("apifytest: AddTask: %s", err.message)
	}
	return t.id, nil
}

// createTask adds a task. Callers hold Server.mu.
func (s *Server) createTask(a *actor, name string, input json.RawMessage, opts taskOptions) (*task, *apiError) {
	for _, t := range s.tasks {
		if t.name == name {
			return nil, errorf(http.StatusBadRequest, "actor-task-name-not-unique", "A task named %q already exists", name)
		}
	}
	t := &task{id: s.ids.next(), name: name, actorID: a.id, input: input, options: opts, createdAt: s.now()}
	s.tasks[t.id] = t
	return t, nil
}

// task finds the task named by the actorTaskId path parameter. Callers hold
// Server.mu.
func (c *call) task() (*task, error) {
	ref := c.params["actorTaskId"]
	if t, ok := c.s.tasks[ref]; ok {
		return t, nil
	}
	if user, name, ok := splitNamedRef(ref); ok && user == c.s.cfg.username {
		for _, t := range c.s.tasks {
			if t.name == name {
				return t, nil
			}
		}
	}
	return nil, errorf(http.StatusNotFound, "record-not-found", "Actor task %q was not found", ref)
}

// taskJSON is the Task schema (and TaskShort in lists).
type taskJSON struct {
	ID          string          `json:"id"`
	UserID      string          `json:"userId"`
	ActID       string          `json:"actId"`
	ActName     string          `json:"actName,omitempty"`
	ActUsername string          `json:"actUsername,omitempty"`
	Name        string          `json:"name"`
	Username    string          `json:"username"`
	CreatedAt   apiTime         `json:"createdAt"`
	ModifiedAt  apiTime         `json:"modifiedAt"`
	Stats       taskStats       `json:"stats"`
	Options     *taskOptions    `json:"options,omitempty"`
	Input       json.RawMessage `json:"input,omitempty"`
	Title       *string         `json:"title,omitempty"`
}

type taskStats struct {
	TotalRuns int `json:"totalRuns"`
}

// taskJSON renders t. Callers hold Server.mu.
func (s *Server) taskJSON(t *task, short bool) taskJSON {
	runs := 0
	for _, r := range s.runOrder {
		if r.taskID == t.id {
			runs++
		}
	}
	j := taskJSON{ID: t.id, UserID: s.userID, ActID: t.actorID, Name: t.name, Username: s.cfg.username,
		CreatedAt: apiTime(t.createdAt), ModifiedAt: apiTime(t.createdAt), Stats: taskStats{TotalRuns: runs}}
	if ext := s.ops.taskMods[t.id]; ext != nil {
		j.ModifiedAt, j.Title = apiTime(ext.modifiedAt), ext.title
	}
	if short {
		if a, ok := s.actors[t.actorID]; ok {
			j.ActName, j.ActUsername = a.name, a.username
		}
	} else {
		opts := t.options
		j.Options, j.Input = &opts, t.input
	}
	return j
}

// GET /v2/actor-tasks — https://docs.apify.com/api/v2/actor-tasks-get
func listTasks(c *call) error {
	offset, limit, desc, err := c.listWindow()
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	all := byCreation(c.s.tasks, func(t *task) time.Time { return t.createdAt })
	render := func(t *task) taskJSON { return c.s.taskJSON(t, true) }
	writeData(c.w, http.StatusOK, renderPage(all, render, offset, limit, desc))
	return nil
}

// POST /v2/actor-tasks — https://docs.apify.com/api/v2/actor-tasks-post
func createTaskHandler(c *call) error {
	var body struct {
		ActID   string          `json:"actId"`
		Name    string          `json:"name"`
		Options *taskOptions    `json:"options"`
		Input   json.RawMessage `json:"input"`
	}
	if err := c.decodeJSONBody(&body, "a task (actId, name, options, input)"); err != nil {
		return err
	}
	if body.ActID == "" {
		return errorf(http.StatusBadRequest, "invalid-input", "The task has no actId")
	}
	if body.Name == "" || !actorNamePattern.MatchString(body.Name) {
		return errorf(http.StatusBadRequest, "invalid-input", "The task name %q is not valid (letters, digits and dashes, up to 63)", body.Name)
	}
	if len(body.Input) > 0 && jsonKind(body.Input) == 'n' {
		body.Input = nil
	}
	if len(body.Input) > 0 && jsonKind(body.Input) != '{' {
		return errorf(http.StatusBadRequest, "invalid-input", "The task input must be a JSON object")
	}
	var opts taskOptions
	if body.Options != nil {
		opts = *body.Options
	}
	if opts.MemoryMbytes != nil && !validMemory(*opts.MemoryMbytes) {
		return errorf(http.StatusBadRequest, "invalid-input", "options.memoryMbytes %d is not a power of two of at least 128", *opts.MemoryMbytes)
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a, ok := c.s.findActor(body.ActID)
	if !ok {
		return errorf(http.StatusNotFound, "record-not-found", "Actor %q was not found", body.ActID)
	}
	t, aerr := c.s.createTask(a, body.Name, body.Input, opts)
	if aerr != nil {
		return aerr
	}
	c.w.Header().Set("Location", c.publicURL("/v2/actor-tasks/"+t.id))
	writeData(c.w, http.StatusCreated, c.s.taskJSON(t, false))
	return nil
}

// GET /v2/actor-tasks/{actorTaskId} — https://docs.apify.com/api/v2/actor-task-get
func getTask(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	t, err := c.task()
	if err != nil {
		return err
	}
	writeData(c.w, http.StatusOK, c.s.taskJSON(t, false))
	return nil
}

// GET /v2/actor-tasks/{actorTaskId}/input — https://docs.apify.com/api/v2/actor-task-input-get
func getTaskInput(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	t, err := c.task()
	if err != nil {
		return err
	}
	input := t.input
	if input == nil {
		input = json.RawMessage("{}")
	}
	writeJSON(c.w, http.StatusOK, input)
	return nil
}
