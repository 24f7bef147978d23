package apify

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"
)

// Red team: offsets and limits near MaxInt must not overflow into negative
// query values.
func TestRedteamHugeOffsetAndLimit(t *testing.T) {
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		if strings.Contains(r.URL.RawQuery, "=-") {
			t.Errorf("negative query value sent: %s", r.URL.RawQuery)
		}
		w.Header().Set("X-Apify-Pagination-Count", "0")
		coreWriteJSON(w, 200, `[]`)
	})
	c := api.client(t, nil)
	ctx := testCtx(t)
	for _, o := range []ItemsOptions{
		{Offset: math.MaxInt - 1, Limit: 10},
		{Offset: math.MaxInt, Limit: math.MaxInt},
		{Limit: math.MaxInt},
	} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%+v: panic %v", o, p)
				}
			}()
			_ = firstErr(Items[json.RawMessage](ctx, c.Dataset("d"), &o))
			_, _ = c.Dataset("d").Export(ctx, &strings.Builder{}, ExportJSON, &ExportOptions{ItemsOptions: o})
		}()
	}
}
