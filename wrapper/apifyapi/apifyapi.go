// Package apifyapi connects the generated client for every operation of the
// Apify API (package [github.com/apifygo/apify/gen/genclient]) to an
// [*apify.Client], so that each of its requests goes through the client's
// chain: bearer auth, User-Agent, method-aware retries, the per-attempt
// timeout, logging with redaction, and the client's limits on response
// bodies: the generated code reads bodies whole, so an error answer reaches
// it cut to its first 1 MiB (the response keeps its status and headers, and
// [apify.Result] reports an [*apify.APIError] quoting the excerpt), and a
// success body longer than [apify.WithMaxResponseBody] fails the call with an
// error matching [apify.ErrUnexpectedResponse].
//
// The generated client is a package of its own, so that programs that use
// only the hand-written client ([github.com/apifygo/apify/wrapper]) never
// compile its 231 typed operations; import this package when you need an
// operation the hand-written client does not cover:
//
//	api := apifyapi.New(client)
//	run, err := apify.Result(api.ActorRunGetWithResponse(ctx, runID, nil))
//
// [apify.Result] and [apify.Check] turn what a generated operation returns
// into (*T, error) with [*apify.APIError] and the apify sentinels.
//
// The generated client's names follow the API document; see the README's
// "Compatibility" section for what stays stable when it changes.
package apifyapi

import (
	"github.com/apifygo/apify/gen/genclient"
	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/internal/apibridge"
)

// New returns the generated client for every operation of the Apify API,
// sending through client's chain and on its base URL. A nil client gives a
// generated client whose every call fails with an error.
func New(client *apify.Client) *genclient.ClientWithResponses {
	base, doer, err := apibridge.Connect(client)
	if err != nil {
		doer = failingDoer{err}
	}
	c, err := genclient.NewClient(base, genclient.WithHTTPClient(doer))
	if err != nil {
		// NewClient fails only when an option does; WithHTTPClient never does.
		c = &genclient.Client{Server: base, Client: failingDoer{err}}
	}
	return &genclient.ClientWithResponses{ClientInterface: c}
}
