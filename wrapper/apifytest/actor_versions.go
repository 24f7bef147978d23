package apifytest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
)

func versionHandlers() map[string]handlerFunc {
	one := "/v2/actors/{actorId}/versions/{versionNumber}"
	return map[string]handlerFunc{
		"GET /v2/actors/{actorId}/versions":        listVersions,
		"POST /v2/actors/{actorId}/versions":       createVersion,
		"GET " + one:                               getVersion,
		"PUT " + one:                               updateVersion,
		"POST " + one:                              updateVersion,
		"DELETE " + one:                            deleteVersion,
		"GET " + one + "/env-vars":                 listEnvVars,
		"POST " + one + "/env-vars":                createEnvVar,
		"GET " + one + "/env-vars/{envVarName}":    getEnvVar,
		"PUT " + one + "/env-vars/{envVarName}":    updateEnvVar,
		"POST " + one + "/env-vars/{envVarName}":   updateEnvVar,
		"DELETE " + one + "/env-vars/{envVarName}": deleteEnvVar,
	}
}

var (
	versionNumberPattern = regexp.MustCompile(`^([0-9]|[1-9][0-9])\.([0-9]|[1-9][0-9])$`)
	envVarNamePattern    = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
	sourceTypes          = []string{"SOURCE_FILES", "GIT_REPO", "TARBALL", "GITHUB_GIST", "SOURCE_CODE"}
)

// checkVersion validates a version as the API does.
func checkVersion(v *actorVersion) error {
	if !versionNumberPattern.MatchString(v.VersionNumber) {
		return errorf(http.StatusBadRequest, "invalid-input", "versionNumber %q is not MAJOR.MINOR, such as 0.1", v.VersionNumber)
	}
	if v.SourceType == nil || !slices.Contains(sourceTypes, *v.SourceType) {
		return errorf(http.StatusBadRequest, "invalid-input", "sourceType must be one of SOURCE_FILES, GIT_REPO, TARBALL, GITHUB_GIST")
	}
	if v.EnvVars == nil {
		v.EnvVars = []envVar{}
	}
	for _, e := range v.EnvVars {
		if !envVarNamePattern.MatchString(e.Name) {
			return errorf(http.StatusBadRequest, "invalid-input", "Environment variable name %q is not valid", e.Name)
		}
	}
	return nil
}

// actorVersionParam finds the Actor and the version of the path. Callers
// hold Server.mu.
func (c *call) actorVersion() (*actor, *actorVersion, int, error) {
	a, err := c.actor()
	if err != nil {
		return nil, nil, 0, err
	}
	n := c.params["versionNumber"]
	v, i := c.s.version(a, n)
	if v == nil {
		return nil, nil, 0, errorf(http.StatusNotFound, "record-not-found", "Actor %s has no version %q", a.name, n)
	}
	return a, v, i, nil
}

// touchActor records a change of a's settings. Callers hold Server.mu.
func (s *Server) touchActor(a *actor) { s.actorExt(a).modifiedAt = s.now() }

// GET /v2/actors/{actorId}/versions — https://docs.apify.com/api/v2/actor-versions-get
func listVersions(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a, err := c.actor()
	if err != nil {
		return err
	}
	items := []actorVersion{}
	for _, v := range c.s.actorExt(a).versions {
		items = append(items, v.renderedCopy())
	}
	writeData(c.w, http.StatusOK, struct {
		Total int            `json:"total"`
		Items []actorVersion `json:"items"`
	}{len(items), items})
	return nil
}

// POST /v2/actors/{actorId}/versions — https://docs.apify.com/api/v2/actor-versions-post
func createVersion(c *call) error {
	var v actorVersion
	if err := c.decodeJSONBody(&v, "a version (versionNumber, sourceType...)"); err != nil {
		return err
	}
	if err := checkVersion(&v); err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a, err := c.actor()
	if err != nil {
		return err
	}
	if old, _ := c.s.version(a, v.VersionNumber); old != nil {
		return errorf(http.StatusBadRequest, "version-already-exists", "Actor %s already has version %s", a.name, v.VersionNumber)
	}
	ext := c.s.actorExt(a)
	ext.versions = append(ext.versions, &v)
	c.s.touchActor(a)
	c.w.Header().Set("Location", c.publicURL("/v2/actors/"+a.id+"/versions/"+v.VersionNumber))
	writeData(c.w, http.StatusCreated, v.renderedCopy())
	return nil
}

// GET /v2/actors/{actorId}/versions/{versionNumber} — https://docs.apify.com/api/v2/actor-version-get
func getVersion(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	_, v, _, err := c.actorVersion()
	if err != nil {
		return err
	}
	writeData(c.w, http.StatusOK, v.renderedCopy())
	return nil
}

// PUT (and POST) /v2/actors/{actorId}/versions/{versionNumber} —
// https://docs.apify.com/api/v2/actor-version-put. Fields the body lacks keep
// their values.
func updateVersion(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a, v, i, err := c.actorVersion()
	if err != nil {
		return err
	}
	updated := *v
	if err := json.Unmarshal(c.body, &updated); err != nil || len(c.body) == 0 {
		return errorf(http.StatusBadRequest, "invalid-input", "The request body is not a JSON version object")
	}
	if err := checkVersion(&updated); err != nil {
		return err
	}
	if updated.VersionNumber != v.VersionNumber {
		if other, _ := c.s.version(a, updated.VersionNumber); other != nil {
			return errorf(http.StatusBadRequest, "version-already-exists", "Actor %s already has version %s", a.name, updated.VersionNumber)
		}
	}
	c.s.actorExt(a).versions[i] = &updated
	c.s.touchActor(a)
	writeData(c.w, http.StatusOK, updated.renderedCopy())
	return nil
}

// DELETE /v2/actors/{actorId}/versions/{versionNumber} — https://docs.apify.com/api/v2/actor-version-delete
func deleteVersion(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a, _, i, err := c.actorVersion()
	if err != nil {
		return err
	}
	ext := c.s.actorExt(a)
	ext.versions = slices.Delete(ext.versions, i, i+1)
	c.s.touchActor(a)
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// actorEnvVar finds the Actor, version and environment variable (its index
// in the version) of the path. Callers hold Server.mu.
func (c *call) actorEnvVar() (*actor, *actorVersion, int, error) {
	a, v, _, err := c.actorVersion()
	if err != nil {
		return nil, nil, 0, err
	}
	name := c.params["envVarName"]
	for i, e := range v.EnvVars {
		if e.Name == name {
			return a, v, i, nil
		}
	}
	return nil, nil, 0, errorf(http.StatusNotFound, "record-not-found", "Version %s has no environment variable %q", v.VersionNumber, name)
}

// GET .../env-vars — https://docs.apify.com/api/v2/actor-version-env-vars-get
func listEnvVars(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	_, v, _, err := c.actorVersion()
	if err != nil {
		return err
	}
	items := v.renderedCopy().EnvVars
	writeData(c.w, http.StatusOK, struct {
		Total int      `json:"total"`
		Items []envVar `json:"items"`
	}{len(items), items})
	return nil
}

// decodeEnvVar reads an EnvVarRequest body.
func (c *call) decodeEnvVar(into *envVar) error {
	if len(c.body) == 0 || json.Unmarshal(c.body, into) != nil {
		return errorf(http.StatusBadRequest, "invalid-input", "The request body is not a JSON environment variable (name, value, isSecret)")
	}
	if !envVarNamePattern.MatchString(into.Name) {
		return errorf(http.StatusBadRequest, "invalid-input", "Environment variable name %q is not valid", into.Name)
	}
	return nil
}

// POST .../env-vars — https://docs.apify.com/api/v2/actor-version-env-vars-post
func createEnvVar(c *call) error {
	var e envVar
	if err := c.decodeEnvVar(&e); err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a, v, _, err := c.actorVersion()
	if err != nil {
		return err
	}
	for _, x := range v.EnvVars {
		if x.Name == e.Name {
			return errorf(http.StatusBadRequest, "env-var-already-exists", "Version %s already has environment variable %s", v.VersionNumber, e.Name)
		}
	}
	v.EnvVars = append(v.EnvVars, e)
	c.s.touchActor(a)
	c.w.Header().Set("Location", c.publicURL("/v2/actors/"+a.id+"/versions/"+v.VersionNumber+"/env-vars/"+e.Name))
	writeData(c.w, http.StatusCreated, e.rendered())
	return nil
}

// GET .../env-vars/{envVarName} — https://docs.apify.com/api/v2/actor-version-env-var-get
func getEnvVar(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	_, v, i, err := c.actorEnvVar()
	if err != nil {
		return err
	}
	writeData(c.w, http.StatusOK, v.EnvVars[i].rendered())
	return nil
}

// PUT (and POST) .../env-vars/{envVarName} — https://docs.apify.com/api/v2/actor-version-env-var-put
func updateEnvVar(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a, v, i, err := c.actorEnvVar()
	if err != nil {
		return err
	}
	e := v.EnvVars[i]
	if err := c.decodeEnvVar(&e); err != nil {
		return err
	}
	v.EnvVars[i] = e
	c.s.touchActor(a)
	writeData(c.w, http.StatusOK, e.rendered())
	return nil
}

// DELETE .../env-vars/{envVarName} — https://docs.apify.com/api/v2/actor-version-env-var-delete
func deleteEnvVar(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a, v, i, err := c.actorEnvVar()
	if err != nil {
		return err
	}
	v.EnvVars = slices.Delete(v.EnvVars, i, i+1)
	c.s.touchActor(a)
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}
