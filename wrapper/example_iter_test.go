package apify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"

	apify "github.com/apifygo/apify/wrapper"
)

// exampleDatasetAPI stands in for the Apify API in the examples: it serves
// one dataset of five items (one of them empty) with the pagination headers
// the real endpoint sends.
func exampleDatasetAPI() *httptest.Server {
	items := []string{
		`{"name":"Crème brûlée","price":4.5}`,
		`{}`,
		`{"name":"Šakšuka","price":7.25}`,
		`{"name":"東京 ramen","price":9}`,
		`{"name":"Pão de queijo","price":3.8}`,
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		offset, _ := strconv.Atoi(q.Get("offset"))
		limit, _ := strconv.Atoi(q.Get("limit"))
		end := min(offset+limit, len(items))
		start := min(offset, end)
		body := "["
		for _, it := range items[start:end] {
			if q.Get("clean") == "1" && it == `{}` {
				continue
			}
			if len(body) > 1 {
				body += ","
			}
			body += it
		}
		w.Header().Set("X-Apify-Pagination-Offset", strconv.Itoa(offset))
		w.Header().Set("X-Apify-Pagination-Limit", strconv.Itoa(limit))
		w.Header().Set("X-Apify-Pagination-Count", strconv.Itoa(end-start))
		w.Header().Set("X-Apify-Pagination-Total", strconv.Itoa(len(items)))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body+"]")
	}))
}

func ExampleItems() {
	api := exampleDatasetAPI() // in real code, leave out WithBaseURL
	defer api.Close()
	client, err := apify.NewClient(apify.WithToken("my-token"), apify.WithBaseURL(api.URL))
	if err != nil {
		log.Fatal(err)
	}

	type Dish struct {
		Name  string  `json:"name"`
		Price float64 `json:"price"`
	}
	ctx := context.Background()
	for dish, err := range apify.Items[Dish](ctx, client.Dataset("my-dataset"), &apify.ItemsOptions{Clean: true}) {
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
	api := exampleDatasetAPI()
	defer api.Close()
	client, err := apify.NewClient(apify.WithToken("my-token"), apify.WithBaseURL(api.URL))
	if err != nil {
		log.Fatal(err)
	}

	// json.RawMessage yields each item's bytes as sent, without decoding them.
	opts := &apify.ItemsOptions{Offset: 1, Limit: 2}
	for raw, err := range apify.Items[json.RawMessage](context.Background(), client.Dataset("my-dataset"), opts) {
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
	api := exampleDatasetAPI()
	defer api.Close()
	client, err := apify.NewClient(apify.WithToken("my-token"), apify.WithBaseURL(api.URL))
	if err != nil {
		log.Fatal(err)
	}

	// Count is what the API scanned; with Clean it can exceed len(Items).
	opts := &apify.ItemsOptions{Clean: true, PageSize: 2}
	for page, err := range apify.ItemPages[json.RawMessage](context.Background(), client.Dataset("my-dataset"), opts) {
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
