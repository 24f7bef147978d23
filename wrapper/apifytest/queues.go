package apifytest

import (
	"net/http"
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

// queue finds the queue named by the queueId path parameter and records the
// access of the request's client key. Callers hold Server.mu.
func (c *call) queue() (*requestQueue, error) {
	id := c.params["queueId"]
	rq, ok := c.s.queues.lookup(c.s, id)
	if !ok {
		return nil, notFound("Request queue", id)
	}
	return rq, nil
}

// GET /v2/request-queues — https://docs.apify.com/api/v2/request-queues-get
func listQueues(c *call) error {
	offset, limit, desc, err := c.listWindow()
	if err != nil {
		return err
	}
	unnamed, err := c.boolParam("unnamed", false)
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	var all []requestQueueJSON
	for _, rq := range c.s.queues.order {
		if rq.name != "" || unnamed {
			all = append(all, c.requestQueueJSON(rq, true))
		}
	}
	page, items := pageOf(all, offset, limit, desc)
	page.Items, page.Unnamed = items, &unnamed
	writeData(c.w, http.StatusOK, page)
	return nil
}

// POST /v2/request-queues — https://docs.apify.com/api/v2/request-queues-post
func createQueueHandler(c *call) error {
	name := c.query.Get("name")
	if name != "" {
		if err := checkStorageName(name); err != nil {
			return err
		}
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if id, ok := c.s.queues.byName[name]; ok && name != "" {
		writeData(c.w, http.StatusOK, c.requestQueueJSON(c.s.queues.byID[id], false))
		return nil
	}
	rq := c.s.createQueue(name)
	c.w.Header().Set("Location", c.publicURL("/v2/request-queues/"+rq.id))
	writeData(c.w, http.StatusCreated, c.requestQueueJSON(rq, false))
	return nil
}

// GET /v2/request-queues/{queueId} — https://docs.apify.com/api/v2/request-queue-get
func getQueue(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, err := c.queue()
	if err != nil {
		return err
	}
	rq.touch(c.s.now(), false)
	writeData(c.w, http.StatusOK, c.requestQueueJSON(rq, false))
	return nil
}

// PUT /v2/request-queues/{queueId} — https://docs.apify.com/api/v2/request-queue-put
func updateQueue(c *call) error {
	var body updateStorageBody
	if err := c.decodeJSONBody(&body, "the queue's new name"); err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, err := c.queue()
	if err != nil {
		return err
	}
	if err := renameStorage(c.s.queues, rq, body.Name); err != nil {
		return err
	}
	rq.touch(c.s.now(), true)
	writeData(c.w, http.StatusOK, c.requestQueueJSON(rq, false))
	return nil
}

// DELETE /v2/request-queues/{queueId} — https://docs.apify.com/api/v2/request-queue-delete
func deleteQueue(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, err := c.queue()
	if err != nil {
		return err
	}
	c.s.queues.remove(rq.id)
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}
