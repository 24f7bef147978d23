package apifytest

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"crypto/subtle"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// maxBodyBytes bounds what the server reads of a request body; the API's own
// limits (9 MiB for items, records and batches) are checked by the handlers.
const maxBodyBytes = 64 << 20

// payloadLimit is the API's limit on dataset pushes, records and batches.
const payloadLimit = 9 << 20

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	entry := RecordedRequest{
		Method:      r.Method,
		Path:        r.URL.Path,
		EscapedPath: r.URL.EscapedPath(),
		Query:       redactQuery(r.URL.Query()),
		Header:      redactHeader(r.Header),
		Time:        s.cfg.clock.Now(),
	}
	sw := &statusWriter{ResponseWriter: w, head: r.Method == http.MethodHead}
	// The entry is recorded before the client can see the end of the
	// response (see statusWriter.finish), so a test that has its answer
	// finds the request in Requests; the deferred call records the rest.
	sw.finish = sync.OnceFunc(func() {
		entry.Status = sw.status
		s.log.add(entry)
	})
	defer sw.finish()

	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		entry.Fault = "apifytest: reading the request body: " + err.Error()
		return
	}
	entry.Body = body

	segs, ok := splitPath(r.URL.EscapedPath())
	if !ok {
		writeError(sw, errorf(http.StatusBadRequest, "invalid-request", "The request path %q is not a valid URL path", r.URL.EscapedPath()))
		return
	}
	m := match(r.Method, segs)
	if m.route != nil {
		entry.Operation = m.route.op.id
	}
	entry.Authorized = s.tokenOK(r)

	serve := func(w *statusWriter) { s.serveAuthorized(w, r, m, body) }
	if f, ok := s.faults.take(r.Method, segs, entry.Operation); ok {
		entry.Fault = f.describe()
		if !s.applyFault(sw, r, f, serve) {
			return
		}
		// A pure delay goes on to serve the request.
	}
	serve(sw)
}

// serveAuthorized checks the token and serves the request.
func (s *Server) serveAuthorized(w *statusWriter, r *http.Request, m matchResult, body []byte) {
	var signature string
	if aerr := s.authenticate(r); aerr != nil && !(requestToken(r) == "" && m.route != nil && tokenlessOps[m.route.op.id]) {
		// A signed URL works without a token (checked by the route).
		signature = r.URL.Query().Get("signature")
		if requestToken(r) != "" || signature == "" || m.route == nil || signable(m.route.canonKey) == "" {
			writeError(w, aerr)
			return
		}
	}
	if len(body) > maxBodyBytes {
		writeError(w, errorf(http.StatusRequestEntityTooLarge, "request-too-large", "The payload is larger than apifytest accepts (%d bytes)", maxBodyBytes))
		return
	}
	body, derr := decodeBody(r.Header.Get("Content-Encoding"), body)
	if derr != nil {
		writeError(w, derr)
		return
	}
	if m.route == nil {
		writeError(w, unmatched(r.Method, r.URL.Path, m.allowed))
		return
	}
	c := &call{s: s, w: w, r: r, op: m.route.op, params: m.params, query: r.URL.Query(), body: body, signature: signature}
	if aerr := s.safeDispatch(m.route, c); aerr != nil {
		writeError(w, aerr)
	}
}

// safeDispatch turns a panic in a handler (or an Actor function called
// synchronously) into a 500, so that a bug shows as a failed request.
func (s *Server) safeDispatch(rt *route, c *call) (aerr *apiError) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			aerr = errorf(http.StatusInternalServerError, "internal-server-error", "apifytest panicked serving %s: %v", rt.op.id, p)
		}
	}()
	err := rt.dispatch(c)
	if err == nil {
		return nil
	}
	if ae, ok := err.(*apiError); ok {
		return ae
	}
	return errorf(http.StatusInternalServerError, "internal-server-error", "apifytest failed serving %s: %v", rt.op.id, err)
}

// unmatched is the answer for a path or method the API document lacks.
func unmatched(method, path string, allowed []string) *apiError {
	switch {
	case len(allowed) > 0:
		return errorf(http.StatusMethodNotAllowed, "method-not-allowed",
			"This API end-point can only be accessed using the following HTTP methods: %s", strings.Join(allowed, ","))
	case strings.HasPrefix(path, "/v2/"):
		return errorf(http.StatusNotImplemented, "not-implemented",
			"apifytest does not implement %s %s: the pinned API document (%s) has no such operation", method, path, apiVersion)
	default:
		return errorf(http.StatusNotFound, "page-not-found", "The path %s is not part of the Apify API; paths start with /v2/", path)
	}
}

// requestToken returns the token a request carries, from the Authorization header or
// the token query parameter.
func requestToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(tok)
		}
		return h
	}
	return r.URL.Query().Get("token")
}

func (s *Server) tokenOK(r *http.Request) bool {
	tok := requestToken(r)
	return tok != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.token)) == 1
}

func (s *Server) authenticate(r *http.Request) *apiError {
	tok := requestToken(r)
	switch {
	case tok == "" && s.cfg.public:
		return nil
	case tok == "":
		return errorf(http.StatusUnauthorized, "token-not-provided", "Authentication token was not provided")
	case !s.tokenOK(r):
		return errorf(http.StatusUnauthorized, "user-or-token-not-found", "User was not found or authentication token is not valid")
	}
	return nil
}

// decodeBody undoes the Content-Encoding of a request body. The API accepts
// br, gzip, deflate and identity (the official clients send br or gzip for
// bodies of 1 KiB or more); several codings are undone in reverse order of
// their listing, as RFC 9110 section 8.4 says. Any other coding is refused
// with 415 unsupported-content-encoding, as the real API does.
func decodeBody(encoding string, body []byte) ([]byte, *apiError) {
	codings := strings.Split(encoding, ",")
	for i := len(codings) - 1; i >= 0; i-- {
		coding := strings.ToLower(strings.TrimSpace(codings[i]))
		var (
			rd  io.Reader
			err error
		)
		switch coding {
		case "", "identity":
			continue
		case "br":
			rd = brotli.NewReader(bytes.NewReader(body))
		case "gzip", "x-gzip":
			rd, err = gzip.NewReader(bytes.NewReader(body))
		case "deflate":
			rd, err = zlibOrRawDeflate(body)
		default:
			return nil, errorf(http.StatusUnsupportedMediaType, "unsupported-content-encoding",
				"Content-Encoding %q is not supported; use br, gzip, deflate or identity", coding)
		}
		if err == nil {
			body, err = readDecoded(rd)
		}
		if err != nil {
			return nil, errorf(http.StatusBadRequest, "invalid-request", "The request body is not valid %s data: %v", coding, err)
		}
	}
	return body, nil
}

// zlibOrRawDeflate reads a "deflate" body: HTTP's deflate is the zlib format
// (RFC 9110 section 8.4.1.2), but some clients send raw deflate, which
// servers accept too.
func zlibOrRawDeflate(body []byte) (io.Reader, error) {
	if zr, err := zlib.NewReader(bytes.NewReader(body)); err == nil {
		return zr, nil
	}
	return flate.NewReader(bytes.NewReader(body)), nil
}

// readDecoded reads a decompressing reader up to maxBodyBytes.
func readDecoded(rd io.Reader) ([]byte, error) {
	out, err := io.ReadAll(io.LimitReader(rd, maxBodyBytes+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxBodyBytes {
		return nil, fmt.Errorf("the decoded body is larger than %d bytes", maxBodyBytes)
	}
	return out, nil
}

// statusWriter remembers the status code written through it.
type statusWriter struct {
	http.ResponseWriter
	status int
	// finish, if set, records the request; it is called once, just before
	// the client can see the response end: before the write that completes
	// a body of known length, before a body-less header, before a cut.
	finish func()
	head   bool  // a HEAD request: the header is the whole response
	left   int64 // body bytes still to come, or -1 if the length is unknown
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		w.left = -1
		if n, err := strconv.ParseInt(w.Header().Get("Content-Length"), 10, 64); err == nil {
			w.left = n
		}
		if w.head || w.left == 0 || code == http.StatusNoContent || code == http.StatusNotModified {
			w.finished()
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.left >= 0 {
		if int64(len(b)) >= w.left {
			w.finished()
		}
		w.left -= int64(len(b))
	}
	return w.ResponseWriter.Write(b)
}

// finished records the request, if this writer records one.
func (w *statusWriter) finished() {
	if w.finish != nil {
		w.finish()
	}
}

// Unwrap lets http.ResponseController reach Flush and Hijack.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush sends buffered data to the client.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
