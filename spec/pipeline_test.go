package spec

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pipelineFixture is a temporary checkout: a lock pinning the old fixture
// document, the old and new documents as files, an output path and a cache.
type pipelineFixture struct {
	dir, lockPath, oldPath, newPath, out string
	old, new                             []byte
	cache                                Cache
}

func newPipelineFixture(t *testing.T) pipelineFixture {
	t.Helper()
	dir := t.TempDir()
	f := pipelineFixture{
		dir:      dir,
		lockPath: filepath.Join(dir, "spec", "apify.lock"),
		out:      filepath.Join(dir, "build", "openapi.json"),
		old:      readFile(t, filepath.Join("testdata", "compare", "old.json")),
		new:      readFile(t, filepath.Join("testdata", "compare", "new.json")),
		cache:    Cache{Dir: filepath.Join(dir, "cache")},
	}
	f.oldPath = writeFile(t, dir, "old.json", f.old)
	f.newPath = writeFile(t, dir, "new.json", f.new)
	if err := os.MkdirAll(filepath.Dir(f.lockPath), 0o755); err != nil {
		t.Fatal(err)
	}
	f.pin(t, f.old)
	return f
}

// pin writes a lock pinning doc.
func (f pipelineFixture) pin(t *testing.T, doc []byte) Lock {
	t.Helper()
	l, err := LockFor(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Write(f.lockPath); err != nil {
		t.Fatal(err)
	}
	return l
}

// options returns Options for this checkout; report may be nil.
func (f pipelineFixture) options(report *bytes.Buffer) Options {
	o := Options{LockPath: f.lockPath, Out: f.out, Cache: f.cache}
	if report != nil {
		o.Report = report
	}
	return o
}

// wantNormalized checks that the output file holds doc normalized.
func (f pipelineFixture) wantNormalized(t *testing.T, doc []byte) {
	t.Helper()
	want, _, err := Normalize(doc)
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, f.out); !bytes.Equal(got, want) {
		t.Errorf("%s is not the normalized document: %s", f.out, firstDifference(got, want))
	}
}

// wantLock checks the lock file's content.
func (f pipelineFixture) wantLock(t *testing.T, doc []byte) {
	t.Helper()
	want, _ := LockFor(doc)
	got, err := ReadLock(f.lockPath)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("the lock file pins %s, want %s", got.Version, want.Version)
	}
}

func TestPrepareAcceptsThePinnedDocument(t *testing.T) {
	f := newPipelineFixture(t)
	var report bytes.Buffer
	o := f.options(&report)
	o.Source = f.oldPath
	lock, err := Prepare(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := LockFor(f.old); lock != want {
		t.Errorf("Prepare returned %+v, want %+v", lock, want)
	}
	f.wantNormalized(t, f.old)
	f.wantLock(t, f.old)
	if _, ok := f.cache.Get(lock.SHA256); !ok {
		t.Error("the verified document was not cached")
	}
	for _, s := range []string{"v1 from " + f.oldPath, "normalized", f.out} {
		if !strings.Contains(report.String(), s) {
			t.Errorf("the report does not mention %q:\n%s", s, &report)
		}
	}
}

func TestPrepareRefusesAMismatchWithoutUpdate(t *testing.T) {
	f := newPipelineFixture(t)
	lockBefore := readFile(t, f.lockPath)
	o := f.options(nil)
	o.Source = f.newPath
	_, err := Prepare(context.Background(), o)
	if !errors.Is(err, ErrLockMismatch) {
		t.Fatalf("Prepare = %v, want an error wrapping ErrLockMismatch", err)
	}
	wantErrorContaining(t, err, "pinned v1", "got v2", "make spec-update")
	if !bytes.Equal(readFile(t, f.lockPath), lockBefore) {
		t.Error("a refused document changed the lock file")
	}
	if _, err := os.Stat(f.out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused document was written to %s (%v)", f.out, err)
	}
	if _, ok := f.cache.Get(SHA256(f.new)); ok {
		t.Error("a refused document was cached")
	}
}

func TestPrepareUpdateComparesWithPrevious(t *testing.T) {
	f := newPipelineFixture(t)
	var report bytes.Buffer
	o := f.options(&report)
	o.Source, o.Update, o.Previous = f.newPath, true, f.oldPath
	lock, err := Prepare(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := LockFor(f.new); lock != want {
		t.Errorf("Prepare returned %+v, want %+v", lock, want)
	}
	f.wantLock(t, f.new)
	f.wantNormalized(t, f.new)
	change, err := Compare(f.old, f.new)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{change.String(), "pinned v2 in " + f.lockPath} {
		if !strings.Contains(report.String(), s) {
			t.Errorf("the output does not contain %q:\n%s", s, &report)
		}
	}

	// Now pinned, the new document passes without Update.
	o.Update, o.Previous = false, ""
	if _, err := Prepare(context.Background(), o); err != nil {
		t.Errorf("the newly pinned document is refused: %v", err)
	}
}

// TestPrepareUpdateComparesWithCachedDocument: without Previous, the change
// report compares with the previously pinned document from the cache, which
// the earlier run stored; later runs without a source read the cache.
func TestPrepareUpdateComparesWithCachedDocument(t *testing.T) {
	f := newPipelineFixture(t)
	o := f.options(nil)
	o.Source = f.oldPath
	if _, err := Prepare(context.Background(), o); err != nil {
		t.Fatal(err)
	}

	var report bytes.Buffer
	o = f.options(&report)
	o.Source, o.Update = f.newPath, true
	if _, err := Prepare(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	f.wantLock(t, f.new)
	if !strings.Contains(report.String(), "~ POST /a: a_post → a_create") || !strings.Contains(report.String(), "Change report v1 → v2") {
		t.Errorf("no change report from the cached document:\n%s", &report)
	}

	// No source at all: the pinned document comes from the cache.
	report.Reset()
	o = f.options(&report)
	if err := os.Remove(f.out); err != nil {
		t.Fatal(err)
	}
	if _, err := Prepare(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(report.String(), "from cache "+f.cache.Dir) {
		t.Errorf("the document was not read from the cache:\n%s", &report)
	}
	f.wantNormalized(t, f.new)
}

func TestPrepareUpdateWithoutPreviousDocument(t *testing.T) {
	f := newPipelineFixture(t) // the cache is empty: the old document was never prepared
	var report bytes.Buffer
	o := f.options(&report)
	o.Source, o.Update = f.newPath, true
	if _, err := Prepare(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	f.wantLock(t, f.new)
	wantErrorContaining(t, errors.New(report.String()), "no change report", "PREVIOUS=<path-or-URL>", f.cache.Dir)
}

func TestPrepareUpdateWithoutLockFile(t *testing.T) {
	f := newPipelineFixture(t)
	if err := os.Remove(f.lockPath); err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	o := f.options(&report)
	o.Source, o.Update = f.newPath, true
	if _, err := Prepare(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	f.wantLock(t, f.new)
	f.wantNormalized(t, f.new)
	if !strings.Contains(report.String(), "no previous lock") {
		t.Errorf("the output does not say there was no lock:\n%s", &report)
	}

	// Without Update a missing lock is an error.
	if err := os.Remove(f.lockPath); err != nil {
		t.Fatal(err)
	}
	o.Update = false
	_, err := Prepare(context.Background(), o)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Prepare without a lock file = %v, want an error wrapping os.ErrNotExist", err)
	}
}

func TestPrepareUpdateWithThePinnedDocument(t *testing.T) {
	f := newPipelineFixture(t)
	lockBefore := readFile(t, f.lockPath)
	var report bytes.Buffer
	o := f.options(&report)
	o.Source, o.Update, o.Previous = f.oldPath, true, f.newPath
	if _, err := Prepare(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(readFile(t, f.lockPath), lockBefore) {
		t.Error("the lock file changed")
	}
	if !strings.Contains(report.String(), "already the pinned one") || strings.Contains(report.String(), "Change report") {
		t.Errorf("unexpected output:\n%s", &report)
	}
	f.wantNormalized(t, f.old)
}

// TestPrepareUpdateFailuresKeepTheLock: an update that cannot finish leaves
// the lock file as it was.
func TestPrepareUpdateFailuresKeepTheLock(t *testing.T) {
	f := newPipelineFixture(t)
	lockBefore := readFile(t, f.lockPath)
	missing := filepath.Join(f.dir, "missing.json")
	notADocument := writeFile(t, f.dir, "page.html", []byte("<!doctype html>"))
	noPaths := writeFile(t, f.dir, "nopaths.json", []byte(`{"openapi": "3.1.0", "info": {"version": "v3"}}`))
	for _, tc := range []struct {
		name, source, previous string
		want                   []string
	}{
		{"missing source", missing, "", []string{"reading the API document", missing}},
		{"missing previous", f.newPath, missing, []string{"reading the API document", missing}},
		{"source not JSON", notADocument, f.oldPath, []string{"not JSON"}},
		{"previous not JSON", f.newPath, notADocument, []string{"not a JSON object"}},
		{"source without paths", noPaths, f.oldPath, []string{`no "paths" object`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := f.options(nil)
			o.Source, o.Update, o.Previous = tc.source, true, tc.previous
			_, err := Prepare(context.Background(), o)
			wantErrorContaining(t, err, tc.want...)
			if !bytes.Equal(readFile(t, f.lockPath), lockBefore) {
				t.Error("a failed update changed the lock file")
			}
			if cached, _ := filepath.Glob(filepath.Join(f.cache.Dir, "*")); len(cached) != 0 {
				t.Errorf("a failed update cached %q", cached)
			}
			f.pin(t, f.old)
		})
	}
}

func TestPrepareReadsAURL(t *testing.T) {
	f := newPipelineFixture(t)
	srv := documentServer(t, f.old)
	o := f.options(nil)
	o.Source = srv.URL + "/api/openapi.json"
	if _, err := Prepare(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	f.wantNormalized(t, f.old)

	o.Source = srv.URL + "/gone.json"
	_, err := Prepare(context.Background(), o)
	wantErrorContaining(t, err, "HTTP 404")
}

func TestPrepareNeedsPaths(t *testing.T) {
	for _, o := range []Options{{Out: "x.json"}, {LockPath: "apify.lock"}} {
		_, err := Prepare(context.Background(), o)
		wantErrorContaining(t, err, "a lock path and an output path are required")
	}
}

// TestPrepareUpdatesToAnUnversionedDocument: the published Apify document
// had `info.version: ""` until February 2026. Such a document is pinned,
// reported and normalized under a name derived from its sha256, and the
// same bytes pass the lock check afterwards.
func TestPrepareUpdatesToAnUnversionedDocument(t *testing.T) {
	f := newPipelineFixture(t)
	root, err := decodeTree(f.new)
	if err != nil {
		t.Fatal(err)
	}
	child(root, "info")["version"] = ""
	doc, err := encodeTree(root)
	if err != nil {
		t.Fatal(err)
	}
	want := "unversioned-" + SHA256(doc)[:12]
	path := writeFile(t, f.dir, "unversioned.json", doc)

	var report bytes.Buffer
	o := f.options(&report)
	o.Source, o.Update, o.Previous = path, true, f.oldPath
	lock, err := Prepare(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if lock.Version != want || lock.SHA256 != SHA256(doc) {
		t.Errorf("pinned %+v, want version %s and the document's sha256", lock, want)
	}
	if got, err := ReadLock(f.lockPath); err != nil || got != lock {
		t.Errorf("lock file = %+v, %v; want %+v", got, err, lock)
	}
	wantErrorContaining(t, errors.New(report.String()), "→ "+want)
	if v, err := DocumentVersion(readFile(t, f.out)); err != nil || v != want {
		t.Errorf("normalized document's version = %q, %v; want %q", v, err, want)
	}

	o = f.options(nil)
	o.Source = path
	if _, err := Prepare(context.Background(), o); err != nil {
		t.Errorf("the pinned unversioned document fails the lock check: %v", err)
	}
	// Another unversioned document is another version.
	other := append(append([]byte(nil), doc...), '\n')
	if err := lock.Check(other); !errors.Is(err, ErrLockMismatch) {
		t.Errorf("Check of another unversioned document = %v, want ErrLockMismatch", err)
	}
}
