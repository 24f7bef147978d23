package apify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// Environment variables read by the explicit From-Env options (and only by
// them: NewClient itself never looks at the environment).
const (
	// EnvToken is the variable [WithTokenFromEnv] reads.
	EnvToken = "APIFY_TOKEN"
	// EnvBaseURL is the variable [WithBaseURLFromEnv] reads for the API root.
	EnvBaseURL = "APIFY_API_BASE_URL"
	// EnvPublicBaseURL is the variable [WithBaseURLFromEnv] reads for the
	// public API root (see [WithPublicBaseURL]). The Apify platform sets it
	// inside Actors, and the official SDKs hand it to their API clients.
	EnvPublicBaseURL = "APIFY_API_PUBLIC_BASE_URL"
)

// DefaultBaseURL is the Apify API the client talks to unless [WithBaseURL]
// says otherwise. It has no /v2 suffix: operation paths start with /v2.
const DefaultBaseURL = "https://api.apify.com"

// Option configures a [Client] in [NewClient]. Options validate their input:
// a bad value makes NewClient return an error naming the option.
type Option func(*config) error

// config collects the options. Client keeps only a pointer to it, and the
// token sits behind one more pointer, so that no fmt verb expands it.
type config struct {
	token         *secret // nil: no token
	baseURL       *url.URL
	publicBaseURL *url.URL // nil: baseURL
	publicFixed   bool     // set by WithPublicBaseURL, which the environment does not override
	noCompression bool
	httpClient    *http.Client
	userAgentTail string
	retry         RetryPolicy
	timeout       time.Duration
	logger        *slog.Logger
	newTimer      func() backoff.Timer // tests inject a fake; nil = real timers
	maxBody       int64                // bound on a success body read whole
	newIdleTimer  func() backoff.Timer // log-stream idle timers; tests inject a fake; nil = real timers
	// attemptDeadline bounds one attempt's context to d; tests inject
	// deadlines they expire themselves; nil = context.WithTimeout.
	attemptDeadline func(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc)
}

func defaultConfig() *config {
	u, _ := url.Parse(DefaultBaseURL)
	return &config{
		baseURL: u,
		retry:   DefaultRetryPolicy(),
		timeout: DefaultTimeout,
		logger:  slog.New(slog.DiscardHandler),
		maxBody: DefaultMaxResponseBody,
	}
}

// WithToken sets the API token sent as "Authorization: Bearer <token>" (find
// it at https://console.apify.com/settings/integrations). The token is sent
// only to the base URL's host and never appears in errors, logs or printed
// values. Without a token the client can still read public resources.
func WithToken(token string) Option {
	return func(c *config) error {
		if err := checkToken(token); err != nil {
			return fmt.Errorf("WithToken: %w", err)
		}
		c.token = &secret{value: token}
		return nil
	}
}

// WithTokenFromEnv sets the API token from the APIFY_TOKEN environment
// variable; it fails when the variable is unset or empty.
func WithTokenFromEnv() Option {
	return func(c *config) error {
		token := os.Getenv(EnvToken)
		if token == "" {
			return fmt.Errorf("WithTokenFromEnv: %s is not set; export it or use WithToken", EnvToken)
		}
		if err := checkToken(token); err != nil {
			return fmt.Errorf("WithTokenFromEnv: %s: %w", EnvToken, err)
		}
		c.token = &secret{value: token}
		return nil
	}
}

func checkToken(token string) error {
	if token == "" {
		return errors.New("token is empty; omit the option to call the API without a token")
	}
	for _, r := range token {
		if r <= ' ' || r == 0x7f {
			return errors.New("token contains whitespace or control characters; check how it was copied")
		}
	}
	return nil
}

// WithBaseURL sets the API root, e.g. a proxy or a local fake server. It must
// be an absolute http(s) URL without query, fragment or credentials, and
// without the /v2 suffix (operation paths start with /v2). A path prefix is
// kept: "https://proxy.example/apify" sends requests to
// https://proxy.example/apify/v2/...
func WithBaseURL(rawURL string) Option {
	return func(c *config) error {
		u, err := parseBaseURL(rawURL)
		if err != nil {
			return fmt.Errorf("WithBaseURL: %w", err)
		}
		c.baseURL = u
		return nil
	}
}

// WithBaseURLFromEnv sets the API root from the APIFY_API_BASE_URL
// environment variable and the public API root ([WithPublicBaseURL]) from
// APIFY_API_PUBLIC_BASE_URL, both set inside Apify Actors, with the same
// rules as [WithBaseURL]. A variable that is unset or empty leaves its URL
// unchanged, and APIFY_API_PUBLIC_BASE_URL does not override an explicit
// WithPublicBaseURL.
func WithBaseURLFromEnv() Option {
	return func(c *config) error {
		if raw := os.Getenv(EnvBaseURL); raw != "" {
			u, err := parseBaseURL(raw)
			if err != nil {
				return fmt.Errorf("WithBaseURLFromEnv: %s: %w", EnvBaseURL, err)
			}
			c.baseURL = u
		}
		if raw := os.Getenv(EnvPublicBaseURL); raw != "" && !c.publicFixed {
			u, err := parseBaseURL(raw)
			if err != nil {
				return fmt.Errorf("WithBaseURLFromEnv: %s: %w", EnvPublicBaseURL, err)
			}
			c.publicBaseURL = u
		}
		return nil
	}
}

// WithPublicBaseURL sets the API root of the URLs the client hands out for
// use without it — the public and signed URLs of records, key listings and
// dataset items — with the same rules as [WithBaseURL]. Requests still go to
// the base URL. Set it when the base URL is not reachable by whoever gets
// the URLs: inside an Actor the API base URL may be internal to the
// platform. By default it is APIFY_API_PUBLIC_BASE_URL when
// [WithBaseURLFromEnv] is given and that variable is set, else the base URL.
func WithPublicBaseURL(rawURL string) Option {
	return func(c *config) error {
		u, err := parseBaseURL(rawURL)
		if err != nil {
			return fmt.Errorf("WithPublicBaseURL: %w", err)
		}
		c.publicBaseURL, c.publicFixed = u, true
		return nil
	}
}

// publicRoot returns the root of the URLs handed out for use without the
// client: the public base URL, else the base URL.
func (c *config) publicRoot() *url.URL {
	if c.publicBaseURL != nil {
		return c.publicBaseURL
	}
	return c.baseURL
}

func parseBaseURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("base URL is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("base URL %q does not parse: %w", raw, err)
	}
	shown := redactURL(u)
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("base URL %q must start with https:// or http://", shown)
	case u.Host == "":
		return nil, fmt.Errorf("base URL %q has no host", shown)
	case u.User != nil:
		return nil, fmt.Errorf("base URL %q must not contain credentials; use WithToken", shown)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("base URL %q must not have a query or fragment", shown)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	if u.Path == "/v2" || strings.HasSuffix(u.Path, "/v2") {
		return nil, fmt.Errorf("base URL %q must not end in /v2: operation paths already start with /v2 (use %q)",
			shown, strings.TrimSuffix(redactURL(u), "/v2"))
	}
	return u, nil
}

// WithHTTPClient makes the client send requests through a copy of hc: its
// Transport (http.DefaultTransport when nil), Jar, Timeout and CheckRedirect
// are kept, and the client's own chain (auth, User-Agent, retries, per-attempt
// timeout) is wrapped around the Transport. hc itself is not modified. Note
// that a non-zero hc.Timeout bounds a whole call, retries included.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("WithHTTPClient: client is nil; omit the option to use the default")
		}
		cp := *hc
		c.httpClient = &cp
		return nil
	}
}

// WithUserAgent appends suffix to the User-Agent header, e.g. "my-app/1.2".
// It must be printable ASCII.
func WithUserAgent(suffix string) Option {
	return func(c *config) error {
		suffix = strings.TrimSpace(suffix)
		if suffix == "" {
			return errors.New("WithUserAgent: suffix is empty")
		}
		for _, r := range suffix {
			if r < ' ' || r > '~' {
				return fmt.Errorf("WithUserAgent: suffix %q must be printable ASCII", suffix)
			}
		}
		c.userAgentTail = suffix
		return nil
	}
}

// WithMaxRetries sets how many times a failed request is retried after the
// first attempt (default 8; 0 turns retries off; at most 100). The other
// retry settings keep their values; see [WithRetryPolicy].
func WithMaxRetries(n int) Option {
	return func(c *config) error {
		p := c.retry
		p.MaxRetries = n
		if err := p.validate(); err != nil {
			return fmt.Errorf("WithMaxRetries: %w", err)
		}
		c.retry = p
		return nil
	}
}

// WithRetryPolicy replaces the whole retry policy. Start from
// [DefaultRetryPolicy] and change the fields you need.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *config) error {
		if err := p.validate(); err != nil {
			return fmt.Errorf("WithRetryPolicy: %w", err)
		}
		c.retry = p
		return nil
	}
}

// WithTimeout bounds each attempt of a request — connecting, sending and
// reading the whole response body — to d (default 360 s; 0 means no
// per-attempt limit). An attempt that times out is retried like a network
// error. Use the ctx of a call to bound the call as a whole, retries included.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("WithTimeout: %v is negative; use 0 for no per-attempt limit", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRequestCompression turns gzip compression of request bodies on (the
// default) or off. When on, a body of 1 KiB or more sent to the API goes out
// gzip-compressed with "Content-Encoding: gzip", which the API accepts: item
// pushes, records and request batches then cost less data transfer. Bodies
// that already have a Content-Encoding header, media that is compressed
// already (images, audio, video, archives), bodies larger than 10 MiB of
// unknown length, and bodies that would not get smaller are sent as they
// are. Retries replay the compressed bytes. Turn it off for a proxy or
// server that does not accept compressed requests.
func WithRequestCompression(enabled bool) Option {
	return func(c *config) error {
		c.noCompression = !enabled
		return nil
	}
}

// WithLogger sends the client's log records to l. Each retry is logged at
// debug level with the method, the URL (credentials redacted), the attempt
// that failed, why, and the delay before the next one. By default nothing is
// logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("WithLogger: logger is nil; omit the option to log nothing")
		}
		c.logger = l
		return nil
	}
}

// withIdleTimer makes log streams time their idle periods on timers from
// newTimer; tests use it to stall a stream without waiting.
func withIdleTimer(newTimer func() backoff.Timer) Option {
	return func(c *config) error {
		c.newIdleTimer = newTimer
		return nil
	}
}

// withTimer makes retries wait on timers from newTimer; tests use it to
// observe delays without sleeping.
func withTimer(newTimer func() backoff.Timer) Option {
	return func(c *config) error {
		c.newTimer = newTimer
		return nil
	}
}

// withAttemptDeadline makes the per-attempt timeout arm its deadline with
// f instead of context.WithTimeout; tests use it to cut an attempt at a
// chosen moment instead of after real time.
func withAttemptDeadline(f func(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc)) Option {
	return func(c *config) error {
		c.attemptDeadline = f
		return nil
	}
}

// Format keeps fmt from printing the configuration (and so the token).
func (c config) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, "apify.config{...}") }
