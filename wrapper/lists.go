package apify

import (
	"context"
	"iter"

	"github.com/apifygo/apify/gen"
)

// ListActors iterates over the user's Actors (and the Actors they can use).
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actors-get
func (c *Client) ListActors(ctx context.Context, opts *ActorListOptions) iter.Seq2[gen.ActorShort, error] {
	w, q := opts.window()
	return listByOffset[gen.ActorShort](ctx, c, itemsPath{path: "/v2/actors"}, q, w)
}

// ListActorRuns iterates over the runs of an Actor.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actors-runs-get
func (c *Client) ListActorRuns(ctx context.Context, actorID string, opts *RunListOptions) iter.Seq2[gen.RunShort, error] {
	w, q := opts.window()
	return listByOffset[gen.RunShort](ctx, c, runStoragePath("actors", actorID, "actorID", "runs"), q, w)
}

// ListActorBuilds iterates over the builds of an Actor.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actors-builds-get
func (c *Client) ListActorBuilds(ctx context.Context, actorID string, opts *ListOptions) iter.Seq2[gen.BuildShort, error] {
	w, q := opts.window()
	return listByOffset[gen.BuildShort](ctx, c, runStoragePath("actors", actorID, "actorID", "builds"), q, w)
}

// ListActorWebhooks iterates over the webhooks of an Actor.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-webhooks-get
func (c *Client) ListActorWebhooks(ctx context.Context, actorID string, opts *ListOptions) iter.Seq2[gen.WebhookShort, error] {
	w, q := opts.window()
	return listByOffset[gen.WebhookShort](ctx, c, runStoragePath("actors", actorID, "actorID", "webhooks"), q, w)
}

// ListTasks iterates over the user's tasks.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-tasks-get
func (c *Client) ListTasks(ctx context.Context, opts *ListOptions) iter.Seq2[gen.TaskShort, error] {
	w, q := opts.window()
	return listByOffset[gen.TaskShort](ctx, c, itemsPath{path: "/v2/actor-tasks"}, q, w)
}

// ListTaskRuns iterates over the runs of a task.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-runs-get
func (c *Client) ListTaskRuns(ctx context.Context, taskID string, opts *RunListOptions) iter.Seq2[gen.RunShort, error] {
	w, q := opts.window()
	return listByOffset[gen.RunShort](ctx, c, runStoragePath("actor-tasks", taskID, "taskID", "runs"), q, w)
}

// ListTaskWebhooks iterates over the webhooks of a task.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-webhooks-get
func (c *Client) ListTaskWebhooks(ctx context.Context, taskID string, opts *ListOptions) iter.Seq2[gen.WebhookShort, error] {
	w, q := opts.window()
	return listByOffset[gen.WebhookShort](ctx, c, runStoragePath("actor-tasks", taskID, "taskID", "webhooks"), q, w)
}

// ListRuns iterates over all the user's runs.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-runs-get
func (c *Client) ListRuns(ctx context.Context, opts *RunListOptions) iter.Seq2[gen.RunShort, error] {
	w, q := opts.window()
	return listByOffset[gen.RunShort](ctx, c, itemsPath{path: "/v2/actor-runs"}, q, w)
}

// ListBuilds iterates over all the user's builds.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-builds-get
func (c *Client) ListBuilds(ctx context.Context, opts *ListOptions) iter.Seq2[gen.BuildShort, error] {
	w, q := opts.window()
	return listByOffset[gen.BuildShort](ctx, c, itemsPath{path: "/v2/actor-builds"}, q, w)
}

// ListDatasets iterates over the user's datasets.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/datasets-get
func (c *Client) ListDatasets(ctx context.Context, opts *StorageListOptions) iter.Seq2[gen.DatasetListItem, error] {
	w, q := opts.window()
	return listByOffset[gen.DatasetListItem](ctx, c, itemsPath{path: "/v2/datasets"}, q, w)
}

// ListKeyValueStores iterates over the user's key-value stores.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-stores-get
func (c *Client) ListKeyValueStores(ctx context.Context, opts *StorageListOptions) iter.Seq2[gen.KeyValueStore, error] {
	w, q := opts.window()
	return listByOffset[gen.KeyValueStore](ctx, c, itemsPath{path: "/v2/key-value-stores"}, q, w)
}

// ListRequestQueues iterates over the user's request queues.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queues-get
func (c *Client) ListRequestQueues(ctx context.Context, opts *StorageListOptions) iter.Seq2[gen.RequestQueueShort, error] {
	w, q := opts.window()
	return listByOffset[gen.RequestQueueShort](ctx, c, itemsPath{path: "/v2/request-queues"}, q, w)
}

// ListWebhooks iterates over the user's webhooks.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/webhooks-get
func (c *Client) ListWebhooks(ctx context.Context, opts *ListOptions) iter.Seq2[gen.WebhookShort, error] {
	w, q := opts.window()
	return listByOffset[gen.WebhookShort](ctx, c, itemsPath{path: "/v2/webhooks"}, q, w)
}

// ListWebhookDispatches iterates over the user's webhook dispatches.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/webhook-dispatches-get
func (c *Client) ListWebhookDispatches(ctx context.Context, opts *ListOptions) iter.Seq2[gen.WebhookDispatch, error] {
	w, q := opts.window()
	return listByOffset[gen.WebhookDispatch](ctx, c, itemsPath{path: "/v2/webhook-dispatches"}, q, w)
}

// ListDispatchesOfWebhook iterates over the dispatches of one webhook.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/webhook-webhook-dispatches-get
func (c *Client) ListDispatchesOfWebhook(ctx context.Context, webhookID string, opts *ListOptions) iter.Seq2[gen.WebhookDispatch, error] {
	w, q := opts.window()
	return listByOffset[gen.WebhookDispatch](ctx, c, runStoragePath("webhooks", webhookID, "webhookID", "dispatches"), q, w)
}

// ListSchedules iterates over the user's schedules.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/schedules-get
func (c *Client) ListSchedules(ctx context.Context, opts *ListOptions) iter.Seq2[gen.ScheduleShort, error] {
	w, q := opts.window()
	return listByOffset[gen.ScheduleShort](ctx, c, itemsPath{path: "/v2/schedules"}, q, w)
}

// ListStoreActors iterates over the Actors in Apify Store.
// Pages are chained by offset, advanced by each page's count. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/store-get
func (c *Client) ListStoreActors(ctx context.Context, opts *StoreListOptions) iter.Seq2[gen.StoreListActor, error] {
	w, q := opts.window()
	return listByOffset[gen.StoreListActor](ctx, c, itemsPath{path: "/v2/store"}, q, w)
}

// ListKeys iterates over the keys of a key-value store.
// Keys come in key order, following nextExclusiveStartKey while the listing
// is truncated. opts may be nil. Every range starts afresh; an error is
// yielded once and ends the sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-keys-get
func (c *Client) ListKeys(ctx context.Context, storeID string, opts *KeyListOptions) iter.Seq2[gen.KeyValueStoreKey, error] {
	w, q, start := opts.window()
	return listByStartKey[gen.KeyValueStoreKey](ctx, c, runStoragePath("key-value-stores", storeID, "storeID", "keys"), q, start, w)
}

// ListRunKeys iterates over the keys of a run's default key-value store.
// Keys come in key order, following nextExclusiveStartKey while the listing
// is truncated. opts may be nil. Every range starts afresh; an error is
// yielded once and ends the sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-key-value-store-keys-get
func (c *Client) ListRunKeys(ctx context.Context, runID string, opts *KeyListOptions) iter.Seq2[gen.KeyValueStoreKey, error] {
	w, q, start := opts.window()
	return listByStartKey[gen.KeyValueStoreKey](ctx, c, runStoragePath("actor-runs", runID, "runID", "key-value-store/keys"), q, start, w)
}

// ListActorLastRunKeys iterates over the keys of the default key-value store of an Actor's last run.
// Keys come in key order, following nextExclusiveStartKey while the listing
// is truncated. opts may be nil. Every range starts afresh; an error is
// yielded once and ends the sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-runs-last-key-value-store-keys-get
func (c *Client) ListActorLastRunKeys(ctx context.Context, actorID string, last *LastRunOptions, opts *KeyListOptions) iter.Seq2[gen.KeyValueStoreKey, error] {
	w, q, start := opts.window()
	last.addTo(q)
	return listByStartKey[gen.KeyValueStoreKey](ctx, c, runStoragePath("actors", actorID, "actorID", "runs/last/key-value-store/keys"), q, start, w)
}

// ListTaskLastRunKeys iterates over the keys of the default key-value store of a task's last run.
// Keys come in key order, following nextExclusiveStartKey while the listing
// is truncated. opts may be nil. Every range starts afresh; an error is
// yielded once and ends the sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-runs-last-key-value-store-keys-get
func (c *Client) ListTaskLastRunKeys(ctx context.Context, taskID string, last *LastRunOptions, opts *KeyListOptions) iter.Seq2[gen.KeyValueStoreKey, error] {
	w, q, start := opts.window()
	last.addTo(q)
	return listByStartKey[gen.KeyValueStoreKey](ctx, c, runStoragePath("actor-tasks", taskID, "taskID", "runs/last/key-value-store/keys"), q, start, w)
}

// ListRequests iterates over the requests of a request queue.
// Pages are chained by nextCursor until the API returns none. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/request-queue-requests-get
func (c *Client) ListRequests(ctx context.Context, queueID string, opts *RequestListOptions) iter.Seq2[gen.Request, error] {
	w, q, cursor, err := opts.window()
	if err != nil {
		return errorSeq2[gen.Request](err)
	}
	return listByCursor[gen.Request](ctx, c, runStoragePath("request-queues", queueID, "queueID", "requests"), q, cursor, w)
}

// ListRunRequests iterates over the requests of a run's default request queue.
// Pages are chained by nextCursor until the API returns none. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-request-queue-requests-get
func (c *Client) ListRunRequests(ctx context.Context, runID string, opts *RequestListOptions) iter.Seq2[gen.Request, error] {
	w, q, cursor, err := opts.window()
	if err != nil {
		return errorSeq2[gen.Request](err)
	}
	return listByCursor[gen.Request](ctx, c, runStoragePath("actor-runs", runID, "runID", "request-queue/requests"), q, cursor, w)
}

// ListActorLastRunRequests iterates over the requests of the default request queue of an Actor's last run.
// Pages are chained by nextCursor until the API returns none. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-runs-last-request-queue-requests-get
func (c *Client) ListActorLastRunRequests(ctx context.Context, actorID string, last *LastRunOptions, opts *RequestListOptions) iter.Seq2[gen.Request, error] {
	w, q, cursor, err := opts.window()
	if err != nil {
		return errorSeq2[gen.Request](err)
	}
	last.addTo(q)
	return listByCursor[gen.Request](ctx, c, runStoragePath("actors", actorID, "actorID", "runs/last/request-queue/requests"), q, cursor, w)
}

// ListTaskLastRunRequests iterates over the requests of the default request queue of a task's last run.
// Pages are chained by nextCursor until the API returns none. opts may be
// nil. Every range starts afresh; an error is yielded once and ends the
// sequence.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-runs-last-request-queue-requests-get
func (c *Client) ListTaskLastRunRequests(ctx context.Context, taskID string, last *LastRunOptions, opts *RequestListOptions) iter.Seq2[gen.Request, error] {
	w, q, cursor, err := opts.window()
	if err != nil {
		return errorSeq2[gen.Request](err)
	}
	last.addTo(q)
	return listByCursor[gen.Request](ctx, c, runStoragePath("actor-tasks", taskID, "taskID", "runs/last/request-queue/requests"), q, cursor, w)
}
