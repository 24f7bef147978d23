package main

// officialProgram does what consumer/main.go does with the official Go
// client (github.com/apify/apify-client-go).
const officialProgram = `package main

import (
	"context"
	"fmt"
	"log"
	"os"

	apify "github.com/apify/apify-client-go"
)

func main() {
	ctx := context.Background()
	client := apify.NewClient(apify.WithToken(os.Getenv("APIFY_TOKEN")))
	run, err := client.Actor("apify/hello-world").Call(ctx, nil, apify.ActorStartOptions{}, nil)
	if err != nil {
		log.Fatal(err)
	}
	it := client.Dataset(run.DefaultDatasetID).IterateItems(apify.DatasetListItemsOptions{}, nil)
	n := 0
	for {
		item, err := it.Next(ctx)
		if err != nil {
			log.Fatal(err)
		}
		if item == nil {
			break
		}
		n += len(*item)
	}
	fmt.Println(run.ID, n)
}
`

// plainProgram does the same with net/http and encoding/json only: the floor.
const plainProgram = `package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
)

func main() {
	auth := "Bearer " + os.Getenv("APIFY_TOKEN")
	req, _ := http.NewRequest("POST", "https://api.apify.com/v2/acts/apify~hello-world/runs?waitForFinish=60", strings.NewReader("{}"))
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var run struct {
		Data struct {
			ID               string ` + "`json:\"id\"`" + `
			DefaultDatasetID string ` + "`json:\"defaultDatasetId\"`" + `
		} ` + "`json:\"data\"`" + `
	}
	if err := json.NewDecoder(resp.Body).Decode(&run); err != nil {
		log.Fatal(err)
	}
	req, _ = http.NewRequest("GET", "https://api.apify.com/v2/datasets/"+run.Data.DefaultDatasetID+"/items", nil)
	req.Header.Set("Authorization", auth)
	items, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer items.Body.Close()
	var list []map[string]any
	if err := json.NewDecoder(items.Body).Decode(&list); err != nil {
		log.Fatal(err)
	}
	fmt.Println(run.Data.ID, len(list))
}
`
