package apify

import (
	"context"

	"github.com/apifygo/apify/gen"
)

// The bodies of the Update methods, under names this package owns (aliases
// of the generated request models). Only the fields that are set are sent:
// the API leaves the others as they are. Fields the API may take as null are
// [Nullable] values: set them with [Value], or clear them with [Null];
// pointer fields with [Ptr]. go doc shows an alias without its fields: see
// them with go doc github.com/apifygo/apify/gen.<Name> (e.g. UpdateActorRequest).
type (
	// ActorUpdate changes an Actor (https://docs.apify.com/api/v2/actor-put).
	ActorUpdate = gen.UpdateActorRequest
	// ActorVersionUpdate changes an Actor version
	// (https://docs.apify.com/api/v2/actor-version-put).
	ActorVersionUpdate = gen.CreateOrUpdateVersionRequest
	// TaskUpdate changes a task (https://docs.apify.com/api/v2/actor-task-put).
	TaskUpdate = gen.UpdateTaskRequest
	// RunUpdate changes a run: its status message and general access
	// (https://docs.apify.com/api/v2/actor-run-put).
	RunUpdate = gen.UpdateRunRequest
	// DatasetUpdate renames a dataset or changes its general access
	// (https://docs.apify.com/api/v2/dataset-put).
	DatasetUpdate = gen.UpdateDatasetRequest
	// KeyValueStoreUpdate renames a key-value store or changes its general
	// access (https://docs.apify.com/api/v2/key-value-store-put).
	KeyValueStoreUpdate = gen.UpdateStoreRequest
	// RequestQueueUpdate renames a request queue or changes its general
	// access (https://docs.apify.com/api/v2/request-queue-put).
	RequestQueueUpdate = gen.UpdateRequestQueueRequest
	// WebhookUpdate changes a webhook (https://docs.apify.com/api/v2/webhook-put).
	WebhookUpdate = gen.WebhookUpdate
	// ScheduleUpdate changes a schedule (https://docs.apify.com/api/v2/schedule-put).
	ScheduleUpdate = gen.ScheduleCreate
	// GeneralAccess is who may read a storage or run without a token
	// ([DatasetUpdate].GeneralAccess and the like).
	GeneralAccess = gen.GeneralAccess
)

// The general access levels of a storage or run.
const (
	// AccessFollowUserSetting applies the account's default.
	AccessFollowUserSetting GeneralAccess = gen.GeneralAccessFOLLOWUSERSETTING
	// AccessRestricted lets only the owner (and whom they share it with) in.
	AccessRestricted GeneralAccess = gen.GeneralAccessRESTRICTED
	// AccessAnyoneWithIDCanRead lets anyone who knows the ID read it.
	AccessAnyoneWithIDCanRead GeneralAccess = gen.GeneralAccessANYONEWITHIDCANREAD
	// AccessAnyoneWithNameCanRead lets anyone who knows the name read it.
	AccessAnyoneWithNameCanRead GeneralAccess = gen.GeneralAccessANYONEWITHNAMECANREAD
)

// Update changes the Actor's fields that change sets and returns the Actor.
// For a read-modify-write of its settings and default run options, see
// [ActorClient.UpdateSettings].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-put
func (a *ActorClient) Update(ctx context.Context, change *ActorUpdate) (*Actor, error) {
	return update[Actor](ctx, a.x.r, "ActorUpdate", change)
}

// Update changes the version and returns it.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-version-put
func (v *ActorVersionClient) Update(ctx context.Context, change *ActorVersionUpdate) (*ActorVersion, error) {
	return update[ActorVersion](ctx, v.r, "ActorVersionUpdate", change)
}

// Update changes the task and returns it. Setting its Input replaces the
// whole saved input; see [TaskClient.UpdateInput].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-put
func (t *TaskClient) Update(ctx context.Context, change *TaskUpdate) (*Task, error) {
	return update[Task](ctx, t.x.r, "TaskUpdate", change)
}

// Update renames the dataset or changes its general access, and returns it.
//
// Apify API docs: https://docs.apify.com/api/v2/dataset-put
func (d *DatasetClient) Update(ctx context.Context, change *DatasetUpdate) (*Dataset, error) {
	return update[Dataset](ctx, d.r, "DatasetUpdate", change)
}

// Update renames the store or changes its general access, and returns it.
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-put
func (s *KeyValueStoreClient) Update(ctx context.Context, change *KeyValueStoreUpdate) (*KeyValueStore, error) {
	return update[KeyValueStore](ctx, s.r, "KeyValueStoreUpdate", change)
}

// Update renames the queue or changes its general access, and returns it.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-put
func (q *RequestQueueClient) Update(ctx context.Context, change *RequestQueueUpdate) (*RequestQueue, error) {
	return update[RequestQueue](ctx, q.r, "RequestQueueUpdate", change)
}

// Update changes the webhook and returns it.
//
// Apify API docs: https://docs.apify.com/api/v2/webhook-put
func (h *WebhookClient) Update(ctx context.Context, change *WebhookUpdate) (*Webhook, error) {
	return update[Webhook](ctx, h.r, "WebhookUpdate", change)
}

// Update changes the schedule and returns it.
//
// Apify API docs: https://docs.apify.com/api/v2/schedule-put
func (s *ScheduleClient) Update(ctx context.Context, change *ScheduleUpdate) (*Schedule, error) {
	return update[Schedule](ctx, s.r, "ScheduleUpdate", change)
}
