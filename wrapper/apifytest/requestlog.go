package apifytest

import (
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"
)

// RecordedRequest is one request the server received, for assertions. The
// token never appears in it: the Authorization header and the token query
// parameter are redacted, and Authorized says whether the right token came.
type RecordedRequest struct {
	// Method and Path (unescaped) of the request.
	Method, Path string
	// EscapedPath is the path as the client sent it, percent-encoding kept
	// ("/v2/key-value-stores/k/records/a%2Fb" where Path has "a/b").
	EscapedPath string
	// Query holds the query parameters, with token redacted.
	Query url.Values
	// Header holds the request headers, with Authorization redacted.
	Header http.Header
	// Body is the request body as received (before Content-Encoding is undone).
	Body []byte
	// Operation is the operationId the request matched in the API document,
	// or "" if it matched none.
	Operation string
	// Authorized reports whether the request carried the server's token.
	Authorized bool
	// Status is the status code the server answered with, or 0 if it wrote
	// none (for example when a fault cut the connection).
	Status int
	// Fault describes the injected fault that hit the request, or is "".
	Fault string
	// Time is when the request arrived, on the server's clock.
	Time time.Time
}

// requestLog keeps RecordedRequests in arrival order.
type requestLog struct {
	mu      sync.Mutex
	entries []RecordedRequest
}

func (l *requestLog) add(e RecordedRequest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, e)
}

// Requests returns a copy of the requests the server has answered, in the
// order their answers ended. A request is recorded before its client can see
// the end of the answer (the last body byte, or the cut of an injected
// fault), so once a call returns, its requests are all in the log.
func (s *Server) Requests() []RecordedRequest {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	return slices.Clone(s.log.entries)
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	s.log.entries = nil
}

const redacted = "[REDACTED]"

func redactHeader(h http.Header) http.Header {
	h = h.Clone()
	if h == nil {
		h = http.Header{}
	}
	if v := h.Get("Authorization"); v != "" {
		if len(v) > 7 && v[:7] == "Bearer " {
			h.Set("Authorization", "Bearer "+redacted)
		} else {
			h.Set("Authorization", redacted)
		}
	}
	return h
}

func redactQuery(q url.Values) url.Values {
	if _, ok := q["token"]; ok {
		q.Set("token", redacted)
	}
	return q
}
