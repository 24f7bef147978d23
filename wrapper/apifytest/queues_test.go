package apifytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

type headPage struct {
	Limit                  int
	HadMultipleClients     bool
	QueueHasLockedRequests bool
	LockSecs               int
	ClientKey              string
	Items                  []struct {
		ID, UniqueKey, URL, Method string
		LockExpiresAt              string
	}
}

func headURLs(p headPage) []string {
	var out []string
	for _, it := range p.Items {
		out = append(out, it.URL)
	}
	return out
}

func TestRequestQueueAddHeadAndHandle(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	var q struct{ ID string }
	c.do(http.MethodPost, "/v2/request-queues?name=crawl", nil).want(http.StatusCreated).data(&q)
	base := "/v2/request-queues/" + q.ID

	var reg struct {
		RequestID                            string
		WasAlreadyPresent, WasAlreadyHandled bool
	}
	c.do(http.MethodPost, base+"/requests?clientKey=a", `{"url":"https://e.com/1","uniqueKey":"1"}`).want(http.StatusCreated).data(&reg)
	if reg.RequestID != requestID("1") || reg.WasAlreadyPresent {
		t.Errorf("first add %+v", reg)
	}
	c.do(http.MethodPost, base+"/requests?clientKey=a", `{"url":"https://e.com/1","uniqueKey":"1"}`).want(http.StatusCreated).data(&reg)
	if !reg.WasAlreadyPresent {
		t.Errorf("second add of the same unique key %+v", reg)
	}
	c.do(http.MethodPost, base+"/requests?clientKey=a", `{"url":"https://e.com/2","uniqueKey":"2"}`).want(http.StatusCreated)
	c.do(http.MethodPost, base+"/requests?clientKey=a&forefront=true", `{"url":"https://e.com/0","uniqueKey":"0","userData":{"label":"start"}}`).want(http.StatusCreated)
	c.do(http.MethodPost, base+"/requests", `{"url":"no-unique-key"}`, invalid()).wantError(http.StatusBadRequest, "invalid-input")

	var head headPage
	c.do(http.MethodGet, base+"/head?limit=10&clientKey=a", nil).want(http.StatusOK).data(&head)
	if got := fmt.Sprint(headURLs(head)); got != "[https://e.com/0 https://e.com/1 https://e.com/2]" {
		t.Errorf("head %s", got)
	}
	if head.HadMultipleClients {
		t.Error("one client key, yet hadMultipleClients")
	}

	var req struct {
		ID, URL, Method string
		UserData        map[string]string
		HandledAt       *string
	}
	c.do(http.MethodGet, base+"/requests/"+requestID("0"), nil).want(http.StatusOK).data(&req)
	if req.URL != "https://e.com/0" || req.Method != "GET" || req.UserData["label"] != "start" {
		t.Errorf("request %+v", req)
	}
	// Mark it handled.
	c.do(http.MethodPut, base+"/requests/"+requestID("0")+"?clientKey=b",
		`{"id":"`+requestID("0")+`","url":"https://e.com/0","uniqueKey":"0","handledAt":"2026-01-01T00:00:00.000Z"}`).want(http.StatusOK).data(&reg)
	if reg.WasAlreadyHandled {
		t.Errorf("update %+v", reg)
	}
	c.do(http.MethodGet, base+"/head?clientKey=b", nil).want(http.StatusOK).data(&head)
	if got := fmt.Sprint(headURLs(head)); got != "[https://e.com/1 https://e.com/2]" || !head.HadMultipleClients {
		t.Errorf("head after handling %s, hadMultipleClients %v", got, head.HadMultipleClients)
	}
	var info struct{ TotalRequestCount, HandledRequestCount, PendingRequestCount int }
	c.do(http.MethodGet, base, nil).want(http.StatusOK).data(&info)
	if info.TotalRequestCount != 3 || info.HandledRequestCount != 1 || info.PendingRequestCount != 2 {
		t.Errorf("counts %+v", info)
	}
	c.do(http.MethodDelete, base+"/requests/"+requestID("2"), nil).want(http.StatusNoContent)
	c.do(http.MethodGet, base+"/requests/"+requestID("2"), nil).wantError(http.StatusNotFound, "record-not-found")
	var list struct{ Total int }
	c.do(http.MethodGet, "/v2/request-queues", nil).want(http.StatusOK).data(&list)
	if list.Total != 1 {
		t.Errorf("queue list total %d", list.Total)
	}
	c.do(http.MethodPut, base, `{"name":"crawl-2"}`).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/request-queues/"+s.Username()+"~crawl-2", nil).want(http.StatusOK)
	c.do(http.MethodDelete, base, nil).want(http.StatusNoContent)
	c.do(http.MethodGet, base, nil).wantError(http.StatusNotFound, "record-not-found")
}

func TestRequestQueueBatches(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddRequestQueue(""))(t)
	var reqs []map[string]string
	for i := range 30 {
		reqs = append(reqs, map[string]string{"url": fmt.Sprintf("https://e.com/%d", i), "uniqueKey": fmt.Sprint(i)})
	}
	var res struct {
		ProcessedRequests []struct {
			RequestID, UniqueKey string
			WasAlreadyPresent    bool
		}
		UnprocessedRequests []struct{ UniqueKey, URL string }
	}
	c.do(http.MethodPost, "/v2/request-queues/"+id+"/requests/batch", reqs).want(http.StatusCreated).data(&res)
	if len(res.ProcessedRequests) != 25 || len(res.UnprocessedRequests) != 5 || res.UnprocessedRequests[0].UniqueKey != "25" {
		t.Fatalf("batch of 30: %d processed, %d unprocessed (%+v)", len(res.ProcessedRequests), len(res.UnprocessedRequests), res.UnprocessedRequests)
	}
	// Resending the unprocessed ones adds them; the rest are already present.
	c.do(http.MethodPost, "/v2/request-queues/"+id+"/requests/batch", reqs[20:]).want(http.StatusCreated).data(&res)
	present := 0
	for _, p := range res.ProcessedRequests {
		if p.WasAlreadyPresent {
			present++
		}
	}
	if len(res.ProcessedRequests) != 10 || present != 5 {
		t.Errorf("resend: %d processed, %d already present", len(res.ProcessedRequests), present)
	}

	var del struct {
		ProcessedRequests   []struct{ ID, UniqueKey string }
		UnprocessedRequests []json.RawMessage
	}
	c.do(http.MethodDelete, "/v2/request-queues/"+id+"/requests/batch",
		`[{"id":"`+requestID("0")+`"},{"uniqueKey":"1"}]`).want(http.StatusOK).data(&del)
	if len(del.ProcessedRequests) != 2 || del.ProcessedRequests[1].ID != requestID("1") || len(del.UnprocessedRequests) != 0 {
		t.Errorf("batch delete %+v", del)
	}

	// Listing with a cursor walks all 28 requests in insertion order.
	var seen []string
	cursor := ""
	for range 10 {
		q := "?limit=10"
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		var page struct {
			Items              []struct{ UniqueKey string }
			Count, Limit       int
			Cursor, NextCursor string
		}
		c.do(http.MethodGet, "/v2/request-queues/"+id+"/requests"+q, nil).want(http.StatusOK).data(&page)
		for _, it := range page.Items {
			seen = append(seen, it.UniqueKey)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(seen) != 28 || seen[0] != "2" || seen[27] != "29" {
		t.Errorf("listed %d requests: %v", len(seen), seen)
	}
}

func TestRequestQueueLocks(t *testing.T) {
	t.Parallel()
	clock := NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s, c := newTestServer(t, WithClock(clock))
	id := must(s.AddRequestQueue("q"))(t)
	base := "/v2/request-queues/" + id
	for i := range 4 {
		c.do(http.MethodPost, base+"/requests", fmt.Sprintf(`{"url":"https://e.com/%d","uniqueKey":"%d"}`, i, i)).want(http.StatusCreated)
	}
	var locked headPage
	c.do(http.MethodPost, base+"/head/lock?lockSecs=60&limit=2&clientKey=w1", nil).want(http.StatusCreated).data(&locked)
	if got := fmt.Sprint(headURLs(locked)); got != "[https://e.com/0 https://e.com/1]" {
		t.Fatalf("locked %s", got)
	}
	if locked.LockSecs != 60 || locked.ClientKey != "w1" || !locked.QueueHasLockedRequests || locked.Items[0].LockExpiresAt != "2026-01-01T00:01:00.000Z" {
		t.Errorf("lock response %+v", locked)
	}
	// Another client gets the next ones and cannot touch w1's locks.
	var other headPage
	c.do(http.MethodPost, base+"/head/lock?lockSecs=60&limit=25&clientKey=w2", nil).want(http.StatusCreated).data(&other)
	if got := fmt.Sprint(headURLs(other)); got != "[https://e.com/2 https://e.com/3]" || !other.HadMultipleClients {
		t.Errorf("second client locked %s (hadMultipleClients %v)", got, other.HadMultipleClients)
	}
	r0 := base + "/requests/" + requestID("0")
	c.do(http.MethodPut, r0+"/lock?lockSecs=10&clientKey=w2", nil).wantError(http.StatusForbidden, "request-handled-or-locked")
	c.do(http.MethodDelete, r0+"/lock?clientKey=w2", nil).wantError(http.StatusForbidden, "request-handled-or-locked")

	var prolonged struct{ LockExpiresAt string }
	c.do(http.MethodPut, r0+"/lock?lockSecs=120&clientKey=w1", nil).want(http.StatusOK).data(&prolonged)
	if prolonged.LockExpiresAt != "2026-01-01T00:02:00.000Z" {
		t.Errorf("prolonged to %s", prolonged.LockExpiresAt)
	}

	// Locks expire on the server's clock: after 61 s only request 0 (prolonged) is locked.
	clock.Advance(61 * time.Second)
	var head headPage
	c.do(http.MethodGet, base+"/head", nil).want(http.StatusOK).data(&head)
	if got := fmt.Sprint(headURLs(head)); got != "[https://e.com/1 https://e.com/2 https://e.com/3]" {
		t.Errorf("head after expiry %s", got)
	}
	var lockedList struct{ Items []struct{ UniqueKey string } }
	c.do(http.MethodGet, base+"/requests?filter=locked", nil).want(http.StatusOK).data(&lockedList)
	if len(lockedList.Items) != 1 || lockedList.Items[0].UniqueKey != "0" {
		t.Errorf("filter=locked %+v", lockedList)
	}
	// Deleting the lock with forefront puts the request back first.
	c.do(http.MethodDelete, r0+"/lock?clientKey=w1&forefront=true", nil).want(http.StatusNoContent)
	c.do(http.MethodGet, base+"/head?limit=1", nil).want(http.StatusOK).data(&head)
	if got := fmt.Sprint(headURLs(head)); got != "[https://e.com/0]" {
		t.Errorf("head after unlock with forefront %s", got)
	}
	c.do(http.MethodPost, base+"/head/lock?lockSecs=30&clientKey=w3", nil).want(http.StatusCreated)
	var unlocked struct{ UnlockedCount int }
	c.do(http.MethodPost, base+"/requests/unlock?clientKey=w3", nil).want(http.StatusOK).data(&unlocked)
	if unlocked.UnlockedCount != 4 {
		t.Errorf("unlocked %d, want 4", unlocked.UnlockedCount)
	}
	c.do(http.MethodPost, base+"/head/lock?clientKey=w3", nil, invalid()).wantError(http.StatusBadRequest, "invalid-parameter")
}
