package apifytest

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"runtime/debug"
	"time"
)

// BuildFunc is the body of an Actor's build (ActorOptions.Build). The build
// SUCCEEDS if it returns nil and FAILS if it returns an error (whose message
// becomes the build's last log line) or panics; ctx is cancelled when the
// build is aborted or the server closes.
type BuildFunc func(ctx context.Context, b *ActorBuild) error

// ActorBuild is a build as its BuildFunc sees it.
type ActorBuild struct {
	s *Server
	b *build
}

// ID returns the build's ID.
func (ab *ActorBuild) ID() string { return ab.b.id }

// VersionNumber returns the number of the Actor version being built, such as "0.0".
func (ab *ActorBuild) VersionNumber() string { return ab.b.version }

// Logf appends a line to the build's log.
func (ab *ActorBuild) Logf(format string, args ...any) {
	ab.s.mu.Lock()
	defer ab.s.mu.Unlock()
	if !terminal(ab.b.status) {
		ab.s.appendBuildLog(ab.b, fmt.Sprintf(format, args...))
	}
}

// build is one build of an Actor. Callers hold Server.mu.
type build struct {
	id, actorID           string
	number                string // "0.0.3"
	version               string // "0.0"
	tag                   string // applied on success; "" for none
	origin                string
	useCache, betaPkgs    bool
	status                string
	startedAt, finishedAt time.Time
	log                   []byte
	logChanged            chan struct{}
	done                  chan struct{}
	cancel                context.CancelFunc
}

func buildHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"GET /v2/actors/{actorId}/builds":                        listActorBuilds,
		"POST /v2/actors/{actorId}/builds":                       startBuild,
		"GET /v2/actors/{actorId}/builds/default":                getDefaultBuild,
		"GET /v2/actors/{actorId}/builds/{buildId}":              actorScopedBuild(getBuild),
		"POST /v2/actors/{actorId}/builds/{buildId}/abort":       actorScopedBuild(abortBuild),
		"GET /v2/actors/{actorId}/builds/{buildId}/openapi.json": actorScopedBuild(getBuildOpenAPI),
		"GET /v2/actor-builds":                                   listBuilds,
		"GET /v2/actor-builds/{buildId}":                         getBuild,
		"DELETE /v2/actor-builds/{buildId}":                      deleteBuild,
		"POST /v2/actor-builds/{buildId}/abort":                  abortBuild,
		"GET /v2/actor-builds/{buildId}/log":                     getLog,
		"GET /v2/actor-builds/{buildId}/openapi.json":            getBuildOpenAPI,
	}
}

// addBuild registers b. Callers hold Server.mu.
func (s *Server) addBuild(b *build) {
	if s.ops.builds == nil {
		s.ops.builds = map[string]*build{}
	}
	s.ops.builds[b.id] = b
	s.ops.buildOrder = append(s.ops.buildOrder, b)
}

// allBuilds makes sure every Actor's first build exists and returns the
// builds in creation order. Callers hold Server.mu.
func (s *Server) allBuilds() []*build {
	for _, a := range byCreation(s.actors, func(a *actor) time.Time { return a.createdAt }) {
		s.actorExt(a)
	}
	return s.ops.buildOrder
}

var buildNumberPattern = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

// resolveBuild finds the build a run of a asks for: "" for the Actor's
// default (its defaultRunOptions.build), a tag or a build number. Callers
// hold Server.mu.
func (s *Server) resolveBuild(a *actor, ref string) (*build, error) {
	ext := s.actorExt(a)
	if ref == "" {
		ref = ext.defaults.Build
	}
	if buildNumberPattern.MatchString(ref) {
		for _, b := range s.ops.buildOrder {
			if b.actorID == a.id && b.number == ref {
				if b.status != StatusSucceeded {
					return nil, errorf(http.StatusBadRequest, "invalid-build", "Build %s of Actor %s is %s, so it cannot run", ref, a.name, b.status)
				}
				return b, nil
			}
		}
		return nil, errorf(http.StatusNotFound, "build-not-found", "Actor %s has no build number %s", a.name, ref)
	}
	id, ok := ext.taggedBuilds[ref]
	if !ok {
		return nil, errorf(http.StatusBadRequest, "unknown-build-tag", "Actor %s has no build tagged %q: build it first (POST /v2/actors/%s/builds)", a.name, ref, a.id)
	}
	return s.ops.builds[id], nil
}

// build finds the build named by the buildId path parameter; "default"
// under an Actor's path is the Actor's default build. Callers hold Server.mu.
func (c *call) build() (*build, error) {
	id := c.params["buildId"]
	c.s.allBuilds()
	if _, scoped := c.params["actorId"]; scoped && id == "default" {
		a, err := c.actor()
		if err != nil {
			return nil, err
		}
		return c.s.resolveBuild(a, "")
	}
	b, ok := c.s.ops.builds[id]
	if !ok {
		return nil, notFound("Actor build", id)
	}
	return b, nil
}

// actorScopedBuild serves an operation on /v2/actors/{actorId}/builds/{buildId}
// with h, after checking that the build is the Actor's.
func actorScopedBuild(h handlerFunc) handlerFunc {
	return func(c *call) error {
		c.s.mu.Lock()
		a, err := c.actor()
		var b *build
		if err == nil {
			b, err = c.build()
		}
		c.s.mu.Unlock()
		if err != nil {
			return err
		}
		if b.actorID != a.id {
			return notFound("Actor build", c.params["buildId"])
		}
		c.params["buildId"] = b.id
		return h(c)
	}
}

// appendBuildLog adds a line to a build's log. Callers hold Server.mu.
func (s *Server) appendBuildLog(b *build, line string) {
	b.log = fmt.Appendf(b.log, "%s %s\n", s.now().Format("2006-01-02T15:04:05.000Z"), line)
	close(b.logChanged)
	b.logChanged = make(chan struct{})
}

// startBuild starts a build of version of a. Callers hold Server.mu.
func (s *Server) startBuildOf(a *actor, v *actorVersion, tag string, useCache, beta bool) *build {
	ext := s.actorExt(a)
	ext.buildCounts[v.VersionNumber]++
	b := &build{
		id: s.ids.next(), actorID: a.id, version: v.VersionNumber, tag: tag, origin: "API",
		number:   fmt.Sprintf("%s.%d", v.VersionNumber, ext.buildCounts[v.VersionNumber]),
		useCache: useCache, betaPkgs: beta, status: StatusReady, startedAt: s.now(),
		logChanged: make(chan struct{}), done: make(chan struct{}),
	}
	s.addBuild(b)
	ctx, cancel := context.WithCancel(s.runCtx)
	b.cancel = cancel
	s.appendBuildLog(b, "Building version "+v.VersionNumber+" of Actor "+a.username+"/"+a.name)
	s.fireBuildEvent(b, "ACTOR.BUILD.CREATED")
	fn := a.opts.Build
	s.runWG.Add(1)
	go func() {
		defer s.runWG.Done()
		s.mu.Lock()
		if b.status == StatusReady {
			b.status = StatusRunning
		}
		s.mu.Unlock()
		var err error
		if fn != nil {
			err = callBuild(ctx, fn, &ActorBuild{s: s, b: b})
		}
		switch {
		case ctx.Err() != nil && err != nil:
			s.finishBuild(b, StatusAborted, "Build was aborted")
		case err != nil:
			s.finishBuild(b, StatusFailed, err.Error())
		default:
			s.finishBuild(b, StatusSucceeded, "Build finished")
		}
	}()
	return b
}

func callBuild(ctx context.Context, fn BuildFunc, ab *ActorBuild) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the BuildFunc panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return fn(ctx, ab)
}

// finishBuild moves b to a terminal status, unless it is there already; a
// successful build takes its tag.
func (s *Server) finishBuild(b *build, status, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if terminal(b.status) {
		return
	}
	s.appendBuildLog(b, message)
	b.status = status
	b.finishedAt = s.now()
	b.cancel()
	if status == StatusSucceeded && b.tag != "" {
		if a, ok := s.actors[b.actorID]; ok {
			s.actorExt(a).taggedBuilds[b.tag] = b.id
		}
	}
	close(b.done)
	close(b.logChanged)
	b.logChanged = make(chan struct{})
	s.fireBuildEvent(b, runEventType("ACTOR.BUILD.", status))
}

// buildJSON is the Build schema (and BuildShort in lists).
type buildJSON struct {
	ID            string          `json:"id"`
	ActID         string          `json:"actId"`
	UserID        string          `json:"userId"`
	StartedAt     apiTime         `json:"startedAt"`
	FinishedAt    optTime         `json:"finishedAt"`
	Status        string          `json:"status"`
	Meta          runMeta         `json:"meta"`
	Stats         *buildStats     `json:"stats,omitempty"`
	Options       *buildOptions   `json:"options,omitempty"`
	UsageTotalUsd float64         `json:"usageTotalUsd"`
	BuildNumber   string          `json:"buildNumber"`
	ActVersion    *buildActVerson `json:"actVersion,omitempty"`
}

type buildStats struct {
	DurationMillis int64   `json:"durationMillis"`
	RunTimeSecs    float64 `json:"runTimeSecs"`
	ComputeUnits   float64 `json:"computeUnits"`
}

type buildOptions struct {
	UseCache     bool  `json:"useCache"`
	BetaPackages bool  `json:"betaPackages"`
	MemoryMbytes int64 `json:"memoryMbytes"`
	DiskMbytes   int64 `json:"diskMbytes"`
}

type buildActVerson struct {
	VersionNumber string `json:"versionNumber"`
	SourceType    string `json:"sourceType"`
	BuildTag      string `json:"buildTag,omitempty"`
}

// buildJSON renders b. Callers hold Server.mu.
func (s *Server) buildJSON(b *build, short bool) buildJSON {
	j := buildJSON{ID: b.id, ActID: b.actorID, UserID: s.userID, StartedAt: apiTime(b.startedAt), FinishedAt: optTime(b.finishedAt),
		Status: b.status, Meta: runMeta{Origin: b.origin}, BuildNumber: b.number}
	if short {
		return j
	}
	end := b.finishedAt
	if end.IsZero() {
		end = s.now()
	}
	dur := end.Sub(b.startedAt)
	j.Stats = &buildStats{DurationMillis: dur.Milliseconds(), RunTimeSecs: dur.Seconds(), ComputeUnits: dur.Hours() * 4}
	j.Options = &buildOptions{UseCache: b.useCache, BetaPackages: b.betaPkgs, MemoryMbytes: 4096, DiskMbytes: 8192}
	j.ActVersion = &buildActVerson{VersionNumber: b.version, SourceType: "SOURCE_FILES", BuildTag: b.tag}
	if a, ok := s.actors[b.actorID]; ok {
		if v, _ := s.version(a, b.version); v != nil && v.SourceType != nil {
			j.ActVersion.SourceType = *v.SourceType
		}
	}
	return j
}

// POST /v2/actors/{actorId}/builds — https://docs.apify.com/api/v2/act-builds-post
func startBuild(c *call) error {
	number := c.query.Get("version")
	if number == "" {
		return errorf(http.StatusBadRequest, "invalid-parameter", "Query parameter version is required: the Actor version to build, such as 0.0")
	}
	useCache, err := c.boolParam("useCache", false)
	if err != nil {
		return err
	}
	beta, err := c.boolParam("betaPackages", false)
	if err != nil {
		return err
	}
	wait, err := c.waitParam()
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	a, err := c.actor()
	if err != nil {
		c.s.mu.Unlock()
		return err
	}
	v, _ := c.s.version(a, number)
	if v == nil {
		c.s.mu.Unlock()
		return errorf(http.StatusNotFound, "record-not-found", "Actor %s has no version %q", a.name, number)
	}
	tag := c.query.Get("tag")
	if tag == "" && v.BuildTag != nil {
		tag = *v.BuildTag
	}
	b := c.s.startBuildOf(a, v, tag, useCache, beta)
	c.s.mu.Unlock()
	c.s.waitDone(c.r.Context(), b.done, wait)
	c.s.mu.Lock()
	body := c.s.buildJSON(b, false)
	c.s.mu.Unlock()
	c.w.Header().Set("Location", c.publicURL("/v2/actor-builds/"+b.id))
	writeData(c.w, http.StatusCreated, body)
	return nil
}

// GET /v2/actor-builds/{buildId} — https://docs.apify.com/api/v2/actor-build-get
// (and GET /v2/actors/{actorId}/builds/{buildId}).
func getBuild(c *call) error {
	wait, err := c.waitParam()
	if err != nil {
		return err
	}
	b, err := underLock(c.s, c.build)
	if err != nil {
		return err
	}
	c.s.waitDone(c.r.Context(), b.done, wait)
	c.s.mu.Lock()
	body := c.s.buildJSON(b, false)
	c.s.mu.Unlock()
	writeData(c.w, http.StatusOK, body)
	return nil
}

// GET /v2/actors/{actorId}/builds/default — https://docs.apify.com/api/v2/actor-build-default-get
func getDefaultBuild(c *call) error {
	c.params["buildId"] = "default"
	return getBuild(c)
}

// POST /v2/actor-builds/{buildId}/abort — https://docs.apify.com/api/v2/actor-build-abort-post
func abortBuild(c *call) error {
	b, err := underLock(c.s, c.build)
	if err != nil {
		return err
	}
	c.s.finishBuild(b, StatusAborted, "Build was aborted")
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	writeData(c.w, http.StatusOK, c.s.buildJSON(b, false))
	return nil
}

// DELETE /v2/actor-builds/{buildId} — https://docs.apify.com/api/v2/actor-build-delete
// The build an Actor's default tag points to cannot be deleted.
func deleteBuild(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	b, err := c.build()
	if err != nil {
		return err
	}
	if !terminal(b.status) {
		return errorf(http.StatusBadRequest, "deleting-unfinished-build", "Build %s is %s; abort it or wait for it to finish first", b.number, b.status)
	}
	if a, ok := c.s.actors[b.actorID]; ok {
		ext := c.s.actorExt(a)
		if ext.taggedBuilds[ext.defaults.Build] == b.id {
			return errorf(http.StatusBadRequest, "deleting-default-build", "Build %s is the default build of Actor %s and cannot be deleted", b.number, a.name)
		}
		for tag, id := range ext.taggedBuilds {
			if id == b.id {
				delete(ext.taggedBuilds, tag)
			}
		}
	}
	delete(c.s.ops.builds, b.id)
	for i, x := range c.s.ops.buildOrder {
		if x == b {
			c.s.ops.buildOrder = append(c.s.ops.buildOrder[:i], c.s.ops.buildOrder[i+1:]...)
			break
		}
	}
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// GET /v2/actor-builds — https://docs.apify.com/api/v2/actor-builds-get
func listBuilds(c *call) error { return c.listBuildsOf(func(*build) bool { return true }) }

// GET /v2/actors/{actorId}/builds — https://docs.apify.com/api/v2/act-builds-get
func listActorBuilds(c *call) error {
	a, err := underLock(c.s, c.actor)
	if err != nil {
		return err
	}
	return c.listBuildsOf(func(b *build) bool { return b.actorID == a.id })
}

func (c *call) listBuildsOf(keep func(*build) bool) error {
	offset, limit, desc, err := c.listWindow()
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	var all []*build
	for _, b := range c.s.allBuilds() {
		if keep(b) {
			all = append(all, b)
		}
	}
	render := func(b *build) buildJSON { return c.s.buildJSON(b, true) }
	writeData(c.w, http.StatusOK, renderPage(all, render, offset, limit, desc))
	return nil
}

// GET /v2/actor-builds/{buildId}/openapi.json — https://docs.apify.com/api/v2/actor-build-openapi-json-get
// The fake's Actors have no input schema, so the document describes the
// run endpoints with any JSON object as input.
func getBuildOpenAPI(c *call) error {
	c.s.mu.Lock()
	b, err := c.build()
	var a *actor
	if err == nil {
		var ok bool
		if a, ok = c.s.actors[b.actorID]; !ok {
			err = notFound("Actor", b.actorID)
		}
	}
	c.s.mu.Unlock()
	if err != nil {
		return err
	}
	name := a.username + "~" + a.name
	input := map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}}
	op := func(id, summary string) map[string]any {
		return map[string]any{"operationId": id, "summary": summary, "requestBody": input,
			"responses": map[string]any{"200": map[string]any{"description": "OK"}}}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{
		"openapi": "3.0.1",
		"info":    map[string]any{"title": a.name, "version": b.version, "x-build-id": b.id},
		"servers": []any{map[string]any{"url": c.publicURL("/v2")}},
		"paths": map[string]any{
			"/acts/" + name + "/run-sync-get-dataset-items": map[string]any{"post": op("run-sync-get-dataset-items-"+a.name, "Executes the Actor and returns its dataset items")},
			"/acts/" + name + "/runs":                       map[string]any{"post": op("runs-sync-"+a.name, "Starts a run of the Actor")},
			"/acts/" + name + "/run-sync":                   map[string]any{"post": op("run-sync-"+a.name, "Executes the Actor and returns its OUTPUT record")},
		},
	})
	return nil
}
