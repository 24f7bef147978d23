package apify

import (
	"errors"
	"strings"
	"testing"
)

func TestAPIErrorMatchesSentinels(t *testing.T) {
	all := []error{ErrInvalidInput, ErrUnauthorized, ErrPaymentRequired, ErrForbidden, ErrNotFound, ErrTimeout,
		ErrConflict, ErrRequestTooLarge, ErrRateLimited, ErrServer, ErrUnexpectedResponse}
	tests := []struct {
		status int
		typ    string
		want   []error
	}{
		{400, "", []error{ErrInvalidInput}},
		{422, "invalid-input", []error{ErrInvalidInput}},
		{401, "token-not-valid", []error{ErrUnauthorized}},
		{402, "", []error{ErrPaymentRequired}},
		{403, "insufficient-permissions", []error{ErrForbidden}},
		{404, "record-not-found", []error{ErrNotFound}},
		{400, "record-or-token-not-found", []error{ErrInvalidInput, ErrNotFound}},
		{408, "", []error{ErrTimeout}},
		{409, "actor-name-not-unique", []error{ErrConflict}},
		{413, "request-too-large", []error{ErrRequestTooLarge}},
		{429, "rate-limit-exceeded", []error{ErrRateLimited}},
		{500, "", []error{ErrServer}},
		{503, "", []error{ErrServer}},
		{504, "", []error{ErrServer, ErrTimeout}},
		{418, "", nil},
	}
	for _, tt := range tests {
		e := &APIError{StatusCode: tt.status, Type: ErrorType(tt.typ)}
		var wrapped error = e
		for _, sentinel := range all {
			want := false
			for _, w := range tt.want {
				want = want || w == sentinel
			}
			if got := errors.Is(wrapped, sentinel); got != want {
				t.Errorf("%d %q: errors.Is(%v) = %v, want %v", tt.status, tt.typ, sentinel, got, want)
			}
		}
	}
}

func TestAPIErrorText(t *testing.T) {
	tests := []struct {
		e    APIError
		want string
	}{
		{APIError{StatusCode: 404, Type: "record-not-found", Message: "Dataset was not found", Method: "GET",
			URL: "https://api.apify.com/v2/datasets/x", Attempt: 1},
			"apify: GET https://api.apify.com/v2/datasets/x: 404 record-not-found: Dataset was not found"},
		{APIError{StatusCode: 502, Message: `unexpected error body (text/html, ...): "<html>"`, Method: "POST",
			URL: "https://api.apify.com/v2/actors/a/runs", Attempt: 3},
			`apify: POST https://api.apify.com/v2/actors/a/runs: 502 Bad Gateway: unexpected error body (text/html, ...): "<html>" (after 3 attempts)`},
		{APIError{StatusCode: 599}, "apify: 599"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q\nwant      %q", got, tt.want)
		}
	}
}

func TestSnippetIsBoundedAndPrintable(t *testing.T) {
	got := snippet([]byte("  <html>\n\n\t<p>\x00\xff"+strings.Repeat("é", 500)+"</p>"), 20)
	if got != `"<html> <p>��éééééééé…"` {
		t.Errorf("snippet = %s", got)
	}
	if got := snippet([]byte("short  text \n"), 20); got != `"short text"` {
		t.Errorf("snippet = %s", got)
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.apify.com/v2/datasets/x?token=abc&limit=1":         "https://api.apify.com/v2/datasets/x?limit=1&token=REDACTED",
		"https://u:pw@proxy.example/v2?signature=s&exclusiveStartKey=k": "https://u:REDACTED@proxy.example/v2?exclusiveStartKey=k&signature=REDACTED",
		"https://api.apify.com/v2/acts?offset=1":                        "https://api.apify.com/v2/acts?offset=1",
		"https://api.apify.com/v2/x?%zz":                                "https://api.apify.com/v2/x?REDACTED",
	} {
		u, err := parseURLForTest(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := redactURL(u); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
