package apify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// BuildOptions tune [ActorClient.Build].
type BuildOptions struct {
	// Tag is the tag given to the build when it succeeds; empty means the
	// version's build tag (usually "latest").
	Tag string
	// UseCache lets the build reuse cached layers, which makes it faster.
	UseCache bool
	// BetaPackages builds with the beta versions of Apify's npm packages.
	BetaPackages bool
	// WaitForFinish makes the API hold the answer until the build finishes
	// or this much time has passed (whole seconds, at most 60 s). To wait
	// longer, use [BuildClient.Wait].
	WaitForFinish time.Duration
}

func (o *BuildOptions) query(version string) (url.Values, error) {
	if version == "" {
		return nil, errors.New(`apify: Build: the version number is empty; give one such as "0.1"`)
	}
	q := url.Values{"version": {version}}
	if o == nil {
		return q, nil
	}
	if o.WaitForFinish < 0 || o.WaitForFinish > maxWaitForFinish {
		return nil, fmt.Errorf("apify: invalid BuildOptions: the WaitForFinish %v is out of range 0..60s (use BuildClient.Wait to wait longer)", o.WaitForFinish)
	}
	if o.Tag != "" {
		q.Set("tag", o.Tag)
	}
	if o.UseCache {
		q.Set("useCache", "true")
	}
	if o.BetaPackages {
		q.Set("betaPackages", "true")
	}
	if o.WaitForFinish > 0 {
		q.Set("waitForFinish", strconv.FormatInt(ceilSeconds(o.WaitForFinish), 10))
	}
	return q, nil
}

// Build starts a build of the Actor's version (e.g. "0.1") and returns it,
// usually still RUNNING; wait for it with [BuildClient.Wait]:
//
//	build, err := client.Actor("jane/scraper").Build(ctx, "0.1", nil)
//	if err != nil {
//		return err
//	}
//	build, err = client.Build(build.ID).Wait(ctx, nil)
//
// opts may be nil. Starting a build is not repeated after the request may
// have reached the server (a 5xx answer or a cut connection), since that
// could start a second build; see [AllowUnsafeRetries].
//
// Apify API docs: https://docs.apify.com/api/v2/actor-builds-post
func (a *ActorClient) Build(ctx context.Context, version string, opts *BuildOptions) (*Build, error) {
	q, err := opts.query(version)
	if err != nil {
		return nil, err
	}
	return callResource[Build](ctx, a.x.r, http.MethodPost, "builds", q, nil, "")
}

// DefaultBuild returns the Actor's default build: the one its runs use
// when they name none (the build tagged as the default run options say,
// usually "latest").
//
// Apify API docs: https://docs.apify.com/api/v2/actor-build-default-get
func (a *ActorClient) DefaultBuild(ctx context.Context) (*Build, error) {
	return callResource[Build](ctx, a.x.r, http.MethodGet, "builds/default", nil, nil, "")
}

// Wait waits until the build finishes and returns it, as [RunClient.Wait]
// does for a run: it long-polls the build for as long as ctx allows, looks
// for a build not found yet for a short while (opts.NotFoundGrace), and
// returns any final status (SUCCEEDED, FAILED, TIMED-OUT, ABORTED) with a
// nil error: check build.Status. When ctx ends first, it returns the build
// as last seen and an error wrapping ctx.Err(); the build goes on, unless
// opts.AbortOnCancel asks to abort it (at once: builds have no graceful
// abort; the abort is given opts.AbortWait, 0 meaning 10 s). opts may be
// nil.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-build-get
func (b *BuildClient) Wait(ctx context.Context, opts *WaitOptions) (*Build, error) {
	if err := b.r.check(ctx); err != nil {
		return nil, err
	}
	var o WaitOptions
	if opts != nil {
		o = *opts
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	p := &jobPoll[Build]{r: b.r, kind: "build", id: b.id, grace: notFoundGrace(o.NotFoundGrace), every: maxWaitForFinish}
	build, err := p.wait(ctx, nil)
	if err == nil || !o.AbortOnCancel || ctx.Err() == nil {
		return build, err
	}
	wait := o.AbortWait
	if wait == 0 {
		wait = hardAbortTimeout
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), wait)
	defer cancel()
	aborted, aerr := b.Abort(actx)
	if aerr != nil {
		return build, fmt.Errorf("apify: stopped waiting for build %s and could not abort it; it may still be running: %w",
			b.id, errors.Join(aerr, context.Cause(ctx)))
	}
	return aborted, fmt.Errorf("apify: stopped waiting for build %s and aborted it (now %s): %w", b.id, aborted.Status, context.Cause(ctx))
}

// Abort aborts the build and returns it. Aborting is safe to repeat, so
// failed attempts are retried.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-build-abort-post
func (b *BuildClient) Abort(ctx context.Context) (*Build, error) {
	if err := b.r.check(ctx); err != nil {
		return nil, err
	}
	return callResource[Build](markIdempotent(ctx), b.r, http.MethodPost, "abort", nil, nil, "")
}

// Delete deletes the build.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-build-delete
func (b *BuildClient) Delete(ctx context.Context) error {
	return b.r.delete(ctx)
}

// OpenAPIDefinition returns the OpenAPI document that describes how to run
// the build's Actor over the API (its input schema included), as JSON for
// the caller's OpenAPI library.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-build-openapi-json-get
func (b *BuildClient) OpenAPIDefinition(ctx context.Context) (json.RawMessage, error) {
	doc, err := callResource[json.RawMessage](ctx, b.r, http.MethodGet, "openapi.json", nil, nil, "")
	if err != nil {
		return nil, err
	}
	return *doc, nil
}
