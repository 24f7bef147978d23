package apify

import (
	"strings"
	"testing"
)

func TestPublicURLsUseThePublicBaseURL(t *testing.T) {
	s := storeStub(t, "s3cr3t")
	c := s.client(t, nil, WithPublicBaseURL("https://api.apify.com/"))
	ctx := testCtx(t)
	record, err := c.KeyValueStore("jane~pages").PublicRecordURL(ctx, "OUTPUT")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := c.KeyValueStore("jane~pages").PublicKeysURL(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	items, err := c.Dataset("jane~products").PublicItemsURL(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{record, keys, items} {
		if !strings.HasPrefix(u, "https://api.apify.com/v2/") || !strings.Contains(u, "signature=") {
			t.Errorf("URL %s, want a signed URL under the public base URL", u)
		}
	}
	// The look-ups still went to the API base URL.
	if n := len(s.requests()); n != 3 {
		t.Errorf("%d look-ups reached the API base URL, want 3", n)
	}
	if got := c.PublicBaseURL(); got != "https://api.apify.com" {
		t.Errorf("PublicBaseURL = %q", got)
	}
	if got := s.client(t, nil).PublicBaseURL(); got != s.URL {
		t.Errorf("PublicBaseURL without the option = %q, want the base URL %q", got, s.URL)
	}
}

func TestPublicBaseURLFromEnv(t *testing.T) {
	const internal, public, explicit = "http://10.0.0.2:8010", "https://api.apify.com", "https://public.example"
	t.Setenv(EnvBaseURL, internal)
	t.Setenv(EnvPublicBaseURL, public)
	for _, tc := range []struct {
		name       string
		opts       []Option
		base, want string
	}{
		{"both from the environment", []Option{WithBaseURLFromEnv()}, internal, public},
		{"explicit before env wins", []Option{WithPublicBaseURL(explicit), WithBaseURLFromEnv()}, internal, explicit},
		{"explicit after env wins", []Option{WithBaseURLFromEnv(), WithPublicBaseURL(explicit)}, internal, explicit},
		{"env not asked for", []Option{WithBaseURL(internal)}, internal, internal},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if c.BaseURL() != tc.base || c.PublicBaseURL() != tc.want {
				t.Errorf("BaseURL %q, PublicBaseURL %q; want %q, %q", c.BaseURL(), c.PublicBaseURL(), tc.base, tc.want)
			}
		})
	}

	t.Setenv(EnvPublicBaseURL, "")
	c, err := NewClient(WithBaseURLFromEnv())
	if err != nil {
		t.Fatal(err)
	}
	if c.PublicBaseURL() != internal {
		t.Errorf("with %s empty, PublicBaseURL = %q, want the base URL", EnvPublicBaseURL, c.PublicBaseURL())
	}

	t.Setenv(EnvPublicBaseURL, "api.apify.com/v2")
	if _, err := NewClient(WithBaseURLFromEnv()); err == nil || !strings.Contains(err.Error(), EnvPublicBaseURL) {
		t.Errorf("a bad %s: err %v, want one naming the variable", EnvPublicBaseURL, err)
	}
}

func TestWithPublicBaseURLValidates(t *testing.T) {
	for raw, want := range map[string]string{
		"":                                  "base URL is empty",
		"ftp://api.apify.com":               "must start with https://",
		"https://api.apify.com/v2":          "must not end in /v2",
		"https://api.apify.com/?x=1":        "query or fragment",
		"https://u:" + coreTestToken + "@h": "credentials",
	} {
		_, err := NewClient(WithPublicBaseURL(raw))
		if err == nil || !strings.Contains(err.Error(), "WithPublicBaseURL: ") || !strings.Contains(err.Error(), want) {
			t.Errorf("WithPublicBaseURL(%q): err %v, want %q", raw, err, want)
		}
		if err != nil {
			coreAssertNoToken(t, "option error", err.Error())
		}
	}
}
