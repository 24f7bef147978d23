package apify

import (
	"context"
	"iter"
	"net/http"

	"github.com/apifygo/apify/gen"
)

// ScheduleClient addresses one schedule. Get it from [Client.Schedule]; it
// does no I/O until a method is called.
type ScheduleClient struct {
	r resource
}

// Schedule returns the client of the schedule with the given ID or
// "username/schedule-name".
func (c *Client) Schedule(id string) *ScheduleClient {
	return &ScheduleClient{r: c.newResource("schedules", "schedule", "scheduleID", id)}
}

// Get returns the schedule.
//
// Apify API docs: https://docs.apify.com/api/v2/schedule-get
func (s *ScheduleClient) Get(ctx context.Context) (*Schedule, error) {
	return getResource[Schedule](ctx, s.r)
}

// Delete deletes the schedule.
//
// Apify API docs: https://docs.apify.com/api/v2/schedule-delete
func (s *ScheduleClient) Delete(ctx context.Context) error {
	return s.r.delete(ctx)
}

// ScheduleCollectionClient addresses the user's schedules. Get it from
// [Client.Schedules].
type ScheduleCollectionClient struct {
	r resource
}

// Schedules returns the client of the user's schedules.
func (c *Client) Schedules() *ScheduleCollectionClient {
	return &ScheduleCollectionClient{r: c.collection("schedules")}
}

// List iterates over the user's schedules. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/schedules-get
func (l *ScheduleCollectionClient) List(ctx context.Context, opts *ListOptions) iter.Seq2[ScheduleShort, error] {
	w, q := opts.window()
	return listByOffset[ScheduleShort](ctx, l.r, q, w)
}

// ScheduleLogEntry is one entry of a schedule's log: an invocation and what
// came of it.
type ScheduleLogEntry = gen.ScheduleInvoked

// Log returns the schedule's log: its latest invocations, oldest first.
//
// Apify API docs: https://docs.apify.com/api/v2/schedule-log-get
func (s *ScheduleClient) Log(ctx context.Context) ([]ScheduleLogEntry, error) {
	log, err := callResource[[]ScheduleLogEntry](ctx, s.r, http.MethodGet, "log", nil, nil, "")
	if err != nil {
		return nil, err
	}
	return *log, nil
}
