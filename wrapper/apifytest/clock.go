package apifytest

import (
	"context"
	"sort"
	"sync"
	"time"
)

// Clock is the time source of a Server: timestamps, waitForFinish and run-sync
// waits, run timeouts, request-lock expiry and injected delays all use it.
// The default is the real clock; a test that must not wait passes a FakeClock
// to WithClock.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// AfterFunc calls f in its own goroutine once d has elapsed, unless stop
	// is called first. stop reports whether it prevented the call.
	AfterFunc(d time.Duration, f func()) (stop func() bool)
}

// realClock is the wall clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}

// sleep waits for d on c, or until ctx is done; it reports whether d elapsed.
func sleep(ctx context.Context, c Clock, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	done := make(chan struct{})
	stop := c.AfterFunc(d, func() { close(done) })
	defer stop()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// FakeClock is a Clock that moves only when told to: the timers that become
// due during Advance or Set are started, each in its own goroutine, in
// deadline order, and Advance and Set return once they have all returned. So
// after clock.Advance(time.Hour) a schedule due in that hour has started its
// runs and a run past its timeout is TIMED-OUT: a test reads the result at
// once, without polling. (A function given to AfterFunc must therefore not
// wait for the goroutine that moves the clock.) It is safe for concurrent
// use.
type FakeClock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*fakeTimer
	changed chan struct{} // closed and replaced whenever timers change
}

type fakeTimer struct {
	at time.Time
	f  func()
}

// NewFakeClock returns a FakeClock reading start.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{now: start, changed: make(chan struct{})}
}

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// AfterFunc arranges for f to run once the clock has advanced by d.
// A non-positive d runs f at once, in its own goroutine.
func (c *FakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	if d <= 0 {
		go f()
		return func() bool { return false }
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	c.notifyLocked()
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, x := range c.timers {
			if x == t {
				c.timers = append(c.timers[:i], c.timers[i+1:]...)
				c.notifyLocked()
				return true
			}
		}
		return false
	}
}

// Advance moves the clock forward by d and runs the timers that became due;
// it returns once their functions have returned.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	to := c.now.Add(d)
	c.mu.Unlock()
	c.Set(to)
}

// Set moves the clock to t (never backwards) and runs the timers that became
// due, each in its own goroutine, in deadline order; it returns once their
// functions have returned.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	if t.After(c.now) {
		c.now = t
	}
	var due []*fakeTimer
	keep := c.timers[:0]
	for _, x := range c.timers {
		if !x.at.After(c.now) {
			due = append(due, x)
		} else {
			keep = append(keep, x)
		}
	}
	c.timers = keep
	if len(due) > 0 {
		c.notifyLocked()
	}
	c.mu.Unlock()
	sort.SliceStable(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
	var wg sync.WaitGroup
	for _, x := range due {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x.f()
		}()
	}
	wg.Wait()
}

// Timers returns the number of pending timers: a test can wait for a server
// to start waiting (for example in waitForFinish) before it advances the clock.
func (c *FakeClock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// WaitForTimers blocks until at least n timers are pending or ctx is done, and
// reports whether the timers are there.
func (c *FakeClock) WaitForTimers(ctx context.Context, n int) bool {
	for {
		c.mu.Lock()
		have, changed := len(c.timers), c.changed
		c.mu.Unlock()
		if have >= n {
			return true
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return false
		}
	}
}

func (c *FakeClock) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}
