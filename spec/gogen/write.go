package gogen

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

var generatedHeader = regexp.MustCompile(`(?m)^// Code generated .* DO NOT EDIT\.$`)

// IsGenerated reports whether Go source carries the generated-code header.
func IsGenerated(src []byte) bool {
	head := src[:min(len(src), 400)]
	return generatedHeader.Match(head)
}

// dirs lists the folders the files are written to.
func dirs(files []File) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".go") {
			continue
		}
		d := filepath.Dir(f.Path)
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return out
}

// existingGenerated lists the generated .go files under root in the folders
// of files (hand-written files there, such as doc.go, are not listed).
func existingGenerated(root string, files []File) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, d := range dirs(files) {
		entries, err := os.ReadDir(filepath.Join(root, d))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
				continue
			}
			p := filepath.Join(d, e.Name())
			b, err := os.ReadFile(filepath.Join(root, p))
			if err != nil {
				return nil, err
			}
			if IsGenerated(b) {
				out[filepath.ToSlash(p)] = b
			}
		}
	}
	return out, nil
}

// Write writes files under root and removes the generated files there that
// files no longer contain.
func Write(root string, files []File) error {
	old, err := existingGenerated(root, files)
	if err != nil {
		return err
	}
	for _, f := range files {
		delete(old, f.Path)
		p := filepath.Join(root, f.Path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			return err
		}
	}
	for p := range old {
		if err := os.Remove(filepath.Join(root, p)); err != nil {
			return err
		}
	}
	return nil
}

// Diff compares files with the generated files under root and describes
// every difference (a missing, extra or changed file, with the first line
// that differs); it returns "" when they match.
func Diff(root string, files []File) (string, error) {
	old, err := existingGenerated(root, files)
	if err != nil {
		return "", err
	}
	var report []string
	for _, f := range files {
		committed, ok := old[f.Path]
		delete(old, f.Path)
		if !strings.HasSuffix(f.Path, ".go") {
			b, err := os.ReadFile(filepath.Join(root, f.Path))
			committed, ok = b, err == nil
		}
		switch {
		case !ok:
			report = append(report, f.Path+": missing (not committed)")
		case !bytes.Equal(committed, f.Content):
			report = append(report, f.Path+": "+firstDifference(committed, f.Content))
		}
	}
	for p := range old {
		report = append(report, p+": committed but no longer generated")
	}
	sort.Strings(report)
	return strings.Join(report, "\n"), nil
}

func firstDifference(committed, generated []byte) string {
	cl, gl := strings.Split(string(committed), "\n"), strings.Split(string(generated), "\n")
	for i := 0; i < len(cl) && i < len(gl); i++ {
		if cl[i] != gl[i] {
			return fmt.Sprintf("differs at line %d:\n  committed:   %s\n  regenerated: %s", i+1, cl[i], gl[i])
		}
	}
	return fmt.Sprintf("differs in length (%d committed vs %d regenerated lines)", len(cl), len(gl))
}
