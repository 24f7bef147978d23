// Command apifytest serves the fake Apify API of package
// github.com/apifygo/apify/wrapper/apifytest on an address, so that programs
// in any language (the official JavaScript and Python clients, the Apify
// SDKs and crawlers, the Apify CLI) can run against it:
//
//	go run github.com/apifygo/apify/wrapper/apifytest/cmd/apifytest -addr 127.0.0.1:8787 -seed seed.json
//
// It prints the base URL and token, then the environment variables for a
// client or an Actor, and serves until SIGINT or SIGTERM, when it shuts down
// cleanly (running Actor functions are aborted, open requests finish).
//
// # Clients
//
// Point a client at the printed URL: for the JavaScript client,
// new ApifyClient({ baseUrl: URL, publicBaseUrl: URL, token: TOKEN }) (the
// public base URL is where signed and public URLs point); for the SDKs and
// crawlers, APIFY_API_BASE_URL=URL and APIFY_TOKEN=TOKEN in the environment.
// The Apify CLI reads APIFY_CLIENT_BASE_URL=URL and takes the token with
// `apify login -t TOKEN` (then `apify call`, `apify datasets`,
// `apify key-value-stores`, `apify runs` work against the fake). The command
// prints all three variables, so `eval` of its export lines sets them.
//
// # Actors written with an SDK
//
// With -actor-env the command starts a run of a built-in Actor named
// "local-actor", which stays RUNNING until the command stops, and prints the
// environment of that run as the platform would set it. An Actor started
// with those variables runs "on the platform" against the fake: Actor.init()
// and Actor.getInput() read the run's INPUT record (-input), pushData writes
// to the run's default dataset, the request queue is the run's, and
// Actor.setStatusMessage updates the run:
//
//	APIFY_IS_AT_HOME=1                 run as on the platform (the SDK talks to the API)
//	APIFY_API_BASE_URL, APIFY_API_PUBLIC_BASE_URL   the fake's URL
//	APIFY_TOKEN                        the fake's token
//	ACTOR_ID, ACTOR_RUN_ID             the Actor and its run
//	ACTOR_DEFAULT_DATASET_ID, ACTOR_DEFAULT_KEY_VALUE_STORE_ID, ACTOR_DEFAULT_REQUEST_QUEUE_ID
//	ACTOR_INPUT_KEY                    INPUT
//	APIFY_USER_ID                      the fake's user
//
// (The SDK also reads the older APIFY_-prefixed names; the command prints
// both.) There is no platform events websocket: the SDK then logs that it
// runs without platform events.
//
// # Seed file
//
// -seed names a JSON file of storages, Actors and tasks to create at start:
//
//	{
//	  "datasets": [{"name": "products", "items": [{"sku": "A1"}]}],
//	  "keyValueStores": [{"name": "state", "records": [
//	    {"key": "config", "value": {"depth": 2}},
//	    {"key": "note", "text": "hello", "contentType": "text/plain"}]}],
//	  "requestQueues": [{"name": "crawl"}],
//	  "actors": [{"name": "scraper", "items": [{"sku": "P1"}], "output": {"ok": true},
//	              "log": ["scraping"], "echoInput": true, "durationSecs": 1}],
//	  "tasks": [{"actor": "scraper", "name": "nightly", "input": {"count": 3}}]
//	}
//
// A seeded Actor's run logs its lines, pushes its items (and its input, with
// echoInput), stores output as its OUTPUT record, takes durationSecs, and then
// succeeds, or fails with the message in "fail".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, nil)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "apifytest:", err)
		os.Exit(1)
	}
}

// config is what the command line says.
type config struct {
	addr, token, username, seedPath, input string
	actorEnv, verbose                      bool
	idSeed                                 uint64
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("apifytest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8787", "address to listen on (host:port; port 0 picks a free one)")
	fs.StringVar(&c.token, "token", "apifytest-token", "the API token the server accepts")
	fs.StringVar(&c.username, "username", "apifytest", "the username of the server's user")
	fs.StringVar(&c.seedPath, "seed", "", "a JSON file of datasets, key-value stores, request queues, Actors and tasks to create (see go doc)")
	fs.BoolVar(&c.actorEnv, "actor-env", false, "start a run of the built-in Actor local-actor and print its environment, for an SDK Actor to run against the fake")
	fs.StringVar(&c.input, "input", "", "with -actor-env: a JSON file to store as the run's INPUT record")
	fs.BoolVar(&c.verbose, "v", false, "log every request (method, path, status, Content-Encoding) to standard error")
	fs.Uint64Var(&c.idSeed, "id-seed", 1, "seed of the generated resource IDs")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q; see -help", fs.Args())
	}
	if c.input != "" && !c.actorEnv {
		return c, errors.New("-input needs -actor-env")
	}
	return c, nil
}
