package apifytest

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestDatasetLifecycle(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)

	var created struct {
		ID, Name  string
		ItemCount int
	}
	resp := c.do(http.MethodPost, "/v2/datasets?name=products", nil).want(http.StatusCreated)
	resp.data(&created)
	if created.Name != "products" || created.ID == "" {
		t.Fatalf("created %+v", created)
	}
	if loc := resp.Header.Get("Location"); !strings.HasSuffix(loc, "/v2/datasets/"+created.ID) {
		t.Errorf("Location %q", loc)
	}
	// Creating it again by name returns the same dataset with 200.
	var again struct{ ID string }
	c.do(http.MethodPost, "/v2/datasets?name=products", nil).want(http.StatusOK).data(&again)
	if again.ID != created.ID {
		t.Errorf("second create returned %s, want %s", again.ID, created.ID)
	}

	c.do(http.MethodPost, "/v2/datasets/"+created.ID+"/items", `{"sku":"A1"}`).want(http.StatusCreated)
	c.do(http.MethodPost, "/v2/datasets/"+created.ID+"/items", `[{"sku":"B2"},{"sku":"C3","#debug":1}]`).want(http.StatusCreated)

	var got struct{ ItemCount, CleanItemCount int }
	c.do(http.MethodGet, "/v2/datasets/apifytest~products", nil).want(http.StatusOK).data(&got)
	if got.ItemCount != 3 || got.CleanItemCount != 3 {
		t.Errorf("counts %+v, want 3 and 3", got)
	}

	var renamed struct{ Name string }
	c.do(http.MethodPut, "/v2/datasets/"+created.ID, `{"name":"goods"}`).want(http.StatusOK).data(&renamed)
	if renamed.Name != "goods" {
		t.Errorf("renamed to %q", renamed.Name)
	}
	c.do(http.MethodGet, "/v2/datasets/apifytest~products", nil).wantError(http.StatusNotFound, "record-not-found")

	var list struct {
		Total, Count int
		Items        []struct{ ID, Name string }
	}
	unnamed := must(s.AddDataset(""))(t)
	c.do(http.MethodGet, "/v2/datasets", nil).want(http.StatusOK).data(&list)
	if list.Total != 1 || list.Items[0].Name != "goods" {
		t.Errorf("named list %+v", list)
	}
	c.do(http.MethodGet, "/v2/datasets?unnamed=1&desc=1", nil).want(http.StatusOK).data(&list)
	if list.Total != 2 || list.Items[0].ID != unnamed {
		t.Errorf("list with unnamed, desc %+v", list)
	}

	c.do(http.MethodDelete, "/v2/datasets/"+created.ID, nil).want(http.StatusNoContent)
	c.do(http.MethodGet, "/v2/datasets/"+created.ID, nil).wantError(http.StatusNotFound, "record-not-found")
}

func TestPushItemsRejectsNonObjects(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddDataset("d"))(t)
	c.do(http.MethodPost, "/v2/datasets/"+id+"/items", `[{"a":1},2]`, invalid()).wantError(http.StatusBadRequest, "invalid-input")
	c.do(http.MethodPost, "/v2/datasets/"+id+"/items", `not json`, invalid()).wantError(http.StatusBadRequest, "invalid-input")
	if items := must(s.DatasetItems(id))(t); len(items) != 0 {
		t.Errorf("a rejected push stored %d items", len(items))
	}
	// An oversized push: the request is skipped by the validator only
	// because decoding 9 MiB of JSON there costs seconds under -race.
	big := `[{"x":"` + strings.Repeat("a", payloadLimit) + `"}]`
	c.do(http.MethodPost, "/v2/datasets/"+id+"/items", big, invalid()).wantError(http.StatusRequestEntityTooLarge, "request-too-large")
}

// pagination reads the X-Apify-Pagination-* headers.
func pagination(r *testResponse) [4]string {
	h := r.Header
	return [4]string{h.Get("X-Apify-Pagination-Offset"), h.Get("X-Apify-Pagination-Limit"),
		h.Get("X-Apify-Pagination-Count"), h.Get("X-Apify-Pagination-Total")}
}

func TestDatasetItemsWindowAndCount(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddDataset("d",
		map[string]any{"n": 1},
		map[string]any{},
		map[string]any{"#hidden": true},
		map[string]any{"n": 4, "#debug": "x"},
		map[string]any{"n": 5, "tags": []any{"a", "b", "c"}},
	))(t)
	cases := []struct {
		query string
		want  []map[string]any
		pages [4]string
	}{
		{"", []map[string]any{{"n": 1.0}, {}, {"#hidden": true}, {"n": 4.0, "#debug": "x"}, {"n": 5.0, "tags": []any{"a", "b", "c"}}},
			[4]string{"0", "999999999999", "5", "5"}},
		{"offset=1&limit=2", []map[string]any{{}, {"#hidden": true}}, [4]string{"1", "2", "2", "5"}},
		// Count is the number of stored items scanned, not returned.
		{"offset=1&limit=3&clean=1", []map[string]any{{"n": 4.0}}, [4]string{"1", "3", "3", "5"}},
		{"skipEmpty=true&limit=3", []map[string]any{{"n": 1.0}, {"#hidden": true}}, [4]string{"0", "3", "3", "5"}},
		{"skipHidden=1&limit=3", []map[string]any{{"n": 1.0}, {}, {}}, [4]string{"0", "3", "3", "5"}},
		{"desc=1&limit=2", []map[string]any{{"n": 5.0, "tags": []any{"a", "b", "c"}}, {"n": 4.0, "#debug": "x"}}, [4]string{"0", "2", "2", "5"}},
		{"desc=1&offset=3", []map[string]any{{}, {"n": 1.0}}, [4]string{"3", "999999999999", "2", "5"}},
		// Unwinding returns more items than were scanned.
		{"offset=4&unwind=tags", []map[string]any{{"n": 5.0, "tags": "a"}, {"n": 5.0, "tags": "b"}, {"n": 5.0, "tags": "c"}},
			[4]string{"4", "999999999999", "1", "5"}},
		{"fields=tags,n&offset=3", []map[string]any{{"n": 4.0}, {"tags": []any{"a", "b", "c"}, "n": 5.0}}, [4]string{"3", "999999999999", "2", "5"}},
		{"omit=n,tags&offset=3&skipHidden=1", []map[string]any{{}, {}}, [4]string{"3", "999999999999", "2", "5"}},
		{"offset=10", []map[string]any{}, [4]string{"10", "999999999999", "0", "5"}},
	}
	for _, tc := range cases {
		r := c.do(http.MethodGet, "/v2/datasets/"+id+"/items?"+tc.query, nil).want(http.StatusOK)
		if got := r.jsonItems(); !reflect.DeepEqual(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("?%s: items %v, want %v", tc.query, got, tc.want)
		}
		if got := pagination(r); got != tc.pages {
			t.Errorf("?%s: pagination (offset, limit, count, total) %v, want %v", tc.query, got, tc.pages)
		}
	}
	head := c.do(http.MethodHead, "/v2/datasets/"+id+"/items?limit=2", nil).want(http.StatusOK)
	if got := pagination(head); got != [4]string{"0", "2", "2", "5"} || len(head.Body) != 0 {
		t.Errorf("HEAD pagination %v, body %q", got, head.Body)
	}
}

func TestDatasetItemsFieldOrderAndReshaping(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddDataset("d",
		json.RawMessage(`{"url":"u1","result":[{"title":"t1"},{"title":"t2"}],"info":{"a":1,"b":{"c":2}}}`),
	))(t)
	r := c.do(http.MethodGet, "/v2/datasets/"+id+"/items?fields=result,url&outputFields=res,link", nil).want(http.StatusOK)
	if got := string(r.Body); got != `[{"res":[{"title":"t1"},{"title":"t2"}],"link":"u1"}]` {
		t.Errorf("fields with outputFields: %s", got)
	}
	r = c.do(http.MethodGet, "/v2/datasets/"+id+"/items?fields=url,result&unwind=result", nil).want(http.StatusOK)
	if got := string(r.Body); got != `[{"url":"u1","title":"t1"},{"url":"u1","title":"t2"}]` {
		t.Errorf("unwind of objects: %s", got)
	}
	r = c.do(http.MethodGet, "/v2/datasets/"+id+"/items?fields=info&flatten=info", nil).want(http.StatusOK)
	if got := string(r.Body); got != `[{"info.a":1,"info.b.c":2}]` {
		t.Errorf("flatten: %s", got)
	}
	c.do(http.MethodGet, "/v2/datasets/"+id+"/items?fields=a&outputFields=b,c", nil, invalid()).wantError(http.StatusBadRequest, "invalid-parameter")
	c.do(http.MethodGet, "/v2/datasets/"+id+"/items?limit=-1", nil, invalid()).wantError(http.StatusBadRequest, "invalid-parameter")
	c.do(http.MethodGet, "/v2/datasets/"+id+"/items?desc=maybe", nil, invalid()).wantError(http.StatusBadRequest, "invalid-parameter")
}

// TestDatasetItemsLegacyCrawlerParams checks simplified and skipFailedPages
// as https://docs.apify.com/api/v2/dataset-items-get describes them:
// simplified "applies the fields=url,pageFunctionResult,errorInfo and
// unwind=pageFunctionResult query parameters", and skipFailedPages skips "the
// items with errorInfo property".
func TestDatasetItemsLegacyCrawlerParams(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddDataset("d",
		json.RawMessage(`{"url":"u1","loadedUrl":"l1","pageFunctionResult":[{"t":1},{"t":2}],"errorInfo":null}`),
		json.RawMessage(`{"url":"u2","loadedUrl":"l2","pageFunctionResult":null,"errorInfo":"timed out"}`),
		json.RawMessage(`{"url":"u3","pageFunctionResult":{"t":3}}`),
	))(t)
	cases := []struct{ query, want string }{
		{"simplified=1", `[{"url":"u1","errorInfo":null,"t":1},{"url":"u1","errorInfo":null,"t":2},` +
			`{"url":"u2","pageFunctionResult":null,"errorInfo":"timed out"},{"url":"u3","t":3}]`},
		// simplified replaces the fields and unwind it was given with.
		{"simplified=true&fields=loadedUrl&unwind=url", `[{"url":"u1","errorInfo":null,"t":1},{"url":"u1","errorInfo":null,"t":2},` +
			`{"url":"u2","pageFunctionResult":null,"errorInfo":"timed out"},{"url":"u3","t":3}]`},
		{"skipFailedPages=1&fields=url", `[{"url":"u1"},{"url":"u3"}]`},
		{"skipFailedPages=1&simplified=1&desc=1", `[{"url":"u3","t":3},{"url":"u1","errorInfo":null,"t":1},{"url":"u1","errorInfo":null,"t":2}]`},
		{"simplified=0&skipFailedPages=false&fields=url", `[{"url":"u1"},{"url":"u2"},{"url":"u3"}]`},
	}
	for _, tc := range cases {
		r := c.do(http.MethodGet, "/v2/datasets/"+id+"/items?"+tc.query, nil).want(http.StatusOK)
		if got := string(r.Body); got != tc.want {
			t.Errorf("?%s:\n got %s\nwant %s", tc.query, got, tc.want)
		}
	}
	// Count is the number of stored items scanned, failed pages included.
	r := c.do(http.MethodGet, "/v2/datasets/"+id+"/items?skipFailedPages=1&limit=2", nil).want(http.StatusOK)
	if got := pagination(r); got != [4]string{"0", "2", "2", "3"} {
		t.Errorf("pagination (offset, limit, count, total) %v", got)
	}
	// outputFields names the fields simplified picks.
	r = c.do(http.MethodGet, "/v2/datasets/"+id+"/items?simplified=1&outputFields=link,res,err&offset=2", nil).want(http.StatusOK)
	if got := string(r.Body); got != `[{"link":"u3","res":{"t":3}}]` {
		t.Errorf("simplified with outputFields: %s", got)
	}
	c.do(http.MethodGet, "/v2/datasets/"+id+"/items?simplified=yes", nil, invalid()).wantError(http.StatusBadRequest, "invalid-parameter")
	c.do(http.MethodGet, "/v2/datasets/"+id+"/items?skipFailedPages=2", nil, invalid()).wantError(http.StatusBadRequest, "invalid-parameter")
	msg := c.do(http.MethodGet, "/v2/datasets/"+id+"/items?view=overview", nil).wantError(http.StatusNotImplemented, "not-implemented")
	if !strings.Contains(msg, `"overview"`) || !strings.Contains(msg, "schema") {
		t.Errorf("view message %q does not name the view and the reason", msg)
	}
}

func TestDatasetItemsFormats(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddDataset("d",
		json.RawMessage(`{"name":"Ann, \"A\"","tags":["x","y"],"address":{"city":"Oslo"}}`),
		json.RawMessage(`{"name":"Bob","age":30,"gone":null}`),
	))(t)
	r := c.do(http.MethodGet, "/v2/datasets/"+id+"/items?format=jsonl", nil).want(http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "application/jsonl; charset=utf-8" {
		t.Errorf("jsonl Content-Type %q", ct)
	}
	wantJSONL := `{"name":"Ann, \"A\"","tags":["x","y"],"address":{"city":"Oslo"}}` + "\n" + `{"name":"Bob","age":30,"gone":null}` + "\n"
	if string(r.Body) != wantJSONL {
		t.Errorf("jsonl body %q", r.Body)
	}

	r = c.do(http.MethodGet, "/v2/datasets/"+id+"/items?format=csv", nil).want(http.StatusOK)
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("csv Content-Type %q", ct)
	}
	wantCSV := "\uFEFFname,tags/0,tags/1,address/city,age,gone\n\"Ann, \"\"A\"\"\",x,y,Oslo,,\nBob,,,,30,\n"
	if string(r.Body) != wantCSV {
		t.Errorf("csv body %q, want %q", r.Body, wantCSV)
	}
	r = c.do(http.MethodGet, "/v2/datasets/"+id+"/items?format=csv&bom=0&delimiter=%3B&skipHeaderRow=1&offset=1&attachment=1", nil).want(http.StatusOK)
	if string(r.Body) != "Bob;30;\n" {
		t.Errorf("csv with options %q", r.Body)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("attachment=1 gave Content-Disposition %q", cd)
	}
}
