package apify_test

import (
	"encoding/json"
	"testing"

	apify "github.com/apifygo/apify/wrapper"
)

func TestOptionalFieldsEncodeAsTheAPIExpects(t *testing.T) {
	body, err := json.Marshal(apify.WebhookUpdate{
		Description: apify.Value("nightly"),
		IsAdHoc:     apify.Value(false),
		RequestURL:  apify.Null[string](),
	})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"description":"nightly","isAdHoc":false,"requestUrl":null}`
	if string(body) != want {
		t.Errorf("encoded %s, want %s (unset fields left out, Null sent as null)", body, want)
	}
	var unset apify.Nullable[string]
	if unset.IsSpecified() {
		t.Error("the zero Nullable is specified; want unset")
	}
	if got := *apify.Ptr("x"); got != "x" {
		t.Errorf("Ptr points to %q, want %q", got, "x")
	}
}
