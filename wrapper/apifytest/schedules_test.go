package apifytest

import (
	"context"
	"net/http"
	"testing"
	"time"
)

func TestScheduleFiresOnTheServersClock(t *testing.T) {
	t.Parallel()
	clock := NewFakeClock(time.Date(2026, 3, 2, 9, 58, 30, 0, time.UTC))
	s, c := newTestServer(t, WithClock(clock))
	actorID := must(s.AddActor("scheduled", scraper))(t)
	var sc struct {
		ID        string
		NextRunAt string
	}
	c.do(http.MethodPost, "/v2/schedules", map[string]any{"name": "every-ten", "cronExpression": "*/10 * * * *", "isEnabled": true,
		"actions": []map[string]any{{"type": "RUN_ACTOR", "actorId": actorID, "runInput": map[string]string{"body": `{"count":2}`}}}}).want(http.StatusCreated).data(&sc)
	if sc.NextRunAt != "2026-03-02T10:00:00.000Z" {
		t.Errorf("nextRunAt %s, want 10:00", sc.NextRunAt)
	}
	clock.Advance(time.Minute)
	if n := len(s.Runs()); n != 0 {
		t.Fatalf("%d runs a minute before the schedule is due", n)
	}
	// Advance returns once the due schedule has started its run.
	clock.Advance(time.Minute)
	runs := s.Runs()
	if len(runs) != 1 {
		t.Fatalf("%d runs once the schedule was due, want 1", len(runs))
	}
	info := must(s.WaitForRun(context.Background(), runs[0].ID))(t)
	if info.Status != StatusSucceeded || string(info.Input) != `{"count":2}` {
		t.Fatalf("scheduled run %+v", info)
	}
	var run struct {
		Meta struct{ Origin, ScheduleID string }
	}
	c.do(http.MethodGet, "/v2/actor-runs/"+info.ID, nil).want(http.StatusOK).data(&run)
	if run.Meta.Origin != "SCHEDULER" || run.Meta.ScheduleID != sc.ID {
		t.Errorf("meta %+v", run.Meta)
	}
	var log []struct{ Message, Level string }
	c.do(http.MethodGet, "/v2/schedules/"+sc.ID+"/log", nil).want(http.StatusOK).data(&log)
	if len(log) != 1 || log[0].Level != "INFO" {
		t.Errorf("log %+v", log)
	}
	// Disabled, it stops firing.
	var disabled struct{ NextRunAt *string }
	c.do(http.MethodPut, "/v2/schedules/"+sc.ID, `{"isEnabled":false}`).want(http.StatusOK).data(&disabled)
	if disabled.NextRunAt != nil {
		t.Errorf("a disabled schedule's nextRunAt is %s", *disabled.NextRunAt)
	}
	clock.Advance(time.Hour)
	if n := len(s.Runs()); n != 1 {
		t.Errorf("%d runs after the schedule was disabled", n)
	}
}

func TestScheduleValidation(t *testing.T) {
	t.Parallel()
	_, c := newTestServer(t)
	c.do(http.MethodPost, "/v2/schedules", `{"cronExpression":"61 * * * *"}`).wantError(http.StatusBadRequest, "cron-expression-invalid")
	c.do(http.MethodPost, "/v2/schedules", `{"cronExpression":"* * *"}`).wantError(http.StatusBadRequest, "cron-expression-invalid")
	c.do(http.MethodPost, "/v2/schedules", `{"cronExpression":"@daily","timezone":"Mars/Olympus"}`).wantError(http.StatusBadRequest, "invalid-input")
	c.do(http.MethodPost, "/v2/schedules", `{"cronExpression":"@daily","actions":[{"type":"RUN_ACTOR","actorId":"none"}]}`).wantError(http.StatusBadRequest, "schedule-actor-not-found")
	c.do(http.MethodPost, "/v2/schedules", `{"name":"a","cronExpression":"@daily"}`).want(http.StatusCreated)
	c.do(http.MethodPost, "/v2/schedules", `{"name":"a","cronExpression":"@daily"}`).wantError(http.StatusBadRequest, "schedule-name-not-unique")
}

func TestCronNext(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 31, 23, 59, 10, 0, time.UTC) // a Saturday
	for _, tc := range []struct{ expr, want string }{
		{"* * * * *", "2026-02-01T00:00"},
		{"30 2 * * *", "2026-02-01T02:30"},
		{"0 9 * * 1-5", "2026-02-02T09:00"},
		{"0 0 29 2 *", "2028-02-29T00:00"},
		{"15,45 */6 * * *", "2026-02-01T00:15"},
		{"@monthly", "2026-02-01T00:00"},
		{"0 12 13 * 5", "2026-02-06T12:00"}, // day 13 or any Friday
	} {
		spec, err := parseCron(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if got := spec.next(base).Format("2006-01-02T15:04"); got != tc.want {
			t.Errorf("%s: next %s, want %s", tc.expr, got, tc.want)
		}
	}
}
