// Command quickstart runs an Actor and reads its dataset with the apifygo
// client:
//
//	go run ./examples/quickstart
//
// Without APIFY_TOKEN it needs no account and no network: it starts the
// in-process fake API (package apifytest), registers a small Actor that
// "scrapes" product records into its dataset, calls it through the client
// and iterates the dataset. With APIFY_TOKEN set it runs a real Actor
// (apify/hello-world, or the one named by -actor) on api.apify.com the same
// way. It says which mode it is in.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"strings"
	"time"

	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/apifytest"
)

// Product is one record of the offline Actor's dataset.
type Product struct {
	SKU      string  `json:"sku"`
	Name     string  `json:"name"`
	Category string  `json:"category"`
	Price    float64 `json:"price"`
	InStock  bool    `json:"inStock"`
}

func main() {
	actor := flag.String("actor", "apify/hello-world", "Actor to run when APIFY_TOKEN is set (username/name or ID)")
	input := flag.String("input", "{}", "JSON input of the Actor run when APIFY_TOKEN is set")
	count := flag.Int("count", 300, "number of products the offline Actor scrapes")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var err error
	if os.Getenv(apify.EnvToken) == "" {
		err = runOffline(ctx, *count)
	} else {
		err = runLive(ctx, *actor, *input)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// runOffline runs the product Actor on the in-process fake API.
func runOffline(ctx context.Context, count int) error {
	if count < 0 {
		return fmt.Errorf("-count must not be negative, got %d", count)
	}
	fmt.Println("mode: offline (APIFY_TOKEN is not set): using the in-process fake Apify API from wrapper/apifytest")
	srv, err := apifytest.NewUnstartedServer()
	if err != nil {
		return err
	}
	srv.Start()
	defer srv.Close()
	if _, err := srv.AddActor("product-scraper", scrapeProducts); err != nil {
		return err
	}

	client, err := apify.NewClient(apify.WithBaseURL(srv.URL()), apify.WithToken(srv.Token()))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	start := time.Now()
	run, err := client.Actor(srv.Username()+"/product-scraper").Call(ctx, map[string]int{"count": count}, nil)
	if err != nil {
		return fmt.Errorf("running the Actor: %w", err)
	}
	fmt.Printf("run %s: %s\n", run.ID, run.Status)

	var (
		n, inStock  int
		total       float64
		cheapest    Product
		dearest     Product
		byCategory  = map[string]int{}
		categoryOrd []string
	)
	for p, err := range apify.Items[Product](ctx, client.Run(run.ID).Dataset(), nil) {
		if err != nil {
			return fmt.Errorf("reading the dataset: %w", err)
		}
		if n == 0 || p.Price < cheapest.Price {
			cheapest = p
		}
		if n == 0 || p.Price > dearest.Price {
			dearest = p
		}
		n++
		total += p.Price
		if p.InStock {
			inStock++
		}
		if byCategory[p.Category] == 0 {
			categoryOrd = append(categoryOrd, p.Category)
		}
		byCategory[p.Category]++
	}
	fmt.Printf("read %d products in %v\n", n, time.Since(start).Round(time.Millisecond))
	if n == 0 {
		return nil
	}
	var cats []string
	for _, c := range categoryOrd {
		cats = append(cats, fmt.Sprintf("%s %d", c, byCategory[c]))
	}
	fmt.Printf("  categories: %s\n", strings.Join(cats, ", "))
	fmt.Printf("  in stock:   %d of %d\n", inStock, n)
	fmt.Printf("  mean price: $%.2f\n", total/float64(n))
	fmt.Printf("  cheapest:   %s (%s) $%.2f\n", cheapest.Name, cheapest.SKU, cheapest.Price)
	fmt.Printf("  dearest:    %s (%s) $%.2f\n", dearest.Name, dearest.SKU, dearest.Price)
	return nil
}

// scrapeProducts is the offline Actor: it makes input.count product records
// (the same ones on every run) and pushes them in batches.
func scrapeProducts(ctx context.Context, run *apifytest.ActorRun) error {
	var in struct{ Count int }
	if err := run.DecodeInput(&in); err != nil {
		return err
	}
	categories := []string{"books", "garden", "kitchen", "toys"}
	adjectives := []string{"Classic", "Compact", "Deluxe", "Handy", "Sturdy"}
	rnd := rand.New(rand.NewPCG(1, 2))
	run.Logf("scraping %d products", in.Count)
	batch := make([]any, 0, 100)
	for i := range in.Count {
		cat := categories[i%len(categories)]
		batch = append(batch, Product{
			SKU:      fmt.Sprintf("SKU-%04d", i+1),
			Name:     fmt.Sprintf("%s %s item", adjectives[rnd.IntN(len(adjectives))], cat),
			Category: cat,
			Price:    float64(199+rnd.IntN(9800)) / 100,
			InStock:  rnd.IntN(4) != 0,
		})
		if len(batch) == cap(batch) || i == in.Count-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := run.PushItems(batch...); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	run.Logf("done")
	return nil
}

// runLive runs an Actor on the real API and reads its dataset.
func runLive(ctx context.Context, actor, input string) error {
	fmt.Printf("mode: live (APIFY_TOKEN is set): running %s on the Apify platform\n", actor)
	var in json.RawMessage
	if err := json.Unmarshal([]byte(input), &in); err != nil {
		return fmt.Errorf("-input is not valid JSON: %w", err)
	}
	client, err := apify.NewClient(apify.WithTokenFromEnv())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()

	start := time.Now()
	run, err := client.Actor(actor).Call(ctx, in, nil)
	if err != nil {
		return fmt.Errorf("running %s: %w", actor, err)
	}
	fmt.Printf("run %s: %s in %v\n", run.ID, run.Status, time.Since(start).Round(time.Second))
	n := 0
	for item, err := range apify.Items[map[string]any](ctx, client.Run(run.ID).Dataset(), nil) {
		if err != nil {
			return fmt.Errorf("reading the dataset: %w", err)
		}
		if n < 3 {
			b, _ := json.Marshal(item)
			if len(b) > 120 {
				b = append(b[:117], "..."...)
			}
			fmt.Printf("  item %d: %s\n", n+1, b)
		}
		n++
	}
	fmt.Printf("read %d items from dataset %s\n", n, run.DefaultDatasetID)
	return nil
}
