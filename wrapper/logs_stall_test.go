package apify

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"
)

// Item 7: a log stream that stalls after its run finished ends: the idle
// timer checks the run's status and the finished log is read once more.
func TestFollowLogStalledStreamOfFinishedRunEnds(t *testing.T) {
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch r.URL.Path {
		case "/v2/actor-runs/r1/log", "/v2/logs/r1":
			if r.URL.Query().Get("stream") == "" {
				_, _ = w.Write([]byte("line1\nline2\n"))
				return
			}
			_, _ = w.Write([]byte("line1\n"))
			w.(http.Flusher).Flush()
			<-r.Context().Done() // stalls: neither data nor an end
		default:
			writeData(w, 200, runJSON("r1", "SUCCEEDED"))
		}
	})
	idle := &coreTimers{}
	c := api.client(t, nil, withIdleTimer(idle.newTimer))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // a guard: the fix never waits for it
	defer cancel()
	var out bytes.Buffer
	err := c.Run("r1").Log().Follow(ctx, &out, &LogOptions{IdleTimeout: 45 * time.Second})
	if err != nil || out.String() != "line1\nline2\n" {
		t.Fatalf("Follow: %q, %v; want the whole log and no error", out.String(), err)
	}
	if d := idle.recorded(); len(d) == 0 || d[0] != 45*time.Second {
		t.Errorf("idle waits %v, want 45s periods", d)
	}
	if err := c.Run("r1").Log().Follow(ctx, &out, &LogOptions{IdleTimeout: -1}); err == nil {
		t.Error("a negative IdleTimeout was accepted")
	}
}

// Item 7: a stream that keeps trickling after its run finished ends too.
func TestFollowLogTricklingStreamOfFinishedRunEnds(t *testing.T) {
	full := bytes.Repeat([]byte("abcdefghij\n"), 200)
	api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		switch r.URL.Path {
		case "/v2/actor-runs/r1/log":
			if r.URL.Query().Get("stream") == "" {
				_, _ = w.Write(full)
				return
			}
			for i := 0; ; i = (i + 1) % len(full) {
				if _, err := w.Write(full[i : i+1]); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(time.Millisecond):
				}
			}
		default:
			writeData(w, 200, runJSON("r1", "SUCCEEDED"))
		}
	})
	c := api.client(t, nil, withIdleTimer((&coreTimers{}).newTimer))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // a guard
	defer cancel()
	var out bytes.Buffer
	if err := c.Run("r1").Log().Follow(ctx, &out, nil); err != nil {
		t.Fatalf("Follow: %v after %d bytes", err, out.Len())
	}
	if !bytes.HasPrefix(full, out.Bytes()) && !bytes.Equal(out.Bytes(), full) {
		t.Errorf("wrote %d bytes that are not the log", out.Len())
	}
}
