package apifytest

import (
	"fmt"
	"net/http"
	"testing"
)

// queueWithRequests returns a queue holding requests with unique keys 0..n-1
// (URLs https://e.com/<key>), added in that order.
func queueWithRequests(t *testing.T, s *Server, c *testClient, n int) string {
	t.Helper()
	id := must(s.AddRequestQueue(""))(t)
	for i := range n {
		c.do(http.MethodPost, "/v2/request-queues/"+id+"/requests", fmt.Sprintf(`{"url":"https://e.com/%d","uniqueKey":"%d"}`, i, i)).want(http.StatusCreated)
	}
	return "/v2/request-queues/" + id
}

func headOf(t *testing.T, c *testClient, base string) string {
	t.Helper()
	var head headPage
	c.do(http.MethodGet, base+"/head?limit=10", nil).want(http.StatusOK).data(&head)
	return fmt.Sprint(headURLs(head))
}

// The document's forefront parameter of the request update
// (https://docs.apify.com/api/v2/request-queue-request-put): "Determines if
// request should be added to the head of the queue or to the end. Default
// value is false (end of queue)." So an update of an unhandled request
// without forefront moves it to the end, and with forefront to the head.
func TestRequestQueueUpdateMovesTheRequest(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	base := queueWithRequests(t, s, c, 3)

	c.do(http.MethodPut, base+"/requests/"+requestID("0"), `{"url":"https://e.com/0","uniqueKey":"0","retryCount":1}`).want(http.StatusOK)
	if got := headOf(t, c, base); got != "[https://e.com/1 https://e.com/2 https://e.com/0]" {
		t.Errorf("after an update without forefront the head is %s; the request must move to the end", got)
	}
	c.do(http.MethodPut, base+"/requests/"+requestID("2")+"?forefront=true", `{"url":"https://e.com/2","uniqueKey":"2"}`).want(http.StatusOK)
	if got := headOf(t, c, base); got != "[https://e.com/2 https://e.com/1 https://e.com/0]" {
		t.Errorf("after an update with forefront the head is %s; the request must move to the head", got)
	}
}

// The document's forefront parameter of the lock deletion
// (https://docs.apify.com/api/v2/request-queue-request-lock-delete):
// "Determines if request should be added to the head of the queue or to the
// end after lock was removed." Without it, the request goes to the end.
func TestRequestQueueLockDeletionPlacesTheRequest(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	base := queueWithRequests(t, s, c, 3)
	c.do(http.MethodPost, base+"/head/lock?lockSecs=60&limit=1&clientKey=w", nil).want(http.StatusCreated)
	c.do(http.MethodDelete, base+"/requests/"+requestID("0")+"/lock?clientKey=w", nil).want(http.StatusNoContent)
	if got := headOf(t, c, base); got != "[https://e.com/1 https://e.com/2 https://e.com/0]" {
		t.Errorf("after deleting a lock without forefront the head is %s; the request must go to the end", got)
	}
	c.do(http.MethodPost, base+"/head/lock?lockSecs=60&limit=3&clientKey=w", nil).want(http.StatusCreated)
	c.do(http.MethodDelete, base+"/requests/"+requestID("0")+"/lock?clientKey=w&forefront=true", nil).want(http.StatusNoContent)
	c.do(http.MethodDelete, base+"/requests/"+requestID("2")+"/lock?clientKey=w", nil).want(http.StatusNoContent)
	if got := headOf(t, c, base); got != "[https://e.com/0 https://e.com/2]" {
		t.Errorf("after deleting locks (0 with forefront, then 2) the head is %s", got)
	}
}

// An update of a request the queue does not hold adds it under the path's
// ID, as Apify's own storage emulators do (crawlee's memory storage, the
// Python SDK's): clients that mark a request handled after it was deleted,
// or that write a request back under a known ID, rely on it. A unique key
// held by another request is refused.
func TestRequestQueueUpdateInsertsAMissingRequest(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	base := queueWithRequests(t, s, c, 1)
	id := requestID("new")
	var reg struct {
		RequestID                            string
		WasAlreadyPresent, WasAlreadyHandled bool
	}
	c.do(http.MethodPut, base+"/requests/"+id, `{"url":"https://e.com/new","uniqueKey":"new","userData":{"label":"x"}}`).want(http.StatusOK).data(&reg)
	if reg.RequestID != id || reg.WasAlreadyPresent || reg.WasAlreadyHandled {
		t.Errorf("insert by update answered %+v", reg)
	}
	var got struct{ ID, URL, UniqueKey string }
	c.do(http.MethodGet, base+"/requests/"+id, nil).want(http.StatusOK).data(&got)
	if got.ID != id || got.URL != "https://e.com/new" || got.UniqueKey != "new" {
		t.Errorf("inserted request %+v", got)
	}
	if h := headOf(t, c, base); h != "[https://e.com/0 https://e.com/new]" {
		t.Errorf("head after the insert %s", h)
	}
	// Adding the same unique key again finds it.
	c.do(http.MethodPost, base+"/requests", `{"url":"https://e.com/new","uniqueKey":"new"}`).want(http.StatusCreated).data(&reg)
	if reg.RequestID != id || !reg.WasAlreadyPresent {
		t.Errorf("re-adding the inserted request %+v", reg)
	}
	c.do(http.MethodPut, base+"/requests/"+requestID("other"), `{"url":"https://e.com/0","uniqueKey":"0"}`, invalid()).
		wantError(http.StatusBadRequest, "request-queue-duplicate-requests")
}
