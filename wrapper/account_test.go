package apify

import (
	"context"
	"testing"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

func TestAccountUsageAndLimits(t *testing.T) {
	srv := apifytest.NewServer(t)
	addActor(t, srv, "job", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	if _, err := c.Actor(srv.Username()+"/job").Call(ctx, nil, nil); err != nil {
		t.Fatal(err)
	}
	me := c.User("me")

	usage, err := me.MonthlyUsage(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if usage.UsageCycle.StartAt.IsZero() || !usage.UsageCycle.EndAt.After(usage.UsageCycle.StartAt) {
		t.Errorf("usage cycle %v..%v", usage.UsageCycle.StartAt, usage.UsageCycle.EndAt)
	}
	day := usage.UsageCycle.StartAt.Add(24 * time.Hour)
	if _, err := me.MonthlyUsage(ctx, &MonthlyUsageOptions{Date: day}); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	if _, err := me.MonthlyUsage(ctx, &MonthlyUsageOptions{Date: day}); err != nil {
		t.Fatal(err)
	}
	if reqs := srv.Requests(); len(reqs) != 1 || reqs[0].Query.Get("date") != day.Format(time.DateOnly) {
		t.Errorf("MonthlyUsage with a date sent %+v", reqs)
	}

	limits, err := me.Limits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	max := 42.0
	days := 30
	if err := me.UpdateLimits(ctx, &LimitsUpdate{MaxMonthlyUsageUsd: &max, DataRetentionDays: &days}); err != nil {
		t.Fatal(err)
	}
	after, err := me.Limits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Limits.MaxMonthlyUsageUsd != 42 || after.Limits.DataRetentionDays != 30 {
		t.Errorf("limits after UpdateLimits: %+v (before %+v)", after.Limits, limits.Limits)
	}
	if err := me.UpdateLimits(ctx, nil); err == nil {
		t.Error("UpdateLimits(nil): nil error")
	}

	other := c.User("someone")
	if _, err := other.Limits(ctx); err == nil {
		t.Error("Limits of another user: nil error")
	}
	if _, err := other.MonthlyUsage(ctx, nil); err == nil {
		t.Error("MonthlyUsage of another user: nil error")
	}
}

func TestStoreList(t *testing.T) {
	srv := apifytest.NewServer(t)
	for _, a := range []apifytest.StoreActor{
		{Username: "apify", Name: "web-scraper", Title: "Web Scraper", Categories: []string{"DEVELOPER_TOOLS"}, TotalUsers: 90},
		{Username: "jane", Name: "shop-scraper", Title: "Shop Scraper", Categories: []string{"ECOMMERCE"}, PricingModel: "PAY_PER_EVENT", TotalUsers: 10},
		{Username: "jane", Name: "news-feed", Title: "News feed", Categories: []string{"NEWS"}, TotalUsers: 5},
	} {
		if _, err := srv.AddStoreActor(a); err != nil {
			t.Fatal(err)
		}
	}
	c := fakeClient(t, srv, nil)
	ctx := testCtx(t)
	var names []string
	for a, err := range c.Store().List(ctx, &StoreListOptions{Search: "scraper", Username: "jane"}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, a.Username+"/"+a.Name)
	}
	if len(names) != 1 || names[0] != "jane/shop-scraper" {
		t.Errorf("store search = %v, want jane/shop-scraper", names)
	}
	n := 0
	for _, err := range c.Store().List(ctx, &StoreListOptions{ListOptions: ListOptions{Limit: 2, PageSize: 1}}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Errorf("store list with Limit 2 yielded %d", n)
	}
}
