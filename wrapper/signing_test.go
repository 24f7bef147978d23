package apify

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRecordSignatureVectors(t *testing.T) {
	// Computed with the reference implementation (apify-client-python's
	// create_hmac_signature).
	for _, v := range []struct{ secret, msg, want string }{
		{"s3cr3t", "OUTPUT", "1vQ2M6zRuHZm5paW4jzRj"},
		{"s3cr3t", "my key/ü", "ZZKI08hThvvXuw0RAipx"},
		{"hmac-secret-key", "0.0.resource-id", "3TwfEE659ufSNsmS47lR"},
	} {
		if got := RecordSignature(v.secret, v.msg); got != v.want {
			t.Errorf("RecordSignature(%q, %q) = %q, want %q", v.secret, v.msg, got, v.want)
		}
	}
}

func TestStorageSignatureVectors(t *testing.T) {
	// From @apify/utilities' own test: a signature that never expires.
	if got := StorageSignature("hmac-secret-key", "resource-id", time.Time{}); got != "MC4wLjNUd2ZFRTY1OXVmU05zbVM0N2xS" {
		t.Errorf("never-expiring signature %q", got)
	}
	exp := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := StorageSignature("s3cr3t", "WkzbQMuFYuamGv3YF", exp); got != "MC4xNzY3MjI1NjAwMDAwLkV5T0FQRU5xaXNpdWNsTmhnTUdx" {
		t.Errorf("expiring signature %q", got)
	}
}

// storeStub serves a store or dataset description with (or without) a
// signing secret. A stub, not apifytest: the signature vectors need a fixed
// secret and ID.
func storeStub(t *testing.T, secret string) *stubAPI {
	return newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		d := map[string]any{"id": "WkzbQMuFYuamGv3YF", "name": "pages", "createdAt": "2026-01-01T00:00:00.000Z",
			"modifiedAt": "2026-01-01T00:00:00.000Z", "accessedAt": "2026-01-01T00:00:00.000Z", "itemCount": 0, "cleanItemCount": 0}
		if secret != "" {
			d["urlSigningSecretKey"] = secret
		}
		writeData(w, http.StatusOK, d)
	})
}

func TestPublicRecordURL(t *testing.T) {
	s := storeStub(t, "s3cr3t")
	c := s.client(t, nil)
	got, err := c.KeyValueStore("jane~pages").PublicRecordURL(testCtx(t), "OUTPUT")
	if err != nil {
		t.Fatal(err)
	}
	if want := s.URL + "/v2/key-value-stores/WkzbQMuFYuamGv3YF/records/OUTPUT?signature=1vQ2M6zRuHZm5paW4jzRj"; got != want {
		t.Errorf("URL %s, want %s", got, want)
	}
	if r := s.requests()[0]; r.Path != "/v2/key-value-stores/jane~pages" {
		t.Errorf("looked up %s", r.Path)
	}
	coreAssertNoToken(t, "signed URL", got)

	plain := storeStub(t, "")
	got, err = plain.client(t, nil).KeyValueStore("s1").PublicRecordURL(testCtx(t), "a b")
	if err != nil || got != plain.URL+"/v2/key-value-stores/WkzbQMuFYuamGv3YF/records/a%20b" {
		t.Errorf("unsigned URL %s, %v", got, err)
	}
	if _, err := c.KeyValueStore("s1").PublicRecordURL(testCtx(t), ""); err == nil {
		t.Error("empty key accepted")
	}
}

func TestPublicKeysAndItemsURLs(t *testing.T) {
	s := storeStub(t, "s3cr3t")
	c := s.client(t, nil)
	before := time.Now()
	raw, err := c.KeyValueStore("s1").PublicKeysURL(testCtx(t), &KeysURLOptions{ExpiresIn: time.Hour, Prefix: "img-", Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(raw)
	if u.Path != "/v2/key-value-stores/WkzbQMuFYuamGv3YF/keys" || u.Query().Get("prefix") != "img-" || u.Query().Get("limit") != "10" {
		t.Errorf("keys URL %s", raw)
	}
	checkStorageSignature(t, u.Query().Get("signature"), "s3cr3t", "WkzbQMuFYuamGv3YF", before.Add(time.Hour), time.Now().Add(time.Hour))

	raw, err = c.Dataset("jane~products").PublicItemsURL(testCtx(t), &ItemsURLOptions{Format: "csv", Items: &ItemsOptions{Clean: true, Fields: []string{"a", "b"}, Limit: 5}})
	if err != nil {
		t.Fatal(err)
	}
	u, _ = url.Parse(raw)
	q := u.Query()
	if u.Path != "/v2/datasets/WkzbQMuFYuamGv3YF/items" || q.Get("format") != "csv" || q.Get("clean") != "1" || q.Get("fields") != "a,b" || q.Get("limit") != "5" {
		t.Errorf("items URL %s", raw)
	}
	if q.Get("signature") != StorageSignature("s3cr3t", "WkzbQMuFYuamGv3YF", time.Time{}) {
		t.Errorf("items signature %q", q.Get("signature"))
	}
	if _, err := c.Dataset("d").PublicItemsURL(testCtx(t), &ItemsURLOptions{Format: "pdf"}); err == nil {
		t.Error("format pdf accepted")
	}
	if _, err := c.KeyValueStore("s").PublicKeysURL(testCtx(t), &KeysURLOptions{ExpiresIn: -time.Second}); err == nil {
		t.Error("negative expiry accepted")
	}
}

// checkStorageSignature decodes sig and checks its expiry lies in
// [lo, hi] and its HMAC matches.
func checkStorageSignature(t *testing.T, sig, secret, id string, lo, hi time.Time) {
	t.Helper()
	if strings.Contains(sig, "=") {
		t.Errorf("signature %q is padded", sig)
	}
	dec, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		t.Fatalf("signature %q: %v", sig, err)
	}
	parts := strings.Split(string(dec), ".")
	if len(parts) != 3 || parts[0] != "0" {
		t.Fatalf("signature decodes to %q", dec)
	}
	ms, _ := strconv.ParseInt(parts[1], 10, 64)
	if ms < lo.UnixMilli() || ms > hi.UnixMilli() {
		t.Errorf("expires at %d, want within [%d, %d]", ms, lo.UnixMilli(), hi.UnixMilli())
	}
	if want := RecordSignature(secret, "0."+parts[1]+"."+id); parts[2] != want {
		t.Errorf("HMAC %q, want %q", parts[2], want)
	}
}
