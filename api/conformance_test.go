package api

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apifygo/apify/api/validation"
	"github.com/apifygo/apify/gen/genclient"
	"github.com/apifygo/apify/spec"
)

// allowListPath lists operations that cannot conform because of the
// document itself, one "operationId reason" per line.
const allowListPath = "conformance-allow.txt"

// TestConformance calls every operation of the pinned document through the
// generated ClientWithResponses against a local server that validates each
// request and each reply against the (upstream, unnormalized) document, and
// checks that the documented success and error replies decode into the
// generated types. See issue 7.
func TestConformance(t *testing.T) {
	t.Parallel()
	raw := readDoc(t, currentDoc)
	lock, err := spec.ReadLock(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := lock.Check(raw); err != nil {
		t.Fatalf("gen/ was generated from the pinned document; this one is not it: %v", err)
	}

	type built struct {
		v    *validation.Validator
		err  error
		took time.Duration
	}
	ready := make(chan built, 1)
	go func() { // the validator takes seconds to start; overlap it with the rest
		start := time.Now()
		v, err := validation.Start(currentDoc, validation.Options{LazySchemas: true})
		ready <- built{v: v, err: err, took: time.Since(start)}
	}()

	doc, err := parseConfDoc(raw)
	if err != nil {
		t.Fatal(err)
	}
	ops, err := doc.operations(raw)
	if err != nil {
		t.Fatal(err)
	}
	normalizedRaw, _, err := spec.Normalize(raw)
	if err != nil {
		t.Fatal(err)
	}
	normalized, err := parseConfDoc(normalizedRaw)
	if err != nil {
		t.Fatal(err)
	}
	allowed := readAllowList(t, ops)
	methods := confMethods()

	b := <-ready
	if b.err != nil {
		t.Fatalf("building the validator from %s: %v", currentDoc, b.err)
	}
	t.Logf("validator built in %v", b.took.Round(time.Millisecond))
	defer b.v.Close()
	srv := newConfServer(b.v)
	defer srv.Close()
	client, err := genclient.NewClientWithResponses(srv.URL, genclient.WithRequestEditorFn(bearer))
	if err != nil {
		t.Fatal(err)
	}

	for _, f := range controls(doc, ops, srv) {
		t.Error(f)
	}

	conform, allowListed := 0, 0
	for _, op := range ops {
		problems := checkOperation(doc, normalized, op, methods[lettersOnly(op.ID)], srv, client)
		reason, isAllowed := allowed[op.ID]
		switch {
		case len(problems) == 0 && isAllowed:
			t.Errorf("%s conforms but is allow-listed (%s): remove it from %s", op, reason, allowListPath)
		case len(problems) == 0:
			conform++
		case isAllowed:
			allowListed++
			t.Logf("%s allow-listed (%s):\n\t%s", op, reason, strings.Join(problems, "\n\t"))
		default:
			t.Errorf("%s does not conform:\n\t%s", op, strings.Join(problems, "\n\t"))
		}
	}

	summary := fmt.Sprintf("%d/%d operations conform", conform, len(ops))
	if allowListed > 0 {
		summary += fmt.Sprintf(", %d allow-listed", allowListed)
	}
	t.Log(summary)
	fmt.Fprintln(os.Stdout, summary)
}

// checkOperation exercises one operation twice: with every documented
// query parameter, answered with its documented success response; then with
// only the required parameters, answered with a documented 4xx error (404,
// else 400, else the first). It returns what did not conform.
func checkOperation(doc, normalized *confDoc, op confOperation, methods map[string]bool, srv *confServer, client *genclient.ClientWithResponses) []string {
	if len(methods) == 0 {
		return []string{"no generated ClientWithResponses method"}
	}
	successes := doc.responses(op.Op, '2')
	if len(successes) == 0 {
		return []string{"the document declares no success response"}
	}
	success := successes[0]
	plan, err := doc.reply(op.Method, success)
	if err != nil {
		return []string{fmt.Sprintf("%d response: %v", success.Code, err)}
	}
	res, problems := exchange(doc, op, methods, true, plan, srv, client)
	if res.IsValid() {
		problems = append(problems, checkSuccess(res, plan, typedResponse(normalized, op, success.Code))...)
	}

	errs := doc.responses(op.Op, '4')
	if len(errs) == 0 {
		return dedupe(problems)
	}
	chosen := errs[0]
	for _, e := range errs {
		if e.Code == 404 || (e.Code == 400 && chosen.Code != 404) {
			chosen = e
		}
	}
	ePlan, err := doc.reply(op.Method, chosen)
	if err != nil {
		return dedupe(append(problems, fmt.Sprintf("%d response: %v", chosen.Code, err)))
	}
	res, more := exchange(doc, op, methods, false, ePlan, srv, client)
	problems = append(problems, more...)
	if res.IsValid() {
		problems = append(problems, checkError(res, ePlan)...)
	}
	return dedupe(problems)
}

// exchange calls the operation's generated method once, the server
// answering with plan. It returns the typed response (invalid if the call
// failed) and what went wrong with the request, the reply or the call.
func exchange(doc *confDoc, op confOperation, methods map[string]bool, optional bool, plan confPlan, srv *confServer, client *genclient.ClientWithResponses) (reflect.Value, []string) {
	args, err := doc.buildArgs(op, methods, optional)
	if err != nil {
		return reflect.Value{}, []string{err.Error()}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.expect(plan.confReply)
	res, err := args.call(ctx, client)
	seen := srv.received()
	problems := checkRequest(op, args, seen)
	if seen != nil {
		for _, e := range seen.ResponseErrors {
			problems = append(problems, fmt.Sprintf("the documented %d reply does not validate: %s", plan.Status, e))
		}
	}
	if err != nil {
		return reflect.Value{}, append(problems, fmt.Sprintf("the generated client failed on the documented %d %s reply: %v", plan.Status, plan.MediaType, err))
	}
	return res, problems
}

// dedupe drops repeated messages, keeping the first of each.
func dedupe(msgs []string) []string {
	seen := map[string]bool{}
	out := msgs[:0]
	for _, m := range msgs {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out
}

// typedResponse reports whether the normalized document (the one gen/ was
// generated from) gives this success response a JSON body, so the
// generated code must decode it into JSON<status>; otherwise the body is raw
// by design.
func typedResponse(normalized *confDoc, op confOperation, code int) bool {
	nop := normalized.deref(normalized.deref(normalized.root["paths"].(map[string]any)[op.Path])[strings.ToLower(op.Method)])
	for _, r := range normalized.responses(nop, byte('0'+code/100)) {
		if r.Code != code {
			continue
		}
		for _, m := range normalized.media(r.Def["content"]) {
			if isJSONMedia(m.Type) && m.Def["schema"] != nil {
				return true
			}
		}
	}
	return false
}

// readAllowList reads conformance-allow.txt and checks that each entry
// names an operation of the document and gives a reason.
func readAllowList(t *testing.T, ops []confOperation) map[string]string {
	t.Helper()
	f, err := os.Open(allowListPath)
	if err != nil {
		t.Fatalf("the allow-list must exist (it may hold only comments): %v", err)
	}
	defer f.Close()
	known := map[string]bool{}
	for _, op := range ops {
		known[op.ID] = true
	}
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, " ")
		reason = strings.TrimSpace(reason)
		switch {
		case !known[id]:
			t.Errorf("%s:%d: %q is not an operation of the document", allowListPath, n, id)
		case reason == "":
			t.Errorf("%s:%d: %s has no reason", allowListPath, n, id)
		case out[id] != "":
			t.Errorf("%s:%d: %s is listed twice", allowListPath, n, id)
		default:
			out[id] = reason
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
