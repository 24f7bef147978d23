package apifytest

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// boolParam reads a boolean query parameter: true/1 or false/0, as the API
// accepts them. def is used when the parameter is absent or empty.
func (c *call) boolParam(name string, def bool) (bool, error) {
	v := c.query.Get(name)
	switch strings.ToLower(v) {
	case "":
		return def, nil
	case "1", "true":
		return true, nil
	case "0", "false":
		return false, nil
	}
	return false, invalidParam(name, v, "use true, false, 1 or 0")
}

// intParam reads a non-negative integer query parameter (the document types
// them as numbers, so "10.0" is accepted). present is false when it is absent.
func (c *call) intParam(name string) (n int64, present bool, err error) {
	v := c.query.Get(name)
	if v == "" {
		return 0, false, nil
	}
	f, perr := strconv.ParseFloat(v, 64)
	if perr != nil || f < 0 || f != math.Trunc(f) || f > 1e15 {
		return 0, false, invalidParam(name, v, "use a non-negative whole number")
	}
	return int64(f), true, nil
}

// limitParam reads the limit query parameter; def stands in for an absent or
// zero limit.
func (c *call) limitParam(def int64) (int64, error) {
	lim, ok, err := c.intParam("limit")
	if err != nil {
		return 0, err
	}
	if !ok || lim == 0 {
		lim = def
	}
	return lim, nil
}

// listWindow reads offset, limit and desc of an offset-paginated list. The API
// returns at most 1000 items per call.
func (c *call) listWindow() (offset, limit int, desc bool, err error) {
	off, _, err := c.intParam("offset")
	if err != nil {
		return 0, 0, false, err
	}
	lim, err := c.limitParam(1000)
	if err != nil {
		return 0, 0, false, err
	}
	lim = min(lim, 1000)
	desc, err = c.boolParam("desc", false)
	if err != nil {
		return 0, 0, false, err
	}
	return int(min(off, math.MaxInt32)), int(lim), desc, nil
}

// listPage is the data of an offset-paginated list.
type listPage struct {
	Total   int   `json:"total"`
	Offset  int   `json:"offset"`
	Limit   int   `json:"limit"`
	Count   int   `json:"count"`
	Desc    bool  `json:"desc"`
	Unnamed *bool `json:"unnamed,omitempty"`
	Items   any   `json:"items"`
}

// pageOf cuts the window out of all (already in ascending order) and returns
// the page with its items.
func pageOf[T any](all []T, offset, limit int, desc bool) (listPage, []T) {
	ordered := all
	if desc {
		ordered = make([]T, len(all))
		for i, v := range all {
			ordered[len(all)-1-i] = v
		}
	}
	start := min(offset, len(ordered))
	end := min(start+limit, len(ordered))
	items := ordered[start:end:end]
	if items == nil {
		items = []T{}
	}
	return listPage{Total: len(all), Offset: offset, Limit: limit, Count: len(items), Desc: desc}, items
}

// renderPage renders all (already in ascending order) with render and cuts
// out the window of an offset-paginated list.
func renderPage[T, J any](all []T, render func(T) J, offset, limit int, desc bool) listPage {
	out := make([]J, 0, len(all))
	for _, v := range all {
		out = append(out, render(v))
	}
	page, items := pageOf(out, offset, limit, desc)
	page.Items = items
	return page
}

// byCreation returns the values of m, oldest first.
func byCreation[T any](m map[string]T, createdAt func(T) time.Time) []T {
	all := make([]T, 0, len(m))
	for _, v := range m {
		all = append(all, v)
	}
	slices.SortFunc(all, func(a, b T) int { return createdAt(a).Compare(createdAt(b)) })
	return all
}

// decodeJSONBody decodes the request body into v, with a 400 on bad JSON.
func (c *call) decodeJSONBody(v any, what string) error {
	if len(c.body) == 0 {
		return errorf(http.StatusBadRequest, "invalid-input", "The request body is empty; send %s as JSON", what)
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return errorf(http.StatusBadRequest, "invalid-input", "The request body is not valid JSON for %s: %v", what, err)
	}
	return nil
}

// timeParam reads an ISO 8601 date-time query parameter (such as
// 2025-09-01T00:00:00.000Z; a date alone means its midnight UTC). The zero
// time stands for an absent parameter.
func (c *call) timeParam(name string) (time.Time, error) {
	v := c.query.Get(name)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, invalidParam(name, v, "use an ISO 8601 date-time in UTC, such as 2025-09-01T00:00:00.000Z")
}
