package apify

import (
	"context"
	"iter"
	"net/url"

	"github.com/apifygo/apify/gen"
)

type (
	// EnvVar is an environment variable of an Actor version. The Value of a
	// secret one is not returned.
	EnvVar = gen.EnvVar
	// EnvVarSpec is the body of [EnvVarCollectionClient.Create] and
	// [EnvVarClient.Update] (https://docs.apify.com/api/v2/actor-version-env-vars-post).
	EnvVarSpec = gen.EnvVarRequest
)

// EnvVarClient addresses one environment variable of an Actor version. Get
// it from [ActorVersionClient.EnvVar].
type EnvVarClient struct {
	r resource
}

// EnvVarCollectionClient addresses the environment variables of an Actor
// version. Get it from [ActorVersionClient.EnvVars].
type EnvVarCollectionClient struct {
	r resource
}

// EnvVars returns the client of the version's environment variables.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-version-env-vars-get
func (v *ActorVersionClient) EnvVars() *EnvVarCollectionClient {
	return &EnvVarCollectionClient{r: v.r.child("the environment variables of "+v.r.desc, "env-vars")}
}

// EnvVar returns the client of the version's environment variable with the
// given name.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-version-env-var-get
func (v *ActorVersionClient) EnvVar(name string) *EnvVarClient {
	r := v.r.child("environment variable "+name+" of "+v.r.desc, "env-vars", url.PathEscape(name))
	if _, err := resourceID("envVarName", name); err != nil && r.err == nil {
		r.err = err
	}
	return &EnvVarClient{r: r}
}

// List iterates over the version's environment variables. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-version-env-vars-get
func (l *EnvVarCollectionClient) List(ctx context.Context, opts *ListOptions) iter.Seq2[EnvVar, error] {
	w, q := opts.window()
	return listByOffset[EnvVar](ctx, l.r, q, w)
}

// Create creates an environment variable of the version and returns it. A
// failed attempt is not repeated after the request may have reached the
// server (see [AllowUnsafeRetries]); a repeated create of a name that now
// exists is refused by the API, so after an ambiguous failure, Get the
// variable to see whether it was made.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-version-env-vars-post
func (l *EnvVarCollectionClient) Create(ctx context.Context, envVar *EnvVarSpec) (*EnvVar, error) {
	return create[EnvVar](ctx, l.r, "EnvVarSpec", envVar, false)
}

// Get returns the environment variable.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-version-env-var-get
func (e *EnvVarClient) Get(ctx context.Context) (*EnvVar, error) {
	return getResource[EnvVar](ctx, e.r)
}

// Update changes the environment variable and returns it.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-version-env-var-put
func (e *EnvVarClient) Update(ctx context.Context, change *EnvVarSpec) (*EnvVar, error) {
	return update[EnvVar](ctx, e.r, "EnvVarSpec", change)
}

// Delete deletes the environment variable.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-version-env-var-delete
func (e *EnvVarClient) Delete(ctx context.Context) error {
	return e.r.delete(ctx)
}

// VersionSourceType says where an Actor version's source lives
// ([ActorVersionCreate].SourceType).
type VersionSourceType = gen.VersionSourceType

// The places an Actor version's source can live.
const (
	SourceFiles      VersionSourceType = gen.VersionSourceTypeSOURCEFILES
	SourceGitRepo    VersionSourceType = gen.VersionSourceTypeGITREPO
	SourceTarball    VersionSourceType = gen.VersionSourceTypeTARBALL
	SourceGitHubGist VersionSourceType = gen.VersionSourceTypeGITHUBGIST
)
