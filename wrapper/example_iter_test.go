package apify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"

	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/apifytest"
)

// exampleDatasetAPI starts an in-process fake of the Apify API holding one
// dataset of five items (one of them empty), and returns a client for it
// and the dataset's ID. In real code there is no fake: the client talks to
// api.apify.com.
func exampleDatasetAPI() (*apifytest.Server, *apify.Client, string) {
	api, err := apifytest.NewUnstartedServer(apifytest.WithToken("my-token"))
	if err != nil {
		log.Fatal(err)
	}
	api.Start()
	datasetID, err := api.AddDataset("my-dataset",
		map[string]any{"name": "Crème brûlée", "price": 4.5},
		map[string]any{},
		map[string]any{"name": "Šakšuka", "price": 7.25},
		map[string]any{"name": "東京 ramen", "price": 9},
		map[string]any{"name": "Pão de queijo", "price": 3.8},
	)
	if err != nil {
		log.Fatal(err)
	}
	client, err := apify.NewClient(apify.WithToken("my-token"), apify.WithBaseURL(api.URL())) // in real code, leave out WithBaseURL
	if err != nil {
		log.Fatal(err)
	}
	return api, client, datasetID
}

func ExampleItems() {
	api, client, datasetID := exampleDatasetAPI()
	defer api.Close()

	type Dish struct {
		Name  string  `json:"name"`
		Price float64 `json:"price"`
	}
	ctx := context.Background()
	for dish, err := range apify.Items[Dish](ctx, client.Dataset(datasetID), &apify.ItemsOptions{Clean: true}) {
		if err != nil {
			log.Fatal(err) // yielded once; the loop ends after it
		}
		fmt.Printf("%-14s %5.2f\n", dish.Name, dish.Price)
	}
	// Output:
	// Crème brûlée    4.50
	// Šakšuka         7.25
	// 東京 ramen        9.00
	// Pão de queijo   3.80
}

func ExampleItems_raw() {
	api, client, datasetID := exampleDatasetAPI()
	defer api.Close()

	// json.RawMessage yields each item's bytes as sent, without decoding them.
	opts := &apify.ItemsOptions{Offset: 1, Limit: 2}
	for raw, err := range apify.Items[json.RawMessage](context.Background(), client.Dataset(datasetID), opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(string(raw))
	}
	// Output:
	// {}
	// {"name":"Šakšuka","price":7.25}
}

func ExampleItemPages() {
	api, client, datasetID := exampleDatasetAPI()
	defer api.Close()

	// Count is what the API scanned; with Clean it can exceed len(Items).
	opts := &apify.ItemsOptions{Clean: true, PageSize: 2}
	for page, err := range apify.ItemPages[json.RawMessage](context.Background(), client.Dataset(datasetID), opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("offset %d: scanned %d, got %d of %d\n", page.Offset, page.Count, len(page.Items), page.Total)
	}
	// Output:
	// offset 0: scanned 2, got 1 of 5
	// offset 2: scanned 2, got 2 of 5
	// offset 4: scanned 1, got 1 of 5
}
