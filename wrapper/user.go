package apify

import (
	"context"
	"iter"
)

// UserClient addresses an Apify user. Get it from [Client.User].
type UserClient struct {
	r resource
}

// User returns the client of the user with the given ID or username; "me"
// is the user the client's token belongs to.
func (c *Client) User(id string) *UserClient {
	return &UserClient{r: c.newResource("users", "user", "userID", id)}
}

// Get returns the user: every field for "me", the public ones (Username,
// Profile) for anyone else.
//
// Apify API docs: https://docs.apify.com/api/v2/user-get
func (u *UserClient) Get(ctx context.Context) (*UserInfo, error) {
	return getResource[UserInfo](ctx, u.r)
}

// StoreCollectionClient addresses the Actors of Apify Store. Get it from
// [Client.Store].
type StoreCollectionClient struct {
	r resource
}

// Store returns the client of Apify Store.
func (c *Client) Store() *StoreCollectionClient {
	return &StoreCollectionClient{r: c.collection("store")}
}

// List iterates over the Actors in Apify Store. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/store-get
func (l *StoreCollectionClient) List(ctx context.Context, opts *StoreListOptions) iter.Seq2[StoreActor, error] {
	w, q := opts.window()
	return listByOffset[StoreActor](ctx, l.r, q, w)
}
