package apifytest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/apifygo/apify/api/apidoc"
	"github.com/apifygo/apify/api/validation"
)

var (
	validatorOnce sync.Once
	theValidator  *validation.Validator
	validatorErr  error
)

// apiValidator returns the validator of the pinned document (a separate
// program, see package validation), started once per test binary. The
// document serves dataset items as application/jsonl with a string schema, so
// those bodies are read as text, as the document says.
//
// Without the document (see package apidoc) or the validator's source (a
// module copy has neither), it returns nil and the tests check the fake's
// behaviour unvalidated; in CI that fails the test instead.
func apiValidator(tb testing.TB) *validation.Validator {
	tb.Helper()
	validatorOnce.Do(func() {
		doc, err := apidoc.CurrentPath()
		if err != nil {
			validatorErr = err
			return
		}
		theValidator, validatorErr = validation.Start(doc,
			validation.Options{LazySchemas: true, JSONLAsText: true})
		if validatorErr != nil {
			validatorErr = fmt.Errorf("the API document validator is unavailable: %w", validatorErr)
		}
	})
	if validatorErr != nil && apidoc.InCI() {
		tb.Fatalf("%v (CI=true: in CI every exchange must be validated)", validatorErr)
	}
	return theValidator
}

// requireValidator skips a test that is about validation when there is no
// validator (see apiValidator), saying why; in CI it fails the test.
func requireValidator(tb testing.TB) {
	tb.Helper()
	if apiValidator(tb) == nil {
		apidoc.SkipOrFail(tb, validatorErr.Error())
	}
}

// invalidRequestKey marks a request context: the test sends an invalid request
// on purpose, so only the response is validated.
type invalidRequestKey struct{}

func withInvalidRequest(ctx context.Context) context.Context {
	return context.WithValue(ctx, invalidRequestKey{}, true)
}

// validatingTransport validates every exchange with the server against the
// API document: the request (unless marked invalid) and the response.
type validatingTransport struct {
	tb   testing.TB
	base http.RoundTripper

	mu   sync.Mutex
	seen map[string]int // operationId -> responses validated
}

func newValidatingTransport(tb testing.TB, base http.RoundTripper) *validatingTransport {
	apiValidator(tb)
	return &validatingTransport{tb: tb, base: base, seen: map[string]int{}}
}

func (vt *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		var err error
		if reqBody, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		_ = req.Body.Close()
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := vt.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		// A truncated body (an injected fault): hand it on unvalidated.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(respBody), errReader{err}))
		return resp, nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	vt.validate(req, reqBody, resp, respBody)
	return resp, nil
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// undeclaredStatuses are statuses the fake sends that the document declares
// for no operation: 501 for what it does not implement and the 5xx of
// injected faults. Their bodies are checked against the error envelope by
// validating them as the operation's 429 response, which every operation
// declares with the ErrorResponse schema.
var undeclaredStatuses = map[int]bool{500: true, 501: true, 502: true, 503: true, 504: true}

func (vt *validatingTransport) validate(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) {
	v := apiValidator(vt.tb)
	if v == nil {
		return
	}
	// The document describes bodies after Content-Encoding is undone; the
	// library does not undo it.
	if decoded, err := decodeBody(req.Header.Get("Content-Encoding"), reqBody); err == nil {
		reqBody = decoded
	}
	segs, _ := splitPath(req.URL.EscapedPath())
	m := match(req.Method, segs)
	ex := validation.Exchange{
		Request:     validation.NewRequest(req, reqBody),
		SkipRequest: m.route == nil || req.Context().Value(invalidRequestKey{}) != nil,
		Response:    &validation.Response{Status: resp.StatusCode, Header: resp.Header.Clone(), Body: respBody},
	}
	if m.route == nil {
		// A path or method the document lacks: check the error envelope
		// as if it came from GET /v2/users/me.
		ex.Request = validation.Request{Method: http.MethodGet, URL: "http://fake/v2/users/me",
			Header: http.Header{"Authorization": {"Bearer x"}}}
		ex.Response.Status = http.StatusTooManyRequests
	} else if undeclaredStatuses[ex.Response.Status] {
		ex.Response.Status = http.StatusTooManyRequests
	}
	if req.Method == http.MethodHead || len(respBody) == 0 {
		ex.Response.Body, ex.Response.NoBody = nil, true
	}
	verdict, err := v.Check(ex)
	if err != nil {
		vt.tb.Errorf("%s %s: %v", req.Method, req.URL.RequestURI(), err)
		return
	}
	problems := append(verdict.Request, verdict.Response...)
	problems = dropKnownDeviations(m, problems)
	if len(problems) > 0 {
		vt.tb.Errorf("%s %s -> %d does not conform to the API document:\n%s\nresponse body: %.600s",
			req.Method, req.URL.RequestURI(), resp.StatusCode, describeProblems(problems), respBody)
		return
	}
	if m.route != nil {
		vt.mu.Lock()
		vt.seen[m.route.op.id]++
		vt.mu.Unlock()
	}
}

// unnamedInList matches the path of a list item's name.
var unnamedInList = regexp.MustCompile(`^\$\.data\.items\[\d+\]\.name$`)

// dropKnownDeviations removes the validation failures that are the
// document's, not the fake's. Each is narrow and explained:
//
//   - Storage lists with unnamed=1: DatasetListItem and RequestQueueShort
//     declare name as a required non-null string, yet an unnamed storage has
//     no name (the single-storage schemas Dataset and RequestQueue declare it
//     nullable). The fake sends null, as for the single storages.
//   - run-sync-get-dataset-items (Actor and task, GET and POST) take the
//     dataset items' format parameter but declare only application/json for
//     201, so a csv or jsonl answer has an "unknown" content type.
//   - run-sync (Actor and task, GET and POST) answers with the run's OUTPUT
//     record; the document's description says the response "may not contain
//     any data" when the Actor stored none, but its 201 schema has no empty
//     variant, so an empty 201 has an "unknown" content type.
//   - Some DELETE operations (Actor, version, environment variable, task)
//     declare their 204 with an application/json body; HTTP gives a 204 no
//     body, and the fake sends none, as for every other DELETE.
//   - The task variants of run-sync-get-dataset-items declare their 201 JSON
//     body as an object, yet it is the dataset items' array (the Actor
//     variants declare an array of objects).
func dropKnownDeviations(m matchResult, problems []validation.Problem) []validation.Problem {
	if m.route == nil {
		return problems
	}
	var out []validation.Problem
	for _, p := range problems {
		id := m.route.op.id
		if strings.Contains(id, "runSyncGetDatasetItems") && p.ValidationType == "response" &&
			(strings.Contains(p.Message, "content type 'text/csv' does not exist") ||
				strings.Contains(p.Message, "content type 'application/jsonl' does not exist")) {
			continue
		}
		if strings.HasSuffix(strings.ToLower(id), "_runsync_get") || strings.HasSuffix(strings.ToLower(id), "_runsync_post") {
			if p.ValidationType == "response" && strings.Contains(p.Message, "content type '' does not exist") {
				continue
			}
		}
		if m.route.op.method == http.MethodDelete && p.ValidationType == "response" &&
			strings.Contains(p.Message, "204 operation response content type '' does not exist") {
			continue
		}
		if strings.HasPrefix(id, "actorTask_runSyncGetDatasetItems") && p.ValidationType == "response" &&
			allFailures(p, func(f validation.SchemaFailure) bool {
				return f.Reason == "got array, want object" && f.FieldPath == ""
			}) && len(p.SchemaValidationErrors) == 1 {
			continue
		}
		switch id {
		case "datasets_get", "requestQueues_get":
			if len(p.SchemaValidationErrors) > 0 && allFailures(p, func(f validation.SchemaFailure) bool {
				return unnamedInList.MatchString(f.FieldPath) && strings.Contains(f.Reason, "got null, want string")
			}) {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

func allFailures(p validation.Problem, ok func(validation.SchemaFailure) bool) bool {
	for _, f := range p.SchemaValidationErrors {
		if !ok(f) {
			return false
		}
	}
	return true
}

func describeProblems(problems []validation.Problem) string {
	var b strings.Builder
	for _, p := range problems {
		reason := p.Reason
		if len(reason) > 300 {
			reason = reason[:300] + "..."
		}
		fmt.Fprintf(&b, "  %s: %s (%s)\n", p.ValidationType, p.Message, reason)
		for _, f := range p.SchemaValidationErrors {
			r := f.Reason
			if len(r) > 300 {
				r = r[:300] + "..."
			}
			fmt.Fprintf(&b, "    - %s at %s\n", r, f.FieldPath)
		}
	}
	return b.String()
}
