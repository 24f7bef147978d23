package apifytest

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestSecretEnvVarValueIsLeftOut follows the document's EnvVar schema: "If
// `isSecret` is `true`, this value isn't returned by the API" (and isSecret:
// "Secret values aren't returned by the API"). The field is absent, not
// empty, in every response that shows the variable; a plain one keeps it.
func TestSecretEnvVarValueIsLeftOut(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddActor("secretive", scraper))(t)
	version := "/v2/actors/" + id + "/versions/0.0"
	vars := version + "/env-vars"

	shown := map[string][]byte{
		"create": c.do(http.MethodPost, vars, `{"name":"TOKEN","value":"hunter2","isSecret":true}`).want(http.StatusCreated).Body,
	}
	c.do(http.MethodPost, vars, `{"name":"MODE","value":"fast"}`).want(http.StatusCreated)
	shown["get"] = c.do(http.MethodGet, vars+"/TOKEN", nil).want(http.StatusOK).Body
	shown["update"] = c.do(http.MethodPut, vars+"/TOKEN", `{"name":"TOKEN","value":"hunter3","isSecret":true}`).want(http.StatusOK).Body
	shown["list"] = c.do(http.MethodGet, vars, nil).want(http.StatusOK).Body
	shown["version"] = c.do(http.MethodGet, version, nil).want(http.StatusOK).Body
	shown["versions"] = c.do(http.MethodGet, "/v2/actors/"+id+"/versions", nil).want(http.StatusOK).Body
	shown["actor"] = c.do(http.MethodGet, "/v2/actors/"+id, nil).want(http.StatusOK).Body

	for what, body := range shown {
		secrets := 0
		for _, e := range envVarsIn(t, body) {
			_, has := e["value"]
			switch string(e["name"]) {
			case `"TOKEN"`:
				secrets++
				if has {
					t.Errorf("%s: the secret's value is present: %s", what, body)
				}
			case `"MODE"`:
				if string(e["value"]) != `"fast"` {
					t.Errorf("%s: the plain variable's value is %s, want \"fast\": %s", what, e["value"], body)
				}
			}
		}
		if secrets != 1 {
			t.Errorf("%s: the secret is shown %d times, want once: %s", what, secrets, body)
		}
	}
}

// envVarsIn returns every EnvVar object in a response's data: data itself,
// or one found under items, versions or envVars.
func envVarsIn(t *testing.T, body []byte) []map[string]json.RawMessage {
	t.Helper()
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatalf("response %s: %v", body, err)
	}
	var out []map[string]json.RawMessage
	var walk func(raw json.RawMessage)
	walk = func(raw json.RawMessage) {
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) == nil {
			for _, r := range list {
				walk(r)
			}
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("response %s: %v", body, err)
		}
		if isEnvVar(m) {
			out = append(out, m)
			return
		}
		for _, k := range []string{"items", "versions", "envVars"} {
			if m[k] != nil {
				walk(m[k])
			}
		}
	}
	walk(env.Data)
	return out
}

// isEnvVar reports whether an object has only the EnvVar schema's fields.
func isEnvVar(m map[string]json.RawMessage) bool {
	for k := range m {
		if k != "name" && k != "value" && k != "isSecret" {
			return false
		}
	}
	return m["name"] != nil
}
