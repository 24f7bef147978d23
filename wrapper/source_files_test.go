package apify_test

import (
	"context"
	"encoding/json"
	"testing"

	apify "github.com/apifygo/apify/wrapper"
	"github.com/apifygo/apify/wrapper/apifytest"
)

// A version made of source files is created with this package's names alone,
// and the API holds the files as sent.
func TestVersionFilesCreateAVersion(t *testing.T) {
	srv := apifytest.NewServer(t, apifytest.WithUsername("jane"))
	actorID, _ := srv.AddActor("scraper", func(ctx context.Context, run *apifytest.ActorRun) error { return nil })
	client, err := apify.NewClient(apify.WithToken(srv.Token()), apify.WithBaseURL(srv.URL()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	v, err := client.Actor(actorID).Versions().Create(ctx, &apify.ActorVersionCreate{
		VersionNumber: apify.Value("0.1"),
		SourceType:    apify.Value(apify.SourceFiles),
		SourceFiles: apify.VersionFiles(
			apify.SourceFile{Name: "src", Folder: true},
			apify.SourceFile{Name: "src/main.js", Content: "console.log('hi')"},
			apify.SourceFile{Name: "logo.png", Content: "iVBORw0K", Base64: true},
		),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(v.SourceFiles)
	if err != nil {
		t.Fatal(err)
	}
	const want = `[{"folder":true,"name":"src"},{"content":"console.log('hi')","format":"TEXT","name":"src/main.js"},{"content":"iVBORw0K","format":"BASE64","name":"logo.png"}]`
	if string(got) != want {
		t.Errorf("the version holds %s\nwant %s", got, want)
	}
}
