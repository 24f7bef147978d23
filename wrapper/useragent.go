package apify

import (
	"runtime"
)

// Version is the version of this module, sent in the User-Agent header; it
// is the latest release in CHANGELOG.md (a test checks it).
const Version = "0.1.0"

// userAgent builds "apifygo/<Version> (<GOOS>; <Go version>)" plus the
// caller's suffix from WithUserAgent, separated by "; ".
func userAgent(tail string) string {
	ua := "apifygo/" + Version + " (" + runtime.GOOS + "; " + runtime.Version() + ")"
	if tail != "" {
		ua += "; " + tail
	}
	return ua
}
