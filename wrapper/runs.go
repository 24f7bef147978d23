package apify

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/apifygo/apify/gen"
)

// RunOptions override an Actor's (or task's) default run settings for one
// run. The zero value (or nil) keeps every default. They apply to
// [Client.StartActor], [Client.StartTask], [Client.CallActor],
// [Client.CallTask] and the run-sync methods.
type RunOptions struct {
	// Build is the build tag or number to run, e.g. "latest" or "0.1.234".
	Build string
	// MemoryMbytes is the memory of the run in megabytes: a power of two,
	// at least 128.
	MemoryMbytes int
	// Timeout bounds the run; it is sent in whole seconds, rounded up.
	Timeout time.Duration
	// MaxItems caps the dataset items charged for pay-per-result Actors.
	MaxItems int
	// MaxTotalChargeUSD caps the total cost of the run in US dollars.
	MaxTotalChargeUSD float64
	// RestartOnError restarts the run when it fails; nil keeps the Actor's
	// setting.
	RestartOnError *bool
	// ForcePermissionLevel overrides the Actor's permission level for this
	// run: "LIMITED_PERMISSIONS" or "FULL_PERMISSIONS".
	ForcePermissionLevel string
	// Webhooks are ad-hoc webhooks attached to this run only.
	Webhooks []RunWebhook
	// ContentType is the media type of an input given as []byte, e.g.
	// "text/plain; charset=utf-8". Leave it empty for JSON.
	ContentType string
	// WaitForFinish makes the start request wait up to this long (at most
	// 60 s) for the run to finish. Start methods only; Call waits anyway.
	WaitForFinish time.Duration
}

// RunWebhook is an ad-hoc webhook attached to a single run (the API's
// WebhookRepresentation). EventTypes and RequestURL are required.
type RunWebhook struct {
	// EventTypes are the events that fire the webhook, e.g.
	// "ACTOR.RUN.SUCCEEDED" or "ACTOR.RUN.FAILED".
	EventTypes []string `json:"eventTypes"`
	// RequestURL receives the webhook's POST.
	RequestURL string `json:"requestUrl"`
	// PayloadTemplate is the template of the JSON payload.
	PayloadTemplate string `json:"payloadTemplate,omitempty"`
	// HeadersTemplate is the template of the HTTP headers.
	HeadersTemplate string `json:"headersTemplate,omitempty"`
	// ShouldInterpolateStrings also interpolates {{...}} inside string values.
	ShouldInterpolateStrings bool `json:"shouldInterpolateStrings,omitempty"`
	// IdempotencyKey keeps a retried start from creating the webhook twice.
	IdempotencyKey string `json:"idempotencyKey,omitempty"`
	// IgnoreSslErrors ignores TLS errors when the webhook is sent.
	IgnoreSslErrors bool `json:"ignoreSslErrors,omitempty"`
	// DoNotRetry skips retrying the webhook request on failure.
	DoNotRetry bool `json:"doNotRetry,omitempty"`
}

// maxWaitForFinish is the longest waitForFinish the API honours.
const maxWaitForFinish = 60 * time.Second

// query validates o (named what in errors) and returns the query parameters
// of a run start. With start false, WaitForFinish must be zero (run-sync and
// resurrect take none).
func (o *RunOptions) query(what string, start bool) (url.Values, error) {
	q := url.Values{}
	if o == nil {
		return q, nil
	}
	var errs []error
	if o.MemoryMbytes != 0 && !validMemory(o.MemoryMbytes) {
		errs = append(errs, fmt.Errorf("the MemoryMbytes %d is not a power of two of at least 128", o.MemoryMbytes))
	}
	if o.Timeout < 0 {
		errs = append(errs, fmt.Errorf("the Timeout %v is negative", o.Timeout))
	}
	if o.MaxItems < 0 {
		errs = append(errs, fmt.Errorf("the MaxItems %d is negative", o.MaxItems))
	}
	if o.MaxTotalChargeUSD < 0 || math.IsNaN(o.MaxTotalChargeUSD) || math.IsInf(o.MaxTotalChargeUSD, 0) {
		errs = append(errs, fmt.Errorf("the MaxTotalChargeUSD %v is not a non-negative amount", o.MaxTotalChargeUSD))
	}
	switch o.ForcePermissionLevel {
	case "", "LIMITED_PERMISSIONS", "FULL_PERMISSIONS":
	default:
		errs = append(errs, fmt.Errorf("the ForcePermissionLevel %q is not LIMITED_PERMISSIONS or FULL_PERMISSIONS", o.ForcePermissionLevel))
	}
	switch {
	case o.WaitForFinish < 0 || o.WaitForFinish > maxWaitForFinish:
		errs = append(errs, fmt.Errorf("the WaitForFinish %v is out of range 0..60s (use WaitForRun to wait longer)", o.WaitForFinish))
	case o.WaitForFinish > 0 && !start:
		errs = append(errs, errors.New("the WaitForFinish applies to the start methods only; run-sync and Call wait on their own"))
	}
	for i, h := range o.Webhooks {
		if len(h.EventTypes) == 0 || strings.TrimSpace(h.RequestURL) == "" {
			errs = append(errs, fmt.Errorf("the Webhooks[%d] needs EventTypes and a RequestURL", i))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("apify: invalid %s: %w", what, err)
	}
	if o.Build != "" {
		q.Set("build", o.Build)
	}
	if o.MemoryMbytes != 0 {
		q.Set("memory", strconv.Itoa(o.MemoryMbytes))
	}
	if o.Timeout > 0 {
		q.Set("timeout", strconv.FormatInt(ceilSeconds(o.Timeout), 10))
	}
	if o.MaxItems > 0 {
		q.Set("maxItems", strconv.Itoa(o.MaxItems))
	}
	if o.MaxTotalChargeUSD > 0 {
		q.Set("maxTotalChargeUsd", strconv.FormatFloat(o.MaxTotalChargeUSD, 'f', -1, 64))
	}
	if o.RestartOnError != nil {
		q.Set("restartOnError", strconv.FormatBool(*o.RestartOnError))
	}
	if o.ForcePermissionLevel != "" {
		q.Set("forcePermissionLevel", o.ForcePermissionLevel)
	}
	if o.WaitForFinish > 0 {
		q.Set("waitForFinish", strconv.FormatInt(ceilSeconds(o.WaitForFinish), 10))
	}
	if len(o.Webhooks) > 0 {
		raw, err := json.Marshal(o.Webhooks)
		if err != nil {
			return nil, fmt.Errorf("apify: invalid %s: the Webhooks: %w", what, err)
		}
		q.Set("webhooks", base64.StdEncoding.EncodeToString(raw))
	}
	return q, nil
}

func (o *RunOptions) contentType() string {
	if o == nil {
		return ""
	}
	return o.ContentType
}

// idPath builds /v2/<collection>/<id>[/<rest>...], rejecting an empty ID
// (what names it in the error). A "username/name" ID is sent as
// "username~name", as the API expects; rest is appended unescaped.
func idPath(collection, id, what string, rest ...string) (string, error) {
	p := runStoragePath(collection, id, what, strings.Join(rest, "/"))
	if p.err != nil {
		return "", p.err
	}
	return strings.TrimSuffix(p.path, "/"), nil
}

func validMemory(mb int) bool { return mb >= 128 && mb&(mb-1) == 0 }

// ceilSeconds rounds d up to whole seconds.
func ceilSeconds(d time.Duration) int64 {
	return int64((d + time.Second - 1) / time.Second)
}

// encodeInput turns a run input into a request body and its content type:
// nil sends no body (the Actor's or task's default input applies); []byte
// and json.RawMessage are sent as they are, typed by contentType (JSON when
// empty, which the bytes must then be); any other value is encoded as JSON.
func encodeInput(input any, contentType string) ([]byte, string, error) {
	switch v := input.(type) {
	case nil:
		if contentType != "" {
			return nil, "", errors.New("apify: ContentType is set but the input is nil")
		}
		return nil, "", nil
	case json.RawMessage:
		return rawInput(v, contentType)
	case []byte:
		return rawInput(v, contentType)
	}
	if contentType != "" && !isJSONMedia(contentType) {
		return nil, "", fmt.Errorf("apify: ContentType %q applies to []byte input; a %T is sent as JSON", contentType, input)
	}
	body, err := json.Marshal(input)
	if err != nil {
		return nil, "", fmt.Errorf("apify: encoding the input (%T) as JSON: %w", input, err)
	}
	return body, "application/json", nil
}

func rawInput(b []byte, contentType string) ([]byte, string, error) {
	if contentType == "" {
		if !json.Valid(b) {
			return nil, "", errors.New("apify: the input bytes are not JSON; set RunOptions.ContentType to say what they are (e.g. text/plain)")
		}
		return b, "application/json", nil
	}
	if _, _, err := mime.ParseMediaType(contentType); err != nil {
		return nil, "", fmt.Errorf("apify: ContentType %q is not a media type: %w", contentType, err)
	}
	if isJSONMedia(contentType) && !json.Valid(b) {
		return nil, "", fmt.Errorf("apify: the input is not valid JSON although ContentType is %q", contentType)
	}
	return b, contentType, nil
}

func isJSONMedia(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// StartActor starts a run of an Actor and returns it, usually still READY or
// RUNNING; use [Client.WaitForRun] to wait for it, or [Client.CallActor] to
// do both. actorID is an Actor ID or "username~actor-name" ("username/name"
// works too).
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
func (c *Client) StartActor(ctx context.Context, actorID string, input any, opts *RunOptions) (*gen.Run, error) {
	return c.startRun(ctx, runStoragePath("actors", actorID, "actorID", "runs"), input, opts)
}

// StartTask starts a run of a saved task and returns it, as
// [Client.StartActor] does. A JSON object input is merged over the task's
// input by the API; nil runs the task's input. taskID is a task ID or
// "username~task-name".
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-runs-post
func (c *Client) StartTask(ctx context.Context, taskID string, input any, opts *RunOptions) (*gen.Run, error) {
	return c.startRun(ctx, runStoragePath("actor-tasks", taskID, "taskID", "runs"), input, opts)
}

func (c *Client) startRun(ctx context.Context, p itemsPath, input any, opts *RunOptions) (*gen.Run, error) {
	if p.err != nil {
		return nil, p.err
	}
	q, err := opts.query("RunOptions", true)
	if err != nil {
		return nil, err
	}
	body, ctype, err := encodeInput(input, opts.contentType())
	if err != nil {
		return nil, err
	}
	if opts != nil && opts.WaitForFinish > 0 {
		ctx = c.longPoll(ctx, opts.WaitForFinish)
	}
	return callJSON[gen.Run](ctx, c, http.MethodPost, p.path, q, bodyReader(body), ctype)
}

// bodyReader returns a replayable reader for b, or a nil io.Reader (not a
// nil *bytes.Reader) for no body.
func bodyReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}

// CallActor starts a run of an Actor and waits for it to finish, as
// [Client.StartActor] and [Client.WaitForRun] do. It returns the finished
// run and a nil error when the run SUCCEEDED; for any other final status
// (FAILED, TIMED-OUT, ABORTED) it returns the run and a [*RunFailedError]
// (matching [ErrRunFailed]). When ctx ends first, it returns the run as last
// seen and an error wrapping ctx.Err(); the run goes on.
//
// Apify API docs: https://docs.apify.com/api/v2/actors-runs-post
func (c *Client) CallActor(ctx context.Context, actorID string, input any, opts *RunOptions) (*gen.Run, error) {
	return c.call(ctx, runStoragePath("actors", actorID, "actorID", "runs"), input, opts)
}

// CallTask starts a run of a task and waits for it to finish; see
// [Client.CallActor].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-task-runs-post
func (c *Client) CallTask(ctx context.Context, taskID string, input any, opts *RunOptions) (*gen.Run, error) {
	return c.call(ctx, runStoragePath("actor-tasks", taskID, "taskID", "runs"), input, opts)
}

func (c *Client) call(ctx context.Context, p itemsPath, input any, opts *RunOptions) (*gen.Run, error) {
	var start RunOptions
	if opts != nil {
		start = *opts
	}
	start.WaitForFinish = 0 // the wait below long-polls anyway
	run, err := c.startRun(ctx, p, input, &start)
	if err != nil {
		return nil, err
	}
	final, err := c.WaitForRun(ctx, run.ID, nil)
	if err != nil {
		if final == nil {
			final = run
		}
		return final, err
	}
	if final.Status != gen.ActorJobStatusSUCCEEDED {
		return final, &RunFailedError{Run: final}
	}
	return final, nil
}

// GetRun returns a run (its status, storages, statistics).
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-get
func (c *Client) GetRun(ctx context.Context, runID string) (*gen.Run, error) {
	path, err := idPath("actor-runs", runID, "runID")
	if err != nil {
		return nil, err
	}
	return callJSON[gen.Run](ctx, c, http.MethodGet, path, nil, nil, "")
}

// ErrRunFailed matches a [*RunFailedError]: a run that finished with a status
// other than SUCCEEDED.
var ErrRunFailed = errors.New("apify: run did not succeed")

// RunFailedError reports a run that finished without succeeding (FAILED,
// TIMED-OUT or ABORTED). Run is the finished run; its StatusMessage usually
// says why, and its log tells more ([Client.FollowRunLog]).
type RunFailedError struct {
	// Run is the run in its final state.
	Run *gen.Run
}

// Error describes the run, e.g.
// "apify: run HG7ML7M8z78YcAPEB of Actor moJRLRc85AitArpNN finished FAILED: out of memory".
func (e *RunFailedError) Error() string {
	if e.Run == nil {
		return "apify: run did not succeed"
	}
	msg := fmt.Sprintf("apify: run %s of Actor %s finished %s", e.Run.ID, e.Run.ActID, e.Run.Status)
	if m, err := e.Run.StatusMessage.Get(); err == nil && m != "" {
		msg += ": " + m
	}
	return msg
}

// Is reports whether target is [ErrRunFailed].
func (e *RunFailedError) Is(target error) bool { return target == ErrRunFailed }
