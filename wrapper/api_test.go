package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/apifygo/apify/gen"
	"github.com/apifygo/apify/gen/genclient"
)

const coreRunJSON = `{"data":{"id":"run1","actId":"act1","status":"SUCCEEDED","startedAt":"2026-08-21T10:00:00.000Z","defaultDatasetId":"ds1"}}`

func TestAPIResultDecodesGeneratedOperations(t *testing.T) {
	var paths []string
	s, srv := newCoreScript(t, func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		switch {
		case r.URL.Path == "/v2/actor-runs/run1":
			coreWriteJSON(w, 200, coreRunJSON)
		case r.URL.Path == "/v2/datasets/missing":
			coreWriteJSON(w, 404, `{"error":{"type":"record-not-found","message":"Dataset was not found"}}`)
		case r.URL.Path == "/v2/datasets/ds1" && r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		case r.URL.Path == "/v2/datasets/locked" && r.Method == http.MethodDelete:
			coreWriteJSON(w, 403, `{"error":{"type":"insufficient-permissions","message":"You cannot delete this dataset"}}`)
		}
	})
	c := newCoreClient(t, srv, &coreTimers{})
	ctx := context.Background()

	run, err := Result(apiOf(c).ActorRunGetWithResponse(ctx, "run1", nil))
	if err != nil {
		t.Fatal(err)
	}
	if run.ID != "run1" || run.Status != "SUCCEEDED" || run.DefaultDatasetID != "ds1" || run.StartedAt.Year() != 2026 {
		t.Errorf("run = %+v", run)
	}

	_, err = Result(apiOf(c).DatasetGetWithResponse(ctx, "missing"))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want *APIError matching ErrNotFound", err)
	}
	if apiErr.Method != "GET" || apiErr.URL != srv.URL+"/v2/datasets/missing" || apiErr.Attempt != 1 || apiErr.Message != "Dataset was not found" {
		t.Errorf("APIError = %+v", apiErr)
	}

	if err := Check(apiOf(c).DatasetDeleteWithResponse(ctx, "ds1")); err != nil {
		t.Errorf("Check(204) = %v", err)
	}
	if err := Check(apiOf(c).DatasetDeleteWithResponse(ctx, "locked")); !errors.Is(err, ErrForbidden) {
		t.Errorf("Check(403) = %v, want ErrForbidden", err)
	}
	if s.count() != 4 {
		t.Errorf("server saw %d requests: %v", s.count(), paths)
	}
}

func TestAPIGoesThroughTheRetryChain(t *testing.T) {
	t.Run("GET retried, truncated body included", func(t *testing.T) {
		s, srv := newCoreScript(t, coreStatus(503, "1"),
			func(w http.ResponseWriter, r *http.Request) { coreTruncateBody(t, w, `{"data":{"id":"ru`) },
			coreStatus(429, "3"), coreOK(coreRunJSON))
		timers := &coreTimers{}
		c := newCoreClient(t, srv, timers)
		run, err := Result(apiOf(c).ActorRunGetWithResponse(context.Background(), "run1", nil))
		if err != nil || run.ID != "run1" || s.count() != 4 {
			t.Fatalf("got %+v, %v after %d attempts", run, err, s.count())
		}
		if d := timers.recorded(); len(d) != 3 || d[0] < time.Second || d[2] < 3*time.Second {
			t.Errorf("waits %v, want 3 with Retry-After honoured", d)
		}
	})
	t.Run("exhausted retries report the attempt count", func(t *testing.T) {
		_, srv := newCoreScript(t, coreStatus(500, ""))
		c := newCoreClient(t, srv, &coreTimers{}, WithMaxRetries(2))
		_, err := Result(apiOf(c).ActorRunGetWithResponse(context.Background(), "run1", nil))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.Attempt != 3 || !errors.Is(err, ErrServer) {
			t.Errorf("err = %v, want ErrServer after 3 attempts", err)
		}
	})
	t.Run("POST not retried after 5xx unless opted in, body replayed", func(t *testing.T) {
		var bodies []string
		s, srv := newCoreScript(t,
			func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b))
				coreWriteJSON(w, 500, `{"error":{"type":"internal-error","message":"oops"}}`)
			},
			func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b))
				coreWriteJSON(w, 201, coreRunJSON)
			})
		c := newCoreClient(t, srv, &coreTimers{})
		input := gen.ActorsRunsPostJSONRequestBody{"startUrls": []any{"https://example.com"}}
		_, err := Result(apiOf(c).ActorsRunsPostWithResponse(context.Background(), "act1", nil, input))
		if !errors.Is(err, ErrServer) || s.count() != 1 {
			t.Fatalf("err %v after %d attempts, want the 500 after 1", err, s.count())
		}
		s.mu.Lock()
		s.n = 0
		bodies = nil
		s.mu.Unlock()
		ctx := AllowUnsafeRetries(context.Background())
		run, err := Result(apiOf(c).ActorsRunsPostWithResponse(ctx, "act1", nil, input))
		if err != nil || run.ID != "run1" || len(bodies) != 2 || bodies[0] != bodies[1] || !strings.Contains(bodies[0], "example.com") {
			t.Errorf("opted in: %+v, %v, bodies %q", run, err, bodies)
		}
	})
	t.Run("WithBody variant with an opaque reader is replayed", func(t *testing.T) {
		var bodies []string
		_, srv := newCoreScript(t,
			func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b))
				coreWriteJSON(w, 503, `{"error":{"type":"x","message":"busy"}}`)
			},
			func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b))
				w.WriteHeader(201)
			})
		c := newCoreClient(t, srv, &coreTimers{})
		body := io.MultiReader(bytes.NewReader([]byte("hello ")), strings.NewReader("world"))
		err := Check(apiOf(c).KeyValueStoreRecordPutWithBodyWithResponse(context.Background(), "store", "greeting", nil, "text/plain", body))
		if err != nil || len(bodies) != 2 || bodies[1] != "hello world" {
			t.Errorf("err %v, bodies %q", err, bodies)
		}
	})
	t.Run("transport errors are redacted", func(t *testing.T) {
		c, err := NewClient(WithToken(coreTestToken), WithBaseURL("http://"+coreClosedAddr(t)), withTimer((&coreTimers{}).newTimer), WithMaxRetries(1))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := apiOf(c).ActorRunGetWithResponse(context.Background(), "run1", nil)
		if err == nil || resp != nil {
			t.Fatalf("got %v, %v; want an error", resp, err)
		}
		if !strings.Contains(err.Error(), "GET http://") || !strings.Contains(err.Error(), "after 2 attempts") {
			t.Errorf("error %q does not name the request and attempts", err)
		}
		if _, err2 := Result(resp, err); err2 != err {
			t.Errorf("Result changed the transport error: %v", err2)
		}
	})
}

func TestResultRejectsWhatIsNotAGeneratedResponse(t *testing.T) {
	var nilResp *genclient.ActorRunGetResponse
	cases := map[string]TypedResponse[gen.Run]{
		"nil interface":    nil,
		"nil pointer":      nilResp,
		"no HTTP response": &genclient.ActorRunGetResponse{Body: []byte(coreRunJSON)},
	}
	for name, resp := range cases {
		if v, err := Result(resp, nil); err == nil || v != nil {
			t.Errorf("%s: got %v, %v; want an error", name, v, err)
		}
	}
	var typeErr error = &json.UnmarshalTypeError{Value: "string", Field: "data.stats"}
	if _, err := Result[gen.Run](nil, typeErr); !errors.Is(err, ErrUnexpectedResponse) || !errors.Is(err, typeErr) {
		t.Errorf("generated decoding error: err = %v", err)
	}
	hr := &http.Response{StatusCode: 200, Status: "200 OK"}
	for name, body := range map[string]string{"not decoded": `{"data":`, "empty": ``, "null": `null`} {
		// The generated parser leaves JSON200 nil when it does not decode.
		if _, err := Result(&genclient.ActorRunGetResponse{Body: []byte(body), HTTPResponse: hr}, nil); !errors.Is(err, ErrUnexpectedResponse) {
			t.Errorf("%s body: err = %v", name, err)
		}
	}
}

// An error answer labelled JSON whose body is not the error envelope (a
// proxy's page, a cut body) still gives an *APIError with its status.
func TestAPIBrokenJSONErrorBodyIsAnAPIError(t *testing.T) {
	// A stub, not apifytest: malformed error envelopes.
	for _, body := range []string{`<html>bad gateway</html>`, `{"error":"a string"}`, `{"error":{"type":"x"`, ``} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, body)
		}))
		c, err := NewClient(WithToken("t"), WithBaseURL(srv.URL), WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		_, err = Result(apiOf(c).DatasetGetWithResponse(context.Background(), "d"))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || !errors.Is(err, ErrNotFound) {
			t.Errorf("body %q: got %v, want an *APIError 404 matching ErrNotFound", body, err)
		}
		srv.Close()
	}
}

// apiOf is what apifyapi.New returns, for the tests of this package (which
// cannot import apifyapi: it imports this package).
func apiOf(c *Client) *genclient.ClientWithResponses {
	base, doer, err := connectAPI(c)
	if err != nil {
		panic(err)
	}
	api, err := genclient.NewClientWithResponses(base, genclient.WithHTTPClient(doer))
	if err != nil {
		panic(err)
	}
	return api
}
