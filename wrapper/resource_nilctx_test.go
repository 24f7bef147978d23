package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// resourceClients returns one of every resource client, including the
// composed ones, for tests that walk their methods.
func resourceClients(c *Client) map[string]any {
	return map[string]any{
		"Actor":                c.Actor("jane/scraper"),
		"Actor.LastRun":        c.Actor("jane/scraper").LastRun(&LastRunOptions{Status: RunSucceeded}),
		"Actor.Version":        c.Actor("a").Version("0.1"),
		"Actor.Versions":       c.Actor("a").Versions(),
		"Actors":               c.Actors(),
		"Task":                 c.Task("t"),
		"Task.LastRun":         c.Task("t").LastRun(),
		"Tasks":                c.Tasks(),
		"Run":                  c.Run("r"),
		"Run.Dataset":          c.Run("r").Dataset(),
		"Run.KeyValueStore":    c.Run("r").KeyValueStore(),
		"Run.RequestQueue":     c.Run("r").RequestQueue(),
		"Run.Log":              c.Run("r").Log(),
		"Runs":                 c.Runs(),
		"Build":                c.Build("b"),
		"Build.Log":            c.Build("b").Log(),
		"Builds":               c.Builds(),
		"Dataset":              c.Dataset("d"),
		"Datasets":             c.Datasets(),
		"KeyValueStore":        c.KeyValueStore("k"),
		"KeyValueStores":       c.KeyValueStores(),
		"RequestQueue":         c.RequestQueue("q", &RequestQueueOptions{ClientKey: "me"}),
		"RequestQueues":        c.RequestQueues(),
		"Webhook":              c.Webhook("w"),
		"Webhook.Dispatches":   c.Webhook("w").Dispatches(),
		"Webhooks":             c.Webhooks(),
		"WebhookDispatch":      c.WebhookDispatch("x"),
		"WebhookDispatches":    c.WebhookDispatches(),
		"Schedule":             c.Schedule("s"),
		"Schedules":            c.Schedules(),
		"Store":                c.Store(),
		"Log":                  c.Log("l"),
		"User":                 c.User("me"),
		"Actor(invalid ID)":    c.Actor("a/b/c"),
		"Dataset(empty ID)":    c.Dataset(""),
		"RequestQueue(2 opts)": c.RequestQueue("q", nil, nil),
	}
}

// argFor returns a plausible argument of type t, so that a call gets past
// argument validation to the point where it would send a request.
func argFor(t reflect.Type) reflect.Value {
	switch t {
	case reflect.TypeFor[context.Context]():
		return reflect.Zero(t) // nil: what the test is about
	case reflect.TypeFor[io.Writer]():
		return reflect.ValueOf(&bytes.Buffer{})
	case reflect.TypeFor[io.Reader]():
		return reflect.ValueOf(strings.NewReader("x"))
	case reflect.TypeFor[time.Duration]():
		return reflect.ValueOf(time.Minute)
	case reflect.TypeFor[ExportFormat]():
		return reflect.ValueOf(ExportJSON)
	}
	switch t.Kind() {
	case reflect.String:
		return reflect.ValueOf("x").Convert(t)
	case reflect.Int:
		return reflect.ValueOf(1).Convert(t)
	case reflect.Func:
		return reflect.MakeFunc(t, func([]reflect.Value) []reflect.Value { return nil })
	}
	return reflect.Zero(t)
}

// TestEveryResourceMethodRefusesNilContext calls every exported method of
// every resource client that takes a context with a nil one, and expects an
// error (returned, or yielded by an iterator), never a panic or a request.
func TestEveryResourceMethodRefusesNilContext(t *testing.T) {
	srv := apifytest.NewServer(t)
	c := fakeClient(t, srv, nil)
	defer func() {
		for _, r := range srv.Requests() {
			t.Errorf("request sent: %s %s", r.Method, r.Path)
		}
	}()
	methods := walkResourceMethods(t, "nil ctx", resourceClients(c), argFor)
	if methods < 60 {
		t.Errorf("only %d methods took a context; the walk misses clients", methods)
	}

	// The generic functions, which take a resource client.
	var nilCtx context.Context
	ds, kv := c.Dataset("d"), c.KeyValueStore("k")
	checks := map[string]func() error{
		"Items":         func() error { return firstErr(Items[json.RawMessage](nilCtx, ds, nil)) },
		"ItemPages":     func() error { return firstErr(ItemPages[json.RawMessage](nilCtx, ds, nil)) },
		"RunSyncItems":  func() error { return firstErr(RunSyncItems[json.RawMessage](nilCtx, c.Actor("a"), nil, nil)) },
		"PushItems":     func() error { _, err := PushItems(nilCtx, ds, []map[string]int{{"a": 1}}, nil); return err },
		"GetRecordJSON": func() error { _, err := GetRecordJSON[map[string]any](nilCtx, kv, "k"); return err },
	}
	for name, call := range checks {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s(nil ctx) panicked: %v", name, p)
				}
			}()
			if err := call(); err == nil {
				t.Errorf("%s(nil ctx): no error", name)
			}
		}()
	}
}

// nilCtxError finds the error among a call's results: the last result when
// it is an error, or the first error an iterator yields.
func nilCtxError(out []reflect.Value, errType reflect.Type) error {
	if len(out) == 0 {
		return nil
	}
	last := out[len(out)-1]
	if last.Type() == errType {
		err, _ := last.Interface().(error)
		return err
	}
	if last.Kind() == reflect.Func && last.Type().NumIn() == 1 {
		// iter.Seq2[T, error]: range it through reflection.
		var got error
		yield := reflect.MakeFunc(last.Type().In(0), func(args []reflect.Value) []reflect.Value {
			if e, ok := args[1].Interface().(error); ok && e != nil && got == nil {
				got = e
			}
			return []reflect.Value{reflect.ValueOf(false)}
		})
		last.Call([]reflect.Value{yield})
		return got
	}
	return nil
}

func firstErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}
