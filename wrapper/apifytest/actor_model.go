package apifytest

import (
	"encoding/json"
	"time"
)

// actorExt is what the Actor operations keep about an Actor beyond its
// function: settings, versions and tagged builds. Callers hold Server.mu.
type actorExt struct {
	modifiedAt     time.Time
	description    *string
	title          *string
	isPublic       bool
	isDeprecated   *bool
	restartOnError bool
	seoTitle       *string
	seoDescription *string
	categories     []string
	exampleInput   json.RawMessage
	standby        json.RawMessage
	pricingInfos   json.RawMessage
	versions       []*actorVersion
	taggedBuilds   map[string]string // tag -> build ID
	buildCounts    map[string]int    // version number -> builds made
	defaults       defaultRunOptions
}

// actorVersion is the Version schema.
type actorVersion struct {
	VersionNumber       string          `json:"versionNumber"`
	SourceType          *string         `json:"sourceType"`
	EnvVars             []envVar        `json:"envVars"`
	ApplyEnvVarsToBuild *bool           `json:"applyEnvVarsToBuild,omitempty"`
	BuildTag            *string         `json:"buildTag"`
	SourceFiles         json.RawMessage `json:"sourceFiles,omitempty"`
	GitRepoURL          *string         `json:"gitRepoUrl,omitempty"`
	TarballURL          *string         `json:"tarballUrl,omitempty"`
	GitHubGistURL       *string         `json:"gitHubGistUrl,omitempty"`
}

// envVar is the EnvVar schema.
type envVar struct {
	Name     string  `json:"name"`
	Value    *string `json:"value,omitempty"`
	IsSecret *bool   `json:"isSecret,omitempty"`
}

// rendered returns the variable as the API shows it. The document's EnvVar
// schema says a secret's value "isn't returned by the API", so the field is
// left out rather than sent empty.
func (e envVar) rendered() envVar {
	if e.IsSecret != nil && *e.IsSecret {
		e.Value = nil
	}
	return e
}

func (v *actorVersion) renderedCopy() actorVersion {
	out := *v
	out.EnvVars = make([]envVar, len(v.EnvVars))
	for i, e := range v.EnvVars {
		out.EnvVars[i] = e.rendered()
	}
	return out
}

// actorExt returns a's extended state, creating it on first use: a version
// 0.0 of source files tagged latest, and a SUCCEEDED build 0.0.1 of it
// (with the build ID the Actor's runs report). Callers hold Server.mu.
func (s *Server) actorExt(a *actor) *actorExt {
	if a.ext != nil {
		return a.ext
	}
	src, tag := "SOURCE_FILES", "latest"
	a.ext = &actorExt{
		modifiedAt:   a.createdAt,
		isPublic:     a.username != s.cfg.username,
		versions:     []*actorVersion{{VersionNumber: "0.0", SourceType: &src, BuildTag: &tag, EnvVars: []envVar{}, SourceFiles: json.RawMessage("[]")}},
		taggedBuilds: map[string]string{},
		buildCounts:  map[string]int{"0.0": 1},
		defaults:     defaultRunOptions{Build: "latest", TimeoutSecs: int64(a.opts.Timeout / time.Second), MemoryMbytes: a.opts.MemoryMbytes},
	}
	b := &build{
		id: a.buildID, actorID: a.id, number: "0.0.1", version: "0.0", tag: "latest", origin: "API",
		status: StatusSucceeded, startedAt: a.createdAt, finishedAt: a.createdAt,
		logChanged: make(chan struct{}), done: make(chan struct{}),
	}
	b.log = []byte(a.createdAt.UTC().Format("2006-01-02T15:04:05.000Z") + " Build of version 0.0 finished (apifytest: Actors added with AddActor start with this build)\n")
	close(b.done)
	s.addBuild(b)
	a.ext.taggedBuilds["latest"] = b.id
	return a.ext
}

// version finds a version of a by number. Callers hold Server.mu.
func (s *Server) version(a *actor, number string) (*actorVersion, int) {
	for i, v := range s.actorExt(a).versions {
		if v.VersionNumber == number {
			return v, i
		}
	}
	return nil, -1
}
