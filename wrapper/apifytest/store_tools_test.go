package apifytest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestStoreIsSeededSearchedAndRunnable(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	must(s.AddStoreActor(StoreActor{Username: "apify", Name: "web-scraper", Title: "Web Scraper", Categories: []string{"DEVELOPER_TOOLS"}, TotalUsers: 5}))(t)
	runnable := must(s.AddStoreActor(StoreActor{Username: "acme", Name: "maps", Description: "Google Maps places", PricingModel: "PAY_PER_EVENT", TotalUsers: 50,
		Func: func(ctx context.Context, run *ActorRun) error { return run.PushItems(map[string]string{"place": "x"}) }}))(t)
	var page struct {
		Total int
		Items []struct{ ID, Name, Username string }
	}
	c.do(http.MethodGet, "/v2/store?sortBy=popularity", nil).want(http.StatusOK).data(&page)
	if page.Total != 2 || page.Items[0].Name != "maps" {
		t.Errorf("by popularity %+v", page)
	}
	c.do(http.MethodGet, "/v2/store?search=GOOGLE", nil).want(http.StatusOK).data(&page)
	if page.Total != 1 || page.Items[0].ID != runnable {
		t.Errorf("search %+v", page)
	}
	c.do(http.MethodGet, "/v2/store?pricingModel=FREE&category=DEVELOPER_TOOLS", nil).want(http.StatusOK).data(&page)
	if page.Total != 1 || page.Items[0].Username != "apify" {
		t.Errorf("filters %+v", page)
	}
	c.do(http.MethodGet, "/v2/store?sortBy=stars", nil, invalid()).wantError(http.StatusBadRequest, "invalid-parameter")
	var run runData
	c.do(http.MethodPost, "/v2/actors/acme~maps/runs?waitForFinish=60", `{}`).want(http.StatusCreated).data(&run)
	if run.Status != StatusSucceeded {
		t.Errorf("store Actor run %+v", run)
	}
	u := must(NewUnstartedServer())(t)
	if _, err := u.AddStoreActor(StoreActor{Username: "apify", Name: "-bad"}); err == nil {
		t.Error("a bad Actor name was accepted")
	}
}

func TestEncodeAndSignRoundTrip(t *testing.T) {
	t.Parallel()
	_, c := newTestServer(t)
	var enc struct{ Encoded string }
	c.do(http.MethodPost, "/v2/tools/encode-and-sign", `{"plan":"gold","n":[1,2]}`).want(http.StatusOK).data(&enc)
	var dec struct {
		Decoded         json.RawMessage
		EncodedByUserID string
	}
	c.do(http.MethodPost, "/v2/tools/decode-and-verify", map[string]string{"encoded": enc.Encoded}).want(http.StatusOK).data(&dec)
	if string(dec.Decoded) != `{"plan":"gold","n":[1,2]}` || dec.EncodedByUserID == "" {
		t.Errorf("decoded %s by %q", dec.Decoded, dec.EncodedByUserID)
	}
	tampered := strings.Replace(enc.Encoded, ".", "x.", 1)
	c.do(http.MethodPost, "/v2/tools/decode-and-verify", map[string]string{"encoded": tampered}).wantError(http.StatusBadRequest, "invalid-signature")
}

func TestBrowserInfoRedactsTheToken(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	body := c.do(http.MethodPost, "/v2/browser-info?rawHeaders=1", `{"a":1}`, header("X-Probe", "yes")).want(http.StatusOK).Body
	if strings.Contains(string(body), s.Token()) || !strings.Contains(string(body), `"x-probe":"yes"`) || !strings.Contains(string(body), `"bodyLength":7`) {
		t.Errorf("browser info %s", body)
	}
}

func TestOperationsTheDocumentServesWithoutAToken(t *testing.T) {
	t.Parallel()
	s, c := newTestServer(t)
	id := must(s.AddActor("open", scraper))(t)
	var b buildData
	c.do(http.MethodGet, "/v2/actors/"+id+"/builds/default", nil, noToken()).want(http.StatusOK).data(&b)
	c.do(http.MethodGet, "/v2/actor-builds/"+b.ID, nil, noToken()).want(http.StatusOK)
	// The document's security for user data asks for a token, yet its
	// description says the operation "requires no authentication token".
	c.do(http.MethodGet, "/v2/users/"+s.Username(), nil, noToken(), invalid()).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/browser-info", nil, noToken()).want(http.StatusOK)
	c.do(http.MethodGet, "/v2/actor-builds", nil, noToken(), invalid()).wantError(http.StatusUnauthorized, "token-not-provided")
	c.do(http.MethodGet, "/v2/actor-builds/"+b.ID, nil, header("Authorization", "Bearer wrong")).wantError(http.StatusUnauthorized, "user-or-token-not-found")
}
