package validation_test

import (
	"net/http"
	"testing"

	"github.com/apifygo/apify/api/apidoc"
	"github.com/apifygo/apify/api/validation"
)

// TestCheck runs the validator program on the pinned document and checks that
// it tells a conforming exchange from a request and a response that do not.
func TestCheck(t *testing.T) {
	currentDoc := apidoc.Current(t)
	v, err := validation.Start(currentDoc, validation.Options{LazySchemas: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := v.Close(); err != nil {
			t.Error(err)
		}
	}()
	auth := http.Header{"Authorization": {"Bearer x"}}
	jsonType := http.Header{"Content-Type": {"application/json"}}
	errorReply := &validation.Response{Status: http.StatusTooManyRequests, Header: jsonType,
		Body: []byte(`{"error":{"type":"rate-limit-exceeded","message":"slow down"}}`)}
	for _, c := range []struct {
		name                 string
		ex                   validation.Exchange
		badRequest, badReply bool
	}{
		{name: "conforming",
			ex: validation.Exchange{Request: validation.Request{Method: http.MethodGet, URL: "http://fake/v2/users/me", Header: auth}, Response: errorReply}},
		{name: "reply of the wrong shape", badReply: true,
			ex: validation.Exchange{Request: validation.Request{Method: http.MethodGet, URL: "http://fake/v2/users/me", Header: auth},
				Response: &validation.Response{Status: http.StatusOK, Header: jsonType, Body: []byte(`{"data":5}`)}}},
		{name: "request of the wrong shape", badRequest: true,
			ex: validation.Exchange{Request: validation.Request{Method: http.MethodPost, URL: "http://fake/v2/actor-tasks?x=1", Header: http.Header{"Authorization": {"Bearer x"}, "Content-Type": {"application/json"}},
				Body: []byte(`[1,2]`)}}},
		{name: "skipped request", ex: validation.Exchange{SkipRequest: true,
			Request: validation.Request{Method: http.MethodPost, URL: "http://fake/v2/actor-tasks", Header: jsonType, Body: []byte(`[1,2]`)}}},
	} {
		got, err := v.Check(c.ex)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if (len(got.Request) > 0) != c.badRequest || (len(got.Response) > 0) != c.badReply {
			t.Errorf("%s: request problems %+v, response problems %+v", c.name, got.Request, got.Response)
		}
	}
}
