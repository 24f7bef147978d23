package spec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Options configure [Prepare].
type Options struct {
	// Source is a file path or http(s) URL of the upstream document. Empty
	// means: the cached copy of the locked document, else [DefaultURL].
	Source string
	// LockPath is the lock file (spec/apify.lock).
	LockPath string
	// Out is where the normalized document is written.
	Out string
	// Update accepts a document that differs from the lock and rewrites the
	// lock; the change report is written to Report.
	Update bool
	// Previous is the document the change report compares with (path or URL);
	// empty means the cached copy of the previously locked document.
	Previous string
	// Cache keeps verified documents by sha256.
	Cache Cache
	// Report receives progress lines and the change report; nil discards them.
	Report io.Writer
}

// Prepare runs the pipeline: read, check against the lock (or update it),
// normalize, write the normalized document. It returns the lock in force.
func Prepare(ctx context.Context, o Options) (Lock, error) {
	w := o.Report
	if w == nil {
		w = io.Discard
	}
	if o.LockPath == "" || o.Out == "" {
		return Lock{}, errors.New("spec: a lock path and an output path are required")
	}
	lock, lockErr := ReadLock(o.LockPath)
	if lockErr != nil && !(o.Update && errors.Is(lockErr, os.ErrNotExist)) {
		return Lock{}, lockErr
	}
	src := o.Source
	var doc []byte
	if src == "" && lockErr == nil && !o.Update {
		if b, ok := o.Cache.Get(lock.SHA256); ok {
			doc, src = b, "cache "+o.Cache.Dir
		}
	}
	if doc == nil {
		if src == "" {
			src = DefaultURL
		}
		b, err := Read(ctx, src)
		if err != nil {
			return Lock{}, err
		}
		doc = b
	}
	got, err := LockFor(doc)
	if err != nil {
		return Lock{}, err
	}
	fmt.Fprintf(w, "spec: %s from %s (sha256 %s)\n", got.Version, src, got.SHA256[:12])
	if !o.Update {
		if err := lock.Check(doc); err != nil {
			return Lock{}, err
		}
	}
	// Normalize before an update touches the lock or the cache, so a
	// document that cannot be used is never pinned.
	norm, stats, err := Normalize(doc)
	if err != nil {
		return Lock{}, err
	}
	if o.Update {
		if lockErr == nil && got == lock {
			fmt.Fprintln(w, "spec: the document is already the pinned one; nothing changed")
		} else {
			if err := writeReport(ctx, w, o, lock, lockErr == nil, doc); err != nil {
				return Lock{}, err
			}
			if err := got.Write(o.LockPath); err != nil {
				return Lock{}, fmt.Errorf("spec: writing the lock: %w", err)
			}
			fmt.Fprintf(w, "spec: pinned %s in %s\n", got.Version, o.LockPath)
		}
		lock = got
	}
	_ = o.Cache.Put(doc)
	if err := os.MkdirAll(filepath.Dir(o.Out), 0o755); err != nil {
		return Lock{}, err
	}
	if err := os.WriteFile(o.Out, norm, 0o644); err != nil {
		return Lock{}, fmt.Errorf("spec: writing the normalized document: %w", err)
	}
	fmt.Fprintf(w, "spec: normalized (%s) → %s\n", stats, o.Out)
	return lock, nil
}

// writeReport prints the change report between the previously pinned
// document and doc.
func writeReport(ctx context.Context, w io.Writer, o Options, old Lock, hadLock bool, doc []byte) error {
	var prev []byte
	switch {
	case o.Previous != "":
		b, err := Read(ctx, o.Previous)
		if err != nil {
			return err
		}
		prev = b
	case hadLock:
		b, ok := o.Cache.Get(old.SHA256)
		if !ok {
			fmt.Fprintf(w, "spec: no change report: the previously pinned document %s (sha256 %s) is not in the cache %s; "+
				"pass PREVIOUS=<path-or-URL> to compare with it\n", old.Version, old.SHA256[:12], o.Cache.Dir)
			return nil
		}
		prev = b
	default:
		fmt.Fprintln(w, "spec: no previous lock; no change report")
		return nil
	}
	r, err := Compare(prev, doc)
	if err != nil {
		return err
	}
	fmt.Fprint(w, r.String())
	return nil
}
