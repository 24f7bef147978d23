package apifytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"sort"
	"strings"
)

func toolHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"GET /v2/browser-info":             browserInfo,
		"POST /v2/browser-info":            browserInfo,
		"PUT /v2/browser-info":             browserInfo,
		"DELETE /v2/browser-info":          browserInfo,
		"POST /v2/tools/encode-and-sign":   encodeAndSign,
		"POST /v2/tools/decode-and-verify": decodeAndVerify,
	}
}

// GET, POST, PUT and DELETE /v2/browser-info — https://docs.apify.com/api/v2/tools-browser-info-get
// The Authorization header comes back redacted; the country is unknown (null).
func browserInfo(c *call) error {
	skip, err := c.boolParam("skipHeaders", false)
	if err != nil {
		return err
	}
	raw, err := c.boolParam("rawHeaders", false)
	if err != nil {
		return err
	}
	ip, _, splitErr := net.SplitHostPort(c.r.RemoteAddr)
	if splitErr != nil {
		ip = c.r.RemoteAddr
	}
	out := map[string]any{"method": c.r.Method, "clientIp": ip, "countryCode": nil, "bodyLength": len(c.body)}
	h := redactHeader(c.r.Header)
	h.Set("Host", c.r.Host)
	if !skip {
		headers := map[string]any{}
		for k, v := range h {
			if len(v) == 1 {
				headers[strings.ToLower(k)] = v[0]
			} else {
				headers[strings.ToLower(k)] = v
			}
		}
		out["headers"] = headers
	}
	if raw {
		keys := make([]string, 0, len(h))
		for k := range h {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		list := []string{}
		for _, k := range keys {
			for _, v := range h[k] {
				list = append(list, k, v)
			}
		}
		out["rawHeaders"] = list
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

// signedValue is what encode-and-sign encodes.
type signedValue struct {
	Data   json.RawMessage `json:"data"`
	UserID string          `json:"userId"`
}

// signature signs payload with a key derived from the server's token.
func (s *Server) signature(payload string) string {
	key := sha256.Sum256([]byte("apifytest encode-and-sign " + s.cfg.token))
	mac := hmac.New(sha256.New, key[:])
	mac.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))[:22]
}

// POST /v2/tools/encode-and-sign — https://docs.apify.com/api/v2/tools-encode-and-sign-post
// The encoding is the fake's own (base64url JSON and an HMAC); only
// decode-and-verify of the same server reads it.
func encodeAndSign(c *call) error {
	if jsonKind(c.body) != '{' || !json.Valid(c.body) {
		return errorf(http.StatusBadRequest, "invalid-input", "The request body must be a JSON object")
	}
	b, err := json.Marshal(signedValue{Data: c.body, UserID: c.s.userID})
	if err != nil {
		return err
	}
	payload := base64.RawURLEncoding.EncodeToString(b)
	writeData(c.w, http.StatusOK, map[string]string{"encoded": payload + "." + c.s.signature(payload)})
	return nil
}

// POST /v2/tools/decode-and-verify — https://docs.apify.com/api/v2/tools-decode-and-verify-post
func decodeAndVerify(c *call) error {
	var body struct {
		Encoded string `json:"encoded"`
	}
	if err := c.decodeJSONBody(&body, `{"encoded": "..."}`); err != nil {
		return err
	}
	payload, sig, ok := strings.Cut(body.Encoded, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(c.s.signature(payload))) {
		return errorf(http.StatusBadRequest, "invalid-signature", "The encoded value was not made by this server's encode-and-sign, or was changed")
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	var v signedValue
	if err == nil {
		err = json.Unmarshal(raw, &v)
	}
	if err != nil {
		return errorf(http.StatusBadRequest, "invalid-input", "The encoded value cannot be decoded: %v", err)
	}
	writeData(c.w, http.StatusOK, struct {
		Decoded         json.RawMessage `json:"decoded"`
		EncodedByUserID string          `json:"encodedByUserId"`
		IsVerifiedUser  bool            `json:"isVerifiedUser"`
	}{v.Data, v.UserID, false})
	return nil
}
