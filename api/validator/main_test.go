package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/apifygo/apify/api/validation"
)

// TestRun feeds exchanges to the validator's loop and reads its verdicts: a
// ready line first, then one verdict per exchange.
func TestRun(t *testing.T) {
	jsonType := http.Header{"Content-Type": {"application/json"}}
	exchanges := []validation.Exchange{
		{Request: validation.Request{Method: http.MethodGet, URL: "http://x/v2/things/1"},
			Response: &validation.Response{Status: 200, Header: jsonType, Body: []byte(`{"data":{"name":"a"}}`)}},
		{Request: validation.Request{Method: http.MethodGet, URL: "http://x/v2/things/1"},
			Response: &validation.Response{Status: 200, Header: jsonType, Body: []byte(`{"data":{"name":5}}`)}},
		{Request: validation.Request{Method: http.MethodGet, URL: "http://x/v2/nothing"}},
	}
	var in strings.Builder
	for _, ex := range exchanges {
		b, err := json.Marshal(ex)
		if err != nil {
			t.Fatal(err)
		}
		in.Write(append(b, '\n'))
	}
	var out strings.Builder
	if err := run("testdata/openapi.json", validation.Options{LazySchemas: true}, strings.NewReader(in.String()), &out); err != nil {
		t.Fatal(err)
	}
	var verdicts []validation.Verdict
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	for sc.Scan() {
		var v validation.Verdict
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		verdicts = append(verdicts, v)
	}
	if len(verdicts) != 1+len(exchanges) {
		t.Fatalf("%d lines, want %d:\n%s", len(verdicts), 1+len(exchanges), out.String())
	}
	if v := verdicts[0]; v.Error != "" || len(v.Request)+len(v.Response) > 0 {
		t.Errorf("ready line %+v", v)
	}
	if v := verdicts[1]; len(v.Request)+len(v.Response) > 0 {
		t.Errorf("conforming exchange: %+v", v)
	}
	if v := verdicts[2]; len(v.Response) == 0 || len(v.Request) > 0 {
		t.Errorf("a name that is not a string: %+v", v)
	} else if f := v.Response[0].SchemaValidationErrors; len(f) == 0 || !strings.Contains(f[0].FieldPath, "name") {
		t.Errorf("the failure does not name the field: %+v", v.Response[0])
	}
	if v := verdicts[3]; len(v.Request) == 0 {
		t.Errorf("a path the document lacks: %+v", v)
	}
}

// TestRunWithoutDocument reports the missing document on the ready line.
func TestRunWithoutDocument(t *testing.T) {
	var out strings.Builder
	if err := run("testdata/missing.json", validation.Options{}, strings.NewReader(""), &out); err == nil {
		t.Fatal("no error")
	}
	var v validation.Verdict
	if err := json.Unmarshal([]byte(out.String()), &v); err != nil || !strings.Contains(v.Error, "reading the API document") {
		t.Errorf("ready line %q (%v)", out.String(), err)
	}
}
