package spec

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestCompareFixtures(t *testing.T) {
	old := readFile(t, filepath.Join("testdata", "compare", "old.json"))
	new := readFile(t, filepath.Join("testdata", "compare", "new.json"))
	r, err := Compare(old, new)
	if err != nil {
		t.Fatal(err)
	}
	want := Report{
		OldVersion: "v1", NewVersion: "v2",
		Added: []Operation{
			{Method: "get", Path: "/d", ID: "d_get"},
			{Method: "put", Path: "/d", ID: "d_put"},
		},
		Removed:        []Operation{{Method: "get", Path: "/b", ID: "b_get"}},
		Renamed:        []Rename{{Method: "post", Path: "/a", From: "a_post", To: "a_create"}},
		SchemasAdded:   []string{"New", "Zed"},
		SchemasRemoved: []string{"Old"},
		OldOperations:  4, NewOperations: 5,
	}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("Compare:\n got %+v\nwant %+v", r, want)
	}
	wantText := `Change report v1 → v2: 4 → 5 operations
  operations added: 2, removed: 1, renamed: 1; schemas added: 2, removed: 1
  + GET /d (d_get)
  + PUT /d (d_put)
  - GET /b (b_get)
  ~ POST /a: a_post → a_create (generated names change; the old ones stay as deprecated aliases)
  + schema New
  + schema Zed
  - schema Old
`
	if got := r.String(); got != wantText {
		t.Errorf("Report.String:\n%s\nwant:\n%s", got, wantText)
	}

	same, err := Compare(new, new)
	if err != nil {
		t.Fatal(err)
	}
	if len(same.Added)+len(same.Removed)+len(same.Renamed)+len(same.SchemasAdded)+len(same.SchemasRemoved) != 0 {
		t.Errorf("a document compared with itself reports changes: %+v", same)
	}
}

func TestCompareRejectsNonJSON(t *testing.T) {
	good := readFile(t, filepath.Join("testdata", "compare", "old.json"))
	if _, err := Compare([]byte("<html>"), good); err == nil {
		t.Error("Compare accepted an old document that is not JSON")
	}
	if _, err := Compare(good, []byte("{")); err == nil {
		t.Error("Compare accepted a new document that is not JSON")
	}
}

func TestOperationsAreSortedByPathAndMethod(t *testing.T) {
	ops, err := Operations(readFile(t, filepath.Join("testdata", "compare", "new.json")))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range ops {
		got = append(got, o.String())
	}
	want := []string{"GET /a (a_get)", "POST /a (a_create)", "DELETE /c (c_delete)", "GET /d (d_get)", "PUT /d (d_put)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Operations = %q, want %q", got, want)
	}
}

// TestCompareUpstreamVersions checks the change report between the two
// published versions at hand: 70 operations renamed (same method and path,
// new operationId), none added or removed, and the schema lists equal to the
// ones computed here independently from the documents.
func TestCompareUpstreamVersions(t *testing.T) {
	t.Parallel()
	prev, cur := upstream(t, previousDocPath), upstream(t, currentDocPath)
	r, err := Compare(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Renamed) != 70 || len(r.Added) != 0 || len(r.Removed) != 0 {
		t.Errorf("renamed/added/removed = %d/%d/%d, want 70/0/0", len(r.Renamed), len(r.Added), len(r.Removed))
	}

	prevDoc, curDoc := plainDocument(t, prev), plainDocument(t, cur)
	prevIDs, curIDs := prevDoc.operationIDs(), curDoc.operationIDs()
	if r.OldOperations != len(prevIDs) || r.NewOperations != len(curIDs) {
		t.Errorf("operation counts %d → %d, want %d → %d", r.OldOperations, r.NewOperations, len(prevIDs), len(curIDs))
	}
	for _, rn := range r.Renamed {
		key := strings.ToUpper(rn.Method) + " " + rn.Path
		if rn.From == rn.To || prevIDs[key] != rn.From || curIDs[key] != rn.To {
			t.Errorf("rename %+v does not match the documents (%q → %q)", rn, prevIDs[key], curIDs[key])
		}
	}
	renamed := 0
	for key, id := range curIDs {
		if old, ok := prevIDs[key]; ok && old != id {
			renamed++
		}
	}
	if renamed != len(r.Renamed) {
		t.Errorf("the documents rename %d operations, the report %d", renamed, len(r.Renamed))
	}

	added, removed := setDifference(curDoc.schemaNames(), prevDoc.schemaNames()), setDifference(prevDoc.schemaNames(), curDoc.schemaNames())
	if !reflect.DeepEqual(r.SchemasAdded, added) || !reflect.DeepEqual(r.SchemasRemoved, removed) {
		t.Errorf("schemas added %q removed %q, want added %q removed %q", r.SchemasAdded, r.SchemasRemoved, added, removed)
	}
	if r.OldVersion == "" || r.NewVersion == "" || r.OldVersion == r.NewVersion {
		t.Errorf("versions %q → %q", r.OldVersion, r.NewVersion)
	}
	if s := r.String(); !strings.Contains(s, "renamed: 70") {
		t.Errorf("the printed report does not give the renames:\n%s", s)
	}
}

// plainDoc is the part of an OpenAPI document the change report reads,
// decoded with encoding/json alone so the test does not reuse the code under test.
type plainDoc struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]json.RawMessage `json:"schemas"`
	} `json:"components"`
}

func plainDocument(t *testing.T, b []byte) plainDoc {
	t.Helper()
	var d plainDoc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// operationIDs maps "METHOD /path" to the operationId.
func (d plainDoc) operationIDs() map[string]string {
	ids := map[string]string{}
	for path, item := range d.Paths {
		for method, raw := range item {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
			default:
				continue
			}
			var op struct {
				OperationID string `json:"operationId"`
			}
			if json.Unmarshal(raw, &op) == nil {
				ids[strings.ToUpper(method)+" "+path] = op.OperationID
			}
		}
	}
	return ids
}

func (d plainDoc) schemaNames() []string {
	var names []string
	for n := range d.Components.Schemas {
		names = append(names, n)
	}
	return names
}

// setDifference returns the sorted names in a but not in b, nil when none.
func setDifference(a, b []string) []string {
	inB := map[string]bool{}
	for _, n := range b {
		inB[n] = true
	}
	var out []string
	for _, n := range a {
		if !inB[n] {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// A renamed path parameter keeps the operation: upstream renamed {actorId}
// to {actId} without changing the route, so the generated method keeps its
// name; the report must not call it one operation removed and one added.
func TestCompareMatchesRoutesWithRenamedPathParameters(t *testing.T) {
	doc := func(version, path, id string) []byte {
		return []byte(`{"openapi": "3.1.0", "info": {"version": "` + version + `"}, "paths": {
			"` + path + `": {"get": {"operationId": "` + id + `"}},
			"/acts": {"get": {"operationId": "acts_get"}}}}`)
	}
	r, err := Compare(doc("v1", "/acts/{actorId}/runs/{runId}", "act_run_get"), doc("v2", "/acts/{actId}/runs/{runId}", "actor_run_get"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Added)+len(r.Removed) != 0 {
		t.Errorf("a renamed path parameter is reported as %d added and %d removed operations", len(r.Added), len(r.Removed))
	}
	wantRenamed := []Rename{{Method: "get", Path: "/acts/{actId}/runs/{runId}", From: "act_run_get", To: "actor_run_get"}}
	wantParams := []ParameterRename{{Method: "get", From: "/acts/{actorId}/runs/{runId}", To: "/acts/{actId}/runs/{runId}", ID: "actor_run_get"}}
	if !reflect.DeepEqual(r.Renamed, wantRenamed) || !reflect.DeepEqual(r.ParametersRenamed, wantParams) {
		t.Errorf("renamed %+v, parameters renamed %+v; want %+v and %+v", r.Renamed, r.ParametersRenamed, wantRenamed, wantParams)
	}
	want := "  ~ GET /acts/{actorId}/runs/{runId} → /acts/{actId}/runs/{runId} (actor_run_get): path parameters renamed (generated names stay; argument names change)\n"
	if s := r.String(); !strings.Contains(s, want) || !strings.Contains(s, "path parameters renamed: 1;") {
		t.Errorf("report:\n%s\nwant a line:\n%s", s, want)
	}
}
