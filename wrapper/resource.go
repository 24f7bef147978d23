package apify

import (
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
)

// resource is what every resource client holds: the client, the resource's
// escaped path ("/v2/actor-runs/abc"), query parameters sent with every
// request to it (the last-run filters, a request queue's clientKey), and the
// error building the handle ran into (an invalid ID), which every method
// returns before sending anything. Building a resource does no I/O.
type resource struct {
	c     *Client
	path  string
	query url.Values
	desc  string // what the resource is, for messages: "dataset abc", "the default dataset of run xyz"
	err   error
}

// newResource is the resource at /v2/<collection>/<id>, id checked as the
// parameter named param; kind names it in messages ("run", "dataset").
func (c *Client) newResource(collection, kind, param, id string) resource {
	seg, err := resourceID(param, id)
	return resource{c: c, path: "/v2/" + collection + "/" + seg, desc: kind + " " + id, err: err}
}

// collection is the resource at /v2/<collection>.
func (c *Client) collection(name string) resource {
	return resource{c: c, path: "/v2/" + name, desc: name}
}

// child is the resource at r's path joined with segments, which are already
// escaped. It shares r's query parameters and error; desc, when not empty,
// describes it.
func (r resource) child(desc string, segments ...string) resource {
	r.path += "/" + strings.Join(segments, "/")
	if desc != "" {
		r.desc = desc
	}
	return r
}

// withQuery is r with name=value added to the parameters of every request.
func (r resource) withQuery(name, value string) resource {
	q := maps.Clone(r.query)
	if q == nil {
		q = url.Values{}
	}
	q.Set(name, value)
	r.query = q
	return r
}

// check returns the error that stops a call before any request: an invalid
// handle, a nil client or a nil ctx.
func (r resource) check(ctx context.Context) error {
	switch {
	case r.err != nil:
		return r.err
	case r.c == nil:
		return errors.New("apify: the resource client has no *Client; create it from one made by NewClient")
	case r.c.cfg == nil:
		return errNoConfig
	case ctx == nil:
		return errors.New("apify: nil context; pass context.Background() or a request context")
	}
	return nil
}

// errNoConfig is the error of a Client that NewClient did not make (the
// zero value, apify.Client{}): it has no base URL, transport or token.
var errNoConfig = errors.New("apify: the Client is a zero value; create it with NewClient")

// params merges r's own query parameters with q (q wins).
func (r resource) params(q url.Values) url.Values {
	if len(r.query) == 0 {
		return q
	}
	out := maps.Clone(r.query)
	maps.Copy(out, q)
	return out
}

// request builds a request to r's path (plus sub, escaped, when not empty).
func (r resource) request(ctx context.Context, method, sub string, q url.Values, body io.Reader, contentType string) (*http.Request, error) {
	if err := r.check(ctx); err != nil {
		return nil, err
	}
	path := r.path
	if sub != "" {
		path += "/" + sub
	}
	return r.c.newRequest(ctx, method, path, r.params(q), body, contentType)
}

// send sends a request to r's path (plus sub) and returns the streaming 2xx
// answer; see Client.do.
func (r resource) send(ctx context.Context, method, sub string, q url.Values, body io.Reader, contentType string) (*http.Response, error) {
	req, err := r.request(ctx, method, sub, q, body, contentType)
	if err != nil {
		return nil, err
	}
	return r.c.do(req)
}

// sendDiscard sends a request and discards a successful answer's body.
func (r resource) sendDiscard(ctx context.Context, method, sub string, q url.Values, body io.Reader, contentType string) error {
	req, err := r.request(ctx, method, sub, q, body, contentType)
	if err != nil {
		return err
	}
	return r.c.doDiscard(req)
}

// callResource sends a request to r's path (plus sub) and decodes its JSON
// answer into a new T: the shape of most resource-client methods. Like the
// other generic helpers it is a one-line shell over a non-generic core
// (callInto), so each type argument costs the compiler one small function.
func callResource[T any](ctx context.Context, r resource, method, sub string, q url.Values, body io.Reader, contentType string) (*T, error) {
	v := new(T)
	if err := r.callInto(ctx, method, sub, q, body, contentType, v); err != nil {
		return nil, err
	}
	return v, nil
}

// callInto is callResource decoding into v, a non-nil pointer.
func (r resource) callInto(ctx context.Context, method, sub string, q url.Values, body io.Reader, contentType string, v any) error {
	req, err := r.request(ctx, method, sub, q, body, contentType)
	if err != nil {
		return err
	}
	return r.c.doJSONInto(req, v)
}

// getResource reads the resource itself.
func getResource[T any](ctx context.Context, r resource) (*T, error) {
	return callResource[T](ctx, r, http.MethodGet, "", nil, nil, "")
}

// deleteResource deletes the resource itself.
func (r resource) delete(ctx context.Context) error {
	return r.sendDiscard(ctx, http.MethodDelete, "", nil, nil, "")
}
