package apifytest

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestKeyValueStoreRecords(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	var store struct{ ID, Name string }
	c.do(http.MethodPost, "/v2/key-value-stores?name=state", nil).want(http.StatusCreated).data(&store)

	base := "/v2/key-value-stores/" + store.ID + "/records/"
	r := c.do(http.MethodPut, base+"config", `{"depth":2}`).want(http.StatusCreated)
	if loc := r.Header.Get("Location"); !strings.HasSuffix(loc, base+"config") {
		t.Errorf("Location %q", loc)
	}
	png := []byte("\x89PNG\r\n\x1a\n-binary-")
	c.do(http.MethodPost, base+"shot.png", png, header("Content-Type", "image/png")).want(http.StatusCreated)
	c.do(http.MethodPut, base+"note", "hello", header("Content-Type", "text/plain; charset=utf-8")).want(http.StatusCreated)

	r = c.do(http.MethodGet, base+"config", nil).want(http.StatusOK)
	if string(r.Body) != `{"depth":2}` || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("config record %q (%s)", r.Body, r.Header.Get("Content-Type"))
	}
	r = c.do(http.MethodGet, base+"shot.png?attachment=true", nil).want(http.StatusOK)
	if !bytes.Equal(r.Body, png) || r.Header.Get("Content-Type") != "image/png" {
		t.Errorf("binary record %q (%s)", r.Body, r.Header.Get("Content-Type"))
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("attachment=true gave Content-Disposition %q", cd)
	}
	c.do(http.MethodHead, base+"note", nil).want(http.StatusOK)
	c.do(http.MethodHead, base+"missing", nil).want(http.StatusNotFound)
	c.do(http.MethodGet, base+"missing", nil).wantError(http.StatusNotFound, "record-not-found")
	c.do(http.MethodPut, base+"bad%20key", "x", invalid()).wantError(http.StatusBadRequest, "invalid-record-key")

	// A gzip-encoded upload is stored decoded.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(`{"zipped":true}`))
	_ = zw.Close()
	c.do(http.MethodPut, base+"zipped", gz.Bytes(), header("Content-Encoding", "gzip")).want(http.StatusCreated)
	if v, ct, ok := s.Record("state", "zipped"); !ok || string(v) != `{"zipped":true}` || ct != "application/json" {
		t.Errorf("gzip record %q %q %v", v, ct, ok)
	}

	c.do(http.MethodDelete, base+"note", nil).want(http.StatusNoContent)
	c.do(http.MethodDelete, base+"note", nil).wantError(http.StatusNotFound, "record-not-found")

	var got struct {
		Name  string
		Stats struct{ StorageBytes int }
	}
	c.do(http.MethodGet, "/v2/key-value-stores/apifytest~state", nil).want(http.StatusOK).data(&got)
	if got.Name != "state" || got.Stats.StorageBytes == 0 {
		t.Errorf("store %+v", got)
	}
	c.do(http.MethodPut, "/v2/key-value-stores/"+store.ID, `{"name":null}`).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/key-value-stores/apifytest~state", nil).wantError(http.StatusNotFound, "record-not-found")
	var list struct{ Total int }
	c.do(http.MethodGet, "/v2/key-value-stores", nil).want(http.StatusOK).data(&list)
	if list.Total != 0 {
		t.Errorf("an unnamed store is listed without unnamed=1: total %d", list.Total)
	}
	c.do(http.MethodGet, "/v2/key-value-stores?unnamed=true", nil).want(http.StatusOK).data(&list)
	if list.Total != 1 {
		t.Errorf("unnamed=true lists %d stores, want 1", list.Total)
	}
	c.do(http.MethodDelete, "/v2/key-value-stores/"+store.ID, nil).want(http.StatusNoContent)
	c.do(http.MethodGet, "/v2/key-value-stores/"+store.ID, nil).wantError(http.StatusNotFound, "record-not-found")
}

func TestKeyValueStoreKeysPaging(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddKeyValueStore(""))(t)
	for i := range 7 {
		check(t, s.SetRecord(id, fmt.Sprintf("item-%d", i), []byte("xx"), "text/plain"))
	}
	check(t, s.SetRecord(id, "other", []byte("x"), ""))

	type page struct {
		Items []struct {
			Key             string
			Size            int
			RecordPublicURL string
		}
		Count, Limit          int
		IsTruncated           bool
		ExclusiveStartKey     *string
		NextExclusiveStartKey *string
	}
	var keys []string
	start := ""
	for range 10 {
		q := "?prefix=item-&limit=3"
		if start != "" {
			q += "&exclusiveStartKey=" + start
		}
		var p page
		c.do(http.MethodGet, "/v2/key-value-stores/"+id+"/keys"+q, nil).want(http.StatusOK).data(&p)
		for _, it := range p.Items {
			keys = append(keys, it.Key)
			if it.Size != 2 || !strings.HasSuffix(it.RecordPublicURL, "/records/"+it.Key) {
				t.Errorf("key %+v", it)
			}
		}
		if p.Count != len(p.Items) || p.Limit != 3 {
			t.Errorf("page count %d, limit %d", p.Count, p.Limit)
		}
		if !p.IsTruncated {
			if p.NextExclusiveStartKey != nil {
				t.Errorf("last page has nextExclusiveStartKey %q", *p.NextExclusiveStartKey)
			}
			break
		}
		start = *p.NextExclusiveStartKey
	}
	want := "item-0 item-1 item-2 item-3 item-4 item-5 item-6"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("keys %q, want %q", got, want)
	}
}

// TestRequestLogKeepsTheEscapedPath: the log shows the path as sent and
// unescaped.
func TestRequestLogKeepsTheEscapedPath(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddKeyValueStore("paths"))(t)
	c.do(http.MethodPut, "/v2/key-value-stores/"+id+"/records/a%21b%28c%29", `{}`).want(http.StatusCreated)
	reqs := s.Requests()
	last := reqs[len(reqs)-1]
	if want := "/v2/key-value-stores/" + id + "/records/a!b(c)"; last.Path != want {
		t.Errorf("Path %q, want %q", last.Path, want)
	}
	if want := "/v2/key-value-stores/" + id + "/records/a%21b%28c%29"; last.EscapedPath != want {
		t.Errorf("EscapedPath %q, want %q", last.EscapedPath, want)
	}
	if _, _, ok := s.Record(id, "a!b(c)"); !ok {
		t.Error("the record a!b(c) was not stored under its unescaped key")
	}
}
