package apify

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestClientPrintsWithoutToken(t *testing.T) {
	c, err := NewClient(WithToken(coreTestToken))
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		type hidden struct {
			c  Client
			p  *Client
			cf *config
		}
		for _, v := range []any{c, *c, c.cfg, *c.cfg, c.cfg.token, []*Client{c}, struct{ C *Client }{c}, hidden{*c, c, c.cfg}} {
			out := fmt.Sprintf(verb, v)
			coreAssertNoToken(t, fmt.Sprintf("fmt %s of %T", verb, v), out)
		}
	}
	if s := c.String(); !strings.Contains(s, "Token: REDACTED") || !strings.Contains(s, DefaultBaseURL) {
		t.Errorf("String() = %q, want base URL and a redacted token", s)
	}
	var nilClient *Client
	if s := fmt.Sprint(nilClient); s != "<nil>" {
		t.Errorf("nil client prints %q", s)
	}
	// Options are functions: printing them shows addresses only.
	coreAssertNoToken(t, "option", fmt.Sprintf("%#v", WithToken(coreTestToken)))
}

func TestAuthAndUserAgentHeaders(t *testing.T) {
	// A stub, not apifytest: it checks the exact headers on the wire before any routing.
	var gotAuth, gotUA string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotUA = r.Header.Get("Authorization"), r.Header.Get("User-Agent")
		coreWriteJSON(w, 200, `{"data":{}}`)
	}))
	defer srv.Close()

	c := newCoreClient(t, srv, &coreTimers{}, WithUserAgent("my-app/1.2"))
	req, err := c.newRequest(context.Background(), http.MethodGet, "/v2/users/me", nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := doJSON[map[string]any](c, req); err != nil {
		t.Fatal(err)
	}
	if gotAuth != "Bearer "+coreTestToken {
		t.Errorf("Authorization = %q", gotAuth)
	}
	if !strings.HasPrefix(gotUA, "apifygo/"+Version+" (") || !strings.HasSuffix(gotUA, "; my-app/1.2") {
		t.Errorf("User-Agent = %q", gotUA)
	}
	if req.Header.Get("Authorization") != "" {
		t.Error("the caller's request was modified: it now carries the token")
	}
	resp, err := apiOf(c).UsersMeGetWithResponse(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.HTTPResponse.Request.Header.Get("Authorization"); got != "" {
		t.Errorf("the response's Request shows the token: %q", got)
	}

	anon, err := NewClient(WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Result(apiOf(anon).UsersMeGetWithResponse(context.Background())); err != nil {
		t.Fatal(err)
	}
	if gotAuth != "" {
		t.Errorf("client without token sent Authorization %q", gotAuth)
	}
}

func TestRedirectToOtherHostDropsToken(t *testing.T) {
	// Stubs, not apifytest: apifytest never redirects to another host.
	var otherAuth []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth = append(otherAuth, r.Header.Get("Authorization"))
		coreWriteJSON(w, 200, `{"data":{"id":"elsewhere"}}`)
	}))
	defer other.Close()
	var sameHostAuth string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v2/datasets/away":
			http.Redirect(w, r, other.URL+"/v2/datasets/x", http.StatusFound)
		case "/v2/datasets/moved":
			http.Redirect(w, r, "/v2/datasets/here", http.StatusTemporaryRedirect)
		case "/v2/datasets/here":
			sameHostAuth = r.Header.Get("Authorization")
			coreWriteJSON(w, 200, `{"data":{"id":"here"}}`)
		}
	}))
	defer api.Close()
	c := newCoreClient(t, api, &coreTimers{})
	ctx := context.Background()

	// Through the internal request path, with the header also set by the caller.
	req, _ := c.newRequest(ctx, http.MethodGet, "/v2/datasets/away", nil, nil, "")
	req.Header.Set("Authorization", "Bearer "+coreTestToken)
	if _, err := doJSON[map[string]any](c, req); err != nil {
		t.Fatal(err)
	}
	// Through the generated client.
	if _, err := Result(apiOf(c).DatasetGetWithResponse(ctx, "away")); err != nil {
		t.Fatal(err)
	}
	if len(otherAuth) != 2 || otherAuth[0] != "" || otherAuth[1] != "" {
		t.Errorf("the other host received Authorization %q", otherAuth)
	}
	got, err := Result(apiOf(c).DatasetGetWithResponse(ctx, "moved"))
	if err != nil || got.ID != "here" {
		t.Fatalf("same-host redirect: %v, %v", got, err)
	}
	if sameHostAuth != "Bearer "+coreTestToken {
		t.Errorf("same-host redirect lost the token: %q", sameHostAuth)
	}
}
