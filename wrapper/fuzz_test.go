package apify

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The seed corpus below runs with every `go test`; explore further with
//
//	go test ./wrapper -run '^$' -fuzz FuzzParseErrorEnvelope -fuzztime 30s
//	go test ./wrapper -run '^$' -fuzz FuzzParseRetryAfter -fuzztime 30s

func FuzzParseErrorEnvelope(f *testing.F) {
	for _, seed := range []string{
		`{"error":{"type":"record-not-found","message":"Actor run was not found"}}`,
		`{"error":{"type":"invalid-input","message":"Input is not valid","data":{"field":"url","invalidItems":[1,2]}}}`,
		`{"error":{"type":"x","message":"y","data":[1,2,3]}}`,
		`{"error":{"type":"x","message":"y","data":null}}`,
		`{"error":"plain message"}`,
		`{"error":null}`,
		`{"error":42}`,
		`{"error":{"type":7}}`,
		`{"data":{"id":"x"}}`,
		`<html><body><h1>502 Bad Gateway</h1></body></html>`,
		"", " ", "null", "[]", `{"error":`, "\xff\xfe\x00binary",
		`{"error":{"message":"token ` + coreTestToken + ` is invalid"}}`,
	} {
		f.Add([]byte(seed), "application/json")
	}
	f.Add([]byte("<html>oops</html>"), "text/html; charset=utf-8")
	f.Add([]byte("oops"), "text/plain; broken=")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		typ, msg, data, ok := parseErrorEnvelope(body)
		if !ok && (typ != "" || msg != "" || data != nil) {
			t.Fatalf("not an envelope but fields set: %q %q %v", typ, msg, data)
		}
		u, _ := url.Parse("https://api.apify.com/v2/actor-runs/x?token=" + coreTestToken)
		req := &http.Request{Method: http.MethodGet, URL: u, Header: http.Header{}}
		req = req.WithContext(t.Context())
		resp := &http.Response{StatusCode: 400, Header: http.Header{"Content-Type": {contentType}}, Request: req}
		e := newAPIError(resp, body)
		text := e.Error()
		if !strings.HasPrefix(text, "apify: GET https://api.apify.com/v2/actor-runs/x?token=REDACTED: 400") {
			t.Fatalf("Error() = %q", text)
		}
		if strings.Contains(e.URL, coreTestToken) {
			t.Fatalf("URL shows the token: %q", e.URL)
		}
		if !ok && len(body) > 0 && utf8.RuneCountInString(e.Message) > 400+utf8.RuneCountInString(contentType) {
			t.Fatalf("message not bounded: %d runes", utf8.RuneCountInString(e.Message))
		}
		if len(e.Body) > maxErrorBodyKept {
			t.Fatalf("Body keeps %d bytes", len(e.Body))
		}
		if !e.Is(ErrInvalidInput) || e.Is(ErrNotFound) && e.Type != "record-not-found" && e.Type != "record-or-token-not-found" {
			t.Fatalf("sentinel matching wrong for %+v", e)
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 8, 21, 12, 0, 0, 0, time.UTC)
	for _, seed := range []string{
		"0", "1", "120", " 30 ", "007", "-1", "1.5", "", "soon", "99999999999999999999999",
		"Fri, 21 Aug 2026 12:00:30 GMT", // 30 s ahead
		"Fri, 21 Aug 2026 11:00:00 GMT", // in the past
		"Friday, 21-Aug-26 12:01:00 GMT",
		"Fri Aug 21 12:02:00 2026",
		"Fri, 21 Aug 9999 12:00:00 GMT",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		d, ok := parseRetryAfter(value, now)
		if !ok {
			if d != 0 {
				t.Fatalf("%q: not ok but d = %v", value, d)
			}
			return
		}
		if d < 0 || d > maxRetryAfterSeconds*time.Second {
			t.Fatalf("%q: d = %v out of range", value, d)
		}
		v := strings.TrimSpace(value)
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 && n <= maxRetryAfterSeconds && isDigits(v) {
			if d != time.Duration(n)*time.Second {
				t.Fatalf("%q: d = %v, want %ds", value, d, n)
			}
		}
	})
}

func TestParseRetryAfterExamples(t *testing.T) {
	now := time.Date(2026, 8, 21, 12, 0, 0, 0, time.UTC)
	for value, want := range map[string]time.Duration{
		"120":                           2 * time.Minute,
		" 5 ":                           5 * time.Second,
		"Fri, 21 Aug 2026 12:00:30 GMT": 30 * time.Second,
		"Fri, 21 Aug 2026 11:00:00 GMT": 0,
		"99999999999999999999":          maxRetryAfterSeconds * time.Second,
	} {
		if got, ok := parseRetryAfter(value, now); !ok || got != want {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v", value, got, ok, want)
		}
	}
	for _, bad := range []string{"", "-5", "1.5", "tomorrow", "0x10"} {
		if _, ok := parseRetryAfter(bad, now); ok {
			t.Errorf("parseRetryAfter(%q) accepted", bad)
		}
	}
}
