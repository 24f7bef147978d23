package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// confPlan is a documented response the server sends and what the client
// must make of it.
type confPlan struct {
	confReply
	MediaType string            // the documented media type sent, "" for none
	Headers   map[string]string // documented headers sent
}

// reply builds the documented response r: its example where one exists,
// otherwise a minimal valid instance of its schema, in its first media type
// (JSON preferred), with every documented header.
func (d *confDoc) reply(method string, r confResponse) (confPlan, error) {
	p := confPlan{confReply: confReply{Status: r.Code, Header: http.Header{}}, Headers: map[string]string{}}
	hs, _ := r.Def["headers"].(map[string]any)
	for _, name := range sortedKeys(hs) {
		h := d.deref(hs[name])
		v, ok := d.example(h)
		if !ok {
			for _, m := range d.media(h["content"]) {
				if v, ok = d.example(m.Def); ok {
					break
				}
				v, ok = d.instance(m.Def["schema"]), true
				break
			}
		}
		if !ok {
			v = d.instance(h["schema"])
		}
		s, isScalar := wireString(v)
		if !isScalar {
			return p, fmt.Errorf("header %s: no scalar value (%v)", name, v)
		}
		p.Header.Set(name, s)
		p.Headers[name] = s
	}
	ms := d.media(r.Def["content"])
	if len(ms) == 0 {
		return p, nil
	}
	m := ms[0]
	p.MediaType = m.Type
	ct := m.Type
	if strings.Contains(ct, "*") {
		ct = "application/octet-stream"
	}
	p.Header.Set("Content-Type", ct)
	if !bodyAllowed(strings.ToUpper(method), r.Code) {
		return p, nil
	}
	v, ok := d.example(m.Def)
	if !ok {
		v = d.instance(m.Def["schema"])
	}
	if s, _ := d.deref(m.Def["schema"])["format"].(string); s == "binary" && !ok {
		v = "conformance bytes"
	}
	b, err := encodeBody(ct, v)
	if err != nil {
		return p, err
	}
	p.Body = b
	return p, nil
}

// field returns the exported field of the generated response struct.
func field(res reflect.Value, name string) (reflect.Value, bool) {
	for res.Kind() == reflect.Pointer {
		if res.IsNil() {
			return reflect.Value{}, false
		}
		res = res.Elem()
	}
	f := res.FieldByName(name)
	return f, f.IsValid()
}

// checkSuccess asserts the generated response decoded the success reply:
// the status, the raw body, the typed JSON body where the generated code
// has one for a JSON body, and every typed header.
func checkSuccess(res reflect.Value, plan confPlan, typed bool) []string {
	var problems []string
	if hr, ok := field(res, "HTTPResponse"); ok {
		if r, _ := hr.Interface().(*http.Response); r == nil || r.StatusCode != plan.Status {
			problems = append(problems, fmt.Sprintf("HTTPResponse status is not %d", plan.Status))
		}
	}
	body, _ := field(res, "Body")
	if got, _ := body.Interface().([]byte); !bytes.Equal(got, plan.Body) {
		problems = append(problems, fmt.Sprintf("Body is %q, the server sent %q", clip(got), clip(plan.Body)))
	}
	name := fmt.Sprintf("JSON%d", plan.Status)
	f, has := field(res, name)
	switch {
	case typed && !has:
		problems = append(problems, fmt.Sprintf("the document declares a JSON %d body but the generated response has no %s", plan.Status, name))
	case has && typed && len(plan.Body) > 0 && f.IsNil():
		problems = append(problems, fmt.Sprintf("%s is nil after a documented %s body", name, plan.MediaType))
	case has && typed && len(plan.Body) > 0:
		if got, err := json.Marshal(f.Interface()); err != nil || !jsonEqual(got, plan.Body) {
			problems = append(problems, fmt.Sprintf("%s lost data: it re-encodes as %s, the server sent %s", name, clip(got), clip(plan.Body)))
		}
	}
	if hf, ok := field(res, fmt.Sprintf("Headers%d", plan.Status)); ok {
		if hf.IsNil() {
			problems = append(problems, fmt.Sprintf("Headers%d is nil", plan.Status))
		} else {
			problems = append(problems, checkHeaders(hf.Elem(), plan.Headers)...)
		}
	}
	return problems
}

// checkHeaders compares each typed header field with the header sent.
func checkHeaders(h reflect.Value, sent map[string]string) []string {
	var problems []string
	for i := range h.NumField() {
		f := h.Type().Field(i)
		var header string
		for name := range sent {
			if lettersOnly(name) == lettersOnly(f.Name) {
				header = name
			}
		}
		if header == "" {
			problems = append(problems, fmt.Sprintf("typed header %s matches no documented header", f.Name))
			continue
		}
		v := h.Field(i)
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				problems = append(problems, fmt.Sprintf("header %s was sent (%q) but %s is nil", header, sent[header], f.Name))
				continue
			}
			v = v.Elem()
		}
		got := fmt.Sprint(v.Interface())
		if v.Kind() >= reflect.Int && v.Kind() <= reflect.Float64 {
			if n, err := strconv.ParseFloat(sent[header], 64); err == nil && fmt.Sprint(reflect.ValueOf(n).Convert(v.Type()).Interface()) == got {
				continue
			}
		}
		if got != sent[header] {
			problems = append(problems, fmt.Sprintf("header %s: %s is %s, sent %q", header, f.Name, got, sent[header]))
		}
	}
	return problems
}

// checkError asserts a documented 4xx reply decoded into the generated
// error type (JSON4XX for the collapsed responses, else JSON<status>) and
// that it carries what was sent.
func checkError(res reflect.Value, plan confPlan) []string {
	if len(plan.Body) == 0 || !isJSONMedia(plan.MediaType) {
		return nil
	}
	var f reflect.Value
	var name string
	for _, n := range []string{fmt.Sprintf("JSON%d", plan.Status), fmt.Sprintf("JSON%dXX", plan.Status/100), "JSONDefault"} {
		if v, ok := field(res, n); ok {
			f, name = v, n
			break
		}
	}
	if !f.IsValid() {
		return []string{fmt.Sprintf("the generated response has no field for the documented JSON %d error", plan.Status)}
	}
	if f.IsNil() {
		return []string{fmt.Sprintf("%s is nil after a documented %d error body", name, plan.Status)}
	}
	got, err := json.Marshal(f.Interface())
	if err != nil {
		return []string{fmt.Sprintf("%s does not marshal: %v", name, err)}
	}
	if !jsonEqual(got, plan.Body) {
		return []string{fmt.Sprintf("%s decoded %s from %s", name, clip(got), clip(plan.Body))}
	}
	return nil
}

// jsonEqual reports whether two JSON documents carry the same data: a
// property that is null equals one that is absent, and two date-times equal
// when they are the same instant (Go writes 07:34:14.2Z for 07:34:14.200Z).
func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return sameData(x, y)
}

func sameData(x, y any) bool {
	switch xv := x.(type) {
	case map[string]any:
		yv, ok := y.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range xv {
			if !sameData(v, yv[k]) {
				return false
			}
		}
		for k, v := range yv {
			if _, ok := xv[k]; !ok && v != nil {
				return false
			}
		}
		return true
	case []any:
		yv, ok := y.([]any)
		if !ok || len(xv) != len(yv) {
			return false
		}
		for i := range xv {
			if !sameData(xv[i], yv[i]) {
				return false
			}
		}
		return true
	case string:
		ys, ok := y.(string)
		if !ok {
			return false
		}
		if xv == ys {
			return true
		}
		tx, err1 := time.Parse(time.RFC3339Nano, xv)
		ty, err2 := time.Parse(time.RFC3339Nano, ys)
		return err1 == nil && err2 == nil && tx.Equal(ty)
	}
	return reflect.DeepEqual(x, y)
}

// clip shortens a body for a message.
func clip(b []byte) string {
	if len(b) > 160 {
		return string(b[:160]) + "…"
	}
	return string(b)
}
