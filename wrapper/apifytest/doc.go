// Package apifytest runs an in-process fake of the Apify API v2 for tests and
// offline programs, in the manner of net/http/httptest and
// cloud.google.com/go/pubsub/pstest.
//
// A test starts a server, points its client at URL and Token, seeds the data it
// needs and, if it likes, injects faults and inspects the requests it received:
//
//	srv := apifytest.NewServer(t)
//	id, _ := srv.AddDataset("products", map[string]any{"sku": "A1"}, map[string]any{"sku": "B2"})
//	// ... point the client under test at srv.URL() with srv.Token() ...
//	srv.InjectFault(apifytest.Fault{Path: "/v2/datasets/*/items", Status: http.StatusServiceUnavailable})
//	for _, r := range srv.Requests() { ... }
//
// On a server made by NewServer the seeding methods (AddDataset, SetRecord,
// AddActor, InjectFault...) fail the test when they fail, so their error
// results need no checking there; a program's server (NewUnstartedServer)
// returns the errors instead.
//
// Everything a server holds lives in that server: parallel tests each start
// their own and share nothing.
//
// # A server you can run
//
// The command github.com/apifygo/apify/wrapper/apifytest/cmd/apifytest
// serves the fake on an address, seeded from a file, for programs in any
// language: the official JavaScript and Python clients, the Apify SDKs with
// their crawlers (APIFY_API_BASE_URL and APIFY_TOKEN), and SDK Actors run
// "on the platform" (its -actor-env flag prints a run's environment). See
// its documentation.
//
// # What it implements
//
// Responses use the real API's envelopes ({"data": ...}, {"error": {"type",
// "message"}}), status codes and headers, and the package's tests validate
// them against the pinned OpenAPI document (see Operations for the list of
// operations it serves):
//
//   - datasets: create, get, list, update, delete; push items; items with
//     offset, limit, desc, fields, outputFields, omit, clean, skipEmpty,
//     skipHidden, skipFailedPages, simplified, unwind and flatten as json, jsonl or csv, with the
//     X-Apify-Pagination-{Offset,Limit,Count,Total} headers, where Count is the
//     number of stored items scanned (before clean, skipEmpty, skipHidden,
//     skipFailedPages and unwind change the number of items returned), as the real API does;
//   - key-value stores: records of any content type (get, head, put, post,
//     delete) and keys listing with exclusiveStartKey, prefix and limit;
//   - request queues: add, get, update, delete, batch add and delete (past 25
//     requests per call the rest come back in unprocessedRequests), head,
//     head with lock, lock prolongation and deletion, unlock, and listing with
//     cursor. An update or a lock deletion puts an unhandled request at the
//     end of the queue, or with forefront at its head, as the document says;
//     an update of a request the queue does not hold adds it, as Apify's own
//     storage emulators do;
//   - Actors registered as Go functions (AddActor) and tasks: runs, waitForFinish,
//     abort, run-sync, run-sync-get-dataset-items, logs (whole and streamed),
//     last-run endpoints and each run's default storages;
//   - signed URLs: datasets and key-value stores have a urlSigningSecretKey,
//     and items, keys and records answer without a token to a valid,
//     unexpired signature made as the official clients make it;
//   - request bodies compressed with br, gzip or deflate (Content-Encoding),
//     as the official clients send every body of 1 KiB or more; any other
//     coding is refused with 415 unsupported-content-encoding;
//   - run control: metamorph (the target Actor's function takes over the
//     run and its storages, its input stored as INPUT-METAMORPH-n), reboot
//     (the function starts again), resurrect (a finished run runs again),
//     delete, and charge for pay-per-event Actors (ActorOptions.ChargeEvents):
//     counts per event, idempotency keys and maxTotalChargeUsd, reported in
//     the run's chargedEventCounts and by ChargedEvents;
//   - Actor create, update and delete, input validation, versions and their
//     environment variables (secret values hidden), builds that succeed or
//     fail as ActorOptions.Build says (tags applied on success, runs of a
//     build tag or number, logs, abort, delete, the default build and its
//     OpenAPI document); task update, delete and input update;
//   - webhooks, stored and ad hoc (a run's webhooks parameter): run and build
//     events POST the interpolated payload and headers templates to the
//     webhook's URL, with dispatches recorded and listed, and the test
//     endpoint;
//   - schedules (CRUD and log) that fire on the server's Clock: an enabled
//     schedule's cron expression (five fields or an @ macro, in its
//     timezone) starts its Actor and task runs with origin SCHEDULER, and
//     an exclusive one skips a firing while its last runs are running;
//   - the Apify Store, seeded with AddStoreActor (search, category,
//     username, pricingModel and allowsAgenticUsers filters, sortBy);
//   - dataset statistics, key-value store records as a ZIP archive,
//     browser-info, encode-and-sign and decode-and-verify;
//   - the account: GET /v2/users/me, public user data, monthly usage and
//     limits (get and update), and bearer (or ?token=) authentication; the
//     operations the document serves without a token (a build by its ID,
//     a run by its ID, public user data, the browser-info and
//     decode-and-verify tools) answer without one too.
//
// Every operation of the API document is served (Operations lists them); a
// path the document does not have answers 501 naming the method and path.
//
// # Differences from the real API
//
//   - Totals are exact at once: the real API updates totals and counts
//     asynchronously, so they lag behind writes there.
//   - Lists return at most 1000 items per call, as the real API does, in
//     creation order (newest first with desc). The documented filters are
//     honoured: status, startedAfter and startedBefore of run lists, sortBy
//     of the Actor list, ownership of storage lists (every storage is owned
//     by the server's user, so sharedWithMe lists none). The collection
//     filter of key listings needs a store schema, which the fake does not
//     model: it answers 400 invalid-collection.
//   - A bad or expired URL signature answers 403 invalid-signature; a
//     storage's urlSigningSecretKey is derived from its ID and the server's
//     token, so it is stable for a server.
//   - Dataset items: the view parameter answers 501 not-implemented, since a
//     view is defined by the dataset schema of an Actor build and the fake's
//     builds carry none; simplified and skipFailedPages work as documented
//     (skipFailedPages drops every item whose errorInfo field is set; an
//     errorInfo of null, false or "" counts as no error, where the document
//     says "items with errorInfo property"). CSV, HTML and XLSX columns are the union of the flattened
//     keys in order of first appearance; nested keys are joined with "/".
//     XLSX is a minimal one-sheet workbook of inline strings, the same bytes
//     for the same items.
//   - Builds compile nothing: a build runs ActorOptions.Build (or succeeds at
//     once) and the run uses the Actor's Go function whatever the build. Each
//     Actor added with AddActor starts with version 0.0 and a succeeded build
//     0.0.1 tagged latest; an Actor created through the API has no build until
//     one is made, and its runs succeed at once (it has no Go function).
//   - The builds' OpenAPI documents describe the run endpoints with any JSON
//     object as input, and validate-input accepts any JSON object: the fake's
//     Actors have no input schema. Dataset statistics cover every top-level
//     field (the real API covers the fields of the dataset's schema); the
//     records archive refuses a collection filter (no store schemas).
//   - Webhooks are delivered once, to loopback addresses only (127.0.0.1, ::1,
//     localhost: the fake serves tests, which stay off the network); other
//     URLs, and failed deliveries, end as FAILED dispatches without retries.
//     Deliveries run in the background; Server.WaitForDispatches waits for
//     them to end.
//     Request headers sent: the headers template's, Content-Type,
//     X-Apify-Webhook and X-Apify-Webhook-Dispatch-Id.
//   - Charging: a charge that would take a run past its maxTotalChargeUsd is
//     refused whole (400 limit-reached); the SDKs charge only what fits. The
//     restartOnError option is accepted and never acted on (a failed run is
//     not restarted). Usage and limits count compute units of runs only,
//     priced as the free plan; the usage cycle is the calendar month.
//   - Schedules: no notifications are sent; a firing that finds its Actor or
//     task gone, or no build to run, logs an ERROR entry instead of a run.
//     Store entries count the runs of their Actor when one was given (Func)
//     and report no reviews or pictures; relevance keeps the order of
//     AddStoreActor, and newest and lastUpdate the reverse.
//   - encode-and-sign uses the fake's own encoding (base64url JSON and an
//     HMAC keyed by the server's token), readable only by the same server's
//     decode-and-verify, which reports isVerifiedUser false. browser-info
//     reports the Authorization header redacted and countryCode null.
//   - Named storages are reached as "username~name" only for the server's
//     user (see WithUsername); all storages belong to that user.
//   - Waiting (waitForFinish, run-sync, timeouts, lock expiry, delays) uses the
//     server's Clock; see WithClock and FakeClock for tests that must not wait.
//   - Request IDs are derived from the unique key, as on the platform, but
//     other IDs come from a seeded generator (see WithSeed).
package apifytest
