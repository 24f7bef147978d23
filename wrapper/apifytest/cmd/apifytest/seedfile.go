package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/apifygo/apify/wrapper/apifytest"
)

// seedFile is the format of the -seed file.
type seedFile struct {
	Datasets []struct {
		Name  string            `json:"name"`
		Items []json.RawMessage `json:"items"`
	} `json:"datasets"`
	KeyValueStores []struct {
		Name    string `json:"name"`
		Records []struct {
			Key string `json:"key"`
			// Value is stored as JSON; Text as text. One of them is set.
			Value       json.RawMessage `json:"value"`
			Text        *string         `json:"text"`
			ContentType string          `json:"contentType"`
		} `json:"records"`
	} `json:"keyValueStores"`
	RequestQueues []struct {
		Name string `json:"name"`
	} `json:"requestQueues"`
	Actors []seedActor `json:"actors"`
	Tasks  []struct {
		Actor string          `json:"actor"`
		Name  string          `json:"name"`
		Input json.RawMessage `json:"input"`
	} `json:"tasks"`
}

// seedActor is an Actor of the seed file: what each of its runs does.
type seedActor struct {
	Name         string            `json:"name"`
	Items        []json.RawMessage `json:"items"`
	Output       json.RawMessage   `json:"output"`
	Log          []string          `json:"log"`
	EchoInput    bool              `json:"echoInput"`
	DurationSecs float64           `json:"durationSecs"`
	Fail         string            `json:"fail"`
}

// seedFromFile creates what the file at path describes.
func seedFromFile(srv *apifytest.Server, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("-seed: %w", err)
	}
	var f seedFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("-seed %s: %w (see go doc github.com/apifygo/apify/wrapper/apifytest/cmd/apifytest for the format)", path, err)
	}
	for _, d := range f.Datasets {
		items := make([]any, len(d.Items))
		for i, it := range d.Items {
			items[i] = it
		}
		if _, err := srv.AddDataset(d.Name, items...); err != nil {
			return fmt.Errorf("-seed: dataset %q: %w", d.Name, err)
		}
	}
	for _, k := range f.KeyValueStores {
		id, err := srv.AddKeyValueStore(k.Name)
		if err != nil {
			return fmt.Errorf("-seed: key-value store %q: %w", k.Name, err)
		}
		for _, r := range k.Records {
			value, ct := []byte(r.Value), r.ContentType
			switch {
			case r.Text != nil && len(r.Value) > 0:
				return fmt.Errorf("-seed: record %q of store %q has both value and text", r.Key, k.Name)
			case r.Text != nil:
				value = []byte(*r.Text)
				if ct == "" {
					ct = "text/plain; charset=utf-8"
				}
			case ct == "":
				ct = "application/json; charset=utf-8"
			}
			if err := srv.SetRecord(id, r.Key, value, ct); err != nil {
				return fmt.Errorf("-seed: store %q: %w", k.Name, err)
			}
		}
	}
	for _, q := range f.RequestQueues {
		if _, err := srv.AddRequestQueue(q.Name); err != nil {
			return fmt.Errorf("-seed: request queue %q: %w", q.Name, err)
		}
	}
	for _, a := range f.Actors {
		if a.DurationSecs < 0 {
			return fmt.Errorf("-seed: Actor %q: negative durationSecs", a.Name)
		}
		if _, err := srv.AddActor(a.Name, a.run); err != nil {
			return fmt.Errorf("-seed: %w", err)
		}
	}
	for _, t := range f.Tasks {
		var input any
		if len(t.Input) > 0 {
			input = t.Input
		}
		if _, err := srv.AddTask(t.Actor, t.Name, input); err != nil {
			return fmt.Errorf("-seed: task %q: %w", t.Name, err)
		}
	}
	return nil
}

// run is the ActorFunc of a seeded Actor.
func (a seedActor) run(ctx context.Context, run *apifytest.ActorRun) error {
	for _, line := range a.Log {
		run.Logf("%s", line)
	}
	for _, it := range a.Items {
		if err := run.PushItems(it); err != nil {
			return err
		}
	}
	if in := run.Input(); a.EchoInput && len(in) > 0 {
		if err := run.PushItems(json.RawMessage(in)); err != nil {
			return err
		}
	}
	if len(a.Output) > 0 {
		if err := run.SetOutput(a.Output); err != nil {
			return err
		}
	}
	if a.DurationSecs > 0 {
		select {
		case <-time.After(time.Duration(a.DurationSecs * float64(time.Second))):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if a.Fail != "" {
		return fmt.Errorf("%s", a.Fail)
	}
	return nil
}
