package apify

import (
	"context"
	"io"
	"iter"
)

// TaskClient addresses one saved Actor task. Get it from [Client.Task]; it
// does no I/O until a method is called. Its run methods work as those of
// [ActorClient]; a JSON object input is merged over the task's saved input
// by the API, and nil runs the task's input.
type TaskClient struct {
	x runnable
}

// Task returns the client of the task with the given ID or
// "username/task-name" (also accepted as "username~task-name").
func (c *Client) Task(id string) *TaskClient {
	return &TaskClient{x: runnable{r: c.newResource("actor-tasks", "task", "taskID", id), kind: "task", id: id}}
}

func (t *TaskClient) runnableOf() runnable { return t.x }

// Get returns the task.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-get
func (t *TaskClient) Get(ctx context.Context) (*Task, error) {
	return getResource[Task](ctx, t.x.r)
}

// Delete deletes the task.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-delete
func (t *TaskClient) Delete(ctx context.Context) error {
	return t.x.r.delete(ctx)
}

// Start starts a run of the task; see [ActorClient.Start].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-runs-post
func (t *TaskClient) Start(ctx context.Context, input any, opts *RunOptions) (*Run, error) {
	return t.x.start(ctx, input, opts)
}

// Call starts a run of the task and waits for it to finish; see
// [ActorClient.Call].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-runs-post
func (t *TaskClient) Call(ctx context.Context, input any, opts *CallOptions) (*Run, error) {
	return t.x.call(ctx, input, opts)
}

// RunSync runs the task synchronously and returns its output record; see
// [ActorClient.RunSync].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-run-sync-post
func (t *TaskClient) RunSync(ctx context.Context, input any, opts *RunSyncOptions) (*RunSyncOutput, error) {
	return t.x.runSync(ctx, input, opts)
}

// RunSyncItemsTo runs the task synchronously and streams its dataset items
// to w; see [ActorClient.RunSyncItemsTo].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-run-sync-get-dataset-items-post
func (t *TaskClient) RunSyncItemsTo(ctx context.Context, input any, w io.Writer, opts *RunSyncItemsOptions) (int64, error) {
	return t.x.runSyncItemsTo(ctx, input, w, opts)
}

// LastRun returns the client of the task's last run; see
// [ActorClient.LastRun].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-runs-last-get
func (t *TaskClient) LastRun(opts ...*LastRunOptions) *RunClient {
	return t.x.lastRun(opts)
}

// Runs returns the client of the task's runs.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-runs-get
func (t *TaskClient) Runs() *RunCollectionClient {
	return &RunCollectionClient{r: t.x.r.child("the runs of "+t.x.r.desc, "runs")}
}

// Webhooks returns the client of the task's webhooks.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-webhooks-get
func (t *TaskClient) Webhooks() *WebhookCollectionClient {
	return &WebhookCollectionClient{r: t.x.r.child("the webhooks of "+t.x.r.desc, "webhooks")}
}

// TaskCollectionClient addresses the user's tasks. Get it from
// [Client.Tasks].
type TaskCollectionClient struct {
	r resource
}

// Tasks returns the client of the user's tasks.
func (c *Client) Tasks() *TaskCollectionClient {
	return &TaskCollectionClient{r: c.collection("actor-tasks")}
}

// List iterates over the user's tasks. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-tasks-get
func (l *TaskCollectionClient) List(ctx context.Context, opts *ListOptions) iter.Seq2[TaskShort, error] {
	w, q := opts.window()
	return listByOffset[TaskShort](ctx, l.r, q, w)
}
