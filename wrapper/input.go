package apify

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/apifygo/apify/gen"
)

// TaskInput is a task's saved input: the JSON object its runs start with.
type TaskInput = gen.TaskInput

// ValidateInputOptions tune [ActorClient.ValidateInput].
type ValidateInputOptions struct {
	// Build is the build tag or number whose input schema is used; empty
	// means "latest".
	Build string
}

// ValidateInput checks input (a JSON object: a value encoded as JSON, or
// JSON bytes) against the Actor's input schema, fields with defaults filled
// in first, without starting a run. It returns nil when the input is valid
// (an Actor without an input schema takes any input), and an [*APIError]
// matching [ErrInvalidInput] whose Message says what is wrong when not.
// Validating changes nothing, so failed attempts are retried. opts may be
// nil.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-validate-input-post
func (a *ActorClient) ValidateInput(ctx context.Context, input any, opts *ValidateInputOptions) error {
	if input == nil {
		return errors.New("apify: ValidateInput: the input is nil; give the JSON object a run would start with")
	}
	body, ctype, err := encodeInput(input, "")
	if err != nil {
		return err
	}
	q := url.Values{}
	if opts != nil && opts.Build != "" {
		q.Set("build", opts.Build)
	}
	if err := a.x.r.check(ctx); err != nil {
		return err
	}
	_, err = callResource[struct {
		Valid bool `json:"valid"`
	}](markIdempotent(ctx), a.x.r, http.MethodPost, "validate-input", q, bytes.NewReader(body), ctype)
	return err
}

// GetInput returns the task's saved input.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-input-get
func (t *TaskClient) GetInput(ctx context.Context) (TaskInput, error) {
	in, err := callResource[TaskInput](ctx, t.x.r, http.MethodGet, "input", nil, nil, "")
	if err != nil {
		return nil, err
	}
	return *in, nil
}

// UpdateInput replaces the task's saved input with input (a value encoded
// as a JSON object, or JSON bytes) and returns the input as saved.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-input-put
func (t *TaskClient) UpdateInput(ctx context.Context, input any) (TaskInput, error) {
	if input == nil {
		return nil, errors.New("apify: UpdateInput: the input is nil; give the JSON object to save")
	}
	body, ctype, err := encodeInput(input, "")
	if err != nil {
		return nil, err
	}
	in, err := callResource[TaskInput](ctx, t.x.r, http.MethodPut, "input", nil, bytes.NewReader(body), ctype)
	if err != nil {
		return nil, err
	}
	return *in, nil
}
