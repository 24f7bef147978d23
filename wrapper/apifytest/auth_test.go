package apifytest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t, WithToken("secret-token"))
	c.do(http.MethodGet, "/v2/users/me", nil, noToken(), invalid()).wantError(http.StatusUnauthorized, "token-not-provided")
	c.do(http.MethodGet, "/v2/users/me", nil, header("Authorization", "Bearer wrong")).wantError(http.StatusUnauthorized, "user-or-token-not-found")
	c.do(http.MethodGet, "/v2/users/me?token=secret-token", nil, noToken()).want(http.StatusOK)

	var me struct{ ID, Username string }
	c.do(http.MethodGet, "/v2/users/me", nil).want(http.StatusOK).data(&me)
	if me.Username != "apifytest" || me.ID == "" {
		t.Errorf("me %+v", me)
	}

	// The request log never holds the token.
	for _, r := range s.Requests() {
		if strings.Contains(r.Header.Get("Authorization"), "secret-token") || strings.Contains(r.Query.Encode(), "secret-token") {
			t.Errorf("the token leaked into the request log: %+v", r)
		}
	}
	reqs := s.Requests()
	if len(reqs) != 4 || reqs[0].Authorized || reqs[1].Authorized || !reqs[2].Authorized || reqs[0].Status != 401 || reqs[3].Operation != "users_me_get" {
		t.Errorf("request log %+v", reqs)
	}

	// Server.Client adds the token.
	resp, err := s.Client().Get(s.URL() + "/v2/users/me")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("Client() got %d", resp.StatusCode)
	}
}

func TestPublicAccess(t *testing.T) {
	t.Parallel()
	_, c := newTestServer(t, WithPublicAccess(), WithUsername("jane"))
	var me struct{ Username string }
	c.do(http.MethodGet, "/v2/users/me", nil, noToken(), invalid()).want(http.StatusOK).data(&me)
	if me.Username != "jane" {
		t.Errorf("username %q", me.Username)
	}
	c.do(http.MethodGet, "/v2/users/me", nil, header("Authorization", "Bearer wrong")).wantError(http.StatusUnauthorized, "user-or-token-not-found")
}

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	bad := map[string]Option{
		"empty token":    WithToken(""),
		"spaced token":   WithToken("a b"),
		"nil clock":      WithClock(nil),
		"bad username":   WithUsername("-x"),
		"rate above one": WithRandomFaults(RandomFaults{Rate: 1.5}),
		"bad fault":      WithRandomFaults(RandomFaults{Rate: 0.5, Faults: []Fault{{Status: 200}}}),
		"nil option":     nil,
	}
	for name, opt := range bad {
		if _, err := NewUnstartedServer(opt); err == nil {
			t.Errorf("%s: no error", name)
		} else if !strings.HasPrefix(err.Error(), "apifytest: ") && !strings.Contains(err.Error(), "apifytest: ") {
			t.Errorf("%s: error %q does not say where it comes from", name, err)
		}
	}
}

func TestUnstartedServer(t *testing.T) {
	t.Parallel()
	s, err := NewUnstartedServer(WithSeed(7))
	if err != nil {
		t.Fatal(err)
	}
	if s.URL() != "" {
		t.Errorf("URL before Start: %q", s.URL())
	}
	id := must(s.AddDataset("seeded", map[string]int{"a": 1}))(t)
	s.Start()
	defer s.Close()
	resp, err := s.Client().Get(s.URL() + "/v2/datasets/" + id + "/items")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `[{"a":1}]` {
		t.Errorf("items %s", body)
	}
	// The same seed gives the same IDs.
	s2, _ := NewUnstartedServer(WithSeed(7))
	if id2 := must(s2.AddDataset("seeded"))(t); id2 != id {
		t.Errorf("seeded IDs differ: %s, %s", id, id2)
	}
	s.Close() // Close twice is fine.
}
