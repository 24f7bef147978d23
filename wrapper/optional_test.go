package apify_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/apifytest"
)

func TestOptionalFieldsEncodeAsTheAPIExpects(t *testing.T) {
	body, err := json.Marshal(apify.WebhookUpdate{
		Description: apify.Value("nightly"),
		IsAdHoc:     apify.Value(false),
		RequestURL:  apify.Null[string](),
	})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"description":"nightly","isAdHoc":false,"requestUrl":null}`
	if string(body) != want {
		t.Errorf("encoded %s, want %s (unset fields left out, Null sent as null)", body, want)
	}
	var unset apify.Nullable[string]
	if unset.IsSpecified() {
		t.Error("the zero Nullable is specified; want unset")
	}
	if got := *apify.Ptr("x"); got != "x" {
		t.Errorf("Ptr points to %q, want %q", got, "x")
	}
}

// A task with run settings is created with this package's names alone.
func TestTaskCreateWithOptionsNeedsNoGeneratedImport(t *testing.T) {
	srv := apifytest.NewServer(t, apifytest.WithUsername("jane"))
	actorID, _ := srv.AddActor("scraper", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	client, err := apify.NewClient(apify.WithToken(srv.Token()), apify.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = client.Tasks().Create(ctx, &apify.TaskCreate{
		ActID:   actorID,
		Name:    apify.Ptr("nightly"),
		Options: apify.Value(apify.TaskOptions{MemoryMbytes: apify.Value(512), Build: apify.Value("latest")}),
		Input:   apify.Value(apify.TaskInput{"maxPages": 10}),
	})
	if err != nil {
		t.Fatal(err)
	}
	task, err := client.Task("jane/nightly").Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := task.Options.Get()
	if err != nil {
		t.Fatalf("the task has no options: %v", err)
	}
	if mem, _ := opts.MemoryMbytes.Get(); mem != 512 {
		t.Errorf("task memory %d, want 512", mem)
	}
}

// A 401 says what to do: give the client a token, or check the one it has.
func TestUnauthorizedErrorSaysWhatToDo(t *testing.T) {
	srv := apifytest.NewServer(t)
	for _, tc := range []struct {
		opts []apify.Option
		want string
	}{
		{[]apify.Option{apify.WithBaseURL(srv.URL())}, "the client sends no API token"},
		{[]apify.Option{apify.WithBaseURL(srv.URL()), apify.WithToken("wrong-token")}, "check the client's API token"},
	} {
		client, err := apify.NewClient(tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.Dataset("products").Get(context.Background())
		if !errors.Is(err, apify.ErrUnauthorized) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got %v; want ErrUnauthorized saying %q", err, tc.want)
		}
	}
}

// An Actor with default run settings is created with this package's names alone.
func TestActorCreateWithDefaultRunOptionsNeedsNoGeneratedImport(t *testing.T) {
	srv := apifytest.NewServer(t, apifytest.WithUsername("jane"))
	client, err := apify.NewClient(apify.WithToken(srv.Token()), apify.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	actor, err := client.Actors().Create(context.Background(), &apify.ActorCreate{
		Name: apify.Value("limited"),
		DefaultRunOptions: &apify.ActorDefaultRunOptions{
			MemoryMbytes:         apify.Ptr(256),
			ForcePermissionLevel: apify.Value(apify.LimitedPermissions),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := actor.DefaultRunOptions.MemoryMbytes; got == nil || *got != 256 {
		t.Errorf("the Actor's default memory is %v, want 256", got)
	}
}
