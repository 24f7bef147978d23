package apifytest

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault describes a failure the server injects into matching requests,
// before it checks the token. Exactly one of Status, CutConnection and
// TruncateBody may be set; Delay may be combined with any of them or used
// alone (the request is then served normally after the delay).
type Fault struct {
	// Method restricts the fault to one HTTP method; "" matches any.
	Method string
	// Path restricts the fault to matching request paths; "" matches any.
	// Segments are compared after unescaping; "*" or a template parameter
	// such as "{datasetId}" matches one segment, and a final "**" matches
	// the rest of the path, if any. Example: "/v2/datasets/*/items".
	Path string
	// Operation restricts the fault to one operationId of the API document
	// (such as "dataset_items_get"); "" matches any.
	Operation string

	// Status answers with this status code and the API's error envelope.
	Status int
	// RetryAfter, with Status, sets the Retry-After header (whole seconds,
	// rounded up).
	RetryAfter time.Duration
	// ErrorType and Message, with Status, override the error envelope's
	// type and message. The default type follows the status code, such as
	// "rate-limit-exceeded" for 429 and "internal-server-error" for 5xx.
	ErrorType, Message string

	// CutConnection closes the connection without answering.
	CutConnection bool
	// TruncateBody serves the request, then sends only the first half of
	// the response body (with the full Content-Length) and closes the
	// connection. A response of fewer than two bytes is cut instead.
	TruncateBody bool
	// Delay waits this long on the server's clock (or until the client
	// gives up) before the rest of the fault, or before serving the request.
	Delay time.Duration

	// Times is how many matching requests the fault hits (0 means once);
	// it must not be negative. RandomFaults ignore it.
	Times int
	// After lets this many matching requests through before the fault hits,
	// such as the second batch of a series; it must not be negative.
	// RandomFaults ignore it.
	After int
}

func (f *Fault) validate() error {
	n := 0
	if f.Status != 0 {
		n++
		if f.Status < 400 || f.Status > 599 {
			return fmt.Errorf("apifytest: Fault.Status %d is not an error status (400-599)", f.Status)
		}
	}
	if f.CutConnection {
		n++
	}
	if f.TruncateBody {
		n++
	}
	switch {
	case n > 1:
		return errors.New("apifytest: a Fault sets more than one of Status, CutConnection and TruncateBody; split it into separate faults")
	case n == 0 && f.Delay <= 0:
		return errors.New("apifytest: a Fault sets none of Status, CutConnection, TruncateBody and Delay")
	case f.Delay < 0, f.RetryAfter < 0:
		return errors.New("apifytest: a Fault has a negative Delay or RetryAfter")
	case f.Times < 0:
		return fmt.Errorf("apifytest: Fault.Times %d is negative; use 0 or 1 for one request, n for n requests", f.Times)
	case f.After < 0:
		return fmt.Errorf("apifytest: Fault.After %d is negative; use 0 to hit the next matching request", f.After)
	case f.Status == 0 && (f.RetryAfter != 0 || f.ErrorType != "" || f.Message != ""):
		return errors.New("apifytest: Fault.RetryAfter, ErrorType and Message need Status")
	case f.Path != "" && !strings.HasPrefix(f.Path, "/"):
		return fmt.Errorf("apifytest: Fault.Path %q must start with /", f.Path)
	case f.Path != "" && strings.Contains(strings.TrimSuffix(f.Path, "/**"), "**"):
		return fmt.Errorf("apifytest: Fault.Path %q may use ** only as its last segment", f.Path)
	}
	return nil
}

// matches reports whether the fault applies to a request.
func (f *Fault) matches(method string, segs []string, opID string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if f.Operation != "" && f.Operation != opID {
		return false
	}
	if f.Path == "" {
		return true
	}
	pat := strings.Split(strings.TrimPrefix(f.Path, "/"), "/")
	if n := len(pat); n > 0 && pat[n-1] == "**" {
		pat = pat[:n-1]
		if len(segs) < len(pat) {
			return false
		}
		segs = segs[:len(pat)]
	}
	if len(pat) != len(segs) {
		return false
	}
	for i, p := range pat {
		if p != "*" && !isParam(p) && p != segs[i] {
			return false
		}
	}
	return true
}

func (f *Fault) describe() string {
	var parts []string
	if f.Delay > 0 {
		parts = append(parts, "delay "+f.Delay.String())
	}
	switch {
	case f.Status != 0:
		parts = append(parts, "status "+strconv.Itoa(f.Status))
	case f.CutConnection:
		parts = append(parts, "cut connection")
	case f.TruncateBody:
		parts = append(parts, "truncated body")
	}
	return strings.Join(parts, ", ")
}

// RandomFaults makes the server fail a random share of requests, drawn from a
// generator seeded with Seed: the same sequence of requests meets the same
// faults on every run.
type RandomFaults struct {
	// Seed seeds the generator.
	Seed uint64
	// Rate is the probability, from 0 to 1, that an eligible request fails.
	Rate float64
	// Method, Path and Operation select the eligible requests, as in Fault.
	Method, Path, Operation string
	// Faults are the failures to choose from, uniformly; their own Method,
	// Path and Operation are ignored. The default is statuses 500, 502 and
	// 503, and 429 with a Retry-After of one second.
	Faults []Fault
}

func (rf *RandomFaults) validate() error {
	if math.IsNaN(rf.Rate) || rf.Rate < 0 || rf.Rate > 1 {
		return fmt.Errorf("apifytest: RandomFaults.Rate %v is outside [0, 1]", rf.Rate)
	}
	sel := Fault{Method: rf.Method, Path: rf.Path, Operation: rf.Operation, Delay: 1}
	if err := sel.validate(); err != nil {
		return err
	}
	for i := range rf.Faults {
		if err := rf.Faults[i].validate(); err != nil {
			return fmt.Errorf("RandomFaults.Faults[%d]: %w", i, err)
		}
	}
	return nil
}

var defaultRandomFaults = []Fault{
	{Status: http.StatusInternalServerError},
	{Status: http.StatusBadGateway},
	{Status: http.StatusServiceUnavailable},
	{Status: http.StatusTooManyRequests, RetryAfter: time.Second},
}

// pendingFault is an injected fault with the number of requests it still
// lets through and still hits.
type pendingFault struct {
	Fault
	skip, left int
}

// faultInjector holds the faults of one server.
type faultInjector struct {
	mu      sync.Mutex
	pending []*pendingFault
	random  *RandomFaults
	sel     Fault
	rnd     *rand.Rand
}

func (fi *faultInjector) setRandom(rf *RandomFaults) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.random = rf
	fi.rnd = nil
	if rf == nil || rf.Rate == 0 {
		fi.random = nil
		return
	}
	fi.sel = Fault{Method: rf.Method, Path: rf.Path, Operation: rf.Operation}
	fi.rnd = rand.New(rand.NewPCG(rf.Seed, rf.Seed^0x5851f42d4c957f2d))
}

// take returns the fault for a request, if any, and uses it up. Injected
// faults come first, in the order they were added; then the random ones.
func (fi *faultInjector) take(method string, segs []string, opID string) (Fault, bool) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	for i, p := range fi.pending {
		if !p.matches(method, segs, opID) {
			continue
		}
		if p.skip > 0 {
			p.skip--
			continue
		}
		p.left--
		if p.left == 0 {
			fi.pending = append(fi.pending[:i], fi.pending[i+1:]...)
		}
		return p.Fault, true
	}
	if fi.random == nil || !fi.sel.matches(method, segs, opID) {
		return Fault{}, false
	}
	if fi.rnd.Float64() >= fi.random.Rate {
		return Fault{}, false
	}
	choices := fi.random.Faults
	if len(choices) == 0 {
		choices = defaultRandomFaults
	}
	return choices[fi.rnd.IntN(len(choices))], true
}

// InjectFault makes the next f.Times requests (one if 0) that match f fail as
// f says; a fault that does not validate is refused. Faults are used in the
// order they were added. For example, the next two item reads answer 503:
//
//	srv.InjectFault(apifytest.Fault{Path: "/v2/datasets/*/items", Status: 503, Times: 2})
func (s *Server) InjectFault(f Fault) error {
	if s.tb != nil {
		s.tb.Helper()
	}
	return s.fail(s.injectFault(f))
}

// injectFault is InjectFault without failing the test.
func (s *Server) injectFault(f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	times := max(f.Times, 1)
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.pending = append(s.faults.pending, &pendingFault{Fault: f, skip: f.After, left: times})
	return nil
}

// SetRandomFaults replaces the server's random faults; a Rate of 0 turns them
// off. The generator restarts from rf.Seed.
func (s *Server) SetRandomFaults(rf RandomFaults) error {
	if s.tb != nil {
		s.tb.Helper()
	}
	return s.fail(s.setRandomFaults(rf))
}

// setRandomFaults is SetRandomFaults without failing the test.
func (s *Server) setRandomFaults(rf RandomFaults) error {
	if err := rf.validate(); err != nil {
		return err
	}
	rf.Faults = append([]Fault(nil), rf.Faults...)
	s.faults.setRandom(&rf)
	return nil
}

// PendingFaults returns how many injected fault hits are left (random faults
// not counted), so a test can check that its faults were all used.
func (s *Server) PendingFaults() int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	n := 0
	for _, p := range s.faults.pending {
		n += p.left
	}
	return n
}

// ClearFaults removes the injected and random faults.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.pending = nil
	s.faults.random = nil
	s.faults.rnd = nil
}

// applyFault carries out f on a request. It reports whether the request should
// still be served (a pure delay).
func (s *Server) applyFault(w *statusWriter, r *http.Request, f Fault, serve func(*statusWriter)) bool {
	if f.Delay > 0 {
		ctx, cancel := s.requestContext(r)
		defer cancel()
		if !sleep(ctx, s.cfg.clock, f.Delay) {
			return false // the client gave up, or the server is closing
		}
	}
	switch {
	case f.Status != 0:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds()))))
		}
		typ, msg := f.ErrorType, f.Message
		if typ == "" {
			typ = errorTypeForStatus(f.Status)
		}
		if msg == "" {
			msg = fmt.Sprintf("apifytest injected a %d %s fault", f.Status, http.StatusText(f.Status))
		}
		writeError(w, errorf(f.Status, typ, "%s", msg))
		return false
	case f.CutConnection:
		cutConnection(w)
		return false
	case f.TruncateBody:
		serveTruncated(w, serve)
		return false
	}
	return true
}

func errorTypeForStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "invalid-input"
	case http.StatusUnauthorized:
		return "user-or-token-not-found"
	case http.StatusPaymentRequired:
		return "x402-payment-required"
	case http.StatusForbidden:
		return "insufficient-permissions"
	case http.StatusNotFound:
		return "record-not-found"
	case http.StatusMethodNotAllowed:
		return "method-not-allowed"
	case http.StatusRequestTimeout:
		return "run-timeout-exceeded"
	case http.StatusConflict:
		return "concurrent-update-detected"
	case http.StatusRequestEntityTooLarge:
		return "request-too-large"
	case http.StatusUnsupportedMediaType:
		return "unsupported-content-encoding"
	case http.StatusTooManyRequests:
		return "rate-limit-exceeded"
	case http.StatusNotImplemented:
		return "not-implemented"
	default:
		return "internal-server-error"
	}
}

// cutConnection closes the client's connection without a response. The
// request is recorded first, so a client that sees the cut finds it logged.
func cutConnection(w *statusWriter) {
	w.finished()
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // the server closes the stream itself
	}
	_ = conn.Close()
}

// serveTruncated serves the request into a buffer and sends half the body.
func serveTruncated(w *statusWriter, serve func(*statusWriter)) {
	buf := &bufferWriter{header: http.Header{}}
	bw := &statusWriter{ResponseWriter: buf}
	serve(bw)
	body := buf.body.Bytes()
	if len(body) < 2 {
		cutConnection(w)
		return
	}
	for k, v := range buf.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	status := bw.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	w.finished() // before the client can see the body break off
	_, _ = w.Write(body[:len(body)/2])
	_ = http.NewResponseController(w).Flush()
	panic(http.ErrAbortHandler)
}

// bufferWriter is a ResponseWriter that keeps the response in memory.
type bufferWriter struct {
	header http.Header
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header         { return b.header }
func (b *bufferWriter) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferWriter) WriteHeader(int)             {}
