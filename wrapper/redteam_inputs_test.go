package apify

import (
	"strings"
	"testing"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// Red team: careless inputs to the write helpers get an error or a clean
// no-op, never a panic or a hang.
func TestRedteamCarelessWrites(t *testing.T) {
	srv := apifytest.NewServer(t)
	c := fakeClient(t, srv, nil)
	ds, err := srv.AddDataset("d")
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)
	calls := map[string]func() error{
		"PushItems nil slice": func() error { _, err := PushItems[map[string]any](ctx, c.Dataset(ds), nil, nil); return err },
		"PushItems unmarshalable": func() error {
			_, err := PushItems(ctx, c.Dataset(ds), []any{make(chan int)}, nil)
			if err == nil {
				t.Error("unmarshalable item: no error")
			}
			return nil
		},
		"PushItems one item over the batch bound": func() error {
			_, err := PushItems(ctx, c.Dataset(ds), []map[string]string{{"x": strings.Repeat("y", 10<<20)}}, nil)
			if err == nil {
				t.Error("10 MiB item: no error")
			}
			return nil
		},
		"PushItems nil dataset": func() error {
			_, err := PushItems(ctx, nil, []int{1}, nil)
			if err == nil {
				t.Error("nil dataset: no error")
			}
			return nil
		},
		"AddRequests nil": func() error { _, err := c.RequestQueue("q", nil).AddRequests(ctx, nil, nil); _ = err; return nil },
		"AddRequests empty URL": func() error {
			_, err := c.RequestQueue("q", nil).AddRequests(ctx, []QueueRequest{{}}, nil)
			_ = err
			return nil
		},
		"SetRecord nil reader": func() error {
			err := c.KeyValueStore("k").SetRecord(ctx, "a", nil, "text/plain")
			_ = err
			return nil
		},
		"GetRecordJSON nil store": func() error {
			_, err := GetRecordJSON[map[string]any](ctx, nil, "k")
			if err == nil {
				t.Error("nil store: no error")
			}
			return nil
		},
		"Items nil dataset": func() error {
			if firstErr(Items[int](ctx, nil, nil)) == nil {
				t.Error("nil dataset: no error")
			}
			return nil
		},
		"RunSyncItems nil": func() error {
			if firstErr(RunSyncItems[int](ctx, nil, nil, nil)) == nil {
				t.Error("nil target: no error")
			}
			return nil
		},
	}
	for name, call := range calls {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s panicked: %v", name, p)
				}
			}()
			_ = call()
		}()
	}
}
