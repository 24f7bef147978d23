package apifytest

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

func storageExtraHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"GET /v2/datasets/{datasetId}/statistics":    getDatasetStatistics,
		"GET /v2/key-value-stores/{storeId}/records": downloadRecords,
	}
}

// fieldStats is the DatasetFieldStatistics schema.
type fieldStats struct {
	Min        *float64 `json:"min"`
	Max        *float64 `json:"max"`
	NullCount  int      `json:"nullCount"`
	EmptyCount int      `json:"emptyCount"`
}

// GET /v2/datasets/{datasetId}/statistics — https://docs.apify.com/api/v2/dataset-statistics-get
// The fake's datasets have no schema, so every top-level field gets
// statistics: min and max of its numbers, items where it is null, items
// where it is missing or empty ("" or [] or {}).
func getDatasetStatistics(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	d, err := datasetKind.find(c)
	if err != nil {
		return err
	}
	stats := map[string]*fieldStats{}
	var order []string
	for _, it := range d.items {
		for _, f := range it {
			if stats[f.key] == nil {
				stats[f.key] = &fieldStats{}
				order = append(order, f.key)
			}
		}
	}
	for _, it := range d.items {
		present := map[string]json.RawMessage{}
		for _, f := range it {
			present[f.key] = f.val
		}
		for _, key := range order {
			st := stats[key]
			val, ok := present[key]
			trimmed := strings.TrimSpace(string(val))
			switch {
			case !ok || trimmed == `""` || trimmed == "[]" || trimmed == "{}":
				st.EmptyCount++
			case trimmed == "null":
				st.NullCount++
			default:
				if n, err := strconv.ParseFloat(trimmed, 64); err == nil {
					if st.Min == nil || n < *st.Min {
						st.Min = &n
					}
					if st.Max == nil || n > *st.Max {
						n := n
						st.Max = &n
					}
				}
			}
		}
	}
	d.readCount++
	writeData(c.w, http.StatusOK, struct {
		FieldStatistics map[string]*fieldStats `json:"fieldStatistics"`
	}{stats})
	return nil
}

// GET /v2/key-value-stores/{storeId}/records — https://docs.apify.com/api/v2/key-value-store-records-get
// A ZIP archive with one file per record, named by its key. The fake's stores
// have no schema, so a collection filter is refused.
func downloadRecords(c *call) error {
	if col := c.query.Get("collection"); col != "" {
		return errorf(http.StatusBadRequest, "invalid-parameter",
			"Query parameter collection %q needs a key-value store schema, which apifytest's stores do not have; filter with prefix instead", col)
	}
	prefix := c.query.Get("prefix")
	c.s.mu.Lock()
	k, err := c.kvStore()
	if err != nil {
		c.s.mu.Unlock()
		return err
	}
	keys := make([]string, 0, len(k.records))
	for key := range k.records {
		if strings.HasPrefix(key, prefix) {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, key := range keys {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: key, Method: zip.Deflate, Modified: k.modifiedAt})
		if err == nil {
			_, err = w.Write(k.records[key].value)
		}
		if err != nil {
			c.s.mu.Unlock()
			return err
		}
	}
	k.readCount += len(keys)
	k.touch(c.s.now(), false)
	c.s.mu.Unlock()
	if err := zw.Close(); err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("Content-Disposition", `attachment; filename="`+k.id+`.zip"`)
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(buf.Bytes())
	return nil
}
