package apifytest

import "net/http"

// platformFeature is the EffectivePlatformFeature schema.
type platformFeature struct {
	IsEnabled          bool    `json:"isEnabled"`
	DisabledReason     *string `json:"disabledReason"`
	DisabledReasonType *string `json:"disabledReasonType"`
	IsTrial            bool    `json:"isTrial"`
	TrialExpirationAt  *string `json:"trialExpirationAt"`
}

var platformFeatures = []string{"ACTORS", "STORAGE", "SCHEDULER", "PROXY", "PROXY_EXTERNAL_ACCESS",
	"PROXY_RESIDENTIAL", "PROXY_SERPS", "WEBHOOKS", "ACTORS_PUBLIC_ALL", "ACTORS_PUBLIC_DEVELOPER"}

// GET /v2/users/me — https://docs.apify.com/api/v2/users-me-get
func getMe(c *call) error {
	features := map[string]platformFeature{}
	for _, f := range platformFeatures {
		features[f] = platformFeature{IsEnabled: true}
	}
	type plan struct {
		ID                   string         `json:"id"`
		AvailableProxyGroups map[string]int `json:"availableProxyGroups"`
	}
	writeData(c.w, http.StatusOK, struct {
		ID                        string                     `json:"id"`
		Username                  string                     `json:"username"`
		Email                     string                     `json:"email"`
		Plan                      plan                       `json:"plan"`
		EffectivePlatformFeatures map[string]platformFeature `json:"effectivePlatformFeatures"`
		IsPaying                  bool                       `json:"isPaying"`
	}{
		ID: c.s.userID, Username: c.s.cfg.username, Email: c.s.cfg.username + "@example.com",
		Plan:                      plan{ID: "FREE", AvailableProxyGroups: map[string]int{}},
		EffectivePlatformFeatures: features,
	})
	return nil
}
