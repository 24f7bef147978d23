package apify

import (
	"context"
	"iter"
	"net/http"
)

// WebhookClient addresses one webhook. Get it from [Client.Webhook]; it
// does no I/O until a method is called.
type WebhookClient struct {
	r resource
}

// Webhook returns the client of the webhook with the given ID.
func (c *Client) Webhook(id string) *WebhookClient {
	return &WebhookClient{r: c.newResource("webhooks", "webhook", "webhookID", id)}
}

// Get returns the webhook.
//
// Apify API docs: https://docs.apify.com/api/v2/webhook-get
func (h *WebhookClient) Get(ctx context.Context) (*Webhook, error) {
	return getResource[Webhook](ctx, h.r)
}

// Delete deletes the webhook.
//
// Apify API docs: https://docs.apify.com/api/v2/webhook-delete
func (h *WebhookClient) Delete(ctx context.Context) error {
	return h.r.delete(ctx)
}

// Dispatches returns the client of the webhook's dispatches.
//
// Apify API docs: https://docs.apify.com/api/v2/webhook-webhook-dispatches-get
func (h *WebhookClient) Dispatches() *WebhookDispatchCollectionClient {
	return &WebhookDispatchCollectionClient{r: h.r.child("the dispatches of "+h.r.desc, "dispatches")}
}

// WebhookCollectionClient addresses a list of webhooks: all the user's
// ([Client.Webhooks]), an Actor's ([ActorClient.Webhooks]) or a task's
// ([TaskClient.Webhooks]).
type WebhookCollectionClient struct {
	r resource
}

// Webhooks returns the client of all the user's webhooks.
func (c *Client) Webhooks() *WebhookCollectionClient {
	return &WebhookCollectionClient{r: c.collection("webhooks")}
}

// List iterates over the webhooks. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/webhooks-get
func (l *WebhookCollectionClient) List(ctx context.Context, opts *ListOptions) iter.Seq2[WebhookShort, error] {
	w, q := opts.window()
	return listByOffset[WebhookShort](ctx, l.r, q, w)
}

// WebhookDispatchClient addresses one webhook dispatch. Get it from
// [Client.WebhookDispatch].
type WebhookDispatchClient struct {
	r resource
}

// WebhookDispatch returns the client of the webhook dispatch with the given
// ID.
func (c *Client) WebhookDispatch(id string) *WebhookDispatchClient {
	return &WebhookDispatchClient{r: c.newResource("webhook-dispatches", "webhook dispatch", "dispatchID", id)}
}

// Get returns the dispatch.
//
// Apify API docs: https://docs.apify.com/api/v2/webhook-dispatch-get
func (d *WebhookDispatchClient) Get(ctx context.Context) (*WebhookDispatch, error) {
	return getResource[WebhookDispatch](ctx, d.r)
}

// WebhookDispatchCollectionClient addresses a list of webhook dispatches:
// all the user's ([Client.WebhookDispatches]) or one webhook's
// ([WebhookClient.Dispatches]).
type WebhookDispatchCollectionClient struct {
	r resource
}

// WebhookDispatches returns the client of all the user's webhook
// dispatches.
func (c *Client) WebhookDispatches() *WebhookDispatchCollectionClient {
	return &WebhookDispatchCollectionClient{r: c.collection("webhook-dispatches")}
}

// List iterates over the dispatches. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/webhook-dispatches-get
func (l *WebhookDispatchCollectionClient) List(ctx context.Context, opts *ListOptions) iter.Seq2[WebhookDispatch, error] {
	w, q := opts.window()
	return listByOffset[WebhookDispatch](ctx, l.r, q, w)
}

// Test sends the webhook a test event (eventType TEST, with a sample
// payload) and returns the dispatch: its Status says whether the delivery
// succeeded. The test is sent once: repeating it would deliver it twice.
//
// Apify API docs: https://docs.apify.com/api/v2/webhook-test-post
func (h *WebhookClient) Test(ctx context.Context) (*WebhookDispatch, error) {
	return callResource[WebhookDispatch](ctx, h.r, http.MethodPost, "test", nil, nil, "")
}
