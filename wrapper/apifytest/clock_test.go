package apifytest

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestFakeClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := NewFakeClock(start)
	var mu sync.Mutex
	var fired []string
	var wg sync.WaitGroup
	add := func(name string, d time.Duration) func() bool {
		wg.Add(1)
		return c.AfterFunc(d, func() {
			defer wg.Done()
			mu.Lock()
			fired = append(fired, name)
			mu.Unlock()
		})
	}
	add("b", 2*time.Second)
	stopA := add("a", time.Second)
	add("c", 3*time.Second)
	if !stopA() {
		t.Error("stopping a pending timer reported false")
	}
	wg.Done() // a will not fire
	if stopA() {
		t.Error("stopping twice reported true")
	}
	if n := c.Timers(); n != 2 {
		t.Errorf("%d timers, want 2", n)
	}
	c.Advance(2 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if c.Timers() != 1 || !c.Now().Equal(start.Add(2*time.Second)) {
		t.Errorf("after 2s: %d timers, now %v", c.Timers(), c.Now())
	}
	c.Set(start) // never backwards
	if !c.Now().Equal(start.Add(2 * time.Second)) {
		t.Errorf("Set moved the clock back to %v", c.Now())
	}
	c.Advance(time.Hour)
	wg.Wait()
	mu.Lock()
	if len(fired) != 2 {
		t.Errorf("fired %v", fired)
	}
	mu.Unlock()
	if !c.WaitForTimers(ctx, 0) {
		t.Error("WaitForTimers(0) blocked")
	}
	short, cancelShort := context.WithCancel(ctx)
	cancelShort()
	if c.WaitForTimers(short, 1) {
		t.Error("WaitForTimers found a timer that is not there")
	}
	if !sleep(ctx, c, 0) {
		t.Error("sleep(0) did not return at once")
	}
}

// TestFakeClockAdvanceReturnsAfterTheDueFunctions: what a due timer did is
// visible as soon as Advance returns; timers not yet due have not run.
func TestFakeClockAdvanceReturnsAfterTheDueFunctions(t *testing.T) {
	t.Parallel()
	c := NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	var fired []int
	for i := range 20 {
		c.AfterFunc(time.Duration(i+1)*time.Second, func() {
			mu.Lock()
			defer mu.Unlock()
			fired = append(fired, i)
		})
	}
	for _, step := range []struct {
		by   time.Duration
		want int
	}{{10 * time.Second, 10}, {0, 10}, {time.Hour, 20}} {
		c.Advance(step.by)
		mu.Lock()
		n := len(fired)
		mu.Unlock()
		if n != step.want {
			t.Fatalf("after Advance(%v): %d timers ran, want %d", step.by, n, step.want)
		}
	}
}
