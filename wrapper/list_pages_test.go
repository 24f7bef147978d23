package apify

import (
	"errors"
	"net/http"
	"testing"
)

// A list page decodes its items straight into the caller's slice (one
// non-generic page type for every item type); an answer that fills none of
// the page's fields is still ErrUnexpectedResponse, and a bare page without
// the envelope still lists.
func TestListPageBodies(t *testing.T) {
	for name, tc := range map[string]struct {
		body  string
		items int
		bad   bool
	}{
		"envelope":           {body: `{"data":{"total":2,"offset":0,"limit":1000,"count":2,"items":[{"id":"a"},{"id":"b"}]}}`, items: 2},
		"bare page":          {body: `{"total":1,"offset":0,"limit":1000,"count":1,"items":[{"id":"a"}]}`, items: 1},
		"no list fields":     {body: `{"result":{"items":[{"id":"a"}]}}`, bad: true},
		"items null only":    {body: `{"items":null}`, bad: true},
		"items not a list":   {body: `{"data":{"items":{"id":"a"},"count":1}}`, bad: true},
		"item of wrong type": {body: `{"data":{"items":[{"id":7}],"count":1}}`, bad: true},
	} {
		t.Run(name, func(t *testing.T) {
			api := newStubAPI(t, func(w http.ResponseWriter, r *http.Request, _ []byte) {
				coreWriteJSON(w, 200, tc.body)
			})
			c := api.client(t, nil)
			var ids []string
			var err error
			for run, e := range c.Runs().List(testCtx(t), nil) {
				if e != nil {
					err = e
					break
				}
				ids = append(ids, run.ID)
			}
			if tc.bad {
				if !errors.Is(err, ErrUnexpectedResponse) {
					t.Fatalf("err = %v, want ErrUnexpectedResponse (items %v)", err, ids)
				}
				return
			}
			if err != nil || len(ids) != tc.items || ids[0] != "a" {
				t.Fatalf("items %v, err %v; want %d items", ids, err, tc.items)
			}
		})
	}
}
