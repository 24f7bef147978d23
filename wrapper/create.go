package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/apifygo/apify/gen"
)

// The bodies of the collection clients' Create methods, under names this
// package owns (aliases of the generated request models). Fields the API
// may take as null are [Nullable] values: set them with [Value]; pointer
// fields with [Ptr]. go doc shows an alias without its fields: see them
// with go doc github.com/apifygo/apify/gen.<Name> (e.g. CreateActorRequest).
type (
	// ActorCreate describes a new Actor (https://docs.apify.com/api/v2/actors-post).
	ActorCreate = gen.CreateActorRequest
	// ActorVersionCreate describes a new Actor version (https://docs.apify.com/api/v2/actor-versions-post).
	ActorVersionCreate = gen.CreateOrUpdateVersionRequest
	// TaskCreate describes a new task (https://docs.apify.com/api/v2/actor-tasks-post).
	TaskCreate = gen.CreateTaskRequest
	// WebhookCreate describes a new webhook (https://docs.apify.com/api/v2/webhooks-post).
	WebhookCreate = gen.WebhookCreate
	// WebhookCondition says whose runs or builds fire a webhook: an
	// Actor's, a task's or one run's ([WebhookCreate].Condition).
	WebhookCondition = gen.WebhookCondition
	// ScheduleCreate describes a new schedule (https://docs.apify.com/api/v2/schedules-post).
	ScheduleCreate = gen.ScheduleCreate

	// TaskOptions are a task's run settings: build, memory, timeout, …
	// ([TaskCreate].Options, [TaskUpdate].Options; https://docs.apify.com/api/v2/actor-tasks-post).
	TaskOptions = gen.TaskOptions
	// ActorDefaultRunOptions are an Actor's default run settings
	// ([ActorCreate].DefaultRunOptions; https://docs.apify.com/api/v2/actors-post).
	ActorDefaultRunOptions = gen.DefaultRunOptions
	// ActorStandby configures an Actor's or task's standby mode
	// ([ActorCreate].ActorStandby, [TaskCreate].ActorStandby; https://docs.apify.com/platform/actors/development/programming-interface/standby).
	ActorStandby = gen.ActorStandby
	// ActorPermissionLevel is the permission level an Actor's runs get
	// ([ActorDefaultRunOptions].ForcePermissionLevel;
	// https://docs.apify.com/platform/actors/development/permissions).
	ActorPermissionLevel = gen.ActorPermissionLevel
	// ExampleRunInput is the example input an Actor shows in the Console
	// ([ActorCreate].ExampleRunInput; https://docs.apify.com/api/v2/actors-post).
	ExampleRunInput = gen.ExampleRunInput
)

// The permission levels of [ActorPermissionLevel].
const (
	LimitedPermissions ActorPermissionLevel = gen.ActorPermissionLevelLIMITEDPERMISSIONS
	FullPermissions    ActorPermissionLevel = gen.ActorPermissionLevelFULLPERMISSIONS
)

// create posts body as JSON to the collection r and returns what the API
// created. A create is repeated after a 5xx or a cut connection only when
// safe says the API deduplicates it (an idempotency key), or the caller
// opted in with [AllowUnsafeRetries].
func create[T, B any](ctx context.Context, r resource, what string, body *B, safe bool) (*T, error) {
	if safe && ctx != nil {
		ctx = markIdempotent(ctx)
	}
	return sendJSON[T](ctx, r, http.MethodPost, "", "Create", what, body)
}

// update puts body as JSON to r and returns the resource as updated. A PUT
// is safe to repeat, so failed attempts are retried.
func update[T, B any](ctx context.Context, r resource, what string, body *B) (*T, error) {
	return sendJSON[T](ctx, r, http.MethodPut, "", "Update", what, body)
}

// sendJSON sends body, encoded as JSON, with method to r's path (plus sub)
// and decodes the JSON answer into a new T. op and what name the method
// and the body in messages ("Update", "TaskUpdate"). The work is done by
// the non-generic sendJSONInto.
func sendJSON[T, B any](ctx context.Context, r resource, method, sub, op, what string, body *B) (*T, error) {
	var in any // stays nil for a nil *B, so sendJSONInto can tell
	if body != nil {
		in = body
	}
	v := new(T)
	if err := r.sendJSONInto(ctx, method, sub, op, what, in, v); err != nil {
		return nil, err
	}
	return v, nil
}

// sendJSONInto is sendJSON with body (nil for none) and the destination v
// (a non-nil pointer) as interfaces.
func (r resource) sendJSONInto(ctx context.Context, method, sub, op, what string, body, v any) error {
	if err := r.check(ctx); err != nil {
		return err
	}
	if body == nil {
		return fmt.Errorf("apify: %s: the %s is nil", op, what)
	}
	buf, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("apify: %s: encoding the %s: %w", op, what, err)
	}
	return r.callInto(ctx, method, sub, nil, bytes.NewReader(buf), "application/json", v)
}

// Create creates an Actor and returns it.
//
// Apify API docs: https://docs.apify.com/api/v2/actors-post
func (l *ActorCollectionClient) Create(ctx context.Context, actor *ActorCreate) (*Actor, error) {
	return create[Actor](ctx, l.r, "ActorCreate", actor, false)
}

// Create creates a version of the Actor and returns it.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-versions-post
func (l *ActorVersionCollectionClient) Create(ctx context.Context, version *ActorVersionCreate) (*ActorVersion, error) {
	return create[ActorVersion](ctx, l.r, "ActorVersionCreate", version, false)
}

// Create creates a task and returns it.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-tasks-post
func (l *TaskCollectionClient) Create(ctx context.Context, task *TaskCreate) (*Task, error) {
	return create[Task](ctx, l.r, "TaskCreate", task, false)
}

// Create creates a webhook and returns it. With an IdempotencyKey the API
// creates it once however often the request is sent, so the request is then
// retried after any failure. Only the collection of all webhooks
// ([Client.Webhooks]) creates; an Actor's or a task's webhooks are created
// there with the Actor or task in the Condition.
//
// Apify API docs: https://docs.apify.com/api/v2/webhooks-post
func (l *WebhookCollectionClient) Create(ctx context.Context, webhook *WebhookCreate) (*Webhook, error) {
	if l.r.err == nil && l.r.path != "/v2/webhooks" {
		return nil, errors.New("apify: Create: webhooks are created in the collection of all webhooks, with the Actor or task in their Condition")
	}
	safe := false
	if webhook != nil {
		key, _ := webhook.IdempotencyKey.Get()
		safe = key != ""
	}
	return create[Webhook](ctx, l.r, "WebhookCreate", webhook, safe)
}

// Create creates a schedule and returns it.
//
// Apify API docs: https://docs.apify.com/api/v2/schedules-post
func (l *ScheduleCollectionClient) Create(ctx context.Context, schedule *ScheduleCreate) (*Schedule, error) {
	return create[Schedule](ctx, l.r, "ScheduleCreate", schedule, false)
}

// WebhookEventType is an event that fires a webhook.
type WebhookEventType = gen.WebhookEventType

// The events a webhook can fire on ([WebhookCreate].EventTypes).
const (
	EventRunCreated     WebhookEventType = gen.WebhookEventTypeACTORRUNCREATED
	EventRunSucceeded   WebhookEventType = gen.WebhookEventTypeACTORRUNSUCCEEDED
	EventRunFailed      WebhookEventType = gen.WebhookEventTypeACTORRUNFAILED
	EventRunTimedOut    WebhookEventType = gen.WebhookEventTypeACTORRUNTIMEDOUT
	EventRunAborted     WebhookEventType = gen.WebhookEventTypeACTORRUNABORTED
	EventRunResurrected WebhookEventType = gen.WebhookEventTypeACTORRUNRESURRECTED
	EventBuildCreated   WebhookEventType = gen.WebhookEventTypeACTORBUILDCREATED
	EventBuildSucceeded WebhookEventType = gen.WebhookEventTypeACTORBUILDSUCCEEDED
	EventBuildFailed    WebhookEventType = gen.WebhookEventTypeACTORBUILDFAILED
	EventBuildTimedOut  WebhookEventType = gen.WebhookEventTypeACTORBUILDTIMEDOUT
	EventBuildAborted   WebhookEventType = gen.WebhookEventTypeACTORBUILDABORTED
	EventTest           WebhookEventType = gen.WebhookEventTypeTEST
)
