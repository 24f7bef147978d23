package apifytest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// StoreActor is an Actor of the fake's Apify Store, added with AddStoreActor.
type StoreActor struct {
	// Username and Name identify the Actor (required).
	Username, Name string
	// Title defaults to Name; Description and Readme are searched too.
	Title, Description, Readme string
	// Categories, such as "AI" or "ECOMMERCE".
	Categories []string
	// PricingModel is FREE (the default), FLAT_PRICE_PER_MONTH,
	// PRICE_PER_DATASET_ITEM or PAY_PER_EVENT.
	PricingModel string
	// TotalUsers orders the store by popularity.
	TotalUsers int
	// AllowsAgenticUsers answers the allowsAgenticUsers filter.
	AllowsAgenticUsers bool
	// Func, if set, makes the Actor runnable as Username/Name, as AddActor does.
	Func ActorFunc
}

// storeEntry is a StoreActor with what the server adds.
type storeEntry struct {
	StoreActor
	id        string
	createdAt time.Time
	order     int
}

var pricingModels = []string{"FREE", "FLAT_PRICE_PER_MONTH", "PRICE_PER_DATASET_ITEM", "PAY_PER_EVENT"}

func storeHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{"GET /v2/store": listStore}
}

// AddStoreActor adds an Actor to the server's Apify Store and returns its ID.
func (s *Server) AddStoreActor(a StoreActor) (string, error) {
	if s.tb != nil {
		s.tb.Helper()
	}
	v, err := s.addStoreActor(a)
	return v, s.fail(err)
}

func (s *Server) addStoreActor(a StoreActor) (string, error) {
	switch {
	case !usernamePattern.MatchString(a.Username):
		return "", fmt.Errorf("apifytest: AddStoreActor: %q is not a valid username", a.Username)
	case !actorNamePattern.MatchString(a.Name):
		return "", fmt.Errorf("apifytest: AddStoreActor: %q is not a valid Actor name", a.Name)
	case a.PricingModel != "" && !slices.Contains(pricingModels, a.PricingModel):
		return "", fmt.Errorf("apifytest: AddStoreActor: PricingModel %q is not one of %s", a.PricingModel, strings.Join(pricingModels, ", "))
	case a.TotalUsers < 0:
		return "", fmt.Errorf("apifytest: AddStoreActor: negative TotalUsers %d", a.TotalUsers)
	}
	if a.PricingModel == "" {
		a.PricingModel = "FREE"
	}
	if a.Title == "" {
		a.Title = a.Name
	}
	a.Categories = slices.Clone(a.Categories)
	var id string
	if a.Func != nil {
		var err error
		if id, err = s.addActor(a.Username+"/"+a.Name, a.Func); err != nil {
			return "", fmt.Errorf("apifytest: AddStoreActor: %w", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.ops.store {
		if e.Username == a.Username && e.Name == a.Name {
			return "", fmt.Errorf("apifytest: AddStoreActor: %s/%s is already in the store", a.Username, a.Name)
		}
	}
	if id == "" {
		id = s.ids.next()
	}
	s.ops.store = append(s.ops.store, &storeEntry{StoreActor: a, id: id, createdAt: s.now(), order: len(s.ops.store)})
	return id, nil
}

// storeActorJSON is the StoreListActor schema.
type storeActorJSON struct {
	ID                 string             `json:"id"`
	Title              string             `json:"title"`
	Name               string             `json:"name"`
	Username           string             `json:"username"`
	Description        *string            `json:"description,omitempty"`
	Categories         []string           `json:"categories"`
	URL                string             `json:"url,omitempty"`
	Stats              storeStats         `json:"stats"`
	CurrentPricingInfo currentPricingJSON `json:"currentPricingInfo"`
	ReadmeSummary      string             `json:"readmeSummary,omitempty"`
}

type storeStats struct {
	TotalUsers int `json:"totalUsers"`
	TotalRuns  int `json:"totalRuns"`
}

type currentPricingJSON struct {
	PricingModel string `json:"pricingModel"`
}

// GET /v2/store — https://docs.apify.com/api/v2/store-get
// search matches title, name, description, username and readme (any case);
// sortBy relevance keeps the order Actors were added in, popularity sorts by
// TotalUsers, newest and lastUpdate by when they were added. Every Actor of
// the fake's store is runnable, so includeUnrunnableActors changes nothing.
func listStore(c *call) error {
	offset, limit, _, err := c.listWindow()
	if err != nil {
		return err
	}
	q := c.query
	sortBy := q.Get("sortBy")
	if sortBy != "" && !slices.Contains([]string{"relevance", "popularity", "newest", "lastUpdate"}, sortBy) {
		return invalidParam("sortBy", sortBy, "use relevance, popularity, newest or lastUpdate")
	}
	if pm := q.Get("pricingModel"); pm != "" && !slices.Contains(pricingModels, pm) {
		return invalidParam("pricingModel", pm, "use "+strings.Join(pricingModels, ", "))
	}
	if f := q.Get("responseFormat"); f != "" && f != "full" && f != "agent" {
		return invalidParam("responseFormat", f, "use full or agent")
	}
	agentic, agenticSet := false, q.Get("allowsAgenticUsers") != ""
	if agentic, err = c.boolParam("allowsAgenticUsers", false); err != nil {
		return err
	}
	if _, err := c.boolParam("includeUnrunnableActors", false); err != nil {
		return err
	}
	search := strings.ToLower(q.Get("search"))
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	var all []*storeEntry
	for _, e := range c.s.ops.store {
		text := strings.ToLower(strings.Join([]string{e.Title, e.Name, e.Description, e.Username, e.Readme}, "\n"))
		switch {
		case search != "" && !strings.Contains(text, search):
		case q.Get("category") != "" && !slices.Contains(e.Categories, q.Get("category")):
		case q.Get("username") != "" && e.Username != q.Get("username"):
		case q.Get("pricingModel") != "" && e.PricingModel != q.Get("pricingModel"):
		case agenticSet && e.AllowsAgenticUsers != agentic:
		default:
			all = append(all, e)
		}
	}
	switch sortBy {
	case "popularity":
		slices.SortStableFunc(all, func(a, b *storeEntry) int { return b.TotalUsers - a.TotalUsers })
	case "newest", "lastUpdate":
		slices.SortStableFunc(all, func(a, b *storeEntry) int { return b.order - a.order })
	}
	full := q.Get("responseFormat") != "agent"
	render := func(e *storeEntry) storeActorJSON {
		j := storeActorJSON{ID: e.id, Title: e.Title, Name: e.Name, Username: e.Username, Categories: e.Categories,
			Stats: storeStats{TotalUsers: e.TotalUsers}, CurrentPricingInfo: currentPricingJSON{e.PricingModel}}
		if j.Categories == nil {
			j.Categories = []string{}
		}
		if e.Description != "" {
			j.Description = &e.Description
		}
		if full {
			j.URL = "https://apify.com/" + e.Username + "/" + e.Name
			for _, r := range c.s.runOrder {
				if r.actorID == e.id {
					j.Stats.TotalRuns++
				}
			}
		}
		return j
	}
	writeData(c.w, http.StatusOK, renderPage(all, render, offset, limit, false))
	return nil
}
