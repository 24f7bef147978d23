package apify

import (
	"errors"
	"net/http"
	"testing"
)

// Red team: bodies a lying server sends with 200 for a JSON call must be
// ErrUnexpectedResponse, never a zero value with a nil error.
func TestRedteamOddSuccessBodies(t *testing.T) {
	for name, body := range map[string]string{
		"data null":   `{"data":null}`,
		"data array":  `{"data":[1,2]}`,
		"data string": `{"data":"run"}`,
		"html":        `<html>ok</html>`,
		"empty":       ``,
		"json null":   `null`,
		"two values":  `{"data":{"id":"r1","status":"SUCCEEDED"}}{"data":{}}`,
	} {
		t.Run(name, func(t *testing.T) {
			api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(body))
			})
			c := api.client(t, nil)
			run, err := c.Run("r1").Get(testCtx(t))
			if err == nil {
				t.Fatalf("Get: no error, run %+v", run)
			}
			if !errors.Is(err, ErrUnexpectedResponse) {
				t.Logf("Get: %v (not ErrUnexpectedResponse)", err)
			}
		})
	}
}

// Red team: a key listing that says it is truncated but names no next key
// must not end as if complete (silently dropping the rest).
func TestRedteamKeyListTruncatedWithoutNextKey(t *testing.T) {
	for name, page := range map[string]string{
		"key absent": `{"data":{"items":[{"key":"a","size":1}],"isTruncated":true,"count":1,"limit":1}}`,
		"key empty":  `{"data":{"items":[{"key":"a","size":1}],"isTruncated":true,"nextExclusiveStartKey":"","count":1,"limit":1}}`,
		"key null":   `{"data":{"items":[{"key":"a","size":1}],"isTruncated":true,"nextExclusiveStartKey":null,"count":1,"limit":1}}`,
	} {
		t.Run(name, func(t *testing.T) {
			api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				coreWriteJSON(w, 200, page)
			})
			c := api.client(t, nil)
			var err error
			n := 0
			for _, e := range c.KeyValueStore("kv1").ListKeys(testCtx(t), nil) {
				if e != nil {
					err = e
					break
				}
				n++
			}
			if !errors.Is(err, ErrUnexpectedResponse) {
				t.Fatalf("listed %d keys and ended with %v, want ErrUnexpectedResponse", n, err)
			}
		})
	}
}
