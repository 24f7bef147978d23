package apifytest

import (
	"context"
	"net/http"
	"testing"
	"time"
)

// The document's run lists (https://docs.apify.com/api/v2/actor-runs-get,
// https://docs.apify.com/api/v2/actors-runs-get) filter with startedAfter and
// startedBefore: "Filter runs that started after [before] the specified date
// and time (inclusive). The value must be a valid ISO 8601 datetime string
// (UTC)." A documented filter is honoured, never silently ignored.
func TestRunListsFilterByStartTime(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := NewFakeClock(t0)
	s, c := newTestServer(t, WithClock(clock))
	noop := func(context.Context, *ActorRun) error { return nil }
	a := must(s.AddActor("a", noop))(t)
	b := must(s.AddActor("b", noop))(t)
	var ids []string
	for i, actor := range []string{a, b, a} {
		var run runData
		c.do(http.MethodPost, "/v2/actors/"+actor+"/runs", `{}`).want(http.StatusCreated).data(&run)
		ids = append(ids, run.ID)
		if i < 2 {
			clock.Advance(time.Hour)
		}
	}
	list := func(path string) []string {
		t.Helper()
		var page struct{ Items []struct{ ID string } }
		c.do(http.MethodGet, path, nil).want(http.StatusOK).data(&page)
		var out []string
		for _, it := range page.Items {
			out = append(out, it.ID)
		}
		return out
	}
	same := func(got []string, want ...string) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if got[i] != want[i] {
				return false
			}
		}
		return true
	}
	// Runs started at 12:00 (a), 13:00 (b) and 14:00 (a); bounds are inclusive.
	if got := list("/v2/actor-runs?startedAfter=2026-03-01T13:00:00.000Z"); !same(got, ids[1], ids[2]) {
		t.Errorf("startedAfter 13:00 lists %v, want %v", got, ids[1:])
	}
	if got := list("/v2/actor-runs?startedBefore=2026-03-01T13:00:00Z"); !same(got, ids[0], ids[1]) {
		t.Errorf("startedBefore 13:00 lists %v, want %v", got, ids[:2])
	}
	if got := list("/v2/actor-runs?startedAfter=2026-03-01T12:30:00Z&startedBefore=2026-03-01T13:30:00Z"); !same(got, ids[1]) {
		t.Errorf("12:30..13:30 lists %v, want [%s]", got, ids[1])
	}
	if got := list("/v2/actors/" + a + "/runs?startedAfter=2026-03-01T12:00:01Z"); !same(got, ids[2]) {
		t.Errorf("Actor a's runs after 12:00:01: %v, want [%s]", got, ids[2])
	}
	c.do(http.MethodGet, "/v2/actor-runs?startedAfter=yesterday", nil, invalid()).wantError(http.StatusBadRequest, "invalid-parameter")
}

// The other list filters of the operations apifytest serves are honoured
// too: ownership of the storage lists (https://docs.apify.com/api/v2/datasets-get:
// "ownedByMe" or "sharedWithMe"; every storage of the fake is its user's),
// sortBy of the Actor list (https://docs.apify.com/api/v2/actors-get:
// createdAt or stats.lastRunStartedAt) and collection of the key listing
// (https://docs.apify.com/api/v2/key-value-store-keys-get: it needs a store
// schema, which the fake does not have, so it is refused).
func TestOtherListFilters(t *testing.T) {
	t.Parallel()
	clock := NewFakeClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s, c := newTestServer(t, WithClock(clock))
	must(s.AddDataset("mine"))(t)
	var page struct {
		Total int
		Items []struct{ ID, Name string }
	}
	c.do(http.MethodGet, "/v2/datasets?ownership=ownedByMe", nil).want(http.StatusOK).data(&page)
	if page.Total != 1 {
		t.Errorf("ownedByMe lists %d datasets, want 1", page.Total)
	}
	c.do(http.MethodGet, "/v2/key-value-stores?ownership=sharedWithMe", nil).want(http.StatusOK).data(&page)
	if page.Total != 0 {
		t.Errorf("sharedWithMe lists %d stores, want 0", page.Total)
	}
	c.do(http.MethodGet, "/v2/request-queues?ownership=everyone", nil, invalid()).wantError(http.StatusBadRequest, "invalid-parameter")

	noop := func(context.Context, *ActorRun) error { return nil }
	first := must(s.AddActor("first", noop))(t)
	clock.Advance(time.Second)
	second := must(s.AddActor("second", noop))(t)
	clock.Advance(time.Second)
	c.do(http.MethodPost, "/v2/actors/"+first+"/runs", `{}`).want(http.StatusCreated)
	c.do(http.MethodGet, "/v2/actors?sortBy=stats.lastRunStartedAt&desc=1", nil).want(http.StatusOK).data(&page)
	if len(page.Items) != 2 || page.Items[0].ID != first || page.Items[1].ID != second {
		t.Errorf("sortBy=stats.lastRunStartedAt&desc=1 lists %+v, want the Actor run last first", page.Items)
	}
	c.do(http.MethodGet, "/v2/actors?sortBy=createdAt&desc=1", nil).want(http.StatusOK).data(&page)
	if len(page.Items) != 2 || page.Items[0].ID != second {
		t.Errorf("sortBy=createdAt&desc=1 lists %+v, want the newest first", page.Items)
	}
	c.do(http.MethodGet, "/v2/actors?sortBy=name", nil, invalid()).wantError(http.StatusBadRequest, "invalid-parameter")

	store := must(s.AddKeyValueStore(""))(t)
	c.do(http.MethodGet, "/v2/key-value-stores/"+store+"/keys?collection=images", nil).wantError(http.StatusBadRequest, "invalid-collection")
}
