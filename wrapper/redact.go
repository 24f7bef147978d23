package apify

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// redacted replaces secrets in printed URLs and messages.
const redacted = "REDACTED"

// sensitiveQueryParam reports whether a query parameter may carry a
// credential: Apify accepts ?token=, and signed storage URLs carry
// ?signature=.
func sensitiveQueryParam(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "token") || strings.Contains(n, "signature") ||
		strings.Contains(n, "secret") || strings.Contains(n, "password")
}

// secret holds the API token. It prints as REDACTED with every fmt verb;
// reveal returns the value ("" for a nil secret).
type secret struct{ value string }

func (s *secret) reveal() string {
	if s == nil {
		return ""
	}
	return s.value
}

func (s *secret) String() string             { return redacted }
func (s *secret) GoString() string           { return redacted }
func (s *secret) Format(f fmt.State, _ rune) { _, _ = fmt.Fprint(f, redacted) }

// redactURL renders u for errors and logs: the password of any user info and
// the values of credential-like query parameters are replaced.
func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	cp := *u
	if cp.User != nil {
		if _, has := cp.User.Password(); has {
			cp.User = url.UserPassword(cp.User.Username(), redacted)
		} else {
			cp.User = url.User(redacted)
		}
	}
	if cp.RawQuery != "" {
		q, err := url.ParseQuery(cp.RawQuery)
		if err != nil {
			cp.RawQuery = redacted
		} else {
			changed := false
			for name, vals := range q {
				if sensitiveQueryParam(name) {
					for i := range vals {
						vals[i] = redacted
					}
					changed = true
				}
			}
			if changed {
				cp.RawQuery = q.Encode()
			}
		}
	}
	return cp.String()
}

// scrub removes every occurrence of token from s; a last line of defence for
// text the server or a transport produced.
func scrub(s, token string) string {
	if token == "" || !strings.Contains(s, token) {
		return s
	}
	return strings.ReplaceAll(s, token, redacted)
}

// credentialInText finds credentials spelled out in free text: the value of
// a credential-like query parameter (token=, signature=, …) or JSON member
// ("token": "…"), and a bearer token.
var credentialInText = regexp.MustCompile(`(?i)([\w.-]*(?:token|signature|secret|password)[\w.-]*=)[^&\s"'<>\\]+` +
	`|("[\w.-]*(?:token|signature|secret|password)[\w.-]*"\s*:\s*")[^"\\]+` +
	`|(bearer\s+)[\w.~+/=-]+`)

// scrubText is scrub plus the removal of credential-like query values and
// bearer tokens, for any text from a server or transport (error messages,
// bodies, status lines). Call it before cutting text to length: a cut token
// is no longer found.
func scrubText(s, token string) string {
	s = scrub(s, token)
	if !credentialInText.MatchString(s) {
		return s
	}
	return credentialInText.ReplaceAllString(s, "${1}${2}${3}"+redacted)
}

// scrubValue returns v (decoded JSON) with scrubText applied to every string
// and the value of every credential-like key replaced.
func scrubValue(v any, token string) any {
	switch x := v.(type) {
	case string:
		return scrubText(x, token)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if sensitiveQueryParam(k) {
				if _, isString := e.(string); isString {
					out[k] = redacted
					continue
				}
			}
			out[k] = scrubValue(e, token)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = scrubValue(e, token)
		}
		return out
	}
	return v
}
