package apify

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RunOptions override an Actor's (or task's) default run settings for one
// run. The zero value (or nil) keeps every default. They are the one set of
// run settings of this package: Start and Call of [ActorClient] and
// [TaskClient] take them, run-sync takes them inside [RunSyncOptions] and
// [RunSyncItemsOptions], and [RunClient.Resurrect] takes the first six
// (Build through RestartOnError). A field the call cannot send is an error,
// not silently dropped.
type RunOptions struct {
	// Build is the build tag or number to run, e.g. "latest" or "0.1.234".
	Build string
	// MemoryMB is the memory of the run in megabytes: a power of two, at
	// least 128.
	MemoryMB int
	// Timeout bounds the run; it is sent in whole seconds, rounded up.
	Timeout time.Duration
	// MaxItems caps the dataset items charged for pay-per-result Actors.
	MaxItems int
	// MaxTotalChargeUSD caps the total cost of the run in US dollars.
	MaxTotalChargeUSD float64
	// RestartOnError restarts the run when it fails; nil keeps the setting.
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
	// 60 s) for the run to finish. Start only; Call and run-sync wait anyway.
	WaitForFinish time.Duration
}

// runUse is what a RunOptions is sent with: each takes other fields.
type runUse int

const (
	useStart     runUse = iota // all fields
	useSync                    // all but WaitForFinish
	useResurrect               // Build through RestartOnError
)

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

// checkRunSettings validates the settings every run-settings type shares.
func checkRunSettings(memoryMB int, timeout time.Duration, maxItems int, permissionLevel string) []error {
	var errs []error
	if memoryMB != 0 && !validMemory(memoryMB) {
		errs = append(errs, fmt.Errorf("the MemoryMB %d is not a power of two of at least 128", memoryMB))
	}
	if err := checkWholeSeconds("Timeout", timeout); err != nil {
		errs = append(errs, err)
	}
	if maxItems < 0 {
		errs = append(errs, fmt.Errorf("the MaxItems %d is negative", maxItems))
	}
	switch permissionLevel {
	case "", "LIMITED_PERMISSIONS", "FULL_PERMISSIONS":
	default:
		errs = append(errs, fmt.Errorf("the ForcePermissionLevel %q is not LIMITED_PERMISSIONS or FULL_PERMISSIONS", permissionLevel))
	}
	return errs
}

// query validates o (named what in errors) for use and returns its query
// parameters.
func (o *RunOptions) query(what string, use runUse) (url.Values, error) {
	q := url.Values{}
	if o == nil {
		return q, nil
	}
	errs := checkRunSettings(o.MemoryMB, o.Timeout, o.MaxItems, o.ForcePermissionLevel)
	if o.MaxTotalChargeUSD < 0 || math.IsNaN(o.MaxTotalChargeUSD) || math.IsInf(o.MaxTotalChargeUSD, 0) {
		errs = append(errs, fmt.Errorf("the MaxTotalChargeUSD %v is not a non-negative amount", o.MaxTotalChargeUSD))
	}
	switch {
	case o.WaitForFinish < 0 || o.WaitForFinish > maxWaitForFinish:
		errs = append(errs, fmt.Errorf("the WaitForFinish %v is out of range 0..60s (RunClient.Wait waits longer)", o.WaitForFinish))
	case o.WaitForFinish > 0 && use != useStart:
		errs = append(errs, errors.New("the WaitForFinish applies to Start only; run-sync, Call and Resurrect wait on their own or not at all"))
	}
	if use == useResurrect && (o.ForcePermissionLevel != "" || len(o.Webhooks) > 0 || o.ContentType != "") {
		errs = append(errs, errors.New("a resurrection takes only Build, MemoryMB, Timeout, MaxItems, MaxTotalChargeUSD and RestartOnError"))
	}
	for i, h := range o.Webhooks {
		if len(h.EventTypes) == 0 || strings.TrimSpace(h.RequestURL) == "" {
			errs = append(errs, fmt.Errorf("the Webhooks[%d] needs EventTypes and a RequestURL", i))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("apify: invalid %s: %w", what, err)
	}
	setQueryString(q, "build", o.Build)
	if o.MemoryMB != 0 {
		q.Set("memory", strconv.Itoa(o.MemoryMB))
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
	setQueryString(q, "forcePermissionLevel", o.ForcePermissionLevel)
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

func validMemory(mb int) bool { return mb >= 128 && mb&(mb-1) == 0 }

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
	if contentType != "" && !isJSON(contentType) {
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
	if isJSON(contentType) && !json.Valid(b) {
		return nil, "", fmt.Errorf("apify: the input is not valid JSON although ContentType is %q", contentType)
	}
	return b, contentType, nil
}

// bodyReader returns a replayable reader for b, or a nil io.Reader (not a
// nil *bytes.Reader) for no body.
func bodyReader(b []byte) io.Reader {
	if b == nil {
		return nil
	}
	return bytes.NewReader(b)
}

// ErrRunFailed matches a [*RunFailedError]: a run that finished with a status
// other than SUCCEEDED.
var ErrRunFailed = errors.New("apify: run did not succeed")

// RunFailedError reports a run that finished without succeeding (FAILED,
// TIMED-OUT or ABORTED). Run is the finished run; its StatusMessage usually
// says why, and its log tells more ([RunClient.Log]).
type RunFailedError struct {
	// Run is the run in its final state.
	Run *Run
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
