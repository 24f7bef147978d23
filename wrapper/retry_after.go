package apify

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfterSeconds bounds a parsed Retry-After before it is converted to
// a time.Duration, so absurd values cannot overflow; the policy's
// MaxRetryAfter caps the wait far below it anyway.
const maxRetryAfterSeconds = 1 << 30

// parseRetryAfter reads a Retry-After header value: delay-seconds ("120") or
// an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"), relative to now. A date in
// the past gives 0. ok is false for an empty or malformed value (including
// negative or fractional seconds), which callers ignore.
func parseRetryAfter(value string, now time.Time) (d time.Duration, ok bool) {
	v := strings.TrimSpace(value)
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		v = strings.TrimLeft(v, "0")
		if len(v) > 10 {
			return maxRetryAfterSeconds * time.Second, true
		}
		n, err := strconv.ParseInt("0"+v, 10, 64)
		if err != nil {
			return 0, false
		}
		return time.Duration(min(n, maxRetryAfterSeconds)) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d = t.Sub(now)
	if d < 0 {
		return 0, true
	}
	return min(d, maxRetryAfterSeconds*time.Second), true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
