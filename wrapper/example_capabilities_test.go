package apify_test

import (
	"context"
	"fmt"
	"log"

	apify "github.com/apifygo/apify/wrapper"
)

func ExampleActorClient_Build() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()

	build, err := client.Actor("jane/product-scraper").Build(ctx, "0.0", &apify.BuildOptions{Tag: "beta"})
	if err != nil {
		log.Fatal(err)
	}
	build, err = client.Build(build.ID).Wait(ctx, nil) // waits as long as ctx allows
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("build", build.Status)
	// Output: build SUCCEEDED
}

func ExampleScheduleCollectionClient_Create() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()
	actor, err := client.Actor("jane/product-scraper").Get(ctx)
	if err != nil {
		log.Fatal(err)
	}

	action, err := apify.RunActorAction(actor.ID, map[string]any{"limit": 2})
	if err != nil {
		log.Fatal(err)
	}
	sched, err := client.Schedules().Create(ctx, &apify.ScheduleCreate{
		Name:           apify.Value("nightly-products"),
		CronExpression: apify.Value("0 3 * * *"),
		Timezone:       apify.Value("UTC"),
		IsEnabled:      apify.Value(true),
		Actions:        apify.ScheduleActions(action),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sched.Name, sched.CronExpression, sched.IsEnabled)

	sched, err = client.Schedule(sched.ID).Update(ctx, &apify.ScheduleUpdate{IsEnabled: apify.Value(false)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("enabled:", sched.IsEnabled)
	// Output:
	// nightly-products 0 3 * * * true
	// enabled: false
}

func ExampleWebhookCollectionClient_Create() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()
	actor, err := client.Actor("jane/product-scraper").Get(ctx)
	if err != nil {
		log.Fatal(err)
	}

	hook, err := client.Webhooks().Create(ctx, &apify.WebhookCreate{
		EventTypes: []apify.WebhookEventType{apify.EventRunSucceeded, apify.EventRunFailed},
		Condition:  apify.WebhookCondition{ActorID: apify.Value(actor.ID)},
		RequestURL: "https://example.com/apify-hook",
		// With a key the API creates the webhook once however often the
		// request is sent, so the client retries it after any failure.
		IdempotencyKey: apify.Value("product-hook-v1"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(hook.EventTypes)
	// Output: [ACTOR.RUN.SUCCEEDED ACTOR.RUN.FAILED]
}

func ExampleRunClient_SetStatusMessage() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()
	run, err := client.Actor("jane/product-scraper").Call(ctx, nil, nil)
	if err != nil {
		log.Fatal(err)
	}

	// Inside an Actor, the run ID is os.Getenv("ACTOR_RUN_ID").
	run, err = client.Run(run.ID).SetStatusMessage(ctx, "Scraped 3 products", &apify.StatusMessageOptions{Terminal: true})
	if err != nil {
		log.Fatal(err)
	}
	msg, _ := run.StatusMessage.Get()
	fmt.Println(msg)
	// Output: Scraped 3 products
}

func ExampleRequestQueueClient_UpdateRequest() {
	srv, client := startExampleAPI()
	defer srv.Close()
	ctx := context.Background()
	q, err := client.RequestQueues().GetOrCreate(ctx, "pages")
	if err != nil {
		log.Fatal(err)
	}
	queue := client.RequestQueue(q.ID)
	if _, err := queue.AddRequests(ctx, []apify.QueueRequest{{URL: "https://example.com/a"}, {URL: "https://example.com/b"}}, nil); err != nil {
		log.Fatal(err)
	}

	head, err := queue.ListHead(ctx, &apify.ListHeadOptions{Limit: 1}) // a look, no locks
	if err != nil {
		log.Fatal(err)
	}
	req, err := queue.GetRequest(ctx, head.Items[0].ID)
	if err != nil {
		log.Fatal(err)
	}
	req.HandledAt = apify.Value(srv.Clock().Now()) // mark it handled
	if _, err := queue.UpdateRequest(ctx, req, nil); err != nil {
		log.Fatal(err)
	}
	head, err = queue.ListHead(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(head.Items), head.Items[0].URL)
	// Output: 1 https://example.com/b
}
