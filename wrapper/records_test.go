package apify

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// onlyReader hides everything but Read, so the client cannot replay or
// measure it.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func newStore(t *testing.T, srv *apifytest.Server, name string) string {
	t.Helper()
	id, err := srv.AddKeyValueStore(name)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRecordsRoundTrip(t *testing.T) {
	srv := apifytest.NewServer(t)
	storeID := newStore(t, srv, "pages")
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)

	page := strings.Repeat("<p>hello</p>", 1000)
	if err := c.KeyValueStore(storeID).SetRecord(ctx, "page.html", onlyReader{strings.NewReader(page)}, "text/html; charset=utf-8"); err != nil {
		t.Fatalf("SetRecord: %v", err)
	}
	if v, ct, _ := srv.Record(storeID, "page.html"); string(v) != page || ct != "text/html; charset=utf-8" {
		t.Fatalf("stored %d bytes as %q", len(v), ct)
	}

	rr, err := c.KeyValueStore(storeID).OpenRecord(ctx, "page.html")
	if err != nil {
		t.Fatalf("OpenRecord: %v", err)
	}
	got, err := io.ReadAll(rr)
	rr.Close()
	if err != nil || string(got) != page || rr.ContentType != "text/html; charset=utf-8" || rr.ContentLength != int64(len(page)) || rr.Key != "page.html" {
		t.Errorf("OpenRecord read %d bytes (%v), %q, length %d", len(got), err, rr.ContentType, rr.ContentLength)
	}

	rec, err := c.KeyValueStore(storeID).GetRecord(ctx, "page.html")
	if err != nil || string(rec.Value) != page {
		t.Errorf("GetRecord: %v", err)
	}

	// Named stores work by "username~name"; bytes go as octet-stream by default.
	if err := c.KeyValueStore(srv.Username()+"/pages").SetRecord(ctx, "blob", bytes.NewReader([]byte{0, 1, 2}), ""); err != nil {
		t.Fatal(err)
	}
	if _, ct, _ := srv.Record(storeID, "blob"); ct != "application/octet-stream" {
		t.Errorf("default content type %q", ct)
	}
}

func TestRecordJSONHelpers(t *testing.T) {
	srv := apifytest.NewServer(t)
	storeID := newStore(t, srv, "")
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)

	type state struct {
		Page int      `json:"page"`
		Seen []string `json:"seen"`
	}
	if err := c.KeyValueStore(storeID).SetRecordJSON(ctx, "STATE", state{Page: 7, Seen: []string{"a", "ü"}}); err != nil {
		t.Fatal(err)
	}
	if _, ct, _ := srv.Record(storeID, "STATE"); ct != "application/json; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	got, err := GetRecordJSON[state](ctx, c.KeyValueStore(storeID), "STATE")
	if err != nil || got.Page != 7 || len(got.Seen) != 2 || got.Seen[1] != "ü" {
		t.Errorf("GetRecordJSON = %+v, %v", got, err)
	}
	if err := srv.SetRecord(storeID, "text", []byte("plain"), "text/plain"); err != nil {
		t.Fatal(err)
	}
	if _, err := GetRecordJSON[state](ctx, c.KeyValueStore(storeID), "text"); err == nil || !strings.Contains(err.Error(), "not the JSON") {
		t.Errorf("non-JSON record: %v", err)
	}
	if err := c.KeyValueStore(storeID).SetRecordJSON(ctx, "bad", func() {}); err == nil {
		t.Error("a func was encoded")
	}
}

func TestRecordExistsAndDelete(t *testing.T) {
	srv := apifytest.NewServer(t)
	storeID := newStore(t, srv, "")
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	if err := srv.SetRecord(storeID, "here", []byte("1"), "text/plain"); err != nil {
		t.Fatal(err)
	}

	if ok, err := c.KeyValueStore(storeID).RecordExists(ctx, "here"); !ok || err != nil {
		t.Errorf("existing record: %v, %v", ok, err)
	}
	if ok, err := c.KeyValueStore(storeID).RecordExists(ctx, "gone"); ok || err != nil {
		t.Errorf("missing record: %v, %v", ok, err)
	}
	if ok, err := c.KeyValueStore("noSuchStore").RecordExists(ctx, "here"); ok || !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "looking up key-value store") {
		t.Errorf("missing store: %v, %v (want an error, not false)", ok, err)
	}

	if err := c.KeyValueStore(storeID).DeleteRecord(ctx, "here"); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := srv.Record(storeID, "here"); ok {
		t.Error("record still there")
	}
	if err := c.KeyValueStore(storeID).DeleteRecord(ctx, "here"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleting again: %v", err)
	}
	if _, err := c.KeyValueStore(storeID).OpenRecord(ctx, "here"); !errors.Is(err, ErrNotFound) {
		t.Errorf("opening a missing record: %v", err)
	}
	if _, err := c.KeyValueStore(storeID).GetRecord(ctx, ""); err == nil {
		t.Error("empty key accepted")
	}
	if err := c.KeyValueStore(storeID).SetRecord(ctx, "k", nil, ""); err == nil {
		t.Error("nil value accepted")
	}
}

func TestRecordKeysAreEscaped(t *testing.T) {
	for key, want := range map[string]string{
		"plain":     "/records/plain",
		"a/b":       "/records/a%2Fb",
		"a b?c#d%e": "/records/a%20b%3Fc%23d%25e",
		"..":        "/records/%2E%2E",
		".":         "/records/%2E",
		"x..y":      "/records/x..y",
	} {
		p, err := recordKey(key)
		if err != nil || "/records/"+p != want {
			t.Errorf("%q: %q, %v", key, p, err)
		}
	}

	// Keys with the characters the API allows round-trip through the fake.
	srv := apifytest.NewServer(t)
	storeID := newStore(t, srv, "")
	c := fakeClient(t, srv, nil)
	for _, key := range []string{"..", "it's(1)!", "a-b_c.d"} {
		if err := c.KeyValueStore(storeID).SetRecord(testCtx(t), key, strings.NewReader(key), "text/plain"); err != nil {
			t.Fatalf("%q: %v", key, err)
		}
		if rec, err := c.KeyValueStore(storeID).GetRecord(testCtx(t), key); err != nil || string(rec.Value) != key {
			t.Errorf("%q: got %v, %v", key, rec, err)
		}
	}
}

func TestRecordRetriesAndLimits(t *testing.T) {
	srv := apifytest.NewServer(t)
	storeID := newStore(t, srv, "")
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	if err := srv.SetRecord(storeID, "data", []byte(`{"n":12345678}`), "application/json"); err != nil {
		t.Fatal(err)
	}

	// A body cut short is read again by GetRecord.
	if err := srv.InjectFault(apifytest.Fault{Method: http.MethodGet, Path: "/v2/key-value-stores/*/records/*", TruncateBody: true}); err != nil {
		t.Fatal(err)
	}
	if rec, err := c.KeyValueStore(storeID).GetRecord(ctx, "data"); err != nil || string(rec.Value) != `{"n":12345678}` {
		t.Errorf("after a truncated body: %v, %v", rec, err)
	}

	// PUT is idempotent: a 503 is retried, a readable body replayed.
	if err := srv.InjectFault(apifytest.Fault{Method: http.MethodPut, Path: "/v2/key-value-stores/*/records/*", Status: http.StatusServiceUnavailable}); err != nil {
		t.Fatal(err)
	}
	if err := c.KeyValueStore(storeID).SetRecord(ctx, "again", onlyReader{strings.NewReader("replayed")}, "text/plain"); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := srv.Record(storeID, "again"); string(v) != "replayed" {
		t.Errorf("stored %q", v)
	}

	// Too large for the API: ErrRequestTooLarge. A reader past the replay
	// buffer is streamed once and not retried.
	big := onlyReader{io.LimitReader(zeroReader{}, 11<<20)}
	srv.ResetRequests()
	err := c.KeyValueStore(storeID).SetRecord(ctx, "big", big, "application/octet-stream")
	if !errors.Is(err, ErrRequestTooLarge) {
		t.Errorf("11 MiB record: %v", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d attempts for a stream too large to replay, want 1", n)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
