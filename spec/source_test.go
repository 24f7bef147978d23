package spec

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReadFile(t *testing.T) {
	path := filepath.Join("testdata", "compare", "old.json")
	got, err := Read(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, readFile(t, path)) {
		t.Error("Read returned other bytes than the file's")
	}
}

func TestReadMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "openapi.json")
	_, err := Read(context.Background(), path)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read of a missing file = %v, want an error wrapping os.ErrNotExist", err)
	}
	wantErrorContaining(t, err, "reading the API document", path)
}

func TestReadNoSource(t *testing.T) {
	_, err := Read(context.Background(), "")
	wantErrorContaining(t, err, "no document source given", "file path or an http(s) URL")
}

// documentServer serves body at /api/openapi.json and 404 elsewhere, and
// checks that the client asks for JSON.
func documentServer(t *testing.T, body []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			t.Errorf("method %s, want GET", r.Method)
		}
		if got := r.Header.Get("Accept"); got != "application/json" {
			t.Errorf("Accept %q, want application/json", got)
		}
		if r.URL.Path != "/api/openapi.json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestReadURL(t *testing.T) {
	body := readFile(t, filepath.Join("testdata", "compare", "new.json"))
	srv := documentServer(t, body)

	got, err := Read(context.Background(), srv.URL+"/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) {
		t.Error("Read returned other bytes than the server sent")
	}

	url := srv.URL + "/missing.json"
	_, err = Read(context.Background(), url)
	wantErrorContaining(t, err, "downloading the API document", url, "HTTP 404 Not Found")
}

func TestReadURLErrors(t *testing.T) {
	_, err := Read(context.Background(), "http://[::1")
	wantErrorContaining(t, err, "bad document URL")

	srv := documentServer(t, []byte("{}"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Read(ctx, srv.URL+"/api/openapi.json")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a canceled context = %v, want context.Canceled", err)
	}
	wantErrorContaining(t, err, "downloading the API document")
}

func TestIsURL(t *testing.T) {
	for src, want := range map[string]bool{
		"https://docs.apify.com/api/openapi.json": true,
		"http://127.0.0.1:8080/openapi.json":      true,
		"../shared/apify-openapi/openapi.json":    false,
		"/abs/openapi.json":                       false,
		"file:///abs/openapi.json":                false,
		"":                                        false,
	} {
		if got := IsURL(src); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", src, got, want)
		}
	}
}

func TestCache(t *testing.T) {
	c := Cache{Dir: filepath.Join(t.TempDir(), "nested", "cache")}
	doc := []byte(`{"openapi": "3.1.0"}`)
	if _, ok := c.Get(SHA256(doc)); ok {
		t.Fatal("an empty cache returned a document")
	}
	if err := c.Put(doc); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get(SHA256(doc))
	if !ok || !bytes.Equal(got, doc) {
		t.Fatalf("Get after Put = %q, %v", got, ok)
	}
	if tmp, _ := filepath.Glob(filepath.Join(c.Dir, "*.tmp")); len(tmp) != 0 {
		t.Errorf("Put left temporary files: %q", tmp)
	}

	// A cached file whose content no longer matches its name is not used.
	if err := os.WriteFile(filepath.Join(c.Dir, SHA256(doc)+".json"), []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(SHA256(doc)); ok {
		t.Error("Get returned a cached document that does not match its sha256")
	}
	if _, ok := c.Get(""); ok {
		t.Error("Get of an empty sha256 returned a document")
	}
}

func TestDisabledCache(t *testing.T) {
	var c Cache
	if err := c.Put([]byte("{}")); err != nil {
		t.Errorf("Put on a disabled cache = %v", err)
	}
	if _, ok := c.Get(SHA256([]byte("{}"))); ok {
		t.Error("a disabled cache returned a document")
	}
}

func TestDefaultCacheHonoursEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("APIFY_SPEC_CACHE", dir)
	if got := DefaultCache(); got.Dir != dir {
		t.Errorf("DefaultCache().Dir = %q, want %q", got.Dir, dir)
	}
}

func TestReadURLThatNeverAnswers(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	old := downloadTimeout
	downloadTimeout = 50 * time.Millisecond
	defer func() { downloadTimeout = old }()
	_, err := Read(context.Background(), srv.URL+"/openapi.json")
	if err == nil || !strings.Contains(err.Error(), "no complete answer within 50ms") {
		t.Errorf("a server that never answers: %v", err)
	}
}
