package apify

import (
	"errors"
	"net/http"
	"net/url"
)

// headerTransport is the innermost link of the chain: on a clone of every
// outgoing request it sets the User-Agent and, only for requests to the
// configured API origin, the Authorization header. Adding the token here,
// per attempt and per redirect hop, rather than on the caller's request keeps
// it out of requests the caller can see and off any other host.
type headerTransport struct {
	next      http.RoundTripper
	token     *secret
	origin    *url.URL // scheme and host the token may be sent to
	userAgent string
	// workflowKey, when not empty, is sent as X-Apify-Workflow-Key to the
	// API origin (see workflowKey).
	workflowKey string
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if r.Header.Get("User-Agent") == "" {
		r.Header.Set("User-Agent", t.userAgent)
	}
	if sameOrigin(r.URL, t.origin) {
		if t.token != nil && r.Header.Get("Authorization") == "" {
			r.Header.Set("Authorization", "Bearer "+t.token.reveal())
		}
		if t.workflowKey != "" && r.Header.Get("X-Apify-Workflow-Key") == "" {
			r.Header.Set("X-Apify-Workflow-Key", t.workflowKey)
		}
	} else {
		r.Header.Del("Authorization")
	}
	return t.next.RoundTrip(r)
}

// sameOrigin reports whether u has the scheme and host (port included) of
// origin.
func sameOrigin(u, origin *url.URL) bool {
	return u.Scheme == origin.Scheme && u.Host == origin.Host
}

// checkRedirect wraps a caller's CheckRedirect (or Go's default limit of 10
// hops) and drops the Authorization header (in case a caller set it on the
// request themselves) and the Referer that http.Client adds when a redirect
// leaves the API origin.
func checkRedirect(origin *url.URL, next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if !sameOrigin(req.URL, origin) {
			// Neither the credentials nor the URL we came from (a signed
			// URL carries its signature in the query) go to another host.
			req.Header.Del("Authorization")
			req.Header.Del("Referer")
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}
