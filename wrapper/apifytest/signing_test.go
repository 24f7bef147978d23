package apifytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"
)

// clientSignature signs message as the official clients do
// (apify-client-js createHmacSignature): HMAC-SHA256 as hex, the first 30
// digits read as a number, written in base 62.
func clientSignature(secret, message string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(message))
	n, _ := new(big.Int).SetString(hex.EncodeToString(mac.Sum(nil))[:30], 16)
	const digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	out := ""
	for n.Sign() > 0 {
		var rem big.Int
		n.DivMod(n, big.NewInt(62), &rem)
		out = string(digits[rem.Int64()]) + out
	}
	return out
}

// clientStorageSignature is the clients' createStorageContentSignature.
func clientStorageSignature(secret, id string, expiresAtMillis int64) string {
	prefix := "0." + strconv.FormatInt(expiresAtMillis, 10) + "."
	return base64.RawURLEncoding.EncodeToString([]byte(prefix + clientSignature(secret, prefix+id)))
}

// signedOnly sends a request without a token. The document's security
// requirements do not model signed access (they ask for a token on every
// operation), so only the response is validated.
func signedOnly() reqOption {
	return func(r *http.Request) { noToken()(r); invalid()(r) }
}

// Datasets and key-value stores have a urlSigningSecretKey (the document's
// Dataset and KeyValueStore schemas: "A secret key for generating signed
// public URLs", https://docs.apify.com/api/v2/dataset-get), and the items,
// keys and record operations take a signature parameter ("Signature used for
// the access", https://docs.apify.com/api/v2/dataset-items-get): a valid,
// unexpired signature grants access without a token
// (https://docs.apify.com/platform/collaboration/general-resource-access).
func TestSignedURLsWorkWithoutAToken(t *testing.T) {
	t.Parallel()
	clock := NewFakeClock(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	s, c := newTestServer(t, WithClock(clock))
	ds := must(s.AddDataset("signed", map[string]any{"a": 1}, map[string]any{"a": 2}))(t)
	store := must(s.AddKeyValueStore("signed"))(t)
	if err := s.SetRecord(store, "report.pdf", []byte("%PDF"), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	var dsInfo, storeInfo struct{ URLSigningSecretKey string }
	c.do(http.MethodGet, "/v2/datasets/"+ds, nil).want(http.StatusOK).data(&dsInfo)
	c.do(http.MethodGet, "/v2/key-value-stores/"+store, nil).want(http.StatusOK).data(&storeInfo)
	if dsInfo.URLSigningSecretKey == "" || storeInfo.URLSigningSecretKey == "" || dsInfo.URLSigningSecretKey == storeInfo.URLSigningSecretKey {
		t.Fatalf("secrets %q and %q: want two different non-empty ones", dsInfo.URLSigningSecretKey, storeInfo.URLSigningSecretKey)
	}
	items := "/v2/datasets/" + ds + "/items?signature="
	c.do(http.MethodGet, "/v2/datasets/"+ds+"/items", nil, signedOnly()).wantError(http.StatusUnauthorized, "token-not-provided")

	forever := clientStorageSignature(dsInfo.URLSigningSecretKey, ds, 0)
	if got := c.do(http.MethodGet, items+url.QueryEscape(forever), nil, signedOnly()).want(http.StatusOK).jsonItems(); len(got) != 2 {
		t.Errorf("signed items: %d, want 2", len(got))
	}
	c.do(http.MethodGet, "/v2/datasets/apifytest~signed/items?signature="+url.QueryEscape(forever), nil, signedOnly()).want(http.StatusOK)

	until := clock.Now().Add(time.Hour).UnixMilli()
	hour := clientStorageSignature(dsInfo.URLSigningSecretKey, ds, until)
	c.do(http.MethodGet, items+url.QueryEscape(hour), nil, signedOnly()).want(http.StatusOK)
	clock.Advance(2 * time.Hour)
	c.do(http.MethodGet, items+url.QueryEscape(hour), nil, signedOnly()).wantError(http.StatusForbidden, "invalid-signature")

	// A signature of another storage, a tampered one or one for another
	// record does not work; a wrong token is refused whatever the signature.
	c.do(http.MethodGet, items+url.QueryEscape(clientStorageSignature(storeInfo.URLSigningSecretKey, ds, 0)), nil, signedOnly()).
		wantError(http.StatusForbidden, "invalid-signature")
	c.do(http.MethodGet, items+"bm90LWEtc2lnbmF0dXJl", nil, signedOnly()).wantError(http.StatusForbidden, "invalid-signature")
	c.do(http.MethodGet, items+url.QueryEscape(forever), nil, signedOnly(), header("Authorization", "Bearer wrong")).
		wantError(http.StatusUnauthorized, "user-or-token-not-found")
	// Only the items, keys and records take a signature.
	c.do(http.MethodGet, "/v2/datasets/"+ds+"?signature="+url.QueryEscape(forever), nil, signedOnly()).
		wantError(http.StatusUnauthorized, "token-not-provided")

	keys := clientStorageSignature(storeInfo.URLSigningSecretKey, store, 0)
	var page struct{ Items []struct{ Key string } }
	c.do(http.MethodGet, "/v2/key-value-stores/"+store+"/keys?signature="+url.QueryEscape(keys), nil, signedOnly()).want(http.StatusOK).data(&page)
	if len(page.Items) != 1 || page.Items[0].Key != "report.pdf" {
		t.Errorf("signed keys %+v", page.Items)
	}
	rec := "/v2/key-value-stores/" + store + "/records/report.pdf?signature="
	if r := c.do(http.MethodGet, rec+clientSignature(storeInfo.URLSigningSecretKey, "report.pdf"), nil, signedOnly()).want(http.StatusOK); string(r.Body) != "%PDF" {
		t.Errorf("signed record %q", r.Body)
	}
	c.do(http.MethodGet, rec+clientSignature(storeInfo.URLSigningSecretKey, "other"), nil, signedOnly()).wantError(http.StatusForbidden, "invalid-signature")
}
