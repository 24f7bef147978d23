package apifytest

import (
	"net/http"
	"time"
)

// accountLimits are the limits PUT /v2/users/me/limits changes.
type accountLimits struct {
	maxMonthlyUsageUsd float64
	dataRetentionDays  int
}

var defaultLimits = accountLimits{maxMonthlyUsageUsd: 5, dataRetentionDays: 7}

// computeUnitPriceUsd is the price of a compute unit on the free plan.
const computeUnitPriceUsd = 0.3

func accountHandlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		"GET /v2/users/{userId}":         getPublicUser,
		"GET /v2/users/me/usage/monthly": getMonthlyUsage,
		"GET /v2/users/me/limits":        getLimits,
		"PUT /v2/users/me/limits":        updateLimits,
	}
}

// limits returns the account's limits. Callers hold Server.mu.
func (s *Server) limits() accountLimits {
	if !s.ops.limitsSet {
		return defaultLimits
	}
	return s.ops.limits
}

// GET /v2/users/{userId} — https://docs.apify.com/api/v2/user-get
// The server knows its own user and the owners of the Actors it holds.
func getPublicUser(c *call) error {
	ref := c.params["userId"]
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	known := ref == c.s.userID || ref == c.s.cfg.username
	name := c.s.cfg.username
	for _, a := range c.s.actors {
		if !known && a.username == ref {
			known, name = true, a.username
		}
	}
	if !known {
		return notFound("User", ref)
	}
	type profile struct {
		Name string `json:"name"`
	}
	writeData(c.w, http.StatusOK, struct {
		Username string  `json:"username"`
		Profile  profile `json:"profile"`
	}{name, profile{name}})
	return nil
}

// usageCycle returns the calendar month holding t, as the free plan's cycle.
func usageCycle(t time.Time) (start, end time.Time) {
	start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return start, start.AddDate(0, 1, 0).Add(-time.Millisecond)
}

// usageItem is the UsageItem schema.
type usageItem struct {
	Quantity                     float64 `json:"quantity"`
	BaseAmountUsd                float64 `json:"baseAmountUsd"`
	BaseUnitPriceUsd             float64 `json:"baseUnitPriceUsd"`
	AmountAfterVolumeDiscountUsd float64 `json:"amountAfterVolumeDiscountUsd"`
	PriceTiers                   []any   `json:"priceTiers"`
}

func computeUnits(cu float64) usageItem {
	usd := cu * computeUnitPriceUsd
	return usageItem{Quantity: cu, BaseAmountUsd: usd, BaseUnitPriceUsd: computeUnitPriceUsd, AmountAfterVolumeDiscountUsd: usd, PriceTiers: []any{}}
}

// computeUnitsByDay sums the compute units of the runs that started in
// [start, end], by day. Callers hold Server.mu.
func (s *Server) computeUnitsByDay(start, end time.Time) (map[time.Time]float64, float64) {
	days, total := map[time.Time]float64{}, 0.0
	for _, r := range s.runOrder {
		if r.startedAt.Before(start) || r.startedAt.After(end) {
			continue
		}
		cu := s.runJSON(r).Stats.ComputeUnits
		day := r.startedAt.UTC().Truncate(24 * time.Hour)
		days[day] += cu
		total += cu
	}
	return days, total
}

// GET /v2/users/me/usage/monthly — https://docs.apify.com/api/v2/users-me-usage-monthly-get
// Usage is the compute units of the runs that started in the cycle, priced
// as on the free plan; the cycle is the calendar month.
func getMonthlyUsage(c *call) error {
	at := c.s.now()
	if d := c.query.Get("date"); d != "" {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			return invalidParam("date", d, "use a date as YYYY-MM-DD")
		}
		at = t
	}
	start, end := usageCycle(at)
	c.s.mu.Lock()
	days, total := c.s.computeUnitsByDay(start, end)
	c.s.mu.Unlock()
	type daily struct {
		Date                 apiTime              `json:"date"`
		ServiceUsage         map[string]usageItem `json:"serviceUsage"`
		TotalUsageCreditsUsd float64              `json:"totalUsageCreditsUsd"`
	}
	daysOut := []daily{}
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		if cu, ok := days[d]; ok {
			daysOut = append(daysOut, daily{apiTime(d), map[string]usageItem{"ACTOR_COMPUTE_UNITS": computeUnits(cu)}, cu * computeUnitPriceUsd})
		}
	}
	writeData(c.w, http.StatusOK, struct {
		UsageCycle                               cycleJSON            `json:"usageCycle"`
		MonthlyServiceUsage                      map[string]usageItem `json:"monthlyServiceUsage"`
		DailyServiceUsages                       []daily              `json:"dailyServiceUsages"`
		TotalUsageCreditsUsdBeforeVolumeDiscount float64              `json:"totalUsageCreditsUsdBeforeVolumeDiscount"`
		TotalUsageCreditsUsdAfterVolumeDiscount  float64              `json:"totalUsageCreditsUsdAfterVolumeDiscount"`
	}{cycleJSON{apiTime(start), apiTime(end)}, map[string]usageItem{"ACTOR_COMPUTE_UNITS": computeUnits(total)}, daysOut,
		total * computeUnitPriceUsd, total * computeUnitPriceUsd})
	return nil
}

// cycleJSON is the UsageCycle schema.
type cycleJSON struct {
	StartAt apiTime `json:"startAt"`
	EndAt   apiTime `json:"endAt"`
}

// GET /v2/users/me/limits — https://docs.apify.com/api/v2/users-me-limits-get
func getLimits(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	lim := c.s.limits()
	start, end := usageCycle(c.s.now())
	_, cu := c.s.computeUnitsByDay(start, end)
	active, memMB := 0, int64(0)
	for _, r := range c.s.runOrder {
		if !r.finished() {
			active++
			memMB += r.opts.memoryMbytes
		}
	}
	for _, b := range c.s.ops.buildOrder {
		if !terminal(b.status) {
			active++
		}
	}
	writeData(c.w, http.StatusOK, map[string]any{
		"monthlyUsageCycle": cycleJSON{apiTime(start), apiTime(end)},
		"limits": map[string]any{
			"maxMonthlyUsageUsd": lim.maxMonthlyUsageUsd, "maxMonthlyActorComputeUnits": lim.maxMonthlyUsageUsd / computeUnitPriceUsd,
			"maxMonthlyExternalDataTransferGbytes": 20, "maxMonthlyProxySerps": 0, "maxMonthlyResidentialProxyGbytes": 0,
			"maxActorMemoryGbytes": 8, "maxActorCount": 100, "maxActorTaskCount": 1000, "maxConcurrentActorJobs": 25,
			"maxTeamAccountSeatCount": 0, "dataRetentionDays": lim.dataRetentionDays, "maxScheduleCount": 100,
		},
		"current": map[string]any{
			"monthlyUsageUsd": cu * computeUnitPriceUsd, "monthlyActorComputeUnits": cu,
			"monthlyExternalDataTransferGbytes": 0, "monthlyProxySerps": 0, "monthlyResidentialProxyGbytes": 0,
			"actorMemoryGbytes": float64(memMB) / 1024, "actorCount": len(c.s.actors), "actorTaskCount": len(c.s.tasks),
			"activeActorJobCount": active, "teamAccountSeatCount": 0, "scheduleCount": len(c.s.ops.schedules),
		},
	})
	return nil
}

// PUT /v2/users/me/limits — https://docs.apify.com/api/v2/users-me-limits-put
func updateLimits(c *call) error {
	var body struct {
		MaxMonthlyUsageUsd *float64 `json:"maxMonthlyUsageUsd"`
		DataRetentionDays  *int     `json:"dataRetentionDays"`
	}
	if err := c.decodeJSONBody(&body, "the new limits (maxMonthlyUsageUsd, dataRetentionDays)"); err != nil {
		return err
	}
	if body.MaxMonthlyUsageUsd != nil && *body.MaxMonthlyUsageUsd < 0 {
		return errorf(http.StatusBadRequest, "invalid-input", "maxMonthlyUsageUsd must not be negative")
	}
	if body.DataRetentionDays != nil && *body.DataRetentionDays < 1 {
		return errorf(http.StatusBadRequest, "invalid-input", "dataRetentionDays must be at least 1")
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	lim := c.s.limits()
	if body.MaxMonthlyUsageUsd != nil {
		lim.maxMonthlyUsageUsd = *body.MaxMonthlyUsageUsd
	}
	if body.DataRetentionDays != nil {
		lim.dataRetentionDays = *body.DataRetentionDays
	}
	c.s.ops.limits, c.s.ops.limitsSet = lim, true
	writeJSON(c.w, http.StatusCreated, struct{}{})
	return nil
}
