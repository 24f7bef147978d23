package apify

import (
	"context"
	"errors"
)

// Update changes the run's status message or general access and returns
// the run. A last run ([ActorClient.LastRun]) is looked up first.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-put
func (rc *RunClient) Update(ctx context.Context, change *RunUpdate) (*Run, error) {
	run, err := rc.byID(ctx)
	if err != nil {
		return nil, err
	}
	return update[Run](ctx, run.r, "RunUpdate", change)
}

// StatusMessageOptions tune [RunClient.SetStatusMessage].
type StatusMessageOptions struct {
	// Terminal marks the message as the run's last: the platform keeps it
	// after the run finishes instead of replacing it with the final status.
	Terminal bool
}

// SetStatusMessage sets the message shown with the run's status in Console
// and the API (statusMessage), and returns the run. An Actor usually sets
// its own, with the run ID from the ACTOR_RUN_ID environment variable:
//
//	_, err := client.Run(os.Getenv("ACTOR_RUN_ID")).SetStatusMessage(ctx, "Crawled 120 of 500 pages", nil)
//
// opts may be nil.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-put
func (rc *RunClient) SetStatusMessage(ctx context.Context, message string, opts *StatusMessageOptions) (*Run, error) {
	if message == "" {
		return nil, errors.New("apify: SetStatusMessage: the message is empty")
	}
	change := &RunUpdate{StatusMessage: &message}
	if opts != nil && opts.Terminal {
		change.IsStatusMessageTerminal = &opts.Terminal
	}
	return rc.Update(ctx, change)
}

// Delete deletes the run, which must have finished. A last run is looked
// up first.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-delete
func (rc *RunClient) Delete(ctx context.Context) error {
	run, err := rc.byID(ctx)
	if err != nil {
		return err
	}
	return run.r.delete(ctx)
}
