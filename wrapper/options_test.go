package apify

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewClientRejectsBadOptions(t *testing.T) {
	tooMany := DefaultRetryPolicy()
	tooMany.MaxRetries = 101
	noDelay := DefaultRetryPolicy()
	noDelay.InitialDelay = 0
	shortCap := DefaultRetryPolicy()
	shortCap.MaxDelay = time.Millisecond
	negAfter := DefaultRetryPolicy()
	negAfter.MaxRetryAfter = -time.Second

	tests := []struct {
		name string
		opt  Option
		want string
	}{
		{"empty token", WithToken(""), "WithToken: token is empty"},
		{"token with newline", WithToken("abc\ndef"), "whitespace or control"},
		{"token with space", WithToken("abc def"), "whitespace or control"},
		{"empty base URL", WithBaseURL(""), "base URL is empty"},
		{"relative base URL", WithBaseURL("api.apify.com"), "must start with https://"},
		{"ftp base URL", WithBaseURL("ftp://api.apify.com"), "must start with https://"},
		{"no host", WithBaseURL("https:///v2"), "has no host"},
		{"base URL with v2", WithBaseURL("https://api.apify.com/v2/"), "must not end in /v2"},
		{"base URL with query", WithBaseURL("https://api.apify.com?token=" + coreTestToken), "query or fragment"},
		{"base URL with credentials", WithBaseURL("https://user:" + coreTestToken + "@api.apify.com"), "credentials"},
		{"nil HTTP client", WithHTTPClient(nil), "client is nil"},
		{"empty user agent", WithUserAgent("  "), "suffix is empty"},
		{"user agent with newline", WithUserAgent("app\r\nX-Evil: 1"), "printable ASCII"},
		{"negative retries", WithMaxRetries(-1), "MaxRetries is -1"},
		{"too many retries", WithMaxRetries(1000), "want 0..100"},
		{"policy too many retries", WithRetryPolicy(tooMany), "MaxRetries is 101"},
		{"policy zero delay", WithRetryPolicy(noDelay), "InitialDelay is 0s"},
		{"policy cap below delay", WithRetryPolicy(shortCap), "shorter than InitialDelay"},
		{"policy negative retry-after cap", WithRetryPolicy(negAfter), "MaxRetryAfter is negative"},
		{"negative timeout", WithTimeout(-time.Second), "is negative"},
		{"nil logger", WithLogger(nil), "logger is nil"},
		{"nil option", nil, "option is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(tt.opt)
			if err == nil {
				t.Fatalf("NewClient succeeded (%v), want an error containing %q", c, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "apify: NewClient: ") {
				t.Errorf("error %q does not say where it comes from", err)
			}
			coreAssertNoToken(t, "option error", err.Error())
		})
	}
}

func TestNewClientDefaults(t *testing.T) {
	c, err := NewClient()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.BaseURL(); got != DefaultBaseURL {
		t.Errorf("BaseURL = %q, want %q", got, DefaultBaseURL)
	}
	if c.cfg.token != nil {
		t.Error("a token was set without an option")
	}
	if c.cfg.retry != DefaultRetryPolicy() || c.cfg.timeout != DefaultTimeout {
		t.Errorf("retry %+v timeout %v, want the defaults", c.cfg.retry, c.cfg.timeout)
	}
	if c.http == http.DefaultClient {
		t.Error("client uses http.DefaultClient")
	}
	rt := retryLinkOf(t, c)
	base := rt.next.(*headerTransport).next
	if base == http.DefaultTransport {
		t.Error("client uses http.DefaultTransport itself instead of a clone")
	}
	if tr, ok := base.(*http.Transport); !ok || tr.MaxIdleConnsPerHost < 2 || tr.Proxy == nil {
		t.Errorf("default transport %T is not a tuned clone of http.DefaultTransport", base)
	}
}

func TestOptionsApplyInOrder(t *testing.T) {
	p := DefaultRetryPolicy()
	p.RetryNonIdempotent = true
	p.MaxDelay = time.Minute
	logger := slog.New(slog.DiscardHandler)
	c, err := NewClient(
		WithToken("first"), WithToken(coreTestToken),
		WithBaseURL("https://proxy.example/apify/"),
		WithRetryPolicy(p), WithMaxRetries(3),
		WithTimeout(0), WithLogger(logger), WithUserAgent("my-app/1.2"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.token.reveal() != coreTestToken {
		t.Error("the last WithToken did not win")
	}
	if got := c.BaseURL(); got != "https://proxy.example/apify" {
		t.Errorf("BaseURL = %q, want the trailing slash trimmed", got)
	}
	want := p
	want.MaxRetries = 3
	if c.cfg.retry != want {
		t.Errorf("retry = %+v, want %+v (WithMaxRetries changes only the count)", c.cfg.retry, want)
	}
	if c.cfg.timeout != 0 || c.cfg.logger != logger {
		t.Error("timeout or logger not applied")
	}
	if ua := retryLinkOf(t, c).next.(*headerTransport).userAgent; !strings.HasSuffix(ua, "; my-app/1.2") || !strings.HasPrefix(ua, "apifygo/"+Version) {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestWithHTTPClientCopiesAndKeepsSettings(t *testing.T) {
	redirects := 0
	hc := &http.Client{
		Timeout: 7 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			redirects++
			return nil
		},
	}
	c, err := NewClient(WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	if c.http == hc || hc.Transport != nil {
		t.Error("WithHTTPClient modified or kept the caller's client")
	}
	if c.http.Timeout != 7*time.Second {
		t.Error("Timeout not kept")
	}
	if base := retryLinkOf(t, c).next.(*headerTransport).next; base != http.DefaultTransport {
		t.Errorf("base transport %T, want http.DefaultTransport for a client without Transport", base)
	}
	_ = c.http.CheckRedirect(&http.Request{URL: c.cfg.baseURL, Header: http.Header{}}, nil)
	if redirects != 1 {
		t.Error("the caller's CheckRedirect was not called")
	}
}

func TestEnvOptions(t *testing.T) {
	t.Setenv(EnvToken, "")
	if _, err := NewClient(WithTokenFromEnv()); err == nil || !strings.Contains(err.Error(), "APIFY_TOKEN is not set") {
		t.Errorf("unset APIFY_TOKEN: err = %v", err)
	}
	t.Setenv(EnvToken, coreTestToken)
	t.Setenv(EnvBaseURL, "")
	c, err := NewClient(WithTokenFromEnv(), WithBaseURLFromEnv())
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.token.reveal() != coreTestToken || c.BaseURL() != DefaultBaseURL {
		t.Errorf("token set %v, base %q", c.cfg.token.reveal() == coreTestToken, c.BaseURL())
	}
	t.Setenv(EnvBaseURL, "http://127.0.0.1:9/")
	if c, err = NewClient(WithBaseURLFromEnv()); err != nil || c.BaseURL() != "http://127.0.0.1:9" {
		t.Errorf("APIFY_API_BASE_URL: %v, %v", c, err)
	}
	t.Setenv(EnvBaseURL, "api.apify.com/v2")
	if _, err = NewClient(WithBaseURLFromEnv()); err == nil || !strings.Contains(err.Error(), EnvBaseURL) {
		t.Errorf("bad APIFY_API_BASE_URL: err = %v", err)
	}
	// NewClient alone never reads the environment.
	if c, err = NewClient(); err != nil || c.cfg.token != nil || c.BaseURL() != DefaultBaseURL {
		t.Error("NewClient read the environment without an option")
	}
}
