package spec

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Lock pins the upstream document that gen/ was generated from. It is stored
// in spec/apify.lock as "key value" lines.
type Lock struct {
	// Version is the document's info.version, e.g. v2-2026-08-05T133145Z.
	Version string
	// SHA256 is the hex sha256 of the document's bytes as published.
	SHA256 string
}

// ErrLockMismatch is returned (wrapped) by [Lock.Check] when a document is
// not the pinned one.
var ErrLockMismatch = errors.New("the API document is not the one pinned in the lock file")

// ReadLock reads a lock file.
func ReadLock(path string) (Lock, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Lock{}, fmt.Errorf("spec: reading the lock file: %w", err)
	}
	var l Lock
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, ok := strings.Cut(line, " ")
		val = strings.TrimSpace(val)
		if !ok || val == "" {
			return Lock{}, fmt.Errorf("spec: %s:%d: want \"key value\", got %q", path, n, line)
		}
		switch key {
		case "version":
			l.Version = val
		case "sha256":
			l.SHA256 = val
		default:
			return Lock{}, fmt.Errorf("spec: %s:%d: unknown key %q (want version or sha256)", path, n, key)
		}
	}
	if l.Version == "" || len(l.SHA256) != 64 || strings.Trim(l.SHA256, "0123456789abcdef") != "" {
		return Lock{}, fmt.Errorf("spec: %s must hold a version and a 64-hex-digit sha256", path)
	}
	return l, nil
}

// Write writes the lock file.
func (l Lock) Write(path string) error {
	var b strings.Builder
	b.WriteString("# The Apify OpenAPI document that gen/ is generated from.\n")
	b.WriteString("# Change it only with `make spec-update SPEC=<path-or-URL>`.\n")
	fmt.Fprintf(&b, "version %s\nsha256 %s\n", l.Version, l.SHA256)
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// LockFor returns the lock that pins doc.
func LockFor(doc []byte) (Lock, error) {
	v, err := DocumentVersion(doc)
	if err != nil {
		return Lock{}, err
	}
	return Lock{Version: v, SHA256: SHA256(doc)}, nil
}

// unversioned starts the version [DocumentVersion] gives a document without
// an info.version.
const unversioned = "unversioned-"

// DocumentVersion returns the document's info.version. A document without
// one (the published Apify document had `version: ""` until February 2026)
// is named by its content: "unversioned-" and the first 12 hex digits of its
// sha256, so the lock, the change report and the names record still tell
// such documents apart.
func DocumentVersion(doc []byte) (string, error) {
	var d struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			Version string `json:"version"`
		} `json:"info"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return "", fmt.Errorf("spec: the API document is not JSON: %w", err)
	}
	if d.OpenAPI == "" {
		return "", errors.New("spec: the document has no \"openapi\" field; is it an OpenAPI document?")
	}
	if strings.TrimSpace(d.Info.Version) == "" {
		return unversioned + shortSHA(SHA256(doc)), nil
	}
	return d.Info.Version, nil
}

// Check returns nil if doc is the pinned document, or an error wrapping
// [ErrLockMismatch] that says what differs and how to accept the new one.
func (l Lock) Check(doc []byte) error {
	got, err := LockFor(doc)
	if err != nil {
		return err
	}
	if got == l {
		return nil
	}
	return fmt.Errorf("spec: %w: pinned %s (sha256 %s), got %s (sha256 %s); "+
		"to accept it, run `make spec-update SPEC=<path-or-URL>`",
		ErrLockMismatch, l.Version, shortSHA(l.SHA256), got.Version, shortSHA(got.SHA256))
}

// shortSHA abbreviates a sha256 for messages; a Lock that pins nothing (the
// zero value) has an empty one.
func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}
