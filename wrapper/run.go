package apify

import (
	"context"
	"iter"
)

// RunClient addresses one Actor run: a run by ID ([Client.Run]) or the last
// run of an Actor or task ([ActorClient.LastRun], [TaskClient.LastRun]). It
// does no I/O until a method is called. Its storages and log compose:
// client.Run(id).Dataset(), .KeyValueStore(), .RequestQueue(), .Log().
type RunClient struct {
	r resource
	// id is the run's ID as given; "" for a last run, which the methods the
	// API does not offer under "runs/last" look up first.
	id string
}

// Run returns the client of the run with the given ID.
func (c *Client) Run(id string) *RunClient {
	return &RunClient{r: c.newResource("actor-runs", "run", "runID", id), id: id}
}

// Get returns the run (its status, storages, statistics).
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-get
func (rc *RunClient) Get(ctx context.Context) (*Run, error) {
	return getResource[Run](ctx, rc.r)
}

// byID returns the client of the same run addressed by its ID: rc itself,
// or for a last run the run that is last now, looked up once.
func (rc *RunClient) byID(ctx context.Context) (*RunClient, error) {
	if err := rc.r.check(ctx); err != nil {
		return nil, err
	}
	if rc.id != "" {
		return rc, nil
	}
	run, err := rc.Get(ctx)
	if err != nil {
		return nil, err
	}
	return rc.r.c.Run(run.ID), nil
}

// Dataset returns the client of the run's default dataset.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-dataset-get
func (rc *RunClient) Dataset() *DatasetClient {
	return &DatasetClient{r: rc.r.child("the default dataset of "+rc.r.desc, "dataset")}
}

// KeyValueStore returns the client of the run's default key-value store.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-key-value-store-get
func (rc *RunClient) KeyValueStore() *KeyValueStoreClient {
	return &KeyValueStoreClient{r: rc.r.child("the default key-value store of "+rc.r.desc, "key-value-store")}
}

// RequestQueue returns the client of the run's default request queue; opts
// (which may be omitted or nil) set its client key, as in
// [Client.RequestQueue].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-request-queue-get
func (rc *RunClient) RequestQueue(opts ...*RequestQueueOptions) *RequestQueueClient {
	return newRequestQueueClient(rc.r.child("the default request queue of "+rc.r.desc, "request-queue"), opts)
}

// Log returns the client of the run's log.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-log-get
func (rc *RunClient) Log() *LogClient {
	return &LogClient{r: rc.r.child("the log of "+rc.r.desc, "log"), jobs: []resource{rc.r}}
}

// RunCollectionClient addresses a list of runs: all the user's runs
// ([Client.Runs]), an Actor's ([ActorClient.Runs]) or a task's
// ([TaskClient.Runs]).
type RunCollectionClient struct {
	r resource
}

// Runs returns the client of all the user's runs.
func (c *Client) Runs() *RunCollectionClient {
	return &RunCollectionClient{r: c.collection("actor-runs")}
}

// List iterates over the runs. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-runs-get
func (l *RunCollectionClient) List(ctx context.Context, opts *RunListOptions) iter.Seq2[RunShort, error] {
	w, q := opts.window()
	return listByOffset[RunShort](ctx, l.r, q, w)
}
