package apifytest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// operation is one operation of the API document.
type operation struct {
	method string
	path   string // template, e.g. /v2/datasets/{datasetId}
	id     string // operationId
}

// handlerFunc serves one canonical operation. It writes a successful response
// itself and returns an *apiError (or nil) otherwise.
type handlerFunc func(c *call) error

// call is one request on its way through the server.
type call struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	op     operation
	params map[string]string // path parameters, plus IDs resolved by steps
	query  url.Values
	body   []byte
	// signature is the signature a request without a token carries, to be
	// verified once the storage is resolved (see checkSignature).
	signature string
}

// route is an operation prepared for matching and dispatch.
type route struct {
	op       operation
	segs     []string // template segments; "{name}" is a parameter
	canonKey string   // "METHOD /template" of the handler that serves it
	steps    []resolveStep
}

// resolveStep turns the path of a convenience operation (a run's default
// storage, an Actor's last run...) into the IDs its canonical handler needs.
type resolveStep func(c *call) error

var (
	routesOnce sync.Once
	routes     []*route
)

func allRoutes() []*route {
	routesOnce.Do(func() {
		for _, op := range operations {
			canon, steps := canonicalize(op.path)
			routes = append(routes, &route{
				op:       op,
				segs:     strings.Split(strings.TrimPrefix(op.path, "/"), "/"),
				canonKey: op.method + " " + canon,
				steps:    steps,
			})
		}
	})
	return routes
}

// canonicalize maps a path template onto the template of the operation that
// does the work, with the steps that resolve the IDs on the way: for example
// /v2/actors/{actorId}/runs/last/dataset/items becomes
// /v2/datasets/{datasetId}/items after finding the last run and its dataset.
func canonicalize(tmpl string) (string, []resolveStep) {
	var steps []resolveStep
	for {
		var (
			prefix, repl string
			step         resolveStep
		)
		switch {
		case hasSegPrefix(tmpl, "/v2/actors/{actorId}/runs/last"):
			prefix, repl, step = "/v2/actors/{actorId}/runs/last", "/v2/actor-runs/{runId}", resolveLastRun("actorId", false)
		case hasSegPrefix(tmpl, "/v2/actor-tasks/{actorTaskId}/runs/last"):
			prefix, repl, step = "/v2/actor-tasks/{actorTaskId}/runs/last", "/v2/actor-runs/{runId}", resolveLastRun("actorTaskId", true)
		case hasSegPrefix(tmpl, "/v2/actors/{actorId}/runs/{runId}"):
			prefix, repl, step = "/v2/actors/{actorId}/runs/{runId}", "/v2/actor-runs/{runId}", resolveActorRun
		case hasSegPrefix(tmpl, "/v2/actor-runs/{runId}/dataset"):
			prefix, repl, step = "/v2/actor-runs/{runId}/dataset", "/v2/datasets/{datasetId}", resolveRunStorage("datasetId")
		case hasSegPrefix(tmpl, "/v2/actor-runs/{runId}/key-value-store"):
			prefix, repl, step = "/v2/actor-runs/{runId}/key-value-store", "/v2/key-value-stores/{storeId}", resolveRunStorage("storeId")
		case hasSegPrefix(tmpl, "/v2/actor-runs/{runId}/request-queue"):
			prefix, repl, step = "/v2/actor-runs/{runId}/request-queue", "/v2/request-queues/{queueId}", resolveRunStorage("queueId")
		case tmpl == "/v2/logs/{buildOrRunId}":
			prefix, repl, step = tmpl, "/v2/actor-runs/{runId}/log", resolveLogTarget
		default:
			return tmpl, steps
		}
		tmpl = repl + strings.TrimPrefix(tmpl, prefix)
		steps = append(steps, step)
	}
}

func hasSegPrefix(s, prefix string) bool {
	return s == prefix || strings.HasPrefix(s, prefix+"/")
}

// matchResult is the outcome of matching a request path.
type matchResult struct {
	route   *route            // nil if no operation has this method and path
	params  map[string]string // path parameters of route
	allowed []string          // methods of the path, if the path is known
}

// match finds the operation for method and the unescaped path segments. The
// most specific template wins: at the first position where two templates
// differ, a literal segment beats a parameter (so /v2/users/me beats
// /v2/users/{userId}).
func match(method string, segs []string) matchResult {
	var best []*route
	for _, rt := range allRoutes() {
		if len(rt.segs) != len(segs) || !segsMatch(rt.segs, segs) {
			continue
		}
		switch {
		case len(best) == 0:
			best = []*route{rt}
		case best[0].op.path == rt.op.path:
			best = append(best, rt)
		case moreSpecific(rt.segs, best[0].segs):
			best = []*route{rt}
		}
	}
	var res matchResult
	for _, rt := range best {
		res.allowed = append(res.allowed, rt.op.method)
		if rt.op.method == method {
			res.route = rt
			res.params = map[string]string{}
			for i, seg := range rt.segs {
				if isParam(seg) {
					res.params[seg[1:len(seg)-1]] = segs[i]
				}
			}
		}
	}
	return res
}

func segsMatch(tmpl, segs []string) bool {
	for i, t := range tmpl {
		if !isParam(t) && t != segs[i] {
			return false
		}
		if isParam(t) && segs[i] == "" {
			return false
		}
	}
	return true
}

func moreSpecific(a, b []string) bool {
	for i := range a {
		pa, pb := isParam(a[i]), isParam(b[i])
		if pa != pb {
			return !pa
		}
	}
	return false
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

// splitPath splits an escaped URL path into unescaped segments, so that an
// encoded "/" (as in "username%2Fname" or a record key) stays in its segment.
func splitPath(escaped string) ([]string, bool) {
	escaped = strings.TrimPrefix(escaped, "/")
	if len(escaped) > 1 {
		escaped = strings.TrimSuffix(escaped, "/")
	}
	raw := strings.Split(escaped, "/")
	segs := make([]string, len(raw))
	for i, r := range raw {
		seg, err := url.PathUnescape(r)
		if err != nil {
			return nil, false
		}
		segs[i] = seg
	}
	return segs, true
}

// Operations returns the operationIds of the API document's operations that
// the server implements, sorted. Every other operation answers 501.
func Operations() []string {
	var ids []string
	for _, rt := range allRoutes() {
		if handlers()[rt.canonKey] != nil {
			ids = append(ids, rt.op.id)
		}
	}
	slices.Sort(ids)
	return ids
}

// dispatch serves c through its route's steps and handler.
func (rt *route) dispatch(c *call) error {
	h := handlers()[rt.canonKey]
	if h == nil {
		return errorf(http.StatusNotImplemented, "not-implemented",
			"apifytest does not implement operation %s (%s %s); see the package documentation for what it implements",
			rt.op.id, rt.op.method, rt.op.path)
	}
	for _, step := range rt.steps {
		if err := step(c); err != nil {
			return err
		}
	}
	if c.signature != "" {
		if err := c.checkSignature(rt.canonKey); err != nil {
			return err
		}
	}
	return h(c)
}
