package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/oapi-codegen/nullable"
)

// ActorSettings are the settings of an Actor that [ActorClient.UpdateSettings]
// changes: what the Actor is called and how it runs by default.
type ActorSettings struct {
	// Title is the human-readable name shown in Apify Store and Console.
	Title string
	// Description is the short description shown in Apify Store and Console.
	Description string
	// SeoTitle and SeoDescription are shown by search engines.
	SeoTitle, SeoDescription string
	// Categories place the Actor in Apify Store, e.g. "SOCIAL_MEDIA".
	Categories []string
	// IsPublic publishes the Actor in Apify Store.
	IsPublic bool
	// IsDeprecated marks the Actor as deprecated.
	IsDeprecated bool
	// DefaultRunOptions apply to runs that do not override them.
	DefaultRunOptions ActorRunDefaults
}

// ActorRunDefaults are an Actor's default run options.
type ActorRunDefaults struct {
	// Build is the build tag or number to run, e.g. "latest".
	Build string
	// MemoryMB is the memory in megabytes: a power of two, at least 128.
	MemoryMB int
	// Timeout bounds a run (whole seconds); 0 means no timeout.
	Timeout time.Duration
	// MaxItems caps the items a run may produce; 0 means no cap.
	MaxItems int
	// RestartOnError restarts a failed run.
	RestartOnError bool
	// ForcePermissionLevel is "", "LIMITED_PERMISSIONS" or "FULL_PERMISSIONS".
	ForcePermissionLevel string
}

// UpdateSettings changes the Actor's settings: it reads the Actor,
// hands its current settings to change, and sends only what change modified
// (the default run options as a whole, keeping the ones this type does not
// model). It returns the Actor as updated, or as read when nothing changed:
//
//	actor, err := client.Actor("me/my-actor").UpdateSettings(ctx, func(s *apify.ActorSettings) {
//		s.DefaultRunOptions.MemoryMB = 4096
//		s.DefaultRunOptions.Timeout = 10 * time.Minute
//	})
//
// A change made by someone else between the read and the write to the same
// field is overwritten.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-put (and
// https://docs.apify.com/api/v2/actor-get for the read)
func (a *ActorClient) UpdateSettings(ctx context.Context, change func(*ActorSettings)) (*Actor, error) {
	if err := a.x.r.check(ctx); err != nil {
		return nil, err
	}
	if change == nil {
		return nil, errors.New("apify: UpdateSettings: change is nil")
	}
	raw, err := getResource[json.RawMessage](ctx, a.x.r)
	if err != nil {
		return nil, err
	}
	var current Actor
	var rawRun struct {
		DefaultRunOptions map[string]json.RawMessage `json:"defaultRunOptions"`
	}
	if err := json.Unmarshal(*raw, &current); err != nil {
		return nil, fmt.Errorf("apify: %w: decoding %s: %w", ErrUnexpectedResponse, a.x.r.desc, err)
	}
	if err := json.Unmarshal(*raw, &rawRun); err != nil {
		return nil, fmt.Errorf("apify: %w: decoding the default run options of %s: %w", ErrUnexpectedResponse, a.x.r.desc, err)
	}

	before := settingsOf(&current)
	after := before
	after.Categories = slices.Clone(before.Categories)
	change(&after)
	if err := after.DefaultRunOptions.validate(); err != nil {
		return nil, err
	}
	body := settingsPatch(before, after, rawRun.DefaultRunOptions)
	if len(body) == 0 {
		return &current, nil
	}
	buf, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("apify: UpdateSettings: %w", err)
	}
	return callResource[Actor](ctx, a.x.r, http.MethodPut, "", nil, bytes.NewReader(buf), "application/json")
}

// settingsOf extracts the settings of a.
func settingsOf(a *Actor) ActorSettings {
	s := ActorSettings{
		Title:          valueOf(a.Title),
		Description:    valueOf(a.Description),
		SeoTitle:       valueOf(a.SeoTitle),
		SeoDescription: valueOf(a.SeoDescription),
		Categories:     a.Categories,
		IsPublic:       a.IsPublic,
		IsDeprecated:   valueOf(a.IsDeprecated),
	}
	d := a.DefaultRunOptions
	if d.Build != nil {
		s.DefaultRunOptions.Build = *d.Build
	}
	if d.MemoryMbytes != nil {
		s.DefaultRunOptions.MemoryMB = *d.MemoryMbytes
	}
	if d.TimeoutSecs != nil {
		s.DefaultRunOptions.Timeout = secondsToDuration(int64(*d.TimeoutSecs))
	}
	s.DefaultRunOptions.MaxItems = valueOf(d.MaxItems)
	if d.RestartOnError != nil {
		s.DefaultRunOptions.RestartOnError = *d.RestartOnError
	}
	s.DefaultRunOptions.ForcePermissionLevel = string(valueOf(d.ForcePermissionLevel))
	return s
}

// nullIfZero returns v, or nil (JSON null) for the zero value.
func nullIfZero[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

// valueOf returns the value of n, or the zero T when n is null or absent.
func valueOf[T any](n nullable.Nullable[T]) T {
	v, _ := n.Get()
	return v
}

func (d ActorRunDefaults) validate() error {
	errs := checkRunSettings(d.MemoryMB, d.Timeout, d.MaxItems, d.ForcePermissionLevel)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("apify: invalid ActorSettings.DefaultRunOptions: %w", err)
	}
	return nil
}

// settingsPatch returns the fields of the update body that differ between
// before and after. The default run options go whole: raw (as read) with the
// changed fields replaced, so that fields this package does not model, and
// those left unset, stay as they were.
func settingsPatch(before, after ActorSettings, raw map[string]json.RawMessage) map[string]any {
	body := map[string]any{}
	set := func(name string, changed bool, v any) {
		if changed {
			body[name] = v
		}
	}
	set("title", before.Title != after.Title, after.Title)
	set("description", before.Description != after.Description, after.Description)
	set("seoTitle", before.SeoTitle != after.SeoTitle, after.SeoTitle)
	set("seoDescription", before.SeoDescription != after.SeoDescription, after.SeoDescription)
	set("categories", !slices.Equal(before.Categories, after.Categories), after.Categories)
	set("isPublic", before.IsPublic != after.IsPublic, after.IsPublic)
	set("isDeprecated", before.IsDeprecated != after.IsDeprecated, after.IsDeprecated)
	if b, d := before.DefaultRunOptions, after.DefaultRunOptions; b != d {
		opts := map[string]any{}
		for k, v := range raw {
			opts[k] = v
		}
		setOpt := func(name string, changed bool, v any) {
			if changed {
				opts[name] = v
			}
		}
		setOpt("build", b.Build != d.Build, nullIfZero(d.Build))
		setOpt("memoryMbytes", b.MemoryMB != d.MemoryMB, nullIfZero(d.MemoryMB))
		setOpt("timeoutSecs", b.Timeout != d.Timeout, ceilSeconds(d.Timeout))
		setOpt("maxItems", b.MaxItems != d.MaxItems, nullIfZero(d.MaxItems))
		setOpt("restartOnError", b.RestartOnError != d.RestartOnError, d.RestartOnError)
		setOpt("forcePermissionLevel", b.ForcePermissionLevel != d.ForcePermissionLevel, nullIfZero(d.ForcePermissionLevel))
		body["defaultRunOptions"] = opts
	}
	return body
}
