package apifytest

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

type buildData struct {
	ID, Status, BuildNumber string
}

func TestBuildSucceedsOrFailsAsTheActorSays(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	fail := true
	id := must(s.AddActor("built", scraper, ActorOptions{Build: func(ctx context.Context, b *ActorBuild) error {
		b.Logf("compiling version %s", b.VersionNumber())
		if fail {
			return errors.New("syntax error in main.go")
		}
		return nil
	}}))(t)

	// Every Actor starts with build 0.0.1 tagged latest, which its runs use.
	var def buildData
	c.do(http.MethodGet, "/v2/actors/"+id+"/builds/default", nil).want(http.StatusOK).data(&def)
	if def.Status != StatusSucceeded || def.BuildNumber != "0.0.1" {
		t.Fatalf("default build %+v", def)
	}

	var b buildData
	c.do(http.MethodPost, "/v2/actors/"+id+"/builds?version=0.0&tag=beta&waitForFinish=60", nil).want(http.StatusCreated).data(&b)
	if b.Status != StatusFailed || b.BuildNumber != "0.0.2" {
		t.Fatalf("failing build %+v", b)
	}
	log := c.do(http.MethodGet, "/v2/actor-builds/"+b.ID+"/log", nil).want(http.StatusOK).Body
	if !strings.Contains(string(log), "compiling version 0.0") || !strings.Contains(string(log), "syntax error in main.go") {
		t.Errorf("build log %q", log)
	}
	// A failed build takes no tag, so nothing runs as beta.
	c.do(http.MethodPost, "/v2/actors/"+id+"/runs?build=beta", `{}`).wantError(http.StatusBadRequest, "unknown-build-tag")
	c.do(http.MethodPost, "/v2/actors/"+id+"/runs?build=0.0.2", `{}`).wantError(http.StatusBadRequest, "invalid-build")

	fail = false
	c.do(http.MethodPost, "/v2/actors/"+id+"/builds?version=0.0&tag=beta&waitForFinish=60", nil).want(http.StatusCreated).data(&b)
	if b.Status != StatusSucceeded || b.BuildNumber != "0.0.3" {
		t.Fatalf("passing build %+v", b)
	}
	var run runData
	c.do(http.MethodPost, "/v2/actors/"+id+"/runs?build=beta&waitForFinish=60", `{"count":1}`).want(http.StatusCreated).data(&run)
	if run.BuildID != b.ID || run.Status != StatusSucceeded {
		t.Errorf("run %+v of build %s", run, b.ID)
	}
	// The default build cannot be deleted; another can.
	c.do(http.MethodDelete, "/v2/actor-builds/"+def.ID, nil).wantError(http.StatusBadRequest, "deleting-default-build")
	c.do(http.MethodDelete, "/v2/actor-builds/"+b.ID, nil).want(http.StatusNoContent)
	c.do(http.MethodGet, "/v2/actor-builds/"+b.ID, nil).wantError(http.StatusNotFound, "record-not-found")
	c.do(http.MethodPost, "/v2/actors/"+id+"/builds?version=9.9", nil).wantError(http.StatusNotFound, "record-not-found")
}

func TestAbortBuild(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	started := make(chan struct{})
	id := must(s.AddActor("slow-build", scraper, ActorOptions{Build: func(ctx context.Context, b *ActorBuild) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}}))(t)
	var b buildData
	c.do(http.MethodPost, "/v2/actors/"+id+"/builds?version=0.0", nil).want(http.StatusCreated).data(&b)
	<-started
	c.do(http.MethodPost, "/v2/actors/"+id+"/builds/"+b.ID+"/abort", nil).want(http.StatusOK).data(&b)
	if b.Status != StatusAborted {
		t.Errorf("status %s after abort", b.Status)
	}
}

func TestActorCreatedThroughTheAPIRunsOnceBuilt(t *testing.T) {
	t.Parallel()
	_, c := newTestServer(t)
	var a struct {
		ID                string
		DefaultRunOptions struct{ MemoryMbytes int }
		Versions          []struct{ VersionNumber string }
	}
	c.do(http.MethodPost, "/v2/actors", `{"name":"made","versions":[{"versionNumber":"1.2","sourceType":"SOURCE_FILES","buildTag":"latest"}],"defaultRunOptions":{"memoryMbytes":512}}`).want(http.StatusCreated).data(&a)
	if a.DefaultRunOptions.MemoryMbytes != 512 || len(a.Versions) != 1 {
		t.Errorf("created %+v", a)
	}
	c.do(http.MethodPost, "/v2/actors", `{"name":"made"}`).wantError(http.StatusBadRequest, "actor-name-not-unique")
	// Not built yet: nothing is tagged latest.
	c.do(http.MethodPost, "/v2/actors/"+a.ID+"/runs", `{}`).wantError(http.StatusBadRequest, "unknown-build-tag")
	c.do(http.MethodPost, "/v2/actors/"+a.ID+"/builds?version=1.2&waitForFinish=60", nil).want(http.StatusCreated)
	var run runData
	c.do(http.MethodPost, "/v2/actors/"+a.ID+"/runs?waitForFinish=60", `{}`).want(http.StatusCreated).data(&run)
	if run.Status != StatusSucceeded || run.Options.MemoryMbytes != 512 {
		t.Errorf("run %+v", run)
	}
	var upd struct {
		Name        string
		Description string
	}
	c.do(http.MethodPut, "/v2/actors/"+a.ID, `{"name":"renamed","description":"d"}`).want(http.StatusOK).data(&upd)
	if upd.Name != "renamed" || upd.Description != "d" {
		t.Errorf("updated %+v", upd)
	}
	c.do(http.MethodGet, "/v2/actors/apifytest~renamed", nil).want(http.StatusOK)
	c.do(http.MethodDelete, "/v2/actors/"+a.ID, nil).want(http.StatusNoContent)
	c.do(http.MethodGet, "/v2/actors/"+a.ID, nil).wantError(http.StatusNotFound, "record-not-found")
}

func TestVersionsAndSecretEnvVars(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddActor("versioned", scraper))(t)
	p := "/v2/actors/" + id + "/versions/0.0/env-vars"
	c.do(http.MethodPost, p, `{"name":"TOKEN","value":"hunter2","isSecret":true}`).want(http.StatusCreated)
	c.do(http.MethodPost, p, `{"name":"TOKEN","value":"x"}`).wantError(http.StatusBadRequest, "env-var-already-exists")
	body := c.do(http.MethodGet, p+"/TOKEN", nil).want(http.StatusOK).Body
	if strings.Contains(string(body), "hunter2") {
		t.Errorf("a secret's value came back: %s", body)
	}
	c.do(http.MethodPost, "/v2/actors/"+id+"/versions", `{"versionNumber":"0.0","sourceType":"SOURCE_FILES"}`).wantError(http.StatusBadRequest, "version-already-exists")
	c.do(http.MethodPost, "/v2/actors/"+id+"/versions", `{"versionNumber":"x","sourceType":"SOURCE_FILES"}`, invalid()).wantError(http.StatusBadRequest, "invalid-input")
	c.do(http.MethodGet, "/v2/actors/"+id+"/versions/3.0", nil).wantError(http.StatusNotFound, "record-not-found")
}
