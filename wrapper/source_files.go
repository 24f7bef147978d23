package apify

import "github.com/apifygo/apify/gen"

// SourceFile is a file or folder of an Actor version whose SourceType is
// [SourceFiles] (https://docs.apify.com/api/v2/actor-versions-post). Set a
// version's files with [VersionFiles].
type SourceFile struct {
	// Name is the path from the Actor's root directory, e.g. "src/main.js".
	Name string
	// Content is the file's text, or its bytes in base64 when Base64 is set.
	Content string
	// Base64 says that Content is base64 (for binary files).
	Base64 bool
	// Folder makes this entry a folder (Content and Base64 are ignored).
	Folder bool
}

// VersionSourceFiles is the source of an Actor version made of files
// ([ActorVersionCreate].SourceFiles); build it with [VersionFiles].
type VersionSourceFiles = gen.VersionSourceFiles

// VersionFiles is the value of [ActorVersionCreate].SourceFiles (and
// [ActorVersionUpdate].SourceFiles) for the given files and folders.
func VersionFiles(files ...SourceFile) *VersionSourceFiles {
	out := make(VersionSourceFiles, len(files))
	for i, f := range files {
		// The From methods only store JSON; structs of strings and bools
		// always encode, so their errors cannot happen.
		if f.Folder {
			_ = out[i].FromSourceCodeFolder(gen.SourceCodeFolder{Name: f.Name, Folder: true})
			continue
		}
		format := gen.SourceCodeFileFormatTEXT
		if f.Base64 {
			format = gen.SourceCodeFileFormatBASE64
		}
		content := f.Content
		_ = out[i].FromSourceCodeFile(gen.SourceCodeFile{Name: f.Name, Content: &content, Format: &format})
	}
	return &out
}
