package apify

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/apifygo/apify/wrapper/apifytest"
	"github.com/oapi-codegen/nullable"
)

func TestBuildAndWait(t *testing.T) {
	srv := apifytest.NewServer(t)
	release := make(chan struct{})
	addActor(t, srv, "builder", func(ctx context.Context, run *apifytest.ActorRun) error { return nil },
		apifytest.ActorOptions{Build: func(ctx context.Context, b *apifytest.ActorBuild) error {
			b.Logf("compiling %s", b.VersionNumber())
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		}})
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	actor := c.Actor(srv.Username() + "/builder")

	build, err := actor.Build(ctx, "0.0", &BuildOptions{Tag: "beta", UseCache: true})
	if err != nil {
		t.Fatal(err)
	}
	if Finished(build.Status) {
		t.Fatalf("build finished before it was released: %s", build.Status)
	}
	close(release)
	done, err := c.Build(build.ID).Wait(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != RunSucceeded || done.ID != build.ID {
		t.Fatalf("Wait = %s %s, want %s SUCCEEDED", done.ID, done.Status, build.ID)
	}
	log, err := c.Build(build.ID).Log().Get(ctx)
	if err != nil || !strings.Contains(log, "compiling 0.0") {
		t.Fatalf("build log = %q, %v", log, err)
	}
	def, err := actor.DefaultBuild(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if def.Status != RunSucceeded {
		t.Errorf("default build status %s", def.Status)
	}
	doc, err := c.Build(build.ID).OpenAPIDefinition(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var openapi struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(doc, &openapi); err != nil || openapi.OpenAPI == "" || len(openapi.Paths) == 0 {
		t.Fatalf("OpenAPIDefinition = %.200s (%v)", doc, err)
	}
	var list []BuildShort
	for b, err := range actor.Builds().List(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, b)
	}
	if !containsBuild(list, build.ID) {
		t.Errorf("the Actor's builds %v do not list %s", list, build.ID)
	}
	if err := c.Build(build.ID).Delete(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Build(build.ID).Get(ctx); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
}

func containsBuild(list []BuildShort, id string) bool {
	for _, b := range list {
		if b.ID == id {
			return true
		}
	}
	return false
}

func TestBuildAbortAndFailure(t *testing.T) {
	srv := apifytest.NewServer(t)
	addActor(t, srv, "stuck", func(ctx context.Context, run *apifytest.ActorRun) error { return nil },
		apifytest.ActorOptions{Build: func(ctx context.Context, b *apifytest.ActorBuild) error {
			if b.VersionNumber() == "0.0" {
				<-ctx.Done()
				return ctx.Err()
			}
			return errors.New("syntax error")
		}})
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	actor := c.Actor(srv.Username() + "/stuck")
	build, err := actor.Build(ctx, "0.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	aborted, err := c.Build(build.ID).Abort(ctx)
	if err != nil {
		t.Fatal(err)
	}
	final, err := c.Build(build.ID).Wait(ctx, nil)
	if err != nil || final.Status != RunAborted {
		t.Fatalf("after Abort (%s): Wait = %v, %v; want ABORTED", aborted.Status, final, err)
	}

	if _, err := actor.Versions().Create(ctx, &ActorVersionCreate{VersionNumber: nullable.NewNullableWithValue("0.1"), SourceType: nullable.NewNullableWithValue(SourceFiles)}); err != nil {
		t.Fatal(err)
	}
	failing, err := actor.Build(ctx, "0.1", nil)
	if err != nil {
		t.Fatal(err)
	}
	final, err = c.Build(failing.ID).Wait(ctx, nil)
	if err != nil || final.Status != RunFailed {
		t.Fatalf("Wait for a failing build = %v, %v; want FAILED and a nil error", final, err)
	}
}

func TestBuildWaitAbortOnCancel(t *testing.T) {
	srv := apifytest.NewServer(t)
	addActor(t, srv, "slow", func(ctx context.Context, run *apifytest.ActorRun) error { return nil },
		apifytest.ActorOptions{Build: func(ctx context.Context, b *apifytest.ActorBuild) error {
			<-ctx.Done()
			return ctx.Err()
		}})
	c := fakeClient(t, srv, nil)
	build, err := c.Actor(srv.Username()+"/slow").Build(testCtx(t), "0.0", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	cancel()
	got, err := c.Build(build.ID).Wait(ctx, &WaitOptions{AbortOnCancel: true})
	if !errors.Is(err, context.Canceled) || got == nil || got.Status != RunAborted {
		t.Fatalf("Wait with AbortOnCancel after cancel = %v, %v; want the ABORTED build and context.Canceled", got, err)
	}
	got, err = c.Build(build.ID).Get(testCtx(t))
	if err != nil || got.Status != RunAborted {
		t.Fatalf("build after Wait = %v, %v", got, err)
	}
}

func TestBuildOptionsValidate(t *testing.T) {
	c := fakeClient(t, apifytest.NewServer(t), nil)
	ctx := testCtx(t)
	if _, err := c.Actor("a").Build(ctx, "", nil); err == nil {
		t.Error("Build with no version: nil error")
	}
	if _, err := c.Actor("a").Build(ctx, "0.1", &BuildOptions{WaitForFinish: 61e9}); err == nil || !strings.Contains(err.Error(), "WaitForFinish") {
		t.Errorf("Build with WaitForFinish 61s: %v", err)
	}
}

func TestValidateInput(t *testing.T) {
	srv := apifytest.NewServer(t)
	addActor(t, srv, "checker", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	actor := c.Actor(srv.Username() + "/checker")
	if err := actor.ValidateInput(ctx, map[string]any{"url": "https://example.com"}, nil); err != nil {
		t.Fatalf("ValidateInput of an object: %v", err)
	}
	err := actor.ValidateInput(ctx, []byte(`[1,2]`), &ValidateInputOptions{Build: "latest"})
	if !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("ValidateInput of an array: %v, want ErrInvalidInput", err)
	}
	if err := actor.ValidateInput(ctx, nil, nil); err == nil {
		t.Error("ValidateInput(nil): nil error")
	}
}
