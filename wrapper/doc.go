// Package apify is a Go client for the Apify API
// (https://docs.apify.com/api/v2). Import it as
//
//	import apify "github.com/apifygo/apify/wrapper"
//
// [NewClient] builds a [Client] from validating options: [WithToken] or
// [WithTokenFromEnv], [WithBaseURL] or [WithBaseURLFromEnv],
// [WithPublicBaseURL], [WithHTTPClient], [WithUserAgent], [WithMaxRetries]
// and [WithRetryPolicy], [WithTimeout], [WithRequestCompression] and
// [WithLogger]. The client never reads the environment unless an option asks
// it to. Per-call settings travel in the ctx: [WithAttemptTimeout] and
// [AllowUnsafeRetries].
//
// # Resource clients
//
// The client addresses the API's resources by handle, as the official Apify
// clients do. A handle is a small value made by a method of [Client] or of
// another handle; it does no I/O until one of its methods is called:
//
//	run, err := client.Actor("apify/web-scraper").Call(ctx, input, nil)
//	for p, err := range apify.Items[Product](ctx, client.Run(run.ID).Dataset(), nil) { … }
//	last := client.Actor("jane/scraper").LastRun(&apify.LastRunOptions{Status: apify.RunSucceeded})
//	head, err := last.RequestQueue().LockHead(ctx, nil)
//	rec, err := client.KeyValueStore(storeID).GetRecord(ctx, "OUTPUT")
//
// One resource: [Client.Actor], [Client.Task], [Client.Run], [Client.Build],
// [Client.Dataset], [Client.KeyValueStore], [Client.RequestQueue],
// [Client.Webhook], [Client.WebhookDispatch], [Client.Schedule],
// [Client.Log] and [Client.User] ("me" for the token's user). Lists of them:
// [Client.Actors], [Client.Tasks], [Client.Runs], [Client.Builds],
// [Client.Datasets], [Client.KeyValueStores], [Client.RequestQueues],
// [Client.Webhooks], [Client.WebhookDispatches], [Client.Schedules] and
// [Client.Store], whose List yields every item; Create and GetOrCreate
// make new ones where the API has them.
//
// Handles compose as the API nests: a run's default storages and log
// ([RunClient.Dataset], [RunClient.KeyValueStore], [RunClient.RequestQueue],
// [RunClient.Log]); an Actor's or task's last run ([ActorClient.LastRun]),
// on which every run method works; an Actor's runs, builds, webhooks and
// versions; a webhook's dispatches. Everything a storage client does works
// the same on a run's or a last run's storage.
//
// IDs are the API's IDs or "username/name" (the API's "username~name" is
// accepted too). An empty or malformed ID ("a/b/c", "..") is reported by
// every method of the handle, before any request, with an error naming the
// parameter. Methods follow one pattern: Get, Delete, List, Start, Call,
// Wait, Abort…; names that carry a type ([Items], [ItemPages], [PushItems],
// [GetRecordJSON], [RunSyncItems]) are generic functions that take the
// handle, since Go methods cannot have type parameters. A nil ctx, a Client
// that NewClient did not make, a handle made from a nil or zero Client and a
// handle's zero value (var d apify.DatasetClient) are errors, never panics;
// a nil handle pointer (var d *apify.DatasetClient) is not a handle, and
// calling it panics like any nil pointer.
//
// The API's objects are returned under names this package owns ([Run],
// [Dataset], [ActorShort], …, aliases of the generated models) with typed
// statuses ([RunSucceeded], …), so code written against this package never
// imports the generated one.
//
// # Iterating
//
// Every list is an iter.Seq2[T, error], ranged with for … range. Pages are
// requested as the loop goes (offset lists advance by each page's count, key
// and request lists by the token the API returns); Limit caps the items
// yielded. Every range statement starts afresh. An error is yielded once,
// with the zero T, and ends the sequence; the items before it were yielded in
// order. Breaking out of the loop or cancelling ctx stops all requests before
// the range statement returns. Options may be nil.
//
// # The generated client
//
// Every one of the API's operations is reachable through the generated client
// of package github.com/apifygo/apify/gen/genclient: apifyapi.New(client)
// (package github.com/apifygo/apify/wrapper/apifyapi) returns it sending
// through this client's chain: request compression, bearer auth, User-Agent,
// retries, per-attempt timeout, logging and response limits. It is a separate import so that
// programs that do not need it do not compile it. [Result] turns a generated
// response into (*T, error), T inferred from the operation, and non-2xx
// answers into [*APIError]:
//
//	run, err := apify.Result(apifyapi.New(client).ActorRunGetWithResponse(ctx, runID, nil))
//	if errors.Is(err, apify.ErrNotFound) { ... }
//
// # Errors
//
// A non-2xx answer is an [*APIError] with the status, Apify's error type and
// message, the method, the URL (credentials redacted) and the number of
// attempts. It matches sentinels through errors.Is: [ErrInvalidInput] (400),
// [ErrUnauthorized] (401), [ErrPaymentRequired] (402), [ErrForbidden] (403),
// [ErrNotFound] (404), [ErrTimeout] (408, 504), [ErrConflict] (409),
// [ErrRequestTooLarge] (413), [ErrRateLimited] (429) and [ErrServer] (5xx). A
// success whose body cannot be read or decoded, or names no object (its
// required id is missing or empty, as in {"data":{}}), matches
// [ErrUnexpectedResponse]; a request that got no answer unwraps to its cause
// (context errors, [ErrTimeout] for an attempt cut by [WithTimeout] or
// [WithAttemptTimeout], network errors). The token never appears in errors, log records or printed values.
//
// # Retries
//
// A failed attempt is retried up to 8 times (see [RetryPolicy]). Whether a
// failure is retried depends on whether the request may have had an effect:
// a request that may create something (start a run or build, push items, add
// requests, create a resource) is by default repeated only where the server
// certainly did not act on it.
//
//	Failure                               GET HEAD PUT DELETE(1)  POST PATCH  POST PATCH, opted in(2)
//	------------------------------------  --------------------  ----------  ----------------------
//	429 Too Many Requests                 retried               retried     retried
//	5xx (except 501, 505)                 retried               error       retried
//	DNS failure, connection refused       retried               retried     retried
//	connection cut after sending          retried               error       retried
//	attempt timeout (WithTimeout)         retried               error       retried
//	truncated or invalid JSON 2xx body(3) retried               error       retried
//	other 4xx, 501, 505, redirect errors  error                 error       error
//
//	(1) also POSTs that are safe to repeat: requests with an Idempotency-Key
//	    header (RunClient.Charge), RunClient.Abort, BuildClient.Abort,
//	    GetOrCreate by name, ActorClient.ValidateInput,
//	    RequestQueueClient.UnlockRequests, a webhook Create with an
//	    IdempotencyKey, and RequestQueueClient.AddRequests (the queue keys by
//	    uniqueKey). Other creates (Actors, tasks, schedules, versions, runs,
//	    builds) are sent once: see AllowUnsafeRetries.
//	(2) per call with AllowUnsafeRetries(ctx), per client with
//	    RetryPolicy.RetryNonIdempotent.
//	(3) calls that decode JSON: apifyapi and the JSON methods. Streams (dataset
//	    items, logs) are never buffered; their iterators resume on their own.
//
// Waits grow exponentially with jitter: before retry k (k = 0, 1, ...) the
// client waits a random duration in [InitialDelay·2^k, 2·InitialDelay·2^k),
// 500 ms·2^k by default, capped at MaxDelay (30 s). A Retry-After header
// (seconds or an HTTP date) stretches the wait to what the server asked, up
// to MaxRetryAfter (60 s). The ctx of the call bounds everything: there is no
// hidden overall time limit, a cancelled ctx stops at once, and when ctx's
// deadline would pass before the next attempt the client returns the last
// answer immediately instead of waiting. Request bodies are replayed on each
// attempt (bodies without GetBody are buffered up to 10 MiB; larger ones are
// sent once). Each retry is logged at debug level through the [WithLogger]
// logger with the attempt, the reason and the delay.
package apify
