package spec

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultURL is where Apify publishes the current API document.
const DefaultURL = "https://docs.apify.com/api/openapi.json"

// maxDocumentSize bounds how much of a document Read accepts (the current one
// is about 1 MB).
const maxDocumentSize = 64 << 20

// IsURL reports whether src names an http(s) URL rather than a file path.
func IsURL(src string) bool {
	return strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://")
}

// Read returns the document at src, a file path or an http(s) URL.
func Read(ctx context.Context, src string) ([]byte, error) {
	if src == "" {
		return nil, errors.New("spec: no document source given: pass a file path or an http(s) URL")
	}
	if !IsURL(src) {
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, fmt.Errorf("spec: reading the API document: %w", err)
		}
		return b, nil
	}
	ctx, cancel := context.WithTimeout(ctx, downloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, fmt.Errorf("spec: bad document URL %q: %w", src, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, downloadError(ctx, src, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("spec: downloading the API document from %s: HTTP %s", src, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentSize+1))
	if err != nil {
		return nil, downloadError(ctx, src, err)
	}
	if len(b) > maxDocumentSize {
		return nil, fmt.Errorf("spec: the document at %s is larger than %d bytes", src, maxDocumentSize)
	}
	return b, nil
}

// downloadTimeout bounds a download of the document.
var downloadTimeout = 2 * time.Minute

// downloadError says what went wrong downloading the document, in words
// when the time ran out.
func downloadError(ctx context.Context, src string, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("spec: downloading the API document from %s: no complete answer within %s; check the URL, or download the document and pass its path", src, downloadTimeout)
	}
	return fmt.Errorf("spec: downloading the API document from %s: %w", src, err)
}

// SHA256 returns the hex sha256 of b, the form the lock file records.
func SHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Cache keeps verified documents by sha256, so that regeneration works
// offline once a document has been read and a change report can compare a new
// document with the previously pinned one. The zero value is a disabled cache.
type Cache struct {
	// Dir is the cache folder; empty disables the cache.
	Dir string
}

// DefaultCache returns the cache in the user's cache folder
// (for example ~/.cache/apifygo/openapi), or a disabled cache if there is none.
func DefaultCache() Cache {
	if d := os.Getenv("APIFY_SPEC_CACHE"); d != "" {
		return Cache{Dir: d}
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return Cache{}
	}
	return Cache{Dir: filepath.Join(d, "apifygo", "openapi")}
}

func (c Cache) path(sha string) string { return filepath.Join(c.Dir, sha+".json") }

// Get returns the cached document with the given sha256, verifying its
// content; ok is false when it is not cached.
func (c Cache) Get(sha string) (doc []byte, ok bool) {
	if c.Dir == "" || sha == "" {
		return nil, false
	}
	b, err := os.ReadFile(c.path(sha))
	if err != nil || SHA256(b) != sha {
		return nil, false
	}
	return b, true
}

// Put stores doc under its sha256. Failing to cache is not an error worth
// stopping for, so Put reports it only for callers that want to log it.
func (c Cache) Put(doc []byte) error {
	if c.Dir == "" {
		return nil
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(c.Dir, "doc-*.tmp")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(doc); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), c.path(SHA256(doc)))
}
