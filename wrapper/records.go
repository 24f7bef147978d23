package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Record is a key-value store record read whole, by [Client.GetRecord].
// The other record helpers are [Client.OpenRecord] (streaming),
// [GetRecordJSON], [Client.SetRecord], [Client.SetRecordJSON],
// [Client.RecordExists] and [Client.DeleteRecord]; [Client.ListKeys] lists a
// store's keys.
type Record struct {
	// Key is the record's key.
	Key string
	// ContentType is the record's media type, e.g. "application/json; charset=utf-8".
	ContentType string
	// Value is the record's content.
	Value []byte
}

// RecordReader is a record being read: it is an io.ReadCloser over the
// record's content, which arrives as it is read. Close it when done.
type RecordReader struct {
	io.ReadCloser
	// Key is the record's key.
	Key string
	// ContentType is the record's media type.
	ContentType string
	// ContentLength is the size of the content in bytes, -1 when unknown.
	ContentLength int64
}

// recordPath builds the path of a record, escaping the key so that any key
// stays one path segment: url.PathEscape, and "." and ".." spelled out, since
// URL normalisation on the way would resolve them.
func recordPath(storeID, key string) (string, error) {
	if key == "" {
		return "", errors.New("apify: the record key is empty")
	}
	escaped := url.PathEscape(key)
	if key == "." || key == ".." {
		escaped = strings.Repeat("%2E", len(key))
	}
	return idPath("key-value-stores", storeID, "storeID", "records", escaped)
}

// OpenRecord starts reading a record of a key-value store and returns it as
// a stream: the content is never held in memory as a whole. The caller must
// Close it. A missing record (or store) gives an error matching
// [ErrNotFound]. storeID is a store ID or "username~store-name".
//
// Opening is retried like any GET; a connection that breaks while the
// content is being read surfaces as a read error (open the record again to
// start over).
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-get
func (c *Client) OpenRecord(ctx context.Context, storeID, key string) (*RecordReader, error) {
	path, err := recordPath(storeID, key)
	if err != nil {
		return nil, err
	}
	req, err := c.newRequest(ctx, http.MethodGet, path, nil, nil, "")
	if err != nil {
		return nil, err
	}
	resp, err := c.do(req)
	if err != nil {
		return nil, err
	}
	return &RecordReader{ReadCloser: resp.Body, Key: key, ContentType: resp.Header.Get("Content-Type"), ContentLength: resp.ContentLength}, nil
}

// GetRecord reads a record of a key-value store whole. A body cut short is
// read again. For large records, prefer [Client.OpenRecord]; for JSON ones,
// [GetRecordJSON].
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-get
func (c *Client) GetRecord(ctx context.Context, storeID, key string) (*Record, error) {
	path, err := recordPath(storeID, key)
	if err != nil {
		return nil, err
	}
	req, err := c.newRequest(ctx, http.MethodGet, path, nil, nil, "")
	if err != nil {
		return nil, err
	}
	// Read whole inside the attempt (a cut body is read again), but never
	// decoded: the bytes are returned as stored, whatever the content type.
	resp, err := c.do(req.WithContext(withBufferedBody(req.Context())))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	value, err := io.ReadAll(resp.Body) // already in memory
	if err != nil {
		return nil, responseError(resp, err)
	}
	return &Record{Key: key, ContentType: resp.Header.Get("Content-Type"), Value: value}, nil
}

// GetRecordJSON reads a JSON record of a key-value store and decodes it into
// a new T.
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-get
func GetRecordJSON[T any](ctx context.Context, c *Client, storeID, key string) (*T, error) {
	if c == nil {
		return nil, errors.New("apify: nil *Client; create one with NewClient")
	}
	rec, err := c.GetRecord(ctx, storeID, key)
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := json.Unmarshal(rec.Value, v); err != nil {
		return nil, fmt.Errorf("apify: record %q (%s) of store %s is not the JSON of a %T: %w", key, rec.ContentType, storeID, *v, err)
	}
	return v, nil
}

// SetRecord stores the content read from value under key, with the given
// media type ("application/octet-stream" when empty). value is streamed:
// a *bytes.Reader, *bytes.Buffer or *strings.Reader is sent again on a
// retry; another reader is buffered for retries up to 10 MiB and sent once,
// never held in memory, when larger. The API limits a record to about 9 MB
// (larger ones fail with [ErrRequestTooLarge]).
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-put
func (c *Client) SetRecord(ctx context.Context, storeID, key string, value io.Reader, contentType string) error {
	path, err := recordPath(storeID, key)
	if err != nil {
		return err
	}
	if value == nil {
		return errors.New("apify: SetRecord: value is nil; pass an empty reader for an empty record")
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	req, err := c.newRequest(ctx, http.MethodPut, path, nil, value, contentType)
	if err != nil {
		return err
	}
	return c.doDiscard(req)
}

// SetRecordJSON stores v encoded as JSON under key, as
// "application/json; charset=utf-8".
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-put
func (c *Client) SetRecordJSON(ctx context.Context, storeID, key string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("apify: SetRecordJSON: encoding %T: %w", v, err)
	}
	return c.SetRecord(ctx, storeID, key, bytes.NewReader(body), "application/json; charset=utf-8")
}

// RecordExists reports whether a key-value store holds a record under key,
// without reading it. A missing store is an error matching [ErrNotFound],
// not false: the API answers 404 for both, so on a 404 RecordExists looks
// the store up to tell them apart.
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-head
func (c *Client) RecordExists(ctx context.Context, storeID, key string) (bool, error) {
	path, err := recordPath(storeID, key)
	if err != nil {
		return false, err
	}
	req, err := c.newRequest(ctx, http.MethodHead, path, nil, nil, "")
	if err != nil {
		return false, err
	}
	err = c.doDiscard(req)
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return false, err
	}
	storePath, _ := idPath("key-value-stores", storeID, "storeID")
	req, err = c.newRequest(ctx, http.MethodGet, storePath, nil, nil, "")
	if err != nil {
		return false, err
	}
	if err := c.doDiscard(req); err != nil {
		return false, fmt.Errorf("apify: RecordExists: looking up key-value store %s: %w", storeID, err)
	}
	return false, nil
}

// DeleteRecord deletes the record under key. A missing record gives an
// error matching [ErrNotFound] (which a delete retried after a lost answer
// may also see).
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-delete
func (c *Client) DeleteRecord(ctx context.Context, storeID, key string) error {
	path, err := recordPath(storeID, key)
	if err != nil {
		return err
	}
	req, err := c.newRequest(ctx, http.MethodDelete, path, nil, nil, "")
	if err != nil {
		return err
	}
	return c.doDiscard(req)
}
