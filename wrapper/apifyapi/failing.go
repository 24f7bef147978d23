package apifyapi

import "net/http"

// failingDoer answers every request with the error that prevented
// connecting the generated client.
type failingDoer struct{ err error }

func (d failingDoer) Do(*http.Request) (*http.Response, error) { return nil, d.err }
