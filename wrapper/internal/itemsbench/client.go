package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"syscall"
	"time"

	apify "github.com/apifygo/apify/wrapper"
)

// result is what one client process reports to the driver.
type result struct {
	Items   int     `json:"items"`
	Seconds float64 `json:"seconds"`
	MaxRSS  int64   `json:"maxRSSBytes"`
	Check   int64   `json:"check"` // a sum over the items, so none is skipped
}

// runClient reads dataset d<n> from baseURL in the given mode and reports.
func runClient(mode, baseURL string, n, prefetch int) (result, error) {
	ctx := context.Background()
	datasetID := "d" + strconv.Itoa(n)
	var r result
	start := time.Now()
	switch mode {
	case "typed", "raw":
		c, err := apify.NewClient(apify.WithBaseURL(baseURL), apify.WithToken("bench-token"))
		if err != nil {
			return r, err
		}
		opts := &apify.ItemsOptions{Prefetch: prefetch}
		if mode == "typed" {
			for it, err := range apify.Items[Item](ctx, c.Dataset(datasetID), opts) {
				if err != nil {
					return r, err
				}
				r.Items++
				r.Check += int64(it.ID) + int64(len(it.Reviews))
			}
		} else {
			for raw, err := range apify.Items[json.RawMessage](ctx, c.Dataset(datasetID), opts) {
				if err != nil {
					return r, err
				}
				r.Items++
				r.Check += int64(len(raw))
			}
		}
	case "plain":
		var err error
		r.Items, r.Check, err = plainLoop(ctx, baseURL, datasetID)
		if err != nil {
			return r, err
		}
	default:
		return r, fmt.Errorf("unknown mode %q", mode)
	}
	r.Seconds = time.Since(start).Seconds()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		r.MaxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	return r, nil
}

// plainLoop is what a user writes without the iterator: GET a page,
// stream-decode it with encoding/json into T, advance by the Count header,
// one page at a time.
func plainLoop(ctx context.Context, baseURL, datasetID string) (int, int64, error) {
	const pageSize = 1000
	client := &http.Client{}
	items, check, offset := 0, int64(0), 0
	for {
		url := fmt.Sprintf("%s/v2/datasets/%s/items?format=json&offset=%d&limit=%d", baseURL, datasetID, offset, pageSize)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return items, check, err
		}
		req.Header.Set("Authorization", "Bearer bench-token")
		resp, err := client.Do(req)
		if err != nil {
			return items, check, err
		}
		count, err := strconv.Atoi(resp.Header.Get("X-Apify-Pagination-Count"))
		if err != nil {
			resp.Body.Close()
			return items, check, fmt.Errorf("count header: %w", err)
		}
		dec := json.NewDecoder(resp.Body)
		if _, err := dec.Token(); err != nil { // [
			resp.Body.Close()
			return items, check, err
		}
		for dec.More() {
			var it Item
			if err := dec.Decode(&it); err != nil {
				resp.Body.Close()
				return items, check, err
			}
			items++
			check += int64(it.ID) + int64(len(it.Reviews))
		}
		resp.Body.Close()
		if count == 0 {
			return items, check, nil
		}
		offset += count
	}
}
