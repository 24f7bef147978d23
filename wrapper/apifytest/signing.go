package apifytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Signed URLs (https://docs.apify.com/platform/collaboration/general-resource-access)
// give access to a dataset's items, a key-value store's keys and records, or
// one record, without a token. Each dataset and store has a
// urlSigningSecretKey; the signatures are those the official clients make:
//
//   - a record: HMAC-SHA256(secret, key) as hex, its first 30 digits read as
//     a number and written in base 62 (0-9a-zA-Z);
//   - items, keys and records lists: the same over
//     "0.<expiresAtMillis>.<storageID>" (0 = never expires), sent as
//     base64url("0.<expiresAtMillis>.<that>").

// signingSecret returns the URL signing secret of the storage with the given
// ID: derived from the ID and the server's token, so that it is stable for a
// server and unknown to anyone without the token.
func (s *Server) signingSecret(storageID string) string {
	mac := hmac.New(sha256.New, []byte(s.cfg.token))
	mac.Write([]byte("urlSigningSecretKey\x00" + storageID))
	return hex.EncodeToString(mac.Sum(nil))[:32]
}

const base62Digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// hmacBase62 is the signature of message with secret, as the clients make it.
func hmacBase62(secret, message string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(message))
	n, _ := new(big.Int).SetString(hex.EncodeToString(mac.Sum(nil))[:30], 16)
	if n.Sign() == 0 {
		return "0"
	}
	var out []byte
	base, rem := big.NewInt(62), new(big.Int)
	for n.Sign() > 0 {
		n.DivMod(n, base, rem)
		out = append(out, base62Digits[rem.Int64()])
	}
	slices.Reverse(out)
	return string(out)
}

// signable tells which signature an operation accepts: "record" (one record),
// "storage" (items, keys or records of a storage) or "" (none).
func signable(canonKey string) string {
	switch canonKey {
	case "GET /v2/key-value-stores/{storeId}/records/{recordKey}", "HEAD /v2/key-value-stores/{storeId}/records/{recordKey}":
		return "record"
	case "GET /v2/datasets/{datasetId}/items", "HEAD /v2/datasets/{datasetId}/items",
		"GET /v2/key-value-stores/{storeId}/keys", "GET /v2/key-value-stores/{storeId}/records":
		return "storage"
	}
	return ""
}

// checkSignature verifies the signature of a request that came without a
// token, once the route's steps have resolved the storage.
func (c *call) checkSignature(canonKey string) error {
	c.s.mu.Lock()
	var id string
	if ref, ok := c.params["datasetId"]; ok {
		if d, found := c.s.datasets.lookup(c.s, ref); found {
			id = d.id
		}
	} else if k, found := c.s.stores.lookup(c.s, c.params["storeId"]); found {
		id = k.id
	}
	now := c.s.now()
	c.s.mu.Unlock()
	if id == "" {
		return nil // the handler answers 404
	}
	secret := c.s.signingSecret(id)
	ok := false
	switch signable(canonKey) {
	case "record":
		ok = equalStrings(c.signature, hmacBase62(secret, c.params["recordKey"]))
	case "storage":
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(c.signature, "="))
		parts := strings.SplitN(string(raw), ".", 3)
		if err != nil || len(parts) != 3 || parts[0] != "0" {
			break
		}
		expires, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil || expires < 0 {
			break
		}
		if !equalStrings(parts[2], hmacBase62(secret, "0."+parts[1]+"."+id)) {
			break
		}
		if expires != 0 && now.UnixMilli() > expires {
			return errorf(http.StatusForbidden, "invalid-signature", "The signature expired at %s", time.UnixMilli(expires).UTC().Format(time.RFC3339))
		}
		ok = true
	}
	if !ok {
		return errorf(http.StatusForbidden, "invalid-signature", "The signature is not valid for this resource; sign the URL with the storage's urlSigningSecretKey")
	}
	return nil
}

func equalStrings(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
