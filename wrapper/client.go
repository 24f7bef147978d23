package apify

import (
	"fmt"
	"net/http"
	"time"
)

// Client talks to the Apify API. Create it with [NewClient]; it is safe for
// concurrent use. Every request — generated operations reached through
// package [github.com/apifygo/apify/wrapper/apifyapi] and the hand-written
// helpers alike — goes through one chain: request body compression, bearer
// auth, User-Agent, method-aware retries with backoff, the per-attempt
// timeout and debug logging.
//
// Printing a Client (with %v, %+v, %#v or %s) shows its base URL and whether
// a token is set, never the token.
type Client struct {
	cfg  *config
	http *http.Client
}

// NewClient returns a client configured by opts, or the first option error.
// With no options it calls https://api.apify.com without a token, retries 8
// times, and bounds each attempt to 360 s:
//
//	client, err := apify.NewClient(apify.WithTokenFromEnv())
//
// As the official clients do, it reports in its User-Agent whether it runs
// on the Apify platform (isAtHome/true when APIFY_IS_AT_HOME is set) and
// sends the platform's APIFY_WORKFLOW_KEY, when set, as the
// X-Apify-Workflow-Key header of requests to the API.
func NewClient(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if opt == nil {
			return nil, fmt.Errorf("apify: NewClient: option is nil")
		}
		if err := opt(cfg); err != nil {
			return nil, fmt.Errorf("apify: NewClient: %w", err)
		}
	}
	return &Client{cfg: cfg, http: buildHTTPClient(cfg)}, nil
}

// buildHTTPClient wraps the configured (or default) transport in the chain
// gzip (unless turned off) → retry → headers → base, on a copy of the
// configured http.Client.
func buildHTTPClient(cfg *config) *http.Client {
	hc := &http.Client{}
	if cfg.httpClient != nil {
		*hc = *cfg.httpClient
	}
	base := hc.Transport
	if base == nil {
		if cfg.httpClient != nil {
			base = http.DefaultTransport
		} else {
			base = defaultTransport()
		}
	}
	var chain http.RoundTripper = &retryTransport{
		next: &headerTransport{
			next:        base,
			token:       cfg.token,
			origin:      cfg.baseURL,
			userAgent:   userAgent(cfg.userAgentTail),
			workflowKey: workflowKey(),
		},
		policy:   cfg.retry,
		timeout:  cfg.timeout,
		logger:   cfg.logger,
		newTimer: cfg.newTimer,
		token:    cfg.token,
		maxBody:  cfg.maxBody,
		deadline: cfg.attemptDeadline,
	}
	if !cfg.noCompression {
		chain = &gzipTransport{next: chain, origin: cfg.baseURL}
	}
	hc.Transport = chain
	hc.CheckRedirect = checkRedirect(cfg.baseURL, hc.CheckRedirect)
	return hc
}

// defaultTransport is a clone of http.DefaultTransport (proxy from the
// environment, HTTP/2, dial and TLS timeouts) with a larger idle pool per
// host, since a client talks to one API host, often in parallel.
func defaultTransport() http.RoundTripper {
	dt, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t := dt.Clone()
	t.MaxIdleConns = 100
	t.MaxIdleConnsPerHost = 32
	t.IdleConnTimeout = 90 * time.Second
	return t
}

// BaseURL returns the API root the client sends requests to, e.g.
// "https://api.apify.com".
func (c *Client) BaseURL() string {
	if c == nil || c.cfg == nil {
		return "" // not made by NewClient; every call returns an error
	}
	return c.cfg.baseURL.String()
}

// PublicBaseURL returns the API root of the public and signed URLs the
// client hands out (see [WithPublicBaseURL]); it is [Client.BaseURL] unless
// set.
func (c *Client) PublicBaseURL() string {
	if c == nil || c.cfg == nil {
		return ""
	}
	return c.cfg.publicRoot().String()
}

// String describes the client without its token, e.g.
// "apify.Client{BaseURL: https://api.apify.com, Token: REDACTED, MaxRetries: 8, Timeout: 6m0s}".
func (c *Client) String() string {
	if c == nil {
		return "<nil>"
	}
	if c.cfg == nil {
		return "apify.Client{}"
	}
	token := "unset"
	if c.cfg.token != nil {
		token = redacted
	}
	return fmt.Sprintf("apify.Client{BaseURL: %s, Token: %s, MaxRetries: %d, Timeout: %v}",
		redactURL(c.cfg.baseURL), token, c.cfg.retry.MaxRetries, c.cfg.timeout)
}

// GoString describes the client for %#v, without its token.
func (c *Client) GoString() string { return c.String() }

// Format prints the client as String does for every verb, so that no fmt
// verb (%v, %+v, %#v, %s, %q, %x) can reach the token.
func (c *Client) Format(f fmt.State, _ rune) {
	_, _ = fmt.Fprint(f, c.String())
}
