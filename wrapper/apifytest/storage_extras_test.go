package apifytest

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"testing"
)

func TestDatasetStatistics(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddDataset("stats", map[string]any{"price": 3, "name": "a"}, map[string]any{"price": 1.5, "name": ""}, map[string]any{"price": nil}))(t)
	var st struct {
		FieldStatistics map[string]struct {
			Min, Max              *float64
			NullCount, EmptyCount int
		}
	}
	c.do(http.MethodGet, "/v2/datasets/"+id+"/statistics", nil).want(http.StatusOK).data(&st)
	price, name := st.FieldStatistics["price"], st.FieldStatistics["name"]
	if price.Min == nil || *price.Min != 1.5 || *price.Max != 3 || price.NullCount != 1 || name.EmptyCount != 2 {
		t.Errorf("statistics %+v", st)
	}
}

func TestDownloadRecordsAsZip(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddKeyValueStore("zipped"))(t)
	check(t, s.SetRecord(id, "img-1", []byte("one"), "text/plain"))
	check(t, s.SetRecord(id, "img-2", []byte("two"), "text/plain"))
	check(t, s.SetRecord(id, "other", []byte("x"), "text/plain"))
	body := c.do(http.MethodGet, "/v2/key-value-stores/"+id+"/records?prefix=img-", nil).want(http.StatusOK).Body
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	check(t, err)
	got := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		check(t, err)
		b, _ := io.ReadAll(rc)
		got[f.Name] = string(b)
	}
	if len(got) != 2 || got["img-1"] != "one" || got["img-2"] != "two" {
		t.Errorf("archive %v", got)
	}
}
