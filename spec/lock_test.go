package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockWriteReadRoundTrip(t *testing.T) {
	want := Lock{Version: "v2-2026-01-02T030405Z", SHA256: SHA256([]byte("a document"))}
	path := filepath.Join(t.TempDir(), "apify.lock")
	if err := want.Write(path); err != nil {
		t.Fatal(err)
	}
	got, err := ReadLock(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("ReadLock after Write = %+v, want %+v", got, want)
	}
	text := string(readFile(t, path))
	if !strings.HasPrefix(text, "#") || !strings.Contains(text, "make spec-update") {
		t.Errorf("the lock file does not say how to change it:\n%s", text)
	}
}

// TestLockPinsTheSharedDocument checks the repository's lock against the
// shared upstream document that gen/ is generated from.
func TestLockPinsTheSharedDocument(t *testing.T) {
	t.Parallel()
	lock, err := ReadLock("apify.lock")
	if err != nil {
		t.Fatal(err)
	}
	doc := upstream(t, currentDocPath)
	if err := lock.Check(doc); err != nil {
		t.Fatalf("the lock refuses %s: %v", currentDocPath, err)
	}
	got, err := LockFor(doc)
	if err != nil {
		t.Fatal(err)
	}
	if got != lock {
		t.Errorf("LockFor = %+v, the lock file holds %+v", got, lock)
	}
}

func TestLockCheckRefusesAnotherDocument(t *testing.T) {
	t.Parallel()
	lock, err := ReadLock("apify.lock")
	if err != nil {
		t.Fatal(err)
	}
	prev := upstream(t, previousDocPath)
	prevVersion, err := DocumentVersion(prev)
	if err != nil {
		t.Fatal(err)
	}
	err = lock.Check(prev)
	if !errors.Is(err, ErrLockMismatch) {
		t.Fatalf("Check of another version = %v, want an error wrapping ErrLockMismatch", err)
	}
	wantErrorContaining(t, err, lock.Version, prevVersion, "make spec-update SPEC=")

	// The same version with other bytes is refused too, by its sha256.
	edited := append([]byte(nil), upstream(t, currentDocPath)...)
	edited = append(edited, '\n')
	err = lock.Check(edited)
	if !errors.Is(err, ErrLockMismatch) {
		t.Fatalf("Check of an edited document = %v, want an error wrapping ErrLockMismatch", err)
	}
	wantErrorContaining(t, err, SHA256(edited)[:12], "to accept it")
}

func TestLockCheckRefusesWhatIsNotADocument(t *testing.T) {
	lock := Lock{Version: "v1", SHA256: strings.Repeat("ab", 32)}
	for _, tc := range []struct{ name, doc, want string }{
		{"not JSON", "<html>", "not JSON"},
		{"no openapi field", `{"info": {"version": "v1"}}`, `no "openapi" field`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := lock.Check([]byte(tc.doc))
			wantErrorContaining(t, err, tc.want)
			if errors.Is(err, ErrLockMismatch) {
				t.Errorf("a malformed document is reported as a lock mismatch: %v", err)
			}
		})
	}
}

// TestLockCheckWithoutPin: a zero Lock (no lock file read) refuses every
// document with a clear error instead of failing on its empty sha256.
func TestLockCheckWithoutPin(t *testing.T) {
	err := Lock{}.Check([]byte(`{"openapi": "3.1.0", "info": {"version": "v1"}, "paths": {}}`))
	if !errors.Is(err, ErrLockMismatch) {
		t.Fatalf("Check with an empty lock = %v, want an error wrapping ErrLockMismatch", err)
	}
}

func TestReadLockErrors(t *testing.T) {
	sha := strings.Repeat("0123456789abcdef", 4)
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"empty", "", []string{"must hold a version and a 64-hex-digit sha256"}},
		{"only comments", "# nothing\n\n", []string{"must hold a version"}},
		{"no sha256", "version v1\n", []string{"64-hex-digit sha256"}},
		{"no version", "sha256 " + sha + "\n", []string{"must hold a version"}},
		{"short sha256", "version v1\nsha256 abc\n", []string{"64-hex-digit sha256"}},
		{"not hex", "version v1\nsha256 " + strings.Repeat("z", 64) + "\n", []string{"64-hex-digit sha256"}},
		{"key without value", "version\nsha256 " + sha + "\n", []string{":1:", `want "key value"`, `"version"`}},
		{"unknown key", "version v1\nsha256 " + sha + "\nsha512 abc\n", []string{":3:", `unknown key "sha512"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "apify.lock", []byte(tc.text))
			l, err := ReadLock(path)
			wantErrorContaining(t, err, append([]string{path}, tc.want...)...)
			if l != (Lock{}) {
				t.Errorf("got lock %+v with the error", l)
			}
		})
	}

	t.Run("missing file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nope.lock")
		_, err := ReadLock(path)
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("ReadLock of a missing file = %v, want an error wrapping os.ErrNotExist", err)
		}
		wantErrorContaining(t, err, "reading the lock file", path)
	})

	t.Run("comments and blank lines", func(t *testing.T) {
		path := writeFile(t, t.TempDir(), "apify.lock", []byte("# pinned\n\n  version   v1  \nsha256 "+sha+"\n"))
		l, err := ReadLock(path)
		if err != nil {
			t.Fatal(err)
		}
		if l != (Lock{Version: "v1", SHA256: sha}) {
			t.Errorf("ReadLock = %+v", l)
		}
	})
}

func TestLockWriteReportsFailure(t *testing.T) {
	err := Lock{Version: "v1", SHA256: SHA256(nil)}.Write(filepath.Join(t.TempDir(), "missing-dir", "apify.lock"))
	if err == nil {
		t.Error("Write into a folder that does not exist succeeded")
	}
}
