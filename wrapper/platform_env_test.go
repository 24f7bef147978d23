package apify

import (
	"net/http"
	"strings"
	"testing"
)

func TestPlatformEnvironmentHeaders(t *testing.T) {
	for _, tc := range []struct {
		home, key string
		wantUA    string
	}{
		{"", "", "isAtHome/false)"},
		{"1", "wf-123", "isAtHome/true)"},
	} {
		t.Setenv("APIFY_IS_AT_HOME", tc.home)
		t.Setenv("APIFY_WORKFLOW_KEY", tc.key)
		s := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
			writeData(w, http.StatusOK, runJSON("r1", "SUCCEEDED"))
		})
		if _, err := s.client(t, nil).Run("r1").Get(testCtx(t)); err != nil {
			t.Fatal(err)
		}
		h := s.requests()[0].Header
		if ua := h.Get("User-Agent"); !strings.Contains(ua, tc.wantUA) {
			t.Errorf("APIFY_IS_AT_HOME=%q: User-Agent %q", tc.home, ua)
		}
		if got := h.Get("X-Apify-Workflow-Key"); got != tc.key {
			t.Errorf("APIFY_WORKFLOW_KEY=%q: header %q", tc.key, got)
		}
	}
}
