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

// Record is a key-value store record read whole, by
// [KeyValueStoreClient.GetRecord].
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

// recordKey escapes a record key so that any key stays one path segment:
// url.PathEscape, and "." and ".." spelled out, since URL normalisation on
// the way would resolve them.
func recordKey(key string) (string, error) {
	if key == "" {
		return "", errors.New("apify: the record key is empty")
	}
	if key == "." || key == ".." {
		return strings.Repeat("%2E", len(key)), nil
	}
	return url.PathEscape(key), nil
}

// record is the resource of the record under key.
func (s *KeyValueStoreClient) record(ctx context.Context, key string) (resource, error) {
	if err := s.r.check(ctx); err != nil {
		return resource{}, err
	}
	seg, err := recordKey(key)
	if err != nil {
		return resource{}, err
	}
	return s.r.child("record "+key+" of "+s.r.desc, "records", seg), nil
}

// OpenRecord starts reading the record under key and returns it as a
// stream: the content is never held in memory as a whole. The caller must
// Close it. A missing record (or store) gives an error matching
// [ErrNotFound].
//
// Opening is retried like any GET; a connection that breaks while the
// content is being read surfaces as a read error (open the record again to
// start over).
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-get
func (s *KeyValueStoreClient) OpenRecord(ctx context.Context, key string) (*RecordReader, error) {
	rec, err := s.record(ctx, key)
	if err != nil {
		return nil, err
	}
	resp, err := rec.send(ctx, http.MethodGet, "", nil, nil, "")
	if err != nil {
		return nil, err
	}
	return &RecordReader{ReadCloser: resp.Body, Key: key, ContentType: resp.Header.Get("Content-Type"), ContentLength: resp.ContentLength}, nil
}

// GetRecord reads the record under key whole. A body cut short is read
// again. For large records, prefer [KeyValueStoreClient.OpenRecord]; for
// JSON ones, [GetRecordJSON].
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-get
func (s *KeyValueStoreClient) GetRecord(ctx context.Context, key string) (*Record, error) {
	return s.getRecord(ctx, key, nil)
}

// GetSignedRecord reads the record under key of a store that is not yours,
// whole, with the signature its owner shared (the "signature" parameter of
// a URL made by [KeyValueStoreClient.PublicRecordURL]); the client needs no
// token for it. Otherwise it is [KeyValueStoreClient.GetRecord].
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-get
func (s *KeyValueStoreClient) GetSignedRecord(ctx context.Context, key, signature string) (*Record, error) {
	if signature == "" {
		return nil, errors.New("apify: GetSignedRecord: the signature is empty; use GetRecord for your own stores")
	}
	return s.getRecord(ctx, key, url.Values{"signature": {signature}})
}

func (s *KeyValueStoreClient) getRecord(ctx context.Context, key string, q url.Values) (*Record, error) {
	rec, err := s.record(ctx, key)
	if err != nil {
		return nil, err
	}
	// Read whole inside the attempt (a cut body is read again), but never
	// decoded: the bytes are returned as stored, whatever the content type.
	resp, err := rec.send(withBufferedBody(ctx), http.MethodGet, "", q, nil, "")
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

// GetRecordJSON reads the JSON record under key of a key-value store and
// decodes it into a new T; it is [KeyValueStoreClient.GetRecord] with a
// type (Go methods cannot have type parameters). Write one with
// [KeyValueStoreClient.SetRecordJSON].
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-get
func GetRecordJSON[T any](ctx context.Context, store *KeyValueStoreClient, key string) (*T, error) {
	if store == nil {
		return nil, errors.New("apify: GetRecordJSON: the *KeyValueStoreClient is nil")
	}
	rec, err := store.GetRecord(ctx, key)
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := json.Unmarshal(rec.Value, v); err != nil {
		return nil, fmt.Errorf("apify: record %q (%s) of %s is not the JSON of a %T: %w", key, rec.ContentType, store.r.desc, *v, err)
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
func (s *KeyValueStoreClient) SetRecord(ctx context.Context, key string, value io.Reader, contentType string) error {
	rec, err := s.record(ctx, key)
	if err != nil {
		return err
	}
	if value == nil {
		return errors.New("apify: SetRecord: value is nil; pass an empty reader for an empty record")
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	return rec.sendDiscard(ctx, http.MethodPut, "", nil, value, contentType)
}

// SetRecordJSON stores v encoded as JSON under key, as
// "application/json; charset=utf-8".
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-put
func (s *KeyValueStoreClient) SetRecordJSON(ctx context.Context, key string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("apify: SetRecordJSON: encoding %T: %w", v, err)
	}
	return s.SetRecord(ctx, key, bytes.NewReader(body), "application/json; charset=utf-8")
}

// RecordExists reports whether the store holds a record under key, without
// reading it. A missing store is an error matching [ErrNotFound], not
// false: the API answers 404 for both, so on a 404 RecordExists looks the
// store up to tell them apart.
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-head
func (s *KeyValueStoreClient) RecordExists(ctx context.Context, key string) (bool, error) {
	rec, err := s.record(ctx, key)
	if err != nil {
		return false, err
	}
	err = rec.sendDiscard(ctx, http.MethodHead, "", nil, nil, "")
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return false, err
	}
	if err := s.r.sendDiscard(ctx, http.MethodGet, "", nil, nil, ""); err != nil {
		return false, fmt.Errorf("apify: RecordExists: looking up %s: %w", s.r.desc, err)
	}
	return false, nil
}

// DeleteRecord deletes the record under key. A missing record gives an
// error matching [ErrNotFound] (which a delete retried after a lost answer
// may also see).
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-record-delete
func (s *KeyValueStoreClient) DeleteRecord(ctx context.Context, key string) error {
	rec, err := s.record(ctx, key)
	if err != nil {
		return err
	}
	return rec.sendDiscard(ctx, http.MethodDelete, "", nil, nil, "")
}
