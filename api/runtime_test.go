package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/apifygo/apify/gen"
	"github.com/apifygo/apify/gen/genclient"
	"github.com/oapi-codegen/runtime"
)

// newGen returns a generated client talking to handler.
func newGen(t *testing.T, handler http.HandlerFunc) *genclient.ClientWithResponses {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	c, err := genclient.NewClientWithResponses(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDatasetItemsPageWithPaginationHeaders(t *testing.T) {
	c := newGen(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v2/datasets/ds1/items" || r.URL.Query().Get("offset") != "2" || r.URL.Query().Get("limit") != "3" {
			http.Error(w, "unexpected "+r.URL.String(), http.StatusTeapot)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-Apify-Pagination-Offset", "2")
		w.Header().Set("X-Apify-Pagination-Limit", "3")
		w.Header().Set("X-Apify-Pagination-Count", "3")
		w.Header().Set("X-Apify-Pagination-Total", "10204")
		io.WriteString(w, `[{"a":1},{"a":2},{"a":3}]`)
	})
	offset, limit := int64(2), int64(3)
	res, err := c.DatasetItemsGetWithResponse(context.Background(), "ds1", &gen.DatasetItemsGetParams{Offset: &offset, Limit: &limit})
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode() != 200 || string(res.Body) != `[{"a":1},{"a":2},{"a":3}]` {
		t.Fatalf("status %d body %q", res.StatusCode(), res.Body)
	}
	h := res.Headers200
	if h == nil || h.XApifyPaginationCount == nil || *h.XApifyPaginationCount != 3 || *h.XApifyPaginationTotal != 10204 || *h.XApifyPaginationOffset != 2 || *h.XApifyPaginationLimit != 3 {
		t.Fatalf("pagination headers not parsed: %+v", h)
	}
}

func TestDatasetItemsJSONL(t *testing.T) {
	const body = "{\"a\":1}\n{\"a\":2}\n"
	c := newGen(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("format") != "jsonl" {
			http.Error(w, "want format=jsonl", http.StatusTeapot)
			return
		}
		w.Header().Set("Content-Type", "application/jsonl")
		w.Header().Set("X-Apify-Pagination-Count", "2")
		io.WriteString(w, body)
	})
	format := "jsonl"
	res, err := c.DatasetItemsGetWithResponse(context.Background(), "ds1", &gen.DatasetItemsGetParams{Format: &format})
	if err != nil {
		t.Fatalf("a jsonl page must not fail to decode: %v", err)
	}
	if string(res.Body) != body || *res.Headers200.XApifyPaginationCount != 2 {
		t.Fatalf("body %q headers %+v", res.Body, res.Headers200)
	}
}

func TestKeyValueRecordThatIsAJSONArray(t *testing.T) {
	c := newGen(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		io.WriteString(w, `[1,2,3]`)
	})
	res, err := c.KeyValueStoreRecordGetWithResponse(context.Background(), "store", "OUTPUT", nil)
	if err != nil {
		t.Fatalf("a record that is a JSON array must not fail: %v", err)
	}
	var got []int
	if err := json.Unmarshal(res.Body, &got); err != nil || len(got) != 3 {
		t.Fatalf("body %q: %v", res.Body, err)
	}
}

func TestPushItemsSendsTheItems(t *testing.T) {
	var received []byte
	c := newGen(t, func(w http.ResponseWriter, r *http.Request) {
		received, _ = io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	var body gen.PutItemsRequestOrPutItemsRequestList
	if err := body.FromPutItemsRequestList(gen.PutItemsRequestList{{"title": "a"}, {"title": "b"}}); err != nil {
		t.Fatal(err)
	}
	res, err := c.DatasetItemsPostWithResponse(context.Background(), "ds1", nil, body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode() != http.StatusCreated {
		t.Fatalf("status %d", res.StatusCode())
	}
	var items []map[string]any
	if err := json.Unmarshal(received, &items); err != nil || len(items) != 2 || items[1]["title"] != "b" {
		t.Fatalf("the server received %q, want the two items", received)
	}

	// A single object is sent as an object.
	if err := body.FromPutItemsRequest(gen.PutItemsRequest{"title": "c"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DatasetItemsPostWithResponse(context.Background(), "ds1", nil, body); err != nil {
		t.Fatal(err)
	}
	if string(received) != `{"title":"c"}` {
		t.Fatalf("the server received %q", received)
	}
}

func TestAPIErrorResponseDecodes(t *testing.T) {
	c := newGen(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"type":"record-not-found","message":"Dataset was not found"}}`)
	})
	res, err := c.DatasetGetWithResponse(context.Background(), "missing")
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode() != 404 || res.JSON200 != nil {
		t.Fatalf("status %d, JSON200 %v", res.StatusCode(), res.JSON200)
	}
	if res.JSON4XX == nil || res.JSON4XX.Error.Message == nil || *res.JSON4XX.Error.Message != "Dataset was not found" {
		t.Fatalf("error body not decoded: %+v", res.JSON4XX)
	}
	if got := string(*res.JSON4XX.Error.Type); got != "record-not-found" {
		t.Fatalf("error type %q", got)
	}
}

func TestNullableFieldSendsExplicitNull(t *testing.T) {
	var received []byte
	c := newGen(t, func(w http.ResponseWriter, r *http.Request) {
		received, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data":{"id":"ds1"}}`)
	})
	var body gen.DatasetPutJSONRequestBody
	body.Name.SetNull()
	if _, err := c.DatasetPutWithResponse(context.Background(), "ds1", body); err != nil {
		t.Fatal(err)
	}
	if string(received) != `{"name":null}` {
		t.Fatalf("sent %s, want {\"name\":null}", received)
	}
}

// TestUnionMergeMatchesRuntime checks that the models' own jsonMerge (which
// keeps package runtime out of programs that import only the models) merges
// as runtime.JSONMerge does.
func TestUnionMergeMatchesRuntime(t *testing.T) {
	var info gen.ActorRunPricingInfo
	if err := info.FromPricePerDatasetItemActorPricingInfo(gen.PricePerDatasetItemActorPricingInfo{ApifyMarginPercentage: 0.2}); err != nil {
		t.Fatal(err)
	}
	before, err := info.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	extra := gen.PayPerEventActorPricingInfo{}
	if err := info.MergePayPerEventActorPricingInfo(extra); err != nil {
		t.Fatal(err)
	}
	got, err := info.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(extra)
	b, _ = runtime.JSONMerge(b, []byte(`{"pricingModel":"PAY_PER_EVENT"}`))
	want, err := runtime.JSONMerge(before, b)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("merged union = %s; runtime.JSONMerge gives %s", got, want)
	}
}
