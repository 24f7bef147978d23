package apify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// walkResourceMethods calls every exported method taking a context of every
// resource client in clients with args built by arg, and reports a panic or
// a missing error. It returns how many methods it called.
func walkResourceMethods(t *testing.T, label string, clients map[string]any, arg func(reflect.Type) reflect.Value) int {
	t.Helper()
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	n := 0
	for name, rc := range clients {
		v := reflect.ValueOf(rc)
		for i := range v.NumMethod() {
			m := v.Type().Method(i)
			mt := v.Method(i).Type()
			if mt.NumIn() == 0 || mt.In(0) != ctxType {
				continue
			}
			n++
			args := make([]reflect.Value, mt.NumIn())
			for j := range args {
				args[j] = arg(mt.In(j))
			}
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("%s: %s.%s panicked: %v", label, name, m.Name, p)
					}
				}()
				out := v.Method(i).Call(args)
				if err := nilCtxError(out, errType); err == nil {
					t.Errorf("%s: %s.%s: no error", label, name, m.Name)
				}
			}()
		}
	}
	return n
}

// argWithCtx is argFor with ctx for the context.Context parameters.
func argWithCtx(ctx context.Context) func(reflect.Type) reflect.Value {
	return func(tp reflect.Type) reflect.Value {
		if tp == reflect.TypeFor[context.Context]() {
			return reflect.ValueOf(ctx)
		}
		return argFor(tp)
	}
}

// liveCtx returns a context bounded by a deadline, for calls that must not hang.
func liveCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestRedteamZeroValueClient: a careless caller writes &apify.Client{} (or
// apify.Client{}) instead of NewClient. Every method must return an error
// naming the mistake, never panic.
func TestRedteamZeroValueClient(t *testing.T) {
	ctx := liveCtx(t)
	arg := argWithCtx(ctx)
	n := walkResourceMethods(t, "zero Client", resourceClients(&Client{}), arg)
	if n < 60 {
		t.Errorf("only %d methods walked", n)
	}
	var zero Client
	for name, call := range map[string]func() error{
		"Items":     func() error { return firstErr(Items[json.RawMessage](ctx, zero.Dataset("d"), nil)) },
		"BaseURL":   func() error { _ = zero.BaseURL(); return fmt.Errorf("ok") },
		"String":    func() error { _ = zero.String(); return fmt.Errorf("ok") },
		"apifyapi":  func() error { _, _, err := connectAPI(&zero); return err },
		"PublicURL": func() error { _ = zero.PublicBaseURL(); return fmt.Errorf("ok") },
	} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("zero Client: %s panicked: %v", name, p)
				}
			}()
			if err := call(); err == nil {
				t.Errorf("zero Client: %s: no error", name)
			}
		}()
	}
}

// TestZeroValueResourceClients: the zero value of every resource client
// (var d apify.DatasetClient) reports an error from every method, as the
// package doc says. A nil pointer to one is not covered: it panics like any
// nil pointer, as the handles of go-github and stripe-go do.
func TestZeroValueResourceClients(t *testing.T) {
	ctx := liveCtx(t)
	arg := argWithCtx(ctx)
	zero := map[string]any{}
	for name, rc := range resourceClients(&Client{}) {
		zero[name] = reflect.New(reflect.TypeOf(rc).Elem()).Interface()
	}
	if n := walkResourceMethods(t, "zero resource client", zero, arg); n < 60 {
		t.Errorf("only %d methods walked", n)
	}
	var d DatasetClient
	for _, err := range Items[json.RawMessage](ctx, &d, nil) {
		if err == nil || !strings.Contains(err.Error(), "NewClient") {
			t.Errorf("Items of a zero DatasetClient: %v, want an error naming NewClient", err)
		}
	}
}

// TestRedteamNilClient: resource clients made from a nil *Client.
func TestRedteamNilClient(t *testing.T) {
	ctx := liveCtx(t)
	arg := argWithCtx(ctx)
	var c *Client
	walkResourceMethods(t, "nil Client", resourceClients(c), arg)
}

// TestRedteamNilArguments: nil writers, nil funcs, nil readers, zero options,
// on a working client against apifytest.
func TestRedteamNilArguments(t *testing.T) {
	srv := apifytest.NewServer(t)
	c := fakeClient(t, srv, nil)
	ctx := liveCtx(t)
	arg := func(tp reflect.Type) reflect.Value {
		switch {
		case tp == reflect.TypeFor[context.Context]():
			return reflect.ValueOf(ctx)
		case tp == reflect.TypeFor[io.Writer](), tp == reflect.TypeFor[io.Reader](), tp.Kind() == reflect.Func:
			return reflect.Zero(tp)
		}
		return argFor(tp)
	}
	// Only methods taking a nil writer/reader/func are interesting; others may
	// legitimately succeed, so filter.
	clients := resourceClients(c)
	ctxType := reflect.TypeFor[context.Context]()
	errType := reflect.TypeFor[error]()
	for name, rc := range clients {
		v := reflect.ValueOf(rc)
		for i := range v.NumMethod() {
			m := v.Type().Method(i)
			mt := v.Method(i).Type()
			if mt.NumIn() == 0 || mt.In(0) != ctxType {
				continue
			}
			hasNil := false
			args := make([]reflect.Value, mt.NumIn())
			for j := range args {
				in := mt.In(j)
				if in == reflect.TypeFor[io.Writer]() || in == reflect.TypeFor[io.Reader]() || in.Kind() == reflect.Func {
					hasNil = true
				}
				args[j] = arg(in)
			}
			if !hasNil {
				continue
			}
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("%s.%s(nil arg) panicked: %v", name, m.Name, p)
					}
				}()
				out := v.Method(i).Call(args)
				if err := nilCtxError(out, errType); err == nil {
					t.Logf("%s.%s(nil arg): no error", name, m.Name)
				}
			}()
		}
	}
}
