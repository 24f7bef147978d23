// Package apify is a Go client for the Apify API
// (https://docs.apify.com/api/v2). Import it as
//
//	import apify "github.com/apifygo/apify/wrapper"
//
// [NewClient] builds a [Client] from validating options: [WithToken] or
// [WithTokenFromEnv], [WithBaseURL], [WithHTTPClient], [WithUserAgent],
// [WithMaxRetries] and [WithRetryPolicy], [WithTimeout] and [WithLogger].
// The client never reads the environment unless an option asks it to.
//
// Every one of the API's operations is reachable through the generated client
// of package github.com/apifygo/apify/gen/genclient: apifyapi.New(client)
// (package github.com/apifygo/apify/wrapper/apifyapi) returns it sending
// through this client's chain: bearer auth, User-Agent, retries, per-attempt
// timeout, logging and response limits. It is a separate import so that
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
// success whose body cannot be read or decoded matches
// [ErrUnexpectedResponse]; a request that got no answer unwraps to its cause
// (context errors, [ErrTimeout] for an attempt cut by [WithTimeout], network
// errors). The token never appears in errors, log records or printed values.
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
//	    header (ChargeRun), AbortRun, and the helpers that add requests by
//	    uniqueKey.
//	(2) per call with AllowUnsafeRetries(ctx), per client with
//	    RetryPolicy.RetryNonIdempotent.
//	(3) calls that decode JSON: apifyapi and the JSON helpers. Streams (dataset
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
