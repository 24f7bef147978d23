package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Item is the typed form of a benchmark item: nested objects, arrays, a map,
// numbers, booleans and unicode text, about 800 bytes of JSON.
type Item struct {
	ID          int               `json:"id"`
	URL         string            `json:"url"`
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Price       float64           `json:"price"`
	Currency    string            `json:"currency"`
	InStock     bool              `json:"inStock"`
	Tags        []string          `json:"tags"`
	Seller      Seller            `json:"seller"`
	Reviews     []Review          `json:"reviews"`
	Attributes  map[string]string `json:"attributes"`
	Images      []string          `json:"images"`
	ScrapedAt   string            `json:"scrapedAt"`
}

// Seller is a nested object of Item.
type Seller struct {
	Name     string  `json:"name"`
	Rating   float64 `json:"rating"`
	Country  string  `json:"country"`
	Verified bool    `json:"verified"`
}

// Review is an element of Item.Reviews.
type Review struct {
	Author string `json:"author"`
	Stars  int    `json:"stars"`
	Text   string `json:"text"`
	Date   string `json:"date"`
}

var (
	words   = []string{"café", "crème", "東京", "naïve", "Größe", "smörgåsbord", "🚀", "fiancée", "Ελληνικά", "доставка", "jalapeño", "garçon"}
	tagPool = []string{"electronics", "home", "garden", "toys", "books", "outdoor", "kitchen", "sale", "new", "eco"}
)

// makeItem returns the JSON of item i, deterministic.
func makeItem(i int) []byte {
	w := func(k int) string { return words[(i+k)%len(words)] }
	it := Item{
		ID:          i,
		URL:         fmt.Sprintf("https://shop.example.com/products/%d?ref=bench&variant=%d", i, i%7),
		Title:       fmt.Sprintf("Product %d – %s %s edition", i, w(0), w(3)),
		Description: fmt.Sprintf("A \"quoted\" %s description\nwith a second line, %s and %s; €%d.%02d only.", w(1), w(2), w(5), i%500, i%100),
		Price:       float64(i%100000) / 100,
		Currency:    "EUR",
		InStock:     i%3 != 0,
		Tags:        []string{tagPool[i%10], tagPool[(i+3)%10], tagPool[(i+7)%10]},
		Seller:      Seller{Name: "Seller " + w(4), Rating: float64(i%50) / 10, Country: "CZ", Verified: i%2 == 0},
		Reviews: []Review{
			{Author: "Jana " + w(6), Stars: i%5 + 1, Text: "Works as described — " + w(7) + " " + w(8), Date: "2026-08-21T10:00:00Z"},
			{Author: "Li " + w(9), Stars: (i+2)%5 + 1, Text: "Fast delivery, " + w(10) + " 👍", Date: "2026-08-22T12:30:00Z"},
		},
		Attributes: map[string]string{"color": w(11), "size": "XL", "material": "cotton"},
		Images:     []string{fmt.Sprintf("https://img.example.com/%d/1.jpg", i), fmt.Sprintf("https://img.example.com/%d/2.jpg", i)},
		ScrapedAt:  "2026-08-23T08:15:42.123Z",
	}
	b, err := json.Marshal(it)
	if err != nil {
		panic(err)
	}
	// The API escapes some characters; keep a few \u escapes in the mix.
	return []byte(strings.Replace(string(b), "é", `\u00e9`, 1))
}
