package apify_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/apifyapi"
	"github.com/apifygo/apify/wrapper/apifytest"
)

func ExampleWithAttemptTimeout() {
	server := exampleCoreAPI()
	defer server.Close()
	client, err := apify.NewClient(apify.WithToken("my-token"), apify.WithBaseURL(server.URL))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// A quick look-up: an attempt that hangs is cut after 2 s and retried,
	// while other calls of the client keep its 360 s per attempt.
	quick := apify.WithAttemptTimeout(ctx, 2*time.Second)
	run, err := apify.Result(apifyapi.New(client).ActorRunGetWithResponse(quick, "HG7ML7M8z78YcAPEB", nil))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(run.Status)

	// A zero or negative duration is a mistake the call reports.
	_, err = apify.Result(apifyapi.New(client).ActorRunGetWithResponse(apify.WithAttemptTimeout(ctx, 0), "HG7ML7M8z78YcAPEB", nil))
	fmt.Println(err != nil && strings.Contains(err.Error(), "WithAttemptTimeout: 0s is not a positive duration"))
	// Output:
	// SUCCEEDED
	// true
}

func ExampleWithPublicBaseURL() {
	srv, err := apifytest.NewUnstartedServer() // in real code: the API inside an Actor
	if err != nil {
		log.Fatal(err)
	}
	srv.Start()
	defer srv.Close()
	storeID, err := srv.AddKeyValueStore("reports")
	if err != nil {
		log.Fatal(err)
	}

	// Requests go to the (possibly internal) base URL; the URLs handed out
	// start with the public one. Inside an Actor, WithBaseURLFromEnv() sets
	// both from APIFY_API_BASE_URL and APIFY_API_PUBLIC_BASE_URL.
	client, err := apify.NewClient(
		apify.WithToken(srv.Token()),
		apify.WithBaseURL(srv.URL()),
		apify.WithPublicBaseURL("https://api.apify.com"),
	)
	if err != nil {
		log.Fatal(err)
	}
	u, err := client.KeyValueStore(storeID).PublicRecordURL(context.Background(), "report.pdf")
	if err != nil {
		log.Fatal(err)
	}
	plain, _, _ := strings.Cut(u, "?") // signed when the store has a signing secret
	fmt.Println(strings.Replace(plain, storeID, "<storeID>", 1))
	// Output:
	// https://api.apify.com/v2/key-value-stores/<storeID>/records/report.pdf
}
