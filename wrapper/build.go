package apify

import (
	"context"
	"iter"
)

// BuildClient addresses one Actor build. Get it from [Client.Build]; it
// does no I/O until a method is called.
type BuildClient struct {
	r  resource
	id string // for messages
}

// Build returns the client of the build with the given ID.
func (c *Client) Build(id string) *BuildClient {
	return &BuildClient{r: c.newResource("actor-builds", "build", "buildID", id), id: id}
}

// Get returns the build.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-build-get
func (b *BuildClient) Get(ctx context.Context) (*Build, error) {
	return getResource[Build](ctx, b.r)
}

// Log returns the client of the build's log.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-build-log-get
func (b *BuildClient) Log() *LogClient {
	return &LogClient{r: b.r.child("the log of "+b.r.desc, "log"), jobs: []resource{b.r}}
}

// BuildCollectionClient addresses a list of builds: all the user's builds
// ([Client.Builds]) or an Actor's ([ActorClient.Builds]).
type BuildCollectionClient struct {
	r resource
}

// Builds returns the client of all the user's builds.
func (c *Client) Builds() *BuildCollectionClient {
	return &BuildCollectionClient{r: c.collection("actor-builds")}
}

// List iterates over the builds. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-builds-get
func (l *BuildCollectionClient) List(ctx context.Context, opts *ListOptions) iter.Seq2[BuildShort, error] {
	w, q := opts.window()
	return listByOffset[BuildShort](ctx, l.r, q, w)
}
