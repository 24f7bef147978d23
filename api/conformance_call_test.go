package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/apifygo/apify/gen/genclient"
)

// confMethods indexes the ClientWithResponses methods by operation key
// (lettersOnly of the name without WithBody/WithResponse).
func confMethods() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	t := reflect.TypeFor[*genclient.ClientWithResponses]()
	for i := range t.NumMethod() {
		name := t.Method(i).Name
		if !strings.HasSuffix(name, "WithResponse") {
			continue
		}
		base := strings.TrimSuffix(strings.TrimSuffix(name, "WithResponse"), "WithBody")
		key := lettersOnly(base)
		if out[key] == nil {
			out[key] = map[string]bool{}
		}
		out[key][name] = true
	}
	return out
}

// confArgs is what the test passes to one generated method.
type confArgs struct {
	Method      string            // the ClientWithResponses method
	Values      []reflect.Value   // its arguments after ctx, before the editors
	PathValues  map[string]string // path parameter -> value
	QueryValues map[string]string // query parameter -> value, as it must arrive
	HeaderVals  map[string]string // header parameter -> value
	BodyType    string            // content type of the body sent, "" for none
	Body        []byte            // the documented body the call must send
}

// paramValue picks a value for a parameter: its example, default or first
// enum value, else a minimal valid instance of its schema.
func (d *confDoc) paramValue(p confParam) any {
	if v, ok := d.example(p.Def); ok {
		return v
	}
	s := d.deref(p.Def["schema"])
	if v, ok := s["default"]; ok {
		return v
	}
	return d.instance(s)
}

// wireString is how a scalar parameter value looks on the wire.
func wireString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return fmt.Sprint(x), true
	}
	return "", false
}

// setFromJSON stores a JSON value into a Go value of type t (a string
// kind receives a scalar's text), returning the new value.
func setFromJSON(t reflect.Type, v any) (reflect.Value, error) {
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	if base.Kind() == reflect.String {
		if s, ok := wireString(v); ok {
			v = s
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return reflect.Value{}, err
	}
	p := reflect.New(t)
	if err := json.Unmarshal(b, p.Interface()); err != nil {
		return reflect.Value{}, fmt.Errorf("%s cannot hold %s: %v", t, b, err)
	}
	return p.Elem(), nil
}

// tagName returns the name part of a struct tag key.
func tagName(f reflect.StructField, key string) string {
	name, _, _ := strings.Cut(f.Tag.Get(key), ",")
	return name
}

// buildArgs builds valid arguments for the operation's generated method:
// path parameters, the Params struct with every required query and header
// parameter (but the headers OpenAPI says to ignore) and, with optional,
// every optional query parameter too, and the request body (the typed JSON variant when the document's body is
// JSON, else the raw variant with its content type).
func (d *confDoc) buildArgs(op confOperation, methods map[string]bool, optional bool) (confArgs, error) {
	a := confArgs{PathValues: map[string]string{}, QueryValues: map[string]string{}, HeaderVals: map[string]string{}}
	base := ""
	for m := range methods {
		if strings.HasSuffix(m, "WithBodyWithResponse") {
			base = strings.TrimSuffix(m, "WithBodyWithResponse")
		}
	}
	if base == "" {
		for m := range methods {
			base = strings.TrimSuffix(m, "WithResponse")
		}
	}

	var body *confMedia
	if rb := d.deref(op.Op["requestBody"]); rb != nil {
		if ms := d.media(rb["content"]); len(ms) > 0 {
			body = &ms[0]
		}
	}
	a.Method = base + "WithResponse"
	if body != nil && !(isJSONMedia(body.Type) && methods[base+"WithResponse"] && methods[base+"WithBodyWithResponse"]) {
		a.Method = base + "WithBodyWithResponse"
	}
	if !methods[a.Method] {
		return a, fmt.Errorf("no generated method %s (have %v)", a.Method, sortedKeys(methods))
	}
	mt, _ := reflect.TypeFor[*genclient.ClientWithResponses]().MethodByName(a.Method)
	ft := mt.Type // receiver, ctx, ..., editors
	i := 2

	for _, p := range op.pathParams() {
		if i >= ft.NumIn()-1 {
			return a, fmt.Errorf("%s takes fewer arguments than the %d path parameters", a.Method, len(op.pathParams()))
		}
		v := d.paramValue(p)
		s, ok := wireString(v)
		if !ok {
			return a, fmt.Errorf("path parameter %s: no scalar value (%v)", p.Name, v)
		}
		rv, err := setFromJSON(ft.In(i), v)
		if err != nil {
			return a, fmt.Errorf("path parameter %s: %v", p.Name, err)
		}
		a.Values = append(a.Values, rv)
		a.PathValues[p.Name] = s
		i++
	}

	if i < ft.NumIn()-1 && ft.In(i).Kind() == reflect.Pointer && strings.HasSuffix(ft.In(i).Elem().Name(), "Params") {
		pt := ft.In(i).Elem()
		pv := reflect.New(pt)
		for _, p := range op.Params {
			query := p.In == "query" && (p.Required || optional)
			header := p.In == "header" && p.Required && !ignoredHeaders[strings.ToLower(p.Name)]
			if !query && !header {
				continue
			}
			field, ok := paramField(pt, p)
			if !ok {
				return a, fmt.Errorf("%s has no field for the %s parameter %q", pt.Name(), p.In, p.Name)
			}
			v := d.paramValue(p)
			rv, err := setFromJSON(field.Type, v)
			if err != nil {
				return a, fmt.Errorf("%s parameter %s: %v", p.In, p.Name, err)
			}
			pv.Elem().FieldByIndex(field.Index).Set(rv)
			if s, ok := wireString(v); ok {
				if p.In == "query" {
					a.QueryValues[p.Name] = s
				} else {
					a.HeaderVals[p.Name] = s
				}
			}
		}
		a.Values = append(a.Values, pv)
		i++
	}

	if body != nil {
		value, ok := d.example(body.Def)
		if !ok {
			value = d.instance(body.Def["schema"])
		}
		if strings.HasSuffix(a.Method, "WithBodyWithResponse") {
			ct := body.Type
			if strings.Contains(ct, "*") {
				ct = "application/octet-stream"
			}
			raw, err := encodeBody(ct, value)
			if err != nil {
				return a, err
			}
			a.Values = append(a.Values, reflect.ValueOf(ct), reflect.ValueOf(io.Reader(bytes.NewReader(raw))))
			a.BodyType, a.Body = ct, raw
			i += 2
		} else {
			rv, err := setFromJSON(ft.In(i), value)
			if err != nil {
				return a, fmt.Errorf("request body: the generated type %v", err)
			}
			a.Values = append(a.Values, rv)
			a.BodyType = "application/json"
			if a.Body, err = json.Marshal(value); err != nil {
				return a, err
			}
			i++
		}
	}
	if want := ft.NumIn() - 1; i != want || !ft.IsVariadic() {
		return a, fmt.Errorf("%s has %d arguments, the document implies %d", a.Method, ft.NumIn()-3, i-2)
	}
	return a, nil
}

// ignoredHeaders are header parameters whose definitions OpenAPI 3.1
// (Parameter Object, "name") says SHALL be ignored: the request body's media
// type, content negotiation and the security scheme set these headers.
var ignoredHeaders = map[string]bool{"accept": true, "content-type": true, "authorization": true}

// paramField finds the Params field for a parameter by its struct tag.
func paramField(pt reflect.Type, p confParam) (reflect.StructField, bool) {
	for i := range pt.NumField() {
		f := pt.Field(i)
		switch {
		case p.In == "query" && tagName(f, "form") == p.Name:
			return f, true
		case p.In == "header" && tagName(f, "form") == "" && strings.EqualFold(tagName(f, "json"), p.Name):
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// encodeBody renders a documented value in a media type.
func encodeBody(mediaType string, v any) ([]byte, error) {
	if s, ok := v.(string); ok && !isJSONMedia(mediaType) {
		return []byte(s), nil
	}
	return json.Marshal(v)
}

// call invokes the generated method and returns its typed response.
func (a confArgs) call(ctx context.Context, c *genclient.ClientWithResponses, editors ...genclient.RequestEditorFn) (reflect.Value, error) {
	m := reflect.ValueOf(c).MethodByName(a.Method)
	in := append([]reflect.Value{reflect.ValueOf(ctx)}, a.Values...)
	for _, e := range editors {
		in = append(in, reflect.ValueOf(e))
	}
	out := m.Call(in)
	if err, _ := out[1].Interface().(error); err != nil {
		return reflect.Value{}, err
	}
	return out[0], nil
}

// expectedPath substitutes the path parameter values into the template the
// way a client must escape them.
func expectedPath(template string, values map[string]string) string {
	p := template
	for name, v := range values {
		p = strings.ReplaceAll(p, "{"+name+"}", url.PathEscape(v))
	}
	return p
}

// checkRequest compares what the server received with what was asked.
func checkRequest(op confOperation, a confArgs, seen *confSeen) []string {
	if seen == nil {
		return []string{"the server received no request"}
	}
	var problems []string
	if want := strings.ToUpper(op.Method); seen.Method != want {
		problems = append(problems, fmt.Sprintf("method %s, want %s", seen.Method, want))
	}
	if want := expectedPath(op.Path, a.PathValues); seen.Path != want {
		problems = append(problems, fmt.Sprintf("path %s, want %s", seen.Path, want))
	}
	q, _ := url.ParseQuery(seen.RawQuery)
	for _, name := range sortedKeys(a.QueryValues) {
		if got := q[name]; len(got) != 1 || !sameData(got[0], a.QueryValues[name]) {
			problems = append(problems, fmt.Sprintf("query %s=%q, want %q", name, got, a.QueryValues[name]))
		}
	}
	for _, name := range sortedKeys(a.HeaderVals) {
		if got := seen.Header.Get(name); got != a.HeaderVals[name] {
			problems = append(problems, fmt.Sprintf("header %s: %q, want %q", name, got, a.HeaderVals[name]))
		}
	}
	if a.BodyType != "" && !strings.HasPrefix(seen.Header.Get("Content-Type"), a.BodyType) {
		problems = append(problems, fmt.Sprintf("Content-Type %q, want %q", seen.Header.Get("Content-Type"), a.BodyType))
	}
	if a.Body != nil && !bytes.Equal(seen.Body, a.Body) && !jsonEqual(seen.Body, a.Body) {
		problems = append(problems, fmt.Sprintf("the request body changed on its way through the generated types: sent %s, documented %s", clip(seen.Body), clip(a.Body)))
	}
	for _, e := range seen.RequestErrors {
		problems = append(problems, "request rejected by the document: "+e)
	}
	return problems
}

// bearer authenticates every call as the document's security requires.
func bearer(_ context.Context, r *http.Request) error {
	r.Header.Set("Authorization", "Bearer conformance-token")
	return nil
}
