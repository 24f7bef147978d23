package apify

import (
	"context"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
	"github.com/oapi-codegen/nullable"
)

func TestScheduleCreateUpdateLog(t *testing.T) {
	clock := apifytest.NewFakeClock(time.Date(2026, 3, 2, 2, 58, 0, 0, time.UTC))
	srv := apifytest.NewServer(t, apifytest.WithClock(clock))
	actorID := addActor(t, srv, "nightly", func(ctx context.Context, run *apifytest.ActorRun) error {
		var in struct{ Limit int }
		if err := run.DecodeInput(&in); err != nil || in.Limit != 10 {
			t.Errorf("scheduled run input %+v, %v", in, err)
		}
		return nil
	})
	taskID, err := srv.AddTask("nightly", "weekly", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)

	runActor, err := RunActorAction(actorID, map[string]any{"limit": 10})
	if err != nil {
		t.Fatal(err)
	}
	sched, err := c.Schedules().Create(ctx, &ScheduleCreate{
		Name:           nullable.NewNullableWithValue("nightly-scrape"),
		CronExpression: nullable.NewNullableWithValue("0 3 * * *"),
		IsEnabled:      nullable.NewNullableWithValue(true),
		Actions:        ScheduleActions(runActor),
	})
	if err != nil {
		t.Fatal(err)
	}
	if next, _ := sched.NextRunAt.Get(); !next.Equal(time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)) {
		t.Errorf("nextRunAt %v, want 03:00", next)
	}

	// Advance returns once the due schedule has started its run.
	clock.Advance(3 * time.Minute)
	runs := srv.Runs()
	if len(runs) != 1 {
		t.Fatalf("%d scheduled runs, want 1", len(runs))
	}
	if _, err := srv.WaitForRun(ctx, runs[0].ID); err != nil {
		t.Fatal(err)
	}
	log, err := c.Schedule(sched.ID).Log(ctx)
	if err != nil || len(log) != 1 {
		t.Fatalf("Log = %+v, %v; want one invocation", log, err)
	}

	runTask, err := RunTaskAction(taskID, map[string]any{"limit": 10})
	if err != nil {
		t.Fatal(err)
	}
	updated, err := c.Schedule(sched.ID).Update(ctx, &ScheduleUpdate{
		IsEnabled: nullable.NewNullableWithValue(false),
		Actions:   ScheduleActions(runTask),
	})
	if err != nil {
		t.Fatal(err)
	}
	if updated.IsEnabled || updated.NextRunAt.IsSpecified() && !updated.NextRunAt.IsNull() {
		t.Errorf("after disabling: enabled %v, nextRunAt %v", updated.IsEnabled, updated.NextRunAt)
	}
	if len(updated.Actions) != 1 {
		t.Fatalf("actions %v", updated.Actions)
	}
	if a, err := updated.Actions[0].AsScheduleActionRunActorTask(); err != nil || a.ActorTaskID != taskID {
		t.Errorf("the updated action %+v, %v", a, err)
	}
}

func TestScheduleActionsValidate(t *testing.T) {
	if _, err := RunActorAction("", nil); err == nil {
		t.Error("RunActorAction with no ID: nil error")
	}
	if _, err := RunTaskAction("t", []int{1}); err == nil {
		t.Error("RunTaskAction with an array input: nil error")
	}
	if _, err := RunActorAction("a", make(chan int)); err == nil {
		t.Error("RunActorAction with an input that does not encode: nil error")
	}
}
