// Package validation checks HTTP exchanges against the Apify API document for
// this repository's tests: api's conformance test and apifytest's tests, which
// check every exchange with the fake.
//
// The checking is done by api/validator, a program in a module of its own: its
// dependencies (libopenapi and libopenapi-validator) are needed by tests only,
// so they stay out of this module's go.mod and out of every consumer's module
// graph. A Validator runs that program once and talks to it over a pipe, one
// JSON line per exchange.
//
// The program is the binary named by APIFY_VALIDATOR when it is set (make test
// builds it once into build/apify-validator), else it is built from the
// api/validator source of this checkout with `go run`.
package validation

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Options choose how the document is checked.
type Options struct {
	// LazySchemas compiles each schema on first use rather than all of them
	// up front.
	LazySchemas bool
	// JSONLAsText reads application/jsonl bodies as text, as a document that
	// declares a string schema for them says, rather than as one JSON value.
	JSONLAsText bool
}

// Request is a request as the validator sees it.
type Request struct {
	Method string      `json:"method"`
	URL    string      `json:"url"`
	Header http.Header `json:"header,omitempty"`
	Body   []byte      `json:"body,omitempty"`
}

// Response is a response as the validator sees it.
type Response struct {
	Status int         `json:"status"`
	Header http.Header `json:"header,omitempty"`
	Body   []byte      `json:"body,omitempty"`
	// NoBody says the response has no body at all (a HEAD response), which
	// the validator treats differently from an empty one.
	NoBody bool `json:"noBody,omitempty"`
}

// Exchange is one request to check and, when Response is set, its response.
type Exchange struct {
	Request Request `json:"request"`
	// SkipRequest checks only the response (the request is invalid on purpose).
	SkipRequest bool      `json:"skipRequest,omitempty"`
	Response    *Response `json:"response,omitempty"`
}

// Problem is one way an exchange departs from the document.
type Problem struct {
	ValidationType         string          `json:"validationType,omitempty"`
	ValidationSubType      string          `json:"validationSubType,omitempty"`
	Message                string          `json:"message,omitempty"`
	Reason                 string          `json:"reason,omitempty"`
	SchemaValidationErrors []SchemaFailure `json:"schemaValidationErrors,omitempty"`
}

// SchemaFailure is one schema violation inside a Problem.
type SchemaFailure struct {
	Reason    string `json:"reason,omitempty"`
	FieldPath string `json:"fieldPath,omitempty"`
}

// Verdict is what the validator says about an Exchange. Error is set when it
// could not check it at all.
type Verdict struct {
	Request  []Problem `json:"request,omitempty"`
	Response []Problem `json:"response,omitempty"`
	Error    string    `json:"error,omitempty"`
}

// NewRequest captures r, whose body has already been read into body.
func NewRequest(r *http.Request, body []byte) Request {
	u := *r.URL
	if u.Host == "" {
		u.Scheme, u.Host = "http", r.Host
	}
	return Request{Method: r.Method, URL: u.String(), Header: r.Header.Clone(), Body: body}
}

// Validator is a running validator program. Its methods are safe for
// concurrent use; exchanges are checked one at a time.
type Validator struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *json.Decoder
	stderr *tailBuffer
	broken error
}

// Start runs the validator program on the document at docPath and waits
// until it has read the document.
func Start(docPath string, opts Options) (*Validator, error) {
	abs, err := filepath.Abs(docPath)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("the API document is not readable: %w", err)
	}
	args := []string{"-doc", abs}
	if opts.LazySchemas {
		args = append(args, "-lazy-schemas")
	}
	if opts.JSONLAsText {
		args = append(args, "-jsonl-as-text")
	}
	cmd, err := command(args)
	if err != nil {
		return nil, err
	}
	v := &Validator{cmd: cmd, stderr: &tailBuffer{max: 8 << 10}}
	cmd.Stderr = v.stderr
	if v.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	v.out = json.NewDecoder(bufio.NewReader(stdout))
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the validator %s: %w", cmd.Path, err)
	}
	var ready Verdict
	if err := v.out.Decode(&ready); err != nil {
		_ = cmd.Wait()
		return nil, fmt.Errorf("the validator did not start: %v\n%s", err, v.stderr)
	}
	if ready.Error != "" {
		_ = v.Close()
		return nil, errors.New(ready.Error)
	}
	return v, nil
}

// command is the validator program with args: APIFY_VALIDATOR, else go run
// of the source beside this package.
func command(args []string) (*exec.Cmd, error) {
	if bin := os.Getenv("APIFY_VALIDATOR"); bin != "" {
		return exec.Command(bin, args...), nil
	}
	_, file, _, ok := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(file), "..", "validator")
	if _, err := os.Stat(filepath.Join(src, "go.mod")); !ok || err != nil {
		return nil, errors.New("the validator's source (api/validator) is not in this checkout; build it and set APIFY_VALIDATOR to the binary")
	}
	goTool := "go"
	if p, err := exec.LookPath("go"); err == nil {
		goTool = p
	}
	cmd := exec.Command(goTool, append([]string{"run", "."}, args...)...)
	cmd.Dir = src
	return cmd, nil
}

// Check sends ex to the validator and returns its verdict.
func (v *Validator) Check(ex Exchange) (Verdict, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.broken != nil {
		return Verdict{}, v.broken
	}
	line, err := json.Marshal(ex)
	if err != nil {
		return Verdict{}, err
	}
	var verdict Verdict
	if _, err = v.stdin.Write(append(line, '\n')); err == nil {
		err = v.out.Decode(&verdict)
	}
	if err != nil {
		v.broken = fmt.Errorf("the validator stopped: %v\n%s", err, v.stderr)
		return Verdict{}, v.broken
	}
	if verdict.Error != "" {
		return verdict, errors.New(verdict.Error)
	}
	return verdict, nil
}

// Close stops the validator program.
func (v *Validator) Close() error {
	_ = v.stdin.Close()
	return v.cmd.Wait()
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   bytes.Buffer
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b.Write(p)
	if extra := t.b.Len() - t.max; extra > 0 {
		t.b.Next(extra)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(t.b.String())
}
