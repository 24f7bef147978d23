package apifytest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// metamorphData is the part of a Run the run-control tests look at.
type controlRunData struct {
	runData
	Stats struct {
		RebootCount, ResurrectCount int
	}
	ChargedEventCounts map[string]int
	Metamorphs         []struct{ ActorID, InputKey string }
}

func TestMetamorphHandsTheRunToTheTargetActorWithItsStorages(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	started := make(chan string, 4)
	source := must(s.AddActor("source", func(ctx context.Context, run *ActorRun) error {
		if err := run.PushItems(map[string]any{"from": "source"}); err != nil {
			return err
		}
		started <- run.ID()
		<-ctx.Done()
		// The stopped container's writes are refused.
		if err := run.PushItems(map[string]any{"from": "stale"}); !errors.Is(err, ErrRunFinished) {
			t.Errorf("a write after the metamorph: %v, want ErrRunFinished", err)
		}
		return ctx.Err()
	}))(t)
	target := must(s.AddActor("target", func(ctx context.Context, run *ActorRun) error {
		var in struct{ Mode string }
		if err := run.DecodeInput(&in); err != nil {
			return err
		}
		return run.PushItems(map[string]any{"from": "target", "mode": in.Mode})
	}))(t)

	var r controlRunData
	c.do(http.MethodPost, "/v2/actors/"+source+"/runs", `{"q":1}`).want(http.StatusCreated).data(&r)
	<-started
	c.do(http.MethodPost, "/v2/actor-runs/"+r.ID+"/metamorph?targetActorId="+target, `{"mode":"deep"}`).want(http.StatusOK).data(&r)
	if len(r.Metamorphs) != 1 || r.Metamorphs[0].ActorID != target || r.Metamorphs[0].InputKey != "INPUT-METAMORPH-1" {
		t.Errorf("metamorphs %+v", r.Metamorphs)
	}
	info, err := s.WaitForRun(context.Background(), r.ID)
	check(t, err)
	if info.Status != StatusSucceeded {
		t.Fatalf("status %s (%s)", info.Status, info.StatusMessage)
	}
	items := must(s.DatasetItems(info.DatasetID))(t)
	if len(items) != 2 || !strings.Contains(string(items[1]), `"mode":"deep"`) {
		t.Errorf("items %s", items)
	}
	if v, _, ok := s.Record(info.KeyValueStoreID, "INPUT-METAMORPH-1"); !ok || string(v) != `{"mode":"deep"}` {
		t.Errorf("INPUT-METAMORPH-1 = %q, %v", v, ok)
	}
	if v, _, _ := s.Record(info.KeyValueStoreID, "INPUT"); string(v) != `{"q":1}` {
		t.Errorf("INPUT = %q, want the original input", v)
	}
	// Only a running run can be metamorphed.
	c.do(http.MethodPost, "/v2/actor-runs/"+r.ID+"/metamorph?targetActorId="+target, nil).wantError(http.StatusBadRequest, "job-finished")
	c.do(http.MethodPost, "/v2/actor-runs/"+r.ID+"/metamorph", nil, invalid()).wantError(http.StatusBadRequest, "invalid-parameter")
}

func TestRebootRestartsTheFunctionAndResurrectRevivesAFinishedRun(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	started := make(chan string, 4)
	id := must(s.AddActor("blocker", blocker(started)))(t)
	var r controlRunData
	c.do(http.MethodPost, "/v2/actors/"+id+"/runs", `{}`).want(http.StatusCreated).data(&r)
	<-started
	c.do(http.MethodPost, "/v2/actor-runs/"+r.ID+"/resurrect", nil).wantError(http.StatusBadRequest, "operation-not-allowed")
	c.do(http.MethodDelete, "/v2/actor-runs/"+r.ID, nil).wantError(http.StatusBadRequest, "cannot-remove-running-run")
	c.do(http.MethodPost, "/v2/actor-runs/"+r.ID+"/reboot", nil).want(http.StatusOK).data(&r)
	<-started // the function started again
	if r.Status != StatusRunning || r.Stats.RebootCount != 1 {
		t.Errorf("after reboot: %s, rebootCount %d", r.Status, r.Stats.RebootCount)
	}
	c.do(http.MethodPost, "/v2/actor-runs/"+r.ID+"/abort", nil).want(http.StatusOK)
	c.do(http.MethodPost, "/v2/actor-runs/"+r.ID+"/reboot", nil).wantError(http.StatusBadRequest, "job-finished")

	c.do(http.MethodPost, "/v2/actor-runs/"+r.ID+"/resurrect?memory=256", nil).want(http.StatusOK).data(&r)
	<-started
	if r.Status != StatusRunning || r.Stats.ResurrectCount != 1 || r.FinishedAt != nil || r.Options.MemoryMbytes != 256 {
		t.Errorf("after resurrect: %+v", r)
	}
	c.do(http.MethodPost, "/v2/actor-runs/"+r.ID+"/abort", nil).want(http.StatusOK).data(&r)
	if r.Status != StatusAborted {
		t.Errorf("status %s after the second abort", r.Status)
	}
	c.do(http.MethodDelete, "/v2/actor-runs/"+r.ID, nil).want(http.StatusNoContent)
	c.do(http.MethodGet, "/v2/actor-runs/"+r.ID, nil).wantError(http.StatusNotFound, "record-not-found")
}

func TestChargeRunAccountsPayPerEvent(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	started := make(chan string, 2)
	ppe := must(s.AddActor("ppe", blocker(started), ActorOptions{ChargeEvents: map[string]ChargeEvent{
		"page":  {Title: "Page", PriceUSD: 0.25},
		"start": {PriceUSD: 0.5},
	}}))(t)
	plain := must(s.AddActor("plain", blocker(started)))(t)

	var r, p controlRunData
	c.do(http.MethodPost, "/v2/actors/"+ppe+"/runs?maxTotalChargeUsd=2", `{}`).want(http.StatusCreated).data(&r)
	<-started
	charge := func(body, key string) *testResponse {
		return c.do(http.MethodPost, "/v2/actor-runs/"+r.ID+"/charge", body, header("Idempotency-Key", key))
	}
	charge(`{"eventName":"page","count":2}`, "a").want(http.StatusCreated)
	charge(`{"eventName":"page","count":2}`, "a").want(http.StatusCreated) // a retry: charged once
	charge(`{"eventName":"start","count":1}`, "b").want(http.StatusCreated)
	charge(`{"eventName":"page","count":5}`, "c").wantError(http.StatusBadRequest, "limit-reached")
	charge(`{"eventName":"nope","count":1}`, "d").wantError(http.StatusBadRequest, "invalid-input")
	charge(`{"eventName":"page","count":0}`, "e").wantError(http.StatusBadRequest, "invalid-input")

	counts, usd, err := s.ChargedEvents(r.ID)
	check(t, err)
	if counts["page"] != 2 || counts["start"] != 1 || usd != 1.0 {
		t.Errorf("charged %v, %v USD", counts, usd)
	}
	c.do(http.MethodGet, "/v2/actor-runs/"+r.ID, nil).want(http.StatusOK).data(&r)
	if r.ChargedEventCounts["page"] != 2 || r.ChargedEventCounts["start"] != 1 {
		t.Errorf("chargedEventCounts %v", r.ChargedEventCounts)
	}

	c.do(http.MethodPost, "/v2/actors/"+plain+"/runs", `{}`).want(http.StatusCreated).data(&p)
	<-started
	c.do(http.MethodPost, "/v2/actor-runs/"+p.ID+"/charge", `{"eventName":"page","count":1}`).wantError(http.StatusBadRequest, "cannot-charge-non-pay-per-event-actor")
}
