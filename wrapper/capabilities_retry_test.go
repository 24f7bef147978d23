package apify

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// The new operations that are safe to repeat (abort a build, unlock, validate,
// updates and deletes) are retried after a 5xx; those that create something
// without a way to deduplicate (start a build) are not.
func TestCapabilityRetrySafety(t *testing.T) {
	srv := apifytest.NewServer(t)
	addActor(t, srv, "retry", func(ctx context.Context, run *apifytest.ActorRun) error { return nil },
		apifytest.ActorOptions{Build: func(ctx context.Context, b *apifytest.ActorBuild) error {
			<-ctx.Done()
			return ctx.Err()
		}})
	qid, _ := srv.AddRequestQueue("")
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	actor := c.Actor(srv.Username() + "/retry")

	fail := func(method, path string) {
		t.Helper()
		if err := srv.InjectFault(apifytest.Fault{Method: method, Path: path, Status: http.StatusBadGateway}); err != nil {
			t.Fatal(err)
		}
	}
	fail(http.MethodPost, "/v2/actors/*/builds")
	if _, err := actor.Build(ctx, "0.0", nil); !errors.Is(err, ErrServer) {
		t.Fatalf("Build after a 502: %v, want the 502 (a build start is not repeated)", err)
	}
	if n := len(srv.Runs()); n != 0 {
		t.Fatalf("%d runs", n)
	}
	build, err := actor.Build(ctx, "0.0", nil)
	if err != nil {
		t.Fatal(err)
	}

	safe := []struct {
		method, path string
		call         func() error
	}{
		{http.MethodPost, "/v2/actor-builds/*/abort", func() error { _, err := c.Build(build.ID).Abort(ctx); return err }},
		{http.MethodPost, "/v2/actors/*/validate-input", func() error { return actor.ValidateInput(ctx, map[string]any{}, nil) }},
		{http.MethodPost, "/v2/request-queues/*/requests/unlock", func() error { _, err := c.RequestQueue(qid).UnlockRequests(ctx); return err }},
		{http.MethodPut, "/v2/actors/*", func() error { _, err := actor.Update(ctx, &ActorUpdate{}); return err }},
		{http.MethodDelete, "/v2/request-queues/*/requests/batch", func() error {
			_, err := c.RequestQueue(qid).DeleteRequests(ctx, []RequestKey{{UniqueKey: "none"}})
			return err
		}},
	}
	for _, s := range safe {
		fail(s.method, s.path)
		if err := s.call(); err != nil {
			t.Errorf("%s %s after one 502: %v, want it retried", s.method, s.path, err)
		}
	}
	if n := srv.PendingFaults(); n != 0 {
		t.Errorf("%d faults unused", n)
	}
}
