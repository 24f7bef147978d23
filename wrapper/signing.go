package apify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Signed URLs give access to a record, a key listing or dataset items of a
// storage that is not public, to whoever holds the URL, without a token.
// They need the storage's URL signing secret (its urlSigningSecretKey, which
// the API shows to clients with write access). The scheme is the one of the
// official clients (apify-client-js, -python and -go):
//
//   - a record: HMAC-SHA256(secret, key) as hex, its first 30 digits read as
//     a number and written in base 62 (0-9a-zA-Z);
//   - items and keys: the same over "0.<expiresAtMillis>.<resourceID>"
//     (expiresAtMillis 0 = never), then "0.<expiresAtMillis>.<that>" in
//     unpadded base64url.

const base62Digits = "0123456789abcdefghijklmnopqrstuvwxyz" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// RecordSignature returns the signature that grants access to the record
// under key of a key-value store whose URL signing secret is secretKey; it
// goes in the record URL's "signature" query parameter.
func RecordSignature(secretKey, key string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(key))
	digits := hex.EncodeToString(mac.Sum(nil))[:30]
	n, _ := new(big.Int).SetString(digits, 16) // 30 hex digits: always valid
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

// StorageSignature returns the signature that grants access to the items of
// a dataset or the key listing of a key-value store (resourceID is its ID,
// not its name) whose URL signing secret is secretKey, until expiresAt (the
// zero time: forever). It goes in the URL's "signature" query parameter.
func StorageSignature(secretKey, resourceID string, expiresAt time.Time) string {
	var ms int64
	if !expiresAt.IsZero() {
		ms = expiresAt.UnixMilli()
	}
	prefix := "0." + strconv.FormatInt(ms, 10) + "."
	sig := RecordSignature(secretKey, prefix+resourceID)
	return base64.RawURLEncoding.EncodeToString([]byte(prefix + sig))
}

// PublicRecordURL returns a URL of the record under key that works without
// a token: signed when the store has a URL signing secret (the client must
// have write access to see it), plain otherwise (then it works only for a
// public store). It looks the store up first.
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-get (the
// look-up) and https://docs.apify.com/api/v2/key-value-store-record-get
func (s *KeyValueStoreClient) PublicRecordURL(ctx context.Context, key string) (string, error) {
	if err := s.r.check(ctx); err != nil {
		return "", err
	}
	seg, err := recordKey(key)
	if err != nil {
		return "", err
	}
	store, err := storageSecret[KeyValueStore](ctx, s.r, func(kv *KeyValueStore) storage {
		return storage{id: kv.ID, secret: valueOf(kv.URLSigningSecretKey)}
	})
	if err != nil {
		return "", err
	}
	q := url.Values{}
	if store.secret != "" {
		q.Set("signature", RecordSignature(store.secret, key))
	}
	return s.r.c.publicURL("key-value-stores", store.id, "records/"+seg, q), nil
}

// KeysURLOptions tune [KeyValueStoreClient.PublicKeysURL].
type KeysURLOptions struct {
	// ExpiresIn limits how long a signed URL works; 0 means forever.
	ExpiresIn time.Duration
	// Limit caps the number of keys listed (at most 1000).
	Limit int
	// Prefix lists only the keys that start with it.
	Prefix string
	// ExclusiveStartKey lists the keys after this one.
	ExclusiveStartKey string
	// Collection lists the keys of a collection of the store's schema.
	Collection string
}

// PublicKeysURL returns a URL of the store's key listing that works without
// a token: signed (until opts.ExpiresIn) when the store has a URL signing
// secret, plain otherwise. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/key-value-store-get (the
// look-up) and https://docs.apify.com/api/v2/key-value-store-keys-get
func (s *KeyValueStoreClient) PublicKeysURL(ctx context.Context, opts *KeysURLOptions) (string, error) {
	if err := s.r.check(ctx); err != nil {
		return "", err
	}
	if opts == nil {
		opts = &KeysURLOptions{}
	}
	if opts.ExpiresIn < 0 || opts.Limit < 0 {
		return "", errors.New("apify: invalid KeysURLOptions: ExpiresIn and Limit must not be negative")
	}
	store, err := storageSecret[KeyValueStore](ctx, s.r, func(kv *KeyValueStore) storage {
		return storage{id: kv.ID, secret: valueOf(kv.URLSigningSecretKey)}
	})
	if err != nil {
		return "", err
	}
	q := url.Values{}
	if opts.Limit > 0 {
		setQueryInt(q, "limit", opts.Limit)
	}
	setQueryString(q, "prefix", opts.Prefix)
	setQueryString(q, "exclusiveStartKey", opts.ExclusiveStartKey)
	setQueryString(q, "collection", opts.Collection)
	if store.secret != "" {
		q.Set("signature", StorageSignature(store.secret, store.id, expiry(opts.ExpiresIn)))
	}
	return s.r.c.publicURL("key-value-stores", store.id, "keys", q), nil
}

// ItemsURLOptions tune [DatasetClient.PublicItemsURL].
type ItemsURLOptions struct {
	// ExpiresIn limits how long a signed URL works; 0 means forever.
	ExpiresIn time.Duration
	// Format is the items' format: "json" (the default), "jsonl", "csv",
	// "xlsx", "xml", "html" or "rss".
	Format string
	// Items selects and shapes the items (Offset and Limit included); nil
	// means all of them. PageSize, Prefetch and Unmarshal do not apply.
	Items *ItemsOptions
}

// PublicItemsURL returns a URL of the dataset's items that works without a
// token: signed (until opts.ExpiresIn) when the dataset has a URL signing
// secret, plain otherwise. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/dataset-get (the look-up)
// and https://docs.apify.com/api/v2/dataset-items-get
func (d *DatasetClient) PublicItemsURL(ctx context.Context, opts *ItemsURLOptions) (string, error) {
	if err := d.r.check(ctx); err != nil {
		return "", err
	}
	if opts == nil {
		opts = &ItemsURLOptions{}
	}
	if opts.ExpiresIn < 0 {
		return "", errors.New("apify: invalid ItemsURLOptions: ExpiresIn is negative")
	}
	q, err := formattedItemsQuery("ItemsURLOptions", opts.Format, opts.Items)
	if err != nil {
		return "", err
	}
	ds, err := storageSecret[Dataset](ctx, d.r, func(ds *Dataset) storage {
		return storage{id: ds.ID, secret: valueOf(ds.URLSigningSecretKey)}
	})
	if err != nil {
		return "", err
	}
	if ds.secret != "" {
		q.Set("signature", StorageSignature(ds.secret, ds.id, expiry(opts.ExpiresIn)))
	}
	return d.r.c.publicURL("datasets", ds.id, "items", q), nil
}

// formattedItemsQuery validates items and format (what names the options
// in errors) and returns the query of items in that format, offset and
// limit included: the items query of public URLs and run-sync.
func formattedItemsQuery(what, format string, items *ItemsOptions) (url.Values, error) {
	if items == nil {
		items = &ItemsOptions{}
	}
	q, err := items.itemsQuery()
	if err != nil {
		return nil, err
	}
	f := strings.ToLower(format)
	if f == "" {
		f = "json"
	}
	if !slices.Contains(syncFormats, f) {
		return nil, fmt.Errorf("apify: invalid %s: the Format %q is not one of %s", what, format, strings.Join(syncFormats, ", "))
	}
	q.Set("format", f)
	if items.Offset > 0 {
		setQueryInt(q, "offset", items.Offset)
	}
	if items.Limit > 0 {
		setQueryInt(q, "limit", items.Limit)
	}
	return q, nil
}

// storage is what signing needs of a dataset or key-value store.
type storage struct {
	id, secret string
}

// storageSecret looks up a dataset or store (T) for its ID and URL signing
// secret, which of returns.
func storageSecret[T any](ctx context.Context, r resource, of func(*T) storage) (*storage, error) {
	v, err := getResource[T](ctx, r)
	if err != nil {
		return nil, err
	}
	s := of(v)
	if s.id == "" {
		return nil, fmt.Errorf("apify: %w: the API described %s without an ID", ErrUnexpectedResponse, r.desc)
	}
	if _, err := resourceID("ID", s.id); err != nil || strings.Contains(s.id, "/") {
		return nil, fmt.Errorf("apify: %w: the API described %s with the ID %q", ErrUnexpectedResponse, r.desc, s.id)
	}
	return &s, nil
}

// expiry returns the time a signature made now for d expires; the zero time
// (never) for d == 0.
func expiry(d time.Duration) time.Time {
	if d == 0 {
		return time.Time{}
	}
	return time.Now().Add(d)
}

// publicURL joins the client's public base URL (WithPublicBaseURL, else the
// base URL), /v2/<collection>/<id>/<rest> and q: the one place URLs handed
// out for use without the client are built.
func (c *Client) publicURL(collection, id, rest string, q url.Values) string {
	u := c.cfg.publicRoot().String() + "/v2/" + collection + "/" + url.PathEscape(id) + "/" + rest
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}
