package apify

// Issue 10 items 8 and 10: secrets scrubbed before text is cut, no Referer
// to another host, %#v without secrets; errors a caller can act on.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const tokenMiddle = "SECRETsecret" // part of coreTestToken after its generic prefix

func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	coreAssertNoToken(t, what, s)
	for _, part := range []string{tokenMiddle[:5], "SIGVALUE", "abc123sig", "tok-abc"} {
		if strings.Contains(s, part) {
			t.Errorf("%s shows a secret (%q): %s", what, part, s)
		}
	}
}

func TestSecretsScrubbedBeforeTextIsCut(t *testing.T) {
	html := strings.Repeat("x", 185) + coreTestToken + " and https://h/x?signature=SIGVALUE " + strings.Repeat("y", 300)
	envelope := `{"error":{"type":"bad","message":"see https://h/v2/x?token=` + coreTestToken +
		`&signature=SIGVALUE","data":{"url":"https://h/?signature=abc123sig","token":"tok-abc","nested":["` + coreTestToken + `"]}}}`
	kept := strings.Repeat("z", maxErrorBodyKept-12) + coreTestToken
	// A stub, not apifytest: the error bodies echo secrets back, as no real answer should.
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch r.URL.Path {
		case "/v2/actor-runs/html":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(404)
			_, _ = w.Write([]byte(html))
		case "/v2/actor-runs/envelope":
			coreWriteJSON(w, 400, envelope)
		default:
			w.WriteHeader(404)
			_, _ = w.Write([]byte(kept))
		}
	})
	c := api.client(t, nil)
	for _, id := range []string{"html", "envelope", "kept"} {
		_, err := c.Run(id).Get(testCtx(t))
		var apiErr *APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("%s: err = %v, want *APIError", id, err)
		}
		data, _ := json.Marshal(apiErr.Data)
		for what, s := range map[string]string{
			"Error()": err.Error(), "Message": apiErr.Message, "Data": string(data), "Body": string(apiErr.Body),
			"%#v": fmt.Sprintf("%#v", err), "%+v": fmt.Sprintf("%+v", apiErr),
		} {
			assertNoSecret(t, id+" "+what, s)
		}
	}
}

// A status line is text from the server too: logged reasons scrub it.
func TestLoggedReasonsAreScrubbed(t *testing.T) {
	n := 0
	// A stub, not apifytest: the status line itself carries a secret.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		if n > 1 {
			writeData(w, 200, runJSON("r1", "SUCCEEDED"))
			return
		}
		coreRawAnswer(t, w, "HTTP/1.1 503 busy for "+coreTestToken+" at ?signature=SIGVALUE\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	}))
	defer srv.Close()
	var logs coreLogBuffer
	c := newCoreClient(t, srv, &coreTimers{}, WithLogger(logs.logger()))
	if _, err := c.Run("r1").Get(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "503") {
		t.Fatalf("no retry logged: %s", logs.String())
	}
	assertNoSecret(t, "log", logs.String())
}

// A redirect to another host carries no Referer (the signature is in our URL).
func TestRedirectToAnotherHostCarriesNoReferer(t *testing.T) {
	var referer string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		referer = r.Header.Get("Referer")
		w.Header().Set("X-Apify-Pagination-Count", "0")
		coreWriteJSON(w, 200, `[]`)
	}))
	defer other.Close()
	// A stub, not apifytest: apifytest never redirects.
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	})
	c := api.client(t, nil)
	for _, err := range Items[json.RawMessage](testCtx(t), c.Dataset("ds1"), &ItemsOptions{Signature: "SIGVALUE"}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if referer != "" {
		t.Errorf("the other host got Referer %q", referer)
	}
}

// Item 10: the transport error is exported and carries the request.
func TestRequestErrorIsExported(t *testing.T) {
	c, err := NewClient(WithToken(coreTestToken), WithBaseURL("http://"+coreClosedAddr(t)), withTimer((&coreTimers{}).newTimer), WithMaxRetries(2))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Run("r1").Get(testCtx(t))
	var reqErr *RequestError
	if !errors.As(err, &reqErr) {
		t.Fatalf("err = %v (%T), want a *RequestError", err, err)
	}
	var opErr *net.OpError
	if reqErr.Method != http.MethodGet || !strings.HasSuffix(reqErr.URL, "/v2/actor-runs/r1") || reqErr.Attempt != 3 || !errors.As(reqErr.Err, &opErr) {
		t.Errorf("RequestError %+v, want GET …/v2/actor-runs/r1 after 3 attempts caused by a *net.OpError", reqErr)
	}
	assertNoSecret(t, "%#v", fmt.Sprintf("%#v", err))
}

// Item 10: APIError keeps the headers that say when to try again.
func TestAPIErrorKeepsRetryHeaders(t *testing.T) {
	// A stub, not apifytest: it sends rate-limit headers and a cookie apifytest does not.
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		w.Header().Set("Retry-After", "7")
		w.Header().Set("X-RateLimit-Limit", "30")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("Set-Cookie", "session=abc")
		coreWriteJSON(w, 429, `{"error":{"type":"rate-limit-exceeded","message":"slow down"}}`)
	})
	c := api.client(t, nil, WithMaxRetries(1))
	_, err := c.Run("r1").Get(testCtx(t))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Type != ErrorTypeRateLimitExceeded || !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v, want a 429 *APIError of type %s", err, ErrorTypeRateLimitExceeded)
	}
	if apiErr.RetryAfter != 7*time.Second || apiErr.Header.Get("X-RateLimit-Remaining") != "0" || apiErr.Header.Get("Retry-After") != "7" {
		t.Errorf("RetryAfter %v, Header %v; want 7s and the rate-limit headers", apiErr.RetryAfter, apiErr.Header)
	}
	if apiErr.Header.Get("Set-Cookie") != "" {
		t.Errorf("Header keeps Set-Cookie: %v", apiErr.Header)
	}
}

// Item 8: a page body quoted in an iterator's error is scrubbed first; long
// messages are cut after scrubbing.
func TestIteratorAndLongMessageErrorsAreScrubbed(t *testing.T) {
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if strings.HasSuffix(r.URL.Path, "/items") {
			w.Header().Set("X-Apify-Pagination-Count", "1")
			coreWriteJSON(w, 200, "<html>"+coreTestToken+" ?signature=SIGVALUE</html>")
			return
		}
		coreWriteJSON(w, 400, `{"error":{"type":"invalid-input","message":"`+strings.Repeat("long ", 40_000)+`"}}`)
	})
	c := api.client(t, nil)
	var err error
	for _, e := range Items[json.RawMessage](testCtx(t), c.Dataset("ds1"), nil) {
		err = e
	}
	if err == nil {
		t.Fatal("no error for a page that is not JSON")
	}
	assertNoSecret(t, "iterator error", err.Error())
	_, err = c.Run("r1").Get(testCtx(t))
	var apiErr *APIError
	if !errors.As(err, &apiErr) || len(apiErr.Message) > maxErrorBodyKept+len("…") {
		t.Fatalf("err %T with a %d-byte message, want an *APIError with a bounded message", err, len(err.Error()))
	}
}
