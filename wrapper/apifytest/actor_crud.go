package apifytest

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

func actorHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"POST /v2/actors":                          createActor,
		"PUT /v2/actors/{actorId}":                 updateActor,
		"DELETE /v2/actors/{actorId}":              deleteActor,
		"POST /v2/actors/{actorId}/validate-input": validateInput,
	}
}

// actorJSON is the Actor schema (and ActorShort, a subset, in lists).
type actorJSON struct {
	ID                string             `json:"id"`
	UserID            string             `json:"userId,omitempty"`
	Name              string             `json:"name"`
	Username          string             `json:"username"`
	Title             *string            `json:"title,omitempty"`
	Description       *string            `json:"description,omitempty"`
	RestartOnError    *bool              `json:"restartOnError,omitempty"`
	IsPublic          *bool              `json:"isPublic,omitempty"`
	IsDeprecated      *bool              `json:"isDeprecated,omitempty"`
	SeoTitle          *string            `json:"seoTitle,omitempty"`
	SeoDescription    *string            `json:"seoDescription,omitempty"`
	Categories        []string           `json:"categories,omitempty"`
	CreatedAt         apiTime            `json:"createdAt"`
	ModifiedAt        apiTime            `json:"modifiedAt"`
	Stats             actorStats         `json:"stats"`
	Versions          []actorVersion     `json:"versions,omitempty"`
	PricingInfos      json.RawMessage    `json:"pricingInfos,omitempty"`
	DefaultRunOptions *defaultRunOptions `json:"defaultRunOptions,omitempty"`
	ExampleRunInput   json.RawMessage    `json:"exampleRunInput,omitempty"`
	ActorStandby      json.RawMessage    `json:"actorStandby,omitempty"`
	TaggedBuilds      map[string]any     `json:"taggedBuilds,omitempty"`
}

type actorStats struct {
	TotalBuilds int `json:"totalBuilds"`
	TotalRuns   int `json:"totalRuns"`
}

type defaultRunOptions struct {
	Build        string `json:"build"`
	TimeoutSecs  int64  `json:"timeoutSecs"`
	MemoryMbytes int    `json:"memoryMbytes"`
	MaxItems     *int64 `json:"maxItems,omitempty"`
}

// taggedBuildJSON is the TaggedBuildInfo schema.
type taggedBuildJSON struct {
	BuildID     string  `json:"buildId"`
	BuildNumber string  `json:"buildNumber"`
	FinishedAt  optTime `json:"finishedAt"`
}

// actorJSON renders a. Callers hold Server.mu.
func (s *Server) actorJSON(a *actor, short bool) actorJSON {
	ext := s.actorExt(a)
	runs, builds := 0, 0
	for _, r := range s.runOrder {
		if r.actorID == a.id {
			runs++
		}
	}
	for _, b := range s.ops.buildOrder {
		if b.actorID == a.id {
			builds++
		}
	}
	j := actorJSON{ID: a.id, Name: a.name, Username: a.username, Title: ext.title,
		CreatedAt: apiTime(a.createdAt), ModifiedAt: apiTime(ext.modifiedAt), Stats: actorStats{TotalBuilds: builds, TotalRuns: runs}}
	if short {
		return j
	}
	public := ext.isPublic
	j.UserID, j.IsPublic = s.userID, &public
	j.Description, j.IsDeprecated, j.SeoTitle, j.SeoDescription = ext.description, ext.isDeprecated, ext.seoTitle, ext.seoDescription
	j.RestartOnError = &ext.restartOnError
	j.Categories, j.ExampleRunInput, j.ActorStandby = ext.categories, ext.exampleInput, ext.standby
	j.Versions = make([]actorVersion, 0, len(ext.versions))
	for _, v := range ext.versions {
		j.Versions = append(j.Versions, v.renderedCopy())
	}
	opts := ext.defaults
	opts.TimeoutSecs, opts.MemoryMbytes = int64(a.opts.Timeout/time.Second), a.opts.MemoryMbytes
	j.DefaultRunOptions = &opts
	j.PricingInfos = ext.pricingInfos
	if j.PricingInfos == nil && len(a.opts.ChargeEvents) > 0 {
		j.PricingInfos, _ = json.Marshal([]any{payPerEventJSON(a.opts.ChargeEvents, a.createdAt)})
	}
	j.TaggedBuilds = map[string]any{}
	for tag, id := range ext.taggedBuilds {
		if b, ok := s.ops.builds[id]; ok {
			j.TaggedBuilds[tag] = taggedBuildJSON{BuildID: b.id, BuildNumber: b.number, FinishedAt: optTime(b.finishedAt)}
		}
	}
	return j
}

// actorBody is the body of Actor create and update: absent fields are nil.
type actorBody struct {
	Name              *string          `json:"name"`
	Description       *string          `json:"description"`
	Title             *string          `json:"title"`
	IsPublic          *bool            `json:"isPublic"`
	SeoTitle          *string          `json:"seoTitle"`
	SeoDescription    *string          `json:"seoDescription"`
	RestartOnError    *bool            `json:"restartOnError"`
	Versions          *[]*actorVersion `json:"versions"`
	PricingInfos      json.RawMessage  `json:"pricingInfos"`
	Categories        *[]string        `json:"categories"`
	DefaultRunOptions *defaultRunPatch `json:"defaultRunOptions"`
	ActorStandby      json.RawMessage  `json:"actorStandby"`
	ExampleRunInput   json.RawMessage  `json:"exampleRunInput"`
	IsDeprecated      *bool            `json:"isDeprecated"`
}

type defaultRunPatch struct {
	Build        *string `json:"build"`
	TimeoutSecs  *int64  `json:"timeoutSecs"`
	MemoryMbytes *int64  `json:"memoryMbytes"`
	MaxItems     *int64  `json:"maxItems"`
}

// apply checks the body and applies it to a. Callers hold Server.mu.
func (s *Server) applyActorBody(a *actor, body *actorBody) error {
	ext := s.actorExt(a)
	if body.Name != nil && *body.Name != a.name {
		if !actorNamePattern.MatchString(*body.Name) {
			return errorf(http.StatusBadRequest, "invalid-input", "The Actor name %q is not valid (letters, digits and dashes, up to 63)", *body.Name)
		}
		for _, other := range s.actors {
			if other.username == a.username && other.name == *body.Name {
				return errorf(http.StatusBadRequest, "actor-name-not-unique", "An Actor named %q already exists", *body.Name)
			}
		}
	}
	if p := body.DefaultRunOptions; p != nil {
		if p.MemoryMbytes != nil && !validMemory(*p.MemoryMbytes) {
			return errorf(http.StatusBadRequest, "invalid-input", "defaultRunOptions.memoryMbytes %d is not a power of two of at least 128", *p.MemoryMbytes)
		}
		if p.TimeoutSecs != nil && *p.TimeoutSecs < 0 {
			return errorf(http.StatusBadRequest, "invalid-input", "defaultRunOptions.timeoutSecs must not be negative")
		}
	}
	var versions []*actorVersion
	if body.Versions != nil {
		seen := map[string]bool{}
		for _, v := range *body.Versions {
			if v == nil {
				continue
			}
			if err := checkVersion(v); err != nil {
				return err
			}
			if seen[v.VersionNumber] {
				return errorf(http.StatusBadRequest, "invalid-input", "Version %s appears twice", v.VersionNumber)
			}
			seen[v.VersionNumber] = true
			versions = append(versions, v)
		}
	}
	events, err := chargeEventsOf(body.PricingInfos)
	if err != nil {
		return err
	}
	if body.Name != nil {
		a.name = *body.Name
	}
	set(&ext.description, body.Description)
	set(&ext.title, body.Title)
	set(&ext.seoTitle, body.SeoTitle)
	set(&ext.seoDescription, body.SeoDescription)
	if body.IsPublic != nil {
		ext.isPublic = *body.IsPublic
	}
	if body.RestartOnError != nil {
		ext.restartOnError = *body.RestartOnError
	}
	if body.IsDeprecated != nil {
		ext.isDeprecated = body.IsDeprecated
	}
	if body.Versions != nil {
		ext.versions = versions
		for _, v := range versions {
			if _, ok := ext.buildCounts[v.VersionNumber]; !ok {
				ext.buildCounts[v.VersionNumber] = 0
			}
		}
	}
	if body.PricingInfos != nil {
		ext.pricingInfos = body.PricingInfos
		a.opts.ChargeEvents = events
	}
	if body.Categories != nil {
		ext.categories = *body.Categories
	}
	if body.ActorStandby != nil {
		ext.standby = nullToNil(body.ActorStandby)
	}
	if body.ExampleRunInput != nil {
		ext.exampleInput = nullToNil(body.ExampleRunInput)
	}
	if p := body.DefaultRunOptions; p != nil {
		if p.Build != nil {
			ext.defaults.Build = *p.Build
		}
		if p.TimeoutSecs != nil {
			a.opts.Timeout = time.Duration(*p.TimeoutSecs) * time.Second
		}
		if p.MemoryMbytes != nil {
			a.opts.MemoryMbytes = int(*p.MemoryMbytes)
		}
		if p.MaxItems != nil {
			ext.defaults.MaxItems = p.MaxItems
		}
	}
	ext.modifiedAt = s.now()
	return nil
}

func set[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}

func nullToNil(raw json.RawMessage) json.RawMessage {
	if string(raw) == "null" {
		return nil
	}
	return raw
}

// chargeEventsOf reads the events of the last PAY_PER_EVENT entry of
// pricingInfos.
func chargeEventsOf(raw json.RawMessage) (map[string]ChargeEvent, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var infos []struct {
		PricingModel    string `json:"pricingModel"`
		PricingPerEvent struct {
			ActorChargeEvents map[string]chargeEventJSON `json:"actorChargeEvents"`
		} `json:"pricingPerEvent"`
	}
	if err := json.Unmarshal(raw, &infos); err != nil {
		return nil, errorf(http.StatusBadRequest, "invalid-input", "pricingInfos is not an array of pricing infos: %v", err)
	}
	var events map[string]ChargeEvent
	for _, info := range infos {
		if info.PricingModel != "PAY_PER_EVENT" {
			events = nil
			continue
		}
		events = map[string]ChargeEvent{}
		for name, e := range info.PricingPerEvent.ActorChargeEvents {
			events[name] = ChargeEvent{Title: e.EventTitle, Description: e.EventDescription, PriceUSD: e.EventPriceUsd}
		}
	}
	return events, nil
}

// apiCreatedActor is the function of Actors created through the API: their
// runs succeed at once.
func apiCreatedActor(_ context.Context, run *ActorRun) error {
	run.Logf("apifytest: this Actor was created through the API and has no Go function; the run succeeds at once")
	return nil
}

// POST /v2/actors — https://docs.apify.com/api/v2/actors-post
func createActor(c *call) error {
	var body actorBody
	if err := c.decodeJSONBody(&body, "an Actor (name, versions, defaultRunOptions...)"); err != nil {
		return err
	}
	if body.Name == nil || !actorNamePattern.MatchString(*body.Name) {
		return errorf(http.StatusBadRequest, "invalid-input", "The Actor needs a name of letters, digits and dashes (up to 63)")
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	for _, other := range c.s.actors {
		if other.username == c.s.cfg.username && other.name == *body.Name {
			return errorf(http.StatusBadRequest, "actor-name-not-unique", "An Actor named %q already exists", *body.Name)
		}
	}
	now := c.s.now()
	a := &actor{id: c.s.ids.next(), username: c.s.cfg.username, name: *body.Name, fn: apiCreatedActor,
		opts: ActorOptions{Timeout: time.Hour, MemoryMbytes: 1024}, createdAt: now}
	a.ext = &actorExt{modifiedAt: now, taggedBuilds: map[string]string{}, buildCounts: map[string]int{},
		versions: []*actorVersion{}, defaults: defaultRunOptions{Build: "latest"}}
	if err := c.s.applyActorBody(a, &body); err != nil {
		return err
	}
	c.s.actors[a.id] = a
	c.w.Header().Set("Location", c.publicURL("/v2/actors/"+a.id))
	writeData(c.w, http.StatusCreated, c.s.actorJSON(a, false))
	return nil
}

// PUT /v2/actors/{actorId} — https://docs.apify.com/api/v2/actor-put
func updateActor(c *call) error {
	var body actorBody
	if err := c.decodeJSONBody(&body, "the Actor's new settings"); err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a, err := c.actor()
	if err != nil {
		return err
	}
	if err := c.s.applyActorBody(a, &body); err != nil {
		return err
	}
	writeData(c.w, http.StatusOK, c.s.actorJSON(a, false))
	return nil
}

// DELETE /v2/actors/{actorId} — https://docs.apify.com/api/v2/actor-delete
// The Actor's builds go with it; its runs and tasks stay.
func deleteActor(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a, err := c.actor()
	if err != nil {
		return err
	}
	delete(c.s.actors, a.id)
	keep := c.s.ops.buildOrder[:0]
	for _, b := range c.s.ops.buildOrder {
		if b.actorID == a.id {
			delete(c.s.ops.builds, b.id)
			continue
		}
		keep = append(keep, b)
	}
	c.s.ops.buildOrder = keep
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// POST /v2/actors/{actorId}/validate-input — https://docs.apify.com/api/v2/actor-validate-input-post
// The fake's builds have no input schema, so any JSON object is valid.
func validateInput(c *call) error {
	var input map[string]any
	if err := c.decodeJSONBody(&input, "the input to validate (a JSON object)"); err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	a, err := c.actor()
	if err != nil {
		return err
	}
	if _, err := c.s.resolveBuild(a, c.query.Get("build")); err != nil {
		return err
	}
	writeJSON(c.w, http.StatusOK, map[string]bool{"valid": true})
	return nil
}
