package apify

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestAnswerWithoutIDIsAnError: a 2xx answer whose data names no object
// ({"data":{}}, an empty id) is ErrUnexpectedResponse, not a zero value
// passing for a real one. It runs on a stub: apifytest always sends the id.
func TestAnswerWithoutIDIsAnError(t *testing.T) {
	calls := map[string]func(context.Context, *Client) (any, error){
		"Actor.Get":           func(ctx context.Context, c *Client) (any, error) { return c.Actor("a1").Get(ctx) },
		"Actor.Start":         func(ctx context.Context, c *Client) (any, error) { return c.Actor("a1").Start(ctx, nil, nil) },
		"Run.Get":             func(ctx context.Context, c *Client) (any, error) { return c.Run("r1").Get(ctx) },
		"Build.Get":           func(ctx context.Context, c *Client) (any, error) { return c.Build("b1").Get(ctx) },
		"Task.Get":            func(ctx context.Context, c *Client) (any, error) { return c.Task("t1").Get(ctx) },
		"Dataset.Get":         func(ctx context.Context, c *Client) (any, error) { return c.Dataset("d1").Get(ctx) },
		"KeyValueStore.Get":   func(ctx context.Context, c *Client) (any, error) { return c.KeyValueStore("k1").Get(ctx) },
		"RequestQueue.Get":    func(ctx context.Context, c *Client) (any, error) { return c.RequestQueue("q1").Get(ctx) },
		"Webhook.Get":         func(ctx context.Context, c *Client) (any, error) { return c.Webhook("w1").Get(ctx) },
		"WebhookDispatch.Get": func(ctx context.Context, c *Client) (any, error) { return c.WebhookDispatch("wd1").Get(ctx) },
		"Schedule.Get":        func(ctx context.Context, c *Client) (any, error) { return c.Schedule("s1").Get(ctx) },
		"Result(ActorRunGet)": func(ctx context.Context, c *Client) (any, error) {
			return Result(apiOf(c).ActorRunGetWithResponse(ctx, "r1", nil))
		},
	}
	for body, bodyName := range map[string]string{
		`{"data":{}}`:                     "empty data",
		`{"data":{"id":""}}`:              "empty id",
		`{"data":{"name":"x","id":null}}`: "null id",
	} {
		api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
			coreWriteJSON(w, http.StatusOK, body)
		})
		c := api.client(t, nil)
		for name, call := range calls {
			v, err := call(testCtx(t), c)
			if !errors.Is(err, ErrUnexpectedResponse) || !strings.Contains(err.Error(), `"id"`) {
				t.Errorf("%s, %s: %v (value %T); want ErrUnexpectedResponse naming the missing id", bodyName, name, err, v)
			}
		}
	}

	// A type without a required id still accepts what it is sent.
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		coreWriteJSON(w, http.StatusOK, `{"data":{"versionNumber":"0.1","sourceType":"SOURCE_FILES"}}`)
	})
	if v, err := api.client(t, nil).Actor("a1").Version("0.1").Get(testCtx(t)); err != nil || v.VersionNumber != "0.1" {
		t.Errorf("Version.Get: %+v, %v", v, err)
	}
}
