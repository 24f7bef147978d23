package apifytest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"time"
)

// batchLimit is how many requests one batch call processes.
const batchLimit = 25

// requestJSON is the Request schema (RequestBase plus id).
type requestJSON struct {
	ID            string          `json:"id,omitempty"`
	UniqueKey     string          `json:"uniqueKey"`
	URL           string          `json:"url"`
	Method        string          `json:"method,omitempty"`
	RetryCount    *int            `json:"retryCount,omitempty"`
	LoadedURL     *string         `json:"loadedUrl,omitempty"`
	Payload       json.RawMessage `json:"payload,omitempty"`
	Headers       json.RawMessage `json:"headers,omitempty"`
	UserData      json.RawMessage `json:"userData,omitempty"`
	NoRetry       *bool           `json:"noRetry,omitempty"`
	ErrorMessages []string        `json:"errorMessages,omitempty"`
	HandledAt     *string         `json:"handledAt,omitempty"`
}

var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}

// check validates a request sent by a client and fills in defaults.
func (r *requestJSON) check() error {
	switch {
	case r.URL == "":
		return fmt.Errorf("the request has no url")
	case r.UniqueKey == "":
		return fmt.Errorf("the request has no uniqueKey")
	}
	if r.Method == "" {
		r.Method = http.MethodGet
	}
	if !slices.Contains(httpMethods, r.Method) {
		return fmt.Errorf("the request's method %q is not one of %v", r.Method, httpMethods)
	}
	if r.HandledAt != nil {
		if _, err := time.Parse(time.RFC3339Nano, *r.HandledAt); err != nil {
			return fmt.Errorf("the request's handledAt %q is not an RFC 3339 date-time", *r.HandledAt)
		}
	}
	for name, raw := range map[string]json.RawMessage{"payload": r.Payload, "headers": r.Headers, "userData": r.UserData} {
		if len(raw) == 0 || jsonKind(raw) == 'n' {
			continue
		}
		if k := jsonKind(raw); name == "payload" && (k == '"' || k == '{') || k == '{' {
			continue
		}
		return fmt.Errorf("the request's %s has the wrong JSON type", name)
	}
	return nil
}

// registrationJSON is the RequestRegistration schema; in batch results it
// also carries the unique key (AddedRequest).
type registrationJSON struct {
	RequestID         string `json:"requestId"`
	UniqueKey         string `json:"uniqueKey,omitempty"`
	WasAlreadyPresent bool   `json:"wasAlreadyPresent"`
	WasAlreadyHandled bool   `json:"wasAlreadyHandled"`
}

// draftJSON is the RequestDraft schema.
type draftJSON struct {
	ID        string `json:"id,omitempty"`
	UniqueKey string `json:"uniqueKey"`
	URL       string `json:"url"`
	Method    string `json:"method,omitempty"`
}

// addRequest adds r (or finds it by unique key). Callers hold Server.mu.
func (rq *requestQueue) addRequest(r requestJSON, forefront bool) registrationJSON {
	if id, ok := rq.byKey[r.UniqueKey]; ok {
		existing := rq.requests[id]
		return registrationJSON{RequestID: id, UniqueKey: r.UniqueKey, WasAlreadyPresent: true, WasAlreadyHandled: existing.handled()}
	}
	r.ID = requestID(r.UniqueKey)
	rq.seq++
	qr := &queuedRequest{req: r, seq: rq.seq}
	rq.place(qr, forefront)
	rq.requests[r.ID] = qr
	rq.byKey[r.UniqueKey] = r.ID
	rq.writes++
	return registrationJSON{RequestID: r.ID, UniqueKey: r.UniqueKey}
}

// POST /v2/request-queues/{queueId}/requests — https://docs.apify.com/api/v2/request-queue-requests-post
func addRequestHandler(c *call) error {
	forefront, err := c.boolParam("forefront", false)
	if err != nil {
		return err
	}
	var r requestJSON
	if err := c.decodeJSONBody(&r, "a request"); err != nil {
		return err
	}
	if err := r.check(); err != nil {
		return errorf(http.StatusBadRequest, "invalid-input", "%v", err)
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, err := c.openQueue()
	if err != nil {
		return err
	}
	reg := rq.addRequest(r, forefront)
	reg.UniqueKey = ""
	rq.touch(c.s.now(), true)
	writeData(c.w, http.StatusCreated, reg)
	return nil
}

// request finds the request named by the requestId path parameter.
func (c *call) request(rq *requestQueue) (*queuedRequest, error) {
	id := c.params["requestId"]
	r, ok := rq.requests[id]
	if !ok {
		return nil, notFound("Request", id)
	}
	return r, nil
}

// openQueue finds the queue named by the queueId path parameter and records
// the access of the clientKey query parameter. Callers hold Server.mu.
func (c *call) openQueue() (*requestQueue, error) {
	rq, err := c.queue()
	if err != nil {
		return nil, err
	}
	rq.access(c.query.Get("clientKey"))
	return rq, nil
}

// queueRequest finds the queue and the request named by the path parameters
// and records the access of the clientKey query parameter. Callers hold
// Server.mu.
func (c *call) queueRequest() (*requestQueue, *queuedRequest, error) {
	rq, err := c.openQueue()
	if err != nil {
		return nil, nil, err
	}
	r, err := c.request(rq)
	if err != nil {
		return nil, nil, err
	}
	return rq, r, nil
}

// checkLock answers 403 if a client other than clientKey holds r's lock at now.
func (r *queuedRequest) checkLock(now time.Time, clientKey string) error {
	if r.lockedAt(now) && r.lockOwner != clientKey {
		return lockedByOther(r)
	}
	return nil
}

// GET /v2/request-queues/{queueId}/requests/{requestId} — https://docs.apify.com/api/v2/request-queue-request-get
func getRequest(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, err := c.queue()
	if err != nil {
		return err
	}
	r, err := c.request(rq)
	if err != nil {
		return err
	}
	rq.reads++
	rq.touch(c.s.now(), false)
	writeData(c.w, http.StatusOK, r.req)
	return nil
}

// PUT /v2/request-queues/{queueId}/requests/{requestId} — https://docs.apify.com/api/v2/request-queue-request-put
//
// The document's forefront parameter puts the request at the head of the
// queue or, by default, at its end: an unhandled request moves there on
// every update. A request the queue does not hold is added under the path's
// ID, as Apify's own storage emulators (crawlee's memory storage) do.
func updateRequest(c *call) error {
	forefront, err := c.boolParam("forefront", false)
	if err != nil {
		return err
	}
	var body requestJSON
	if err := c.decodeJSONBody(&body, "the updated request"); err != nil {
		return err
	}
	if body.ID != "" && body.ID != c.params["requestId"] {
		return errorf(http.StatusBadRequest, "id-does-not-match", "The request body's id %q differs from the path's %q", body.ID, c.params["requestId"])
	}
	if err := body.check(); err != nil {
		return errorf(http.StatusBadRequest, "invalid-input", "%v", err)
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, err := c.openQueue()
	if err != nil {
		return err
	}
	now := c.s.now()
	r, ok := rq.requests[c.params["requestId"]]
	if !ok {
		reg, err := rq.insertRequest(c.params["requestId"], body, forefront)
		if err != nil {
			return err
		}
		rq.touch(now, true)
		writeData(c.w, http.StatusOK, reg)
		return nil
	}
	if err := r.checkLock(now, c.query.Get("clientKey")); err != nil {
		return err
	}
	wasHandled := r.handled()
	body.ID, body.UniqueKey = r.req.ID, r.req.UniqueKey
	r.req = body
	if r.handled() {
		r.lockUntil, r.lockOwner = time.Time{}, ""
	} else {
		rq.place(r, forefront)
	}
	rq.writes++
	rq.touch(now, true)
	writeData(c.w, http.StatusOK, registrationJSON{RequestID: r.req.ID, WasAlreadyPresent: true, WasAlreadyHandled: wasHandled})
	return nil
}

// insertRequest adds r under id, for an update of a request the queue does
// not hold. Callers hold Server.mu.
func (rq *requestQueue) insertRequest(id string, r requestJSON, forefront bool) (registrationJSON, error) {
	if other, taken := rq.byKey[r.UniqueKey]; taken {
		return registrationJSON{}, errorf(http.StatusBadRequest, "request-queue-duplicate-requests",
			"Request %q is not in the queue and cannot be added: request %q already has the uniqueKey %q", id, other, r.UniqueKey)
	}
	r.ID = id
	rq.seq++
	qr := &queuedRequest{req: r, seq: rq.seq}
	if !qr.handled() {
		rq.place(qr, forefront)
	}
	rq.requests[id] = qr
	rq.byKey[r.UniqueKey] = id
	rq.writes++
	return registrationJSON{RequestID: id, WasAlreadyPresent: false, WasAlreadyHandled: false}, nil
}

func lockedByOther(r *queuedRequest) *apiError {
	return errorf(http.StatusForbidden, "request-handled-or-locked",
		"Request %q is locked by another client until %s", r.req.ID, r.lockUntil.UTC().Format(time.RFC3339))
}

// DELETE /v2/request-queues/{queueId}/requests/{requestId} — https://docs.apify.com/api/v2/request-queue-request-delete
func deleteRequest(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, r, err := c.queueRequest()
	if err != nil {
		return err
	}
	now := c.s.now()
	if err := r.checkLock(now, c.query.Get("clientKey")); err != nil {
		return err
	}
	rq.removeRequest(r)
	rq.touch(now, true)
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

func (rq *requestQueue) removeRequest(r *queuedRequest) {
	delete(rq.requests, r.req.ID)
	delete(rq.byKey, r.req.UniqueKey)
	rq.deletes++
}

// POST /v2/request-queues/{queueId}/requests/batch — https://docs.apify.com/api/v2/request-queue-requests-batch-post
func batchAddRequests(c *call) error {
	forefront, err := c.boolParam("forefront", false)
	if err != nil {
		return err
	}
	if len(c.body) > payloadLimit {
		return errorf(http.StatusRequestEntityTooLarge, "request-too-large",
			"The POST payload is too large (limit: %d bytes, actual length: %d bytes)", payloadLimit, len(c.body))
	}
	var reqs []requestJSON
	if err := c.decodeJSONBody(&reqs, "an array of requests"); err != nil {
		return err
	}
	for i := range reqs {
		if err := reqs[i].check(); err != nil {
			return errorf(http.StatusBadRequest, "invalid-input", "request at index %d: %v", i, err)
		}
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, err := c.openQueue()
	if err != nil {
		return err
	}
	res := newBatchResult[registrationJSON]()
	for i, r := range reqs {
		if i >= batchLimit {
			res.Unprocessed = append(res.Unprocessed, draftJSON{UniqueKey: r.UniqueKey, URL: r.URL, Method: r.Method})
			continue
		}
		res.Processed = append(res.Processed, rq.addRequest(r, forefront))
	}
	rq.touch(c.s.now(), true)
	writeData(c.w, http.StatusCreated, res)
	return nil
}

// batchResult is the data of the batch operations: the requests processed
// (as P) and those left over past batchLimit.
type batchResult[P any] struct {
	Processed   []P         `json:"processedRequests"`
	Unprocessed []draftJSON `json:"unprocessedRequests"`
}

func newBatchResult[P any]() batchResult[P] {
	return batchResult[P]{Processed: []P{}, Unprocessed: []draftJSON{}}
}

// deleteDraft is one element of a batch delete body.
type deleteDraft struct {
	ID        string `json:"id,omitempty"`
	UniqueKey string `json:"uniqueKey,omitempty"`
}

// DELETE /v2/request-queues/{queueId}/requests/batch — https://docs.apify.com/api/v2/request-queue-requests-batch-delete
func batchDeleteRequests(c *call) error {
	var drafts []deleteDraft
	if err := c.decodeJSONBody(&drafts, "an array of {id} or {uniqueKey} objects"); err != nil {
		return err
	}
	for i, d := range drafts {
		if d.ID == "" && d.UniqueKey == "" {
			return errorf(http.StatusBadRequest, "invalid-input", "request at index %d has neither id nor uniqueKey", i)
		}
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, err := c.openQueue()
	if err != nil {
		return err
	}
	res := newBatchResult[deleteDraft]()
	for i, d := range drafts {
		id := d.ID
		if id == "" {
			id = rq.byKey[d.UniqueKey]
		}
		r := rq.requests[id]
		if i >= batchLimit {
			u := draftJSON{ID: d.ID, UniqueKey: d.UniqueKey}
			if r != nil {
				u.UniqueKey, u.URL, u.Method = r.req.UniqueKey, r.req.URL, r.req.Method
			}
			res.Unprocessed = append(res.Unprocessed, u)
			continue
		}
		if r != nil {
			d = deleteDraft{ID: r.req.ID, UniqueKey: r.req.UniqueKey}
			rq.removeRequest(r)
		}
		res.Processed = append(res.Processed, d)
	}
	rq.touch(c.s.now(), true)
	writeData(c.w, http.StatusOK, res)
	return nil
}

// headItem is the HeadRequest schema, and LockedHeadRequest with lockExpiresAt.
type headItem struct {
	ID            string   `json:"id"`
	UniqueKey     string   `json:"uniqueKey"`
	URL           string   `json:"url"`
	Method        string   `json:"method,omitempty"`
	RetryCount    *int     `json:"retryCount,omitempty"`
	LockExpiresAt *apiTime `json:"lockExpiresAt,omitempty"`
}

func toHeadItem(r *queuedRequest) headItem {
	return headItem{ID: r.req.ID, UniqueKey: r.req.UniqueKey, URL: r.req.URL, Method: r.req.Method, RetryCount: r.req.RetryCount}
}

// GET /v2/request-queues/{queueId}/head — https://docs.apify.com/api/v2/request-queue-head-get
func getHead(c *call) error {
	limit, err := c.limitParam(100)
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, err := c.openQueue()
	if err != nil {
		return err
	}
	now := c.s.now()
	items := []headItem{}
	for _, r := range rq.firstPending(now, limit) {
		items = append(items, toHeadItem(r))
	}
	rq.headReads += len(items)
	rq.touch(now, false)
	writeData(c.w, http.StatusOK, struct {
		Limit              int64      `json:"limit"`
		QueueModifiedAt    apiTime    `json:"queueModifiedAt"`
		HadMultipleClients bool       `json:"hadMultipleClients"`
		Items              []headItem `json:"items"`
	}{limit, apiTime(rq.modifiedAt), rq.hadMultipleClients(), items})
	return nil
}

// lockSecs reads the required lockSecs parameter.
func (c *call) lockSecs() (int64, error) {
	secs, ok, err := c.intParam("lockSecs")
	if err != nil {
		return 0, err
	}
	if !ok || secs == 0 {
		return 0, invalidParam("lockSecs", c.query.Get("lockSecs"), "give the lock duration in whole seconds, at least 1")
	}
	return secs, nil
}

// POST /v2/request-queues/{queueId}/head/lock — https://docs.apify.com/api/v2/request-queue-head-lock-post
func lockHead(c *call) error {
	secs, err := c.lockSecs()
	if err != nil {
		return err
	}
	limit, err := c.limitParam(25)
	if err != nil {
		return err
	}
	if limit > 25 {
		return invalidParam("limit", c.query.Get("limit"), "at most 25 requests can be locked per call")
	}
	clientKey := c.query.Get("clientKey")
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, err := c.openQueue()
	if err != nil {
		return err
	}
	now := c.s.now()
	until := now.Add(time.Duration(secs) * time.Second)
	items := []headItem{}
	for _, r := range rq.firstPending(now, limit) {
		r.lockUntil, r.lockOwner = until, clientKey
		it := toHeadItem(r)
		at := apiTime(until)
		it.LockExpiresAt = &at
		items = append(items, it)
	}
	hasLocked := false
	for _, r := range rq.requests {
		if !r.handled() && r.lockedAt(now) {
			hasLocked = true
			break
		}
	}
	rq.headReads += len(items)
	rq.touch(now, len(items) > 0)
	writeData(c.w, http.StatusCreated, struct {
		Limit                  int64      `json:"limit"`
		QueueModifiedAt        apiTime    `json:"queueModifiedAt"`
		QueueHasLockedRequests bool       `json:"queueHasLockedRequests"`
		ClientKey              string     `json:"clientKey,omitempty"`
		HadMultipleClients     bool       `json:"hadMultipleClients"`
		LockSecs               int64      `json:"lockSecs"`
		Items                  []headItem `json:"items"`
	}{limit, apiTime(rq.modifiedAt), hasLocked, clientKey, rq.hadMultipleClients(), secs, items})
	return nil
}

// PUT /v2/request-queues/{queueId}/requests/{requestId}/lock — https://docs.apify.com/api/v2/request-queue-request-lock-put
func prolongLock(c *call) error {
	secs, err := c.lockSecs()
	if err != nil {
		return err
	}
	forefront, err := c.boolParam("forefront", false)
	if err != nil {
		return err
	}
	clientKey := c.query.Get("clientKey")
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, r, err := c.queueRequest()
	if err != nil {
		return err
	}
	now := c.s.now()
	switch {
	case r.handled():
		return errorf(http.StatusForbidden, "request-handled-or-locked", "Request %q is already handled", r.req.ID)
	case !r.lockedAt(now):
		return errorf(http.StatusForbidden, "request-handled-or-locked", "Request %q is not locked (or its lock expired); lock it with the head/lock operation", r.req.ID)
	case r.lockOwner != clientKey:
		return lockedByOther(r)
	}
	r.lockUntil = now.Add(time.Duration(secs) * time.Second)
	if forefront {
		rq.place(r, true)
	}
	writeData(c.w, http.StatusOK, struct {
		LockExpiresAt apiTime `json:"lockExpiresAt"`
	}{apiTime(r.lockUntil)})
	return nil
}

// DELETE /v2/request-queues/{queueId}/requests/{requestId}/lock — https://docs.apify.com/api/v2/request-queue-request-lock-delete
//
// The document's forefront parameter says where the request goes "after lock
// was removed": the head of the queue, or by default its end.
func deleteLock(c *call) error {
	forefront, err := c.boolParam("forefront", false)
	if err != nil {
		return err
	}
	clientKey := c.query.Get("clientKey")
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, r, err := c.queueRequest()
	if err != nil {
		return err
	}
	now := c.s.now()
	if err := r.checkLock(now, clientKey); err != nil {
		return err
	}
	r.lockUntil, r.lockOwner = time.Time{}, ""
	if !r.handled() {
		rq.place(r, forefront)
	}
	rq.touch(now, true)
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// POST /v2/request-queues/{queueId}/requests/unlock — https://docs.apify.com/api/v2/request-queue-requests-unlock-post
func unlockRequests(c *call) error {
	clientKey := c.query.Get("clientKey")
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, err := c.openQueue()
	if err != nil {
		return err
	}
	now := c.s.now()
	n := 0
	for _, r := range rq.requests {
		if r.lockedAt(now) && r.lockOwner == clientKey && !r.handled() {
			r.lockUntil, r.lockOwner = time.Time{}, ""
			n++
		}
	}
	rq.touch(now, n > 0)
	writeData(c.w, http.StatusOK, struct {
		UnlockedCount int `json:"unlockedCount"`
	}{n})
	return nil
}

// requestCursor is the decoded form of a listing cursor.
type requestCursor struct {
	Seq int64 `json:"seq"`
}

func encodeCursor(seq int64) string {
	b, _ := json.Marshal(requestCursor{Seq: seq})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, false
	}
	var c requestCursor
	if json.Unmarshal(b, &c) != nil {
		return 0, false
	}
	return c.Seq, true
}

// GET /v2/request-queues/{queueId}/requests — https://docs.apify.com/api/v2/request-queue-requests-get
func listRequests(c *call) error {
	limit, err := c.limitParam(100)
	if err != nil {
		return err
	}
	if limit > 10000 {
		return invalidParam("limit", c.query.Get("limit"), "at most 10000")
	}
	cursor, startID := c.query.Get("cursor"), c.query.Get("exclusiveStartId")
	if cursor != "" && startID != "" {
		return errorf(http.StatusBadRequest, "invalid-parameter", "Use either cursor or the deprecated exclusiveStartId, not both")
	}
	var after int64
	if cursor != "" {
		var ok bool
		if after, ok = decodeCursor(cursor); !ok {
			return invalidParam("cursor", cursor, "pass the nextCursor of a previous response")
		}
	}
	wantLocked, wantPending := false, false
	for _, f := range c.query["filter"] {
		for _, v := range splitList(f) {
			switch v {
			case "locked":
				wantLocked = true
			case "pending":
				wantPending = true
			default:
				return invalidParam("filter", f, "use locked, pending or both")
			}
		}
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	rq, err := c.openQueue()
	if err != nil {
		return err
	}
	if startID != "" {
		r, ok := rq.requests[startID]
		if !ok {
			return notFound("Request", startID)
		}
		after = r.seq
	}
	now := c.s.now()
	all := make([]*queuedRequest, 0, len(rq.requests))
	for _, r := range rq.requests {
		if r.seq <= after {
			continue
		}
		locked := !r.handled() && r.lockedAt(now)
		if (wantLocked || wantPending) && !(wantLocked && locked || wantPending && !r.handled()) {
			continue
		}
		all = append(all, r)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	page := struct {
		Items            []requestJSON `json:"items"`
		Count            int           `json:"count"`
		Limit            int64         `json:"limit"`
		ExclusiveStartID string        `json:"exclusiveStartId,omitempty"`
		Cursor           string        `json:"cursor,omitempty"`
		NextCursor       string        `json:"nextCursor,omitempty"`
	}{Items: []requestJSON{}, Limit: limit, ExclusiveStartID: startID, Cursor: cursor}
	for i, r := range all {
		if int64(i) >= limit {
			page.NextCursor = encodeCursor(all[i-1].seq)
			break
		}
		page.Items = append(page.Items, r.req)
	}
	page.Count = len(page.Items)
	rq.reads += page.Count
	rq.touch(now, false)
	writeData(c.w, http.StatusOK, page)
	return nil
}
