package apify

import (
	"os"
	"runtime"
	"strconv"
)

// Version is the version of this module, sent in the User-Agent header; it
// is the latest release in CHANGELOG.md (a test checks it).
const Version = "0.1.0"

// userAgent builds "apifygo/<Version> (<GOOS>; <Go version>; isAtHome/<bool>)"
// plus the caller's suffix from WithUserAgent, separated by "; ". isAtHome
// says whether the program runs on the Apify platform (APIFY_IS_AT_HOME
// set), as the official clients report it.
func userAgent(tail string) string {
	ua := "apifygo/" + Version + " (" + runtime.GOOS + "; " + runtime.Version() +
		"; isAtHome/" + strconv.FormatBool(os.Getenv("APIFY_IS_AT_HOME") != "") + ")"
	if tail != "" {
		ua += "; " + tail
	}
	return ua
}

// workflowKey is the X-Apify-Workflow-Key the platform gives a run
// (APIFY_WORKFLOW_KEY), which the official clients forward with every API
// request so that the platform can link the calls a workflow makes; "" when
// not set.
func workflowKey() string {
	return os.Getenv("APIFY_WORKFLOW_KEY")
}
