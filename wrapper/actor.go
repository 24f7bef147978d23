package apify

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/url"
	"strings"
)

// ActorClient addresses one Actor. Get it from [Client.Actor]; it does no
// I/O until a method is called.
type ActorClient struct {
	x runnable
}

// Actor returns the client of the Actor with the given ID or
// "username/actor-name" (also accepted as "username~actor-name"). An invalid
// ID is reported by every method of the returned client, before any request.
func (c *Client) Actor(id string) *ActorClient {
	return &ActorClient{x: runnable{r: c.newResource("actors", "Actor", "actorID", id), kind: "Actor", id: id}}
}

func (a *ActorClient) runnableOf() runnable { return a.x }

// Get returns the Actor.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-get
func (a *ActorClient) Get(ctx context.Context) (*Actor, error) {
	return getResource[Actor](ctx, a.x.r)
}

// Delete deletes the Actor.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-delete
func (a *ActorClient) Delete(ctx context.Context) error {
	return a.x.r.delete(ctx)
}

// Start starts a run of the Actor and returns it, usually still READY or
// RUNNING; wait for it with [RunClient.Wait], or use [ActorClient.Call] to
// do both.
//
// input is the run's input: nil for the Actor's default input, []byte or
// json.RawMessage sent as they are (with opts.ContentType when not JSON), or
// any other value, encoded as JSON. opts may be nil.
//
// Starting a run is not repeated after the request may have reached the
// server (a 5xx answer or a cut connection), since that could start a
// second run; see [AllowUnsafeRetries].
//
// Apify API docs: https://docs.apify.com/api/v2/actors-runs-post
func (a *ActorClient) Start(ctx context.Context, input any, opts *RunOptions) (*Run, error) {
	return a.x.start(ctx, input, opts)
}

// Call starts a run of the Actor, as [ActorClient.Start] does, and waits for
// it to finish, as [RunClient.Wait] does. It returns the finished run and a
// nil error when the run SUCCEEDED; for any other final status (FAILED,
// TIMED-OUT, ABORTED) it returns the run and a [*RunFailedError] (matching
// [ErrRunFailed]). When ctx ends first, it returns the run as last seen and
// an error wrapping ctx.Err(); the run goes on, unless opts.AbortOnCancel
// asks to abort it. opts may be nil; with opts.Log or opts.Logger the run's
// log is forwarded while it runs, and with opts.Logger or opts.OnStatus its
// status changes are reported, as the JS and Python clients do:
//
//	run, err := client.Actor("jane/scraper").Call(ctx, input, &apify.CallOptions{
//		Logger:        slog.Default(), // the run's log and status, line by line
//		AbortOnCancel: true,           // Ctrl-C stops the run too
//	})
//
// Apify API docs: https://docs.apify.com/api/v2/actors-runs-post
func (a *ActorClient) Call(ctx context.Context, input any, opts *CallOptions) (*Run, error) {
	return a.x.call(ctx, input, opts)
}

// RunSync runs the Actor, waits for it to finish (the API waits up to
// 300 s) and returns the record it stored under OUTPUT (or
// opts.OutputRecordKey) in its default key-value store. input is as for
// [ActorClient.Start]; opts may be nil. The output is read into memory: for
// large outputs, use [ActorClient.Call] and stream the record with
// [KeyValueStoreClient.OpenRecord] on the run's KeyValueStore().
//
// When the run does not finish in time, the error is a [*RunSyncTimeoutError]
// (matching [ErrTimeout]): the run goes on. A run that fails answers 400
// with the error type "run-failed" ([ErrInvalidInput]). The request is sent
// once: it starts a run, so it is not repeated after it may have reached the
// server (see [AllowUnsafeRetries]).
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-sync-post
func (a *ActorClient) RunSync(ctx context.Context, input any, opts *RunSyncOptions) (*RunSyncOutput, error) {
	return a.x.runSync(ctx, input, opts)
}

// RunSyncItemsTo runs the Actor, waits for it to finish (the API waits up
// to 300 s) and streams the items of its default dataset to w in
// opts.Format (JSON by default), without holding them in memory. It returns
// the number of bytes written. input is as for [ActorClient.Start]; opts may
// be nil. For typed items, use [RunSyncItems]. Timeouts, failures and
// retries are as for [ActorClient.RunSync].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-sync-get-dataset-items-post
func (a *ActorClient) RunSyncItemsTo(ctx context.Context, input any, w io.Writer, opts *RunSyncItemsOptions) (int64, error) {
	return a.x.runSyncItemsTo(ctx, input, w, opts)
}

// LastRun returns the client of the Actor's last run, or of the last run
// with the status or origin opts ask for (opts may be omitted or nil). Every
// run method works on it: its storages, log, abort, wait…
//
//	last := client.Actor("jane/scraper").LastRun(&apify.LastRunOptions{Status: apify.RunSucceeded})
//	rec, err := last.KeyValueStore().GetRecord(ctx, "OUTPUT")
//
// Apify API docs: https://docs.apify.com/api/v2/actor-runs-last-get
func (a *ActorClient) LastRun(opts ...*LastRunOptions) *RunClient {
	return a.x.lastRun(opts)
}

// Runs returns the client of the Actor's runs.
//
// Apify API docs: https://docs.apify.com/api/v2/actors-runs-get
func (a *ActorClient) Runs() *RunCollectionClient {
	return &RunCollectionClient{r: a.x.r.child("the runs of "+a.x.r.desc, "runs")}
}

// Builds returns the client of the Actor's builds.
//
// Apify API docs: https://docs.apify.com/api/v2/actors-builds-get
func (a *ActorClient) Builds() *BuildCollectionClient {
	return &BuildCollectionClient{r: a.x.r.child("the builds of "+a.x.r.desc, "builds")}
}

// Webhooks returns the client of the Actor's webhooks.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-webhooks-get
func (a *ActorClient) Webhooks() *WebhookCollectionClient {
	return &WebhookCollectionClient{r: a.x.r.child("the webhooks of "+a.x.r.desc, "webhooks")}
}

// Versions returns the client of the Actor's versions.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-versions-get
func (a *ActorClient) Versions() *ActorVersionCollectionClient {
	return &ActorVersionCollectionClient{r: a.x.r.child("the versions of "+a.x.r.desc, "versions")}
}

// Version returns the client of the Actor's version with the given number,
// e.g. "0.1".
//
// Apify API docs: https://docs.apify.com/api/v2/actor-version-get
func (a *ActorClient) Version(number string) *ActorVersionClient {
	r := a.x.r.child("version "+number+" of "+a.x.r.desc, "versions", url.PathEscape(number))
	_, err := resourceID("versionNumber", number)
	if err == nil && strings.Contains(number, "/") {
		err = fmt.Errorf("apify: versionNumber %q is not a version number such as 0.1", number)
	}
	if err != nil && r.err == nil {
		r.err = err
	}
	return &ActorVersionClient{r: r}
}

// ActorCollectionClient addresses the user's Actors. Get it from
// [Client.Actors].
type ActorCollectionClient struct {
	r resource
}

// Actors returns the client of the user's Actors.
func (c *Client) Actors() *ActorCollectionClient {
	return &ActorCollectionClient{r: c.collection("actors")}
}

// List iterates over the user's Actors (and the Actors they can use). opts
// may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/actors-get
func (l *ActorCollectionClient) List(ctx context.Context, opts *ActorListOptions) iter.Seq2[ActorShort, error] {
	w, q := opts.window()
	return listByOffset[ActorShort](ctx, l.r, q, w)
}

// ActorVersionClient addresses one version of an Actor. Get it from
// [ActorClient.Version].
type ActorVersionClient struct {
	r resource
}

// Get returns the version.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-version-get
func (v *ActorVersionClient) Get(ctx context.Context) (*ActorVersion, error) {
	return getResource[ActorVersion](ctx, v.r)
}

// Delete deletes the version.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-version-delete
func (v *ActorVersionClient) Delete(ctx context.Context) error {
	return v.r.delete(ctx)
}

// ActorVersionCollectionClient addresses the versions of an Actor. Get it
// from [ActorClient.Versions].
type ActorVersionCollectionClient struct {
	r resource
}

// List iterates over the Actor's versions. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-versions-get
func (l *ActorVersionCollectionClient) List(ctx context.Context, opts *ListOptions) iter.Seq2[ActorVersion, error] {
	w, q := opts.window()
	return listByOffset[ActorVersion](ctx, l.r, q, w)
}
