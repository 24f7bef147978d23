package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"

	"github.com/apifygo/apify/api/validation"
)

// confReply is the response the conformance server sends next.
type confReply struct {
	Status int
	Header http.Header
	Body   []byte
}

// confSeen is what the conformance server received and what the validator
// said about the request and about the reply.
type confSeen struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   []byte
	RequestErrors          []string
	ResponseErrors         []string
}

// confServer is a local API server: it validates every request against the
// upstream document and answers with the reply the test planned, after
// validating that reply against the document too. Calls are sequential.
type confServer struct {
	*httptest.Server
	v *validation.Validator

	mu   sync.Mutex
	next confReply
	seen *confSeen
}

func newConfServer(v *validation.Validator) *confServer {
	s := &confServer{v: v}
	s.Server = httptest.NewServer(s)
	return s
}

// expect sets the next reply and forgets the previous request.
func (s *confServer) expect(r confReply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next, s.seen = r, nil
}

// received returns what the last request looked like, or nil.
func (s *confServer) received() *confSeen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen
}

func (s *confServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	seen := &confSeen{Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body}
	s.mu.Lock()
	reply := s.next
	s.mu.Unlock()
	verdict, err := s.v.Check(validation.Exchange{
		Request:  validation.NewRequest(r, body),
		Response: &validation.Response{Status: reply.Status, Header: reply.Header, Body: reply.Body},
	})
	if err != nil {
		seen.RequestErrors = []string{err.Error()}
	}
	seen.RequestErrors = append(seen.RequestErrors, describeValidation(verdict.Request)...)
	seen.ResponseErrors = describeValidation(verdict.Response)

	s.mu.Lock()
	s.seen = seen
	s.mu.Unlock()
	for k, vs := range reply.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(reply.Status)
	if len(reply.Body) > 0 && bodyAllowed(r.Method, reply.Status) {
		_, _ = w.Write(reply.Body)
	}
}

// bodyAllowed reports whether HTTP lets a response to method with status
// carry a body.
func bodyAllowed(method string, status int) bool {
	return method != http.MethodHead && status != http.StatusNoContent && status != http.StatusNotModified && status >= 200
}

// describeValidation renders validator errors as short sorted lines.
func describeValidation(errs []validation.Problem) []string {
	var out []string
	for _, e := range errs {
		line := e.Message
		if e.Reason != "" && e.Reason != e.Message {
			line += ": " + e.Reason
		}
		var details []string
		for _, se := range e.SchemaValidationErrors {
			d := se.Reason
			if se.FieldPath != "" {
				d = se.FieldPath + " " + d
			}
			details = append(details, d)
		}
		sort.Strings(details)
		if len(details) > 0 {
			line += " [" + strings.Join(details, "; ") + "]"
		}
		out = append(out, line)
	}
	sort.Strings(out)
	return out
}
