// Package apibridge hands package apifyapi the request chain of an
// *apify.Client without adding to package apify's exported surface (apify
// cannot import the generated client package: programs that use only the
// hand-written client must not compile it).
package apibridge

import "net/http"

// Doer sends one request, as the generated client's HttpRequestDoer does.
type Doer interface {
	Do(req *http.Request) (*http.Response, error)
}

// Connect returns the base URL of an *apify.Client and a Doer that sends
// through its chain (auth, retries, redaction, response limits). Package
// apify sets it when it is initialised; client is an *apify.Client.
var Connect func(client any) (baseURL string, doer Doer, err error)
