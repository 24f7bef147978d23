package apify

import (
	"errors"
	"net/url"
	"testing"

	"github.com/apifygo/apify/wrapper/apifytest"
)

func TestGetSignedRecord(t *testing.T) {
	srv := apifytest.NewServer(t)
	storeID, _ := srv.AddKeyValueStore("shared")
	if err := srv.SetRecord(storeID, "report.json", []byte(`{"ok":true}`), "application/json"); err != nil {
		t.Fatal(err)
	}
	owner := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	signed, err := owner.KeyValueStore(storeID).PublicRecordURL(ctx, "report.json")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	sig := u.Query().Get("signature")
	if sig == "" {
		t.Fatalf("no signature in %s", signed)
	}

	stranger, err := NewClient(WithBaseURL(srv.URL()), withTimer((&coreTimers{}).newTimer))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := stranger.KeyValueStore(storeID).GetSignedRecord(ctx, "report.json", sig)
	if err != nil {
		t.Fatal(err)
	}
	if string(rec.Value) != `{"ok":true}` || rec.Key != "report.json" {
		t.Errorf("record %q %q", rec.Key, rec.Value)
	}
	if _, err := stranger.KeyValueStore(storeID).GetRecord(ctx, "report.json"); !errors.Is(err, ErrUnauthorized) && !errors.Is(err, ErrForbidden) {
		t.Errorf("GetRecord without a token or signature: %v", err)
	}
	if _, err := stranger.KeyValueStore(storeID).GetSignedRecord(ctx, "other", sig); err == nil {
		t.Error("a signature used for another key: nil error")
	}
	if _, err := stranger.KeyValueStore(storeID).GetSignedRecord(ctx, "report.json", ""); err == nil {
		t.Error("an empty signature: nil error")
	}
}
