package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/apifygo/apify/gen"
)

type (
	// MonthlyUsage is the account's usage in one usage cycle, by day and by
	// service (https://docs.apify.com/api/v2/users-me-usage-monthly-get).
	MonthlyUsage = gen.MonthlyUsage
	// AccountLimits are the account's limits and its current use of them
	// (https://docs.apify.com/api/v2/users-me-limits-get).
	AccountLimits = gen.AccountLimits
	// LimitsUpdate changes the limits an account may set itself
	// (https://docs.apify.com/api/v2/users-me-limits-put).
	LimitsUpdate = gen.UpdateLimitsRequest
)

// me checks that u is the token's own user: usage and limits are only
// served for "me".
func (u *UserClient) me(method string) error {
	if u.r.err == nil && u.r.path != "/v2/users/me" {
		return fmt.Errorf(`apify: %s: only the token's own user has it; use client.User("me")`, method)
	}
	return nil
}

// MonthlyUsageOptions tune [UserClient.MonthlyUsage].
type MonthlyUsageOptions struct {
	// Date is a day in the usage cycle wanted; zero means the current
	// cycle.
	Date time.Time
}

// MonthlyUsage returns the account's usage in the current usage cycle (or
// the one opts.Date falls in). Only the token's own user (client.User("me"))
// has it. opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/users-me-usage-monthly-get
func (u *UserClient) MonthlyUsage(ctx context.Context, opts *MonthlyUsageOptions) (*MonthlyUsage, error) {
	if err := u.me("MonthlyUsage"); err != nil {
		return nil, err
	}
	q := url.Values{}
	if opts != nil && !opts.Date.IsZero() {
		q.Set("date", opts.Date.Format(time.DateOnly))
	}
	return callResource[MonthlyUsage](ctx, u.r, http.MethodGet, "usage/monthly", q, nil, "")
}

// Limits returns the account's limits and its current use of them. Only
// the token's own user (client.User("me")) has them.
//
// Apify API docs: https://docs.apify.com/api/v2/users-me-limits-get
func (u *UserClient) Limits(ctx context.Context) (*AccountLimits, error) {
	if err := u.me("Limits"); err != nil {
		return nil, err
	}
	return callResource[AccountLimits](ctx, u.r, http.MethodGet, "limits", nil, nil, "")
}

// UpdateLimits changes the limits the account may set itself: the monthly
// usage hard limit and the data retention. Only the token's own user
// (client.User("me")) has them.
//
// Apify API docs: https://docs.apify.com/api/v2/users-me-limits-put
func (u *UserClient) UpdateLimits(ctx context.Context, change *LimitsUpdate) error {
	if err := u.me("UpdateLimits"); err != nil {
		return err
	}
	if change == nil {
		return errors.New("apify: UpdateLimits: the LimitsUpdate is nil")
	}
	body, err := json.Marshal(change)
	if err != nil {
		return fmt.Errorf("apify: UpdateLimits: encoding the LimitsUpdate: %w", err)
	}
	return u.r.sendDiscard(ctx, http.MethodPut, "limits", nil, bytes.NewReader(body), "application/json")
}
