package apifytest

import (
	"sort"
	"time"
)

// requestQueue is a request queue held in memory. Callers hold Server.mu.
type requestQueue struct {
	storageMeta
	requests   map[string]*queuedRequest // by ID
	byKey      map[string]string         // uniqueKey -> ID
	seq        int64                     // insertion counter, for listing
	head, tail float64                   // next order numbers at either end
	clients    map[string]bool           // client keys seen
	anonymous  int                       // accesses without a client key
	reads      int
	writes     int
	deletes    int
	headReads  int
}

// queuedRequest is a request in a queue with its queue state.
type queuedRequest struct {
	req       requestJSON
	seq       int64     // insertion order
	order     float64   // position among pending requests
	lockUntil time.Time // zero if never locked
	lockOwner string
}

func (q *queuedRequest) handled() bool { return q.req.HandledAt != nil }

func (q *queuedRequest) lockedAt(now time.Time) bool { return q.lockUntil.After(now) }

func (rq *requestQueue) counts() (total, handled int) {
	for _, r := range rq.requests {
		if r.handled() {
			handled++
		}
	}
	return len(rq.requests), handled
}

// access records a client's access, for hadMultipleClients.
func (rq *requestQueue) access(clientKey string) {
	if clientKey == "" {
		rq.anonymous++
		return
	}
	rq.clients[clientKey] = true
}

func (rq *requestQueue) hadMultipleClients() bool { return len(rq.clients)+rq.anonymous > 1 }

// place puts r at the head or tail of the pending order.
func (rq *requestQueue) place(r *queuedRequest, forefront bool) {
	if forefront {
		rq.head--
		r.order = rq.head
	} else {
		rq.tail++
		r.order = rq.tail
	}
}

// pending returns the unhandled, unlocked requests in queue order.
func (rq *requestQueue) pending(now time.Time) []*queuedRequest {
	var out []*queuedRequest
	for _, r := range rq.requests {
		if !r.handled() && !r.lockedAt(now) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].order < out[j].order })
	return out
}

// firstPending returns at most limit of the pending requests, in queue order.
func (rq *requestQueue) firstPending(now time.Time, limit int64) []*queuedRequest {
	p := rq.pending(now)
	if int64(len(p)) > limit {
		p = p[:limit]
	}
	return p
}

// requestQueueJSON is the RequestQueue schema, and RequestQueueShort in lists.
type requestQueueJSON struct {
	ID                  string       `json:"id"`
	Name                *string      `json:"name"`
	UserID              string       `json:"userId"`
	Username            string       `json:"username,omitempty"`
	ActID               *string      `json:"actId"`
	ActRunID            *string      `json:"actRunId"`
	CreatedAt           apiTime      `json:"createdAt"`
	ModifiedAt          apiTime      `json:"modifiedAt"`
	AccessedAt          apiTime      `json:"accessedAt"`
	TotalRequestCount   int          `json:"totalRequestCount"`
	HandledRequestCount int          `json:"handledRequestCount"`
	PendingRequestCount int          `json:"pendingRequestCount"`
	HadMultipleClients  bool         `json:"hadMultipleClients"`
	ConsoleURL          string       `json:"consoleUrl,omitempty"`
	GeneralAccess       string       `json:"generalAccess"`
	Stats               requestStats `json:"stats"`
}

type requestStats struct {
	DeleteCount       int `json:"deleteCount"`
	HeadItemReadCount int `json:"headItemReadCount"`
	ReadCount         int `json:"readCount"`
	WriteCount        int `json:"writeCount"`
}

func (c *call) requestQueueJSON(rq *requestQueue, list bool) requestQueueJSON {
	total, handled := rq.counts()
	j := requestQueueJSON{
		ID: rq.id, Name: nullable(rq.name), UserID: c.s.userID,
		ActID: nullable(rq.actID), ActRunID: nullable(rq.actRunID),
		CreatedAt: apiTime(rq.createdAt), ModifiedAt: apiTime(rq.modifiedAt), AccessedAt: apiTime(rq.accessAt),
		TotalRequestCount: total, HandledRequestCount: handled, PendingRequestCount: total - handled,
		HadMultipleClients: rq.hadMultipleClients(),
		GeneralAccess:      "FOLLOW_USER_SETTING",
		Stats:              requestStats{DeleteCount: rq.deletes, HeadItemReadCount: rq.headReads, ReadCount: rq.reads, WriteCount: rq.writes},
	}
	if list {
		j.Username = c.s.cfg.username
	} else {
		j.ConsoleURL = consoleURL("request-queues", rq.id)
	}
	return j
}

// createQueue adds a queue. Callers hold Server.mu.
func (s *Server) createQueue(name string) *requestQueue {
	rq := &requestQueue{storageMeta: s.newMeta(name), requests: map[string]*queuedRequest{},
		byKey: map[string]string{}, clients: map[string]bool{}}
	s.queues.add(rq)
	return rq
}

// queueKind serves the request queue operations every storage kind has:
//   - GET /v2/request-queues — https://docs.apify.com/api/v2/request-queues-get
//   - POST /v2/request-queues — https://docs.apify.com/api/v2/request-queues-post
//   - GET /v2/request-queues/{queueId} — https://docs.apify.com/api/v2/request-queue-get
//   - PUT /v2/request-queues/{queueId} — https://docs.apify.com/api/v2/request-queue-put
//   - DELETE /v2/request-queues/{queueId} — https://docs.apify.com/api/v2/request-queue-delete
var queueKind = &storageKind[*requestQueue]{
	path: "/v2/request-queues", param: "queueId", what: "Request queue", noun: "queue",
	registry: func(s *Server) *registry[*requestQueue] { return s.queues },
	create:   (*Server).createQueue,
	render:   func(c *call, rq *requestQueue, list bool) any { return c.requestQueueJSON(rq, list) },
}

// queue finds the queue named by the queueId path parameter. Callers hold
// Server.mu.
func (c *call) queue() (*requestQueue, error) { return queueKind.find(c) }
