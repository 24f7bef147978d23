package apifytest

import (
	"encoding/json"
	"net/http"
	"time"
)

// taskExt is what updates add to a task. Callers hold Server.mu.
type taskExt struct {
	modifiedAt time.Time
	title      *string
}

func taskEditHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"PUT /v2/actor-tasks/{actorTaskId}":       updateTask,
		"DELETE /v2/actor-tasks/{actorTaskId}":    deleteTask,
		"PUT /v2/actor-tasks/{actorTaskId}/input": updateTaskInput,
	}
}

// touchTask records a change of t. Callers hold Server.mu.
func (s *Server) touchTask(t *task) *taskExt {
	if s.ops.taskMods == nil {
		s.ops.taskMods = map[string]*taskExt{}
	}
	ext := s.ops.taskMods[t.id]
	if ext == nil {
		ext = &taskExt{}
		s.ops.taskMods[t.id] = ext
	}
	ext.modifiedAt = s.now()
	return ext
}

// PUT /v2/actor-tasks/{actorTaskId} — https://docs.apify.com/api/v2/actor-task-put
// Fields the body lacks keep their values; options given replace the
// task's options field by field; input given replaces the task's input.
func updateTask(c *call) error {
	var body struct {
		Name    *string         `json:"name"`
		Options json.RawMessage `json:"options"`
		Input   json.RawMessage `json:"input"`
		Title   *string         `json:"title"`
	}
	if err := c.decodeJSONBody(&body, "the task's new settings (name, options, input, title)"); err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	t, err := c.task()
	if err != nil {
		return err
	}
	if body.Name != nil && *body.Name != t.name {
		if !actorNamePattern.MatchString(*body.Name) {
			return errorf(http.StatusBadRequest, "invalid-input", "The task name %q is not valid (letters, digits and dashes, up to 63)", *body.Name)
		}
		for _, other := range c.s.tasks {
			if other.name == *body.Name {
				return errorf(http.StatusBadRequest, "actor-task-name-not-unique", "A task named %q already exists", *body.Name)
			}
		}
	}
	opts := t.options
	if len(body.Options) > 0 && string(body.Options) != "null" {
		if err := json.Unmarshal(body.Options, &opts); err != nil {
			return errorf(http.StatusBadRequest, "invalid-input", "options is not a TaskOptions object: %v", err)
		}
		if opts.MemoryMbytes != nil && !validMemory(*opts.MemoryMbytes) {
			return errorf(http.StatusBadRequest, "invalid-input", "options.memoryMbytes %d is not a power of two of at least 128", *opts.MemoryMbytes)
		}
	}
	input := t.input
	switch {
	case len(body.Input) == 0:
	case string(body.Input) == "null":
		input = nil
	case jsonKind(body.Input) != '{':
		return errorf(http.StatusBadRequest, "invalid-input", "The task input must be a JSON object")
	default:
		input = body.Input
	}
	if body.Name != nil {
		t.name = *body.Name
	}
	t.options, t.input = opts, input
	ext := c.s.touchTask(t)
	if body.Title != nil {
		ext.title = body.Title
	}
	writeData(c.w, http.StatusOK, c.s.taskJSON(t, false))
	return nil
}

// DELETE /v2/actor-tasks/{actorTaskId} — https://docs.apify.com/api/v2/actor-task-delete
// The task's runs stay.
func deleteTask(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	t, err := c.task()
	if err != nil {
		return err
	}
	delete(c.s.tasks, t.id)
	delete(c.s.ops.taskMods, t.id)
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// PUT /v2/actor-tasks/{actorTaskId}/input — https://docs.apify.com/api/v2/actor-task-input-put
// The body's fields replace the input's; fields it lacks keep their values.
func updateTaskInput(c *call) error {
	if jsonKind(c.body) != '{' {
		return errorf(http.StatusBadRequest, "invalid-input", "The task input must be a JSON object")
	}
	over, err := parseObject(c.body)
	if err != nil {
		return errorf(http.StatusBadRequest, "invalid-input", "The task input is not a valid JSON object: %v", err)
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	t, err := c.task()
	if err != nil {
		return err
	}
	base := object{}
	if t.input != nil {
		if base, err = parseObject(t.input); err != nil {
			base = object{}
		}
	}
	for _, f := range over {
		base = base.with(f.key, f.val)
	}
	merged, err := base.MarshalJSON()
	if err != nil {
		return err
	}
	t.input = merged
	c.s.touchTask(t)
	writeJSON(c.w, http.StatusOK, json.RawMessage(merged))
	return nil
}
