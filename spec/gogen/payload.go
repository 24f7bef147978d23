package gogen

import (
	"fmt"
	"go/ast"
	"regexp"
	"strings"
)

// payloadHelpers are the declarations every Payload method shares.
const payloadHelpers = `// ErrNoPayload is returned by the Payload methods when a response carries
// no decoded JSON body of the documented type: the answer was not 2xx, had
// another content type, or had an empty or null body.
var ErrNoPayload = errors.New("genclient: the answer carries no JSON payload of the documented type")

func noPayload(hr *http.Response) error {
	if hr == nil {
		return fmt.Errorf("%w (no HTTP response)", ErrNoPayload)
	}
	return fmt.Errorf("%w (HTTP %d, Content-Type %q)", ErrNoPayload, hr.StatusCode, hr.Header.Get("Content-Type"))
}

// noID is the error of an answer whose object lacks the "id" that its type
// requires (an empty object, or {"data": {}}): not the documented type.
func noID(typ string) error {
	return fmt.Errorf("%w: the answer's %s has no \"id\", which the API document requires", ErrNoPayload, typ)
}`

var jsonSuccessField = regexp.MustCompile(`^JSON2\d\d$`)

// payloadMethods generates, per response type, GetHTTPResponse and, where
// every 2xx JSON answer of the operation has one payload type, Payload: the
// decoded 2xx body, with Apify's {"data": …} envelope unwrapped.
func payloadMethods(qs, ms *source, modelNames map[string]bool, models string) ([][]byte, error) {
	modelStructs := structsOf(ms)
	parts := [][]byte{[]byte(payloadHelpers)}
	responses := responseTypes(qs)
	for _, ts := range typeSpecs(qs) {
		st := responses[ts.Name.Name]
		if st == nil {
			continue
		}
		name := ts.Name.Name
		parts = append(parts, fmt.Appendf(nil, `// GetHTTPResponse returns the HTTP answer r was parsed from, or nil.
func (r *%[1]s) GetHTTPResponse() *http.Response {
	if r == nil {
		return nil
	}
	return r.HTTPResponse
}`, name))
		if m, ok := payloadMethod(name, st, qs, ms, modelStructs, modelNames, models); ok {
			parts = append(parts, m)
		}
	}
	return parts, nil
}

// payloadMethod writes the Payload method of one response type, if its 2xx
// JSON answers agree on a payload type.
func payloadMethod(name string, st *ast.StructType, qs, ms *source, modelStructs map[string]*ast.StructType, modelNames map[string]bool, models string) ([]byte, bool) {
	var payloadType string
	var cases []string
	var fields []string
	for _, f := range st.Fields.List {
		if len(f.Names) != 1 || !jsonSuccessField.MatchString(f.Names[0].Name) {
			continue
		}
		star, ok := f.Type.(*ast.StarExpr)
		if !ok {
			return nil, false
		}
		field := f.Names[0].Name
		typ, unwrap := qs.exprText(star.X), ""
		if sel, ok := star.X.(*ast.SelectorExpr); ok {
			if env := modelStructs[sel.Sel.Name]; env != nil && len(env.Fields.List) == 1 && fieldNamed(env, "Data") != nil {
				data := fieldNamed(env, "Data")
				typ = qualifyText(ms.exprText(data.Type), modelNames, models)
				unwrap = ".Data"
				if p, ok := data.Type.(*ast.StarExpr); ok {
					typ = qualifyText(ms.exprText(p.X), modelNames, models)
					unwrap = ".Data*"
				}
			}
		}
		if payloadType != "" && payloadType != typ {
			return nil, false
		}
		payloadType = typ
		fields = append(fields, field)
		if id := requiredID(modelStructs, typ, models); id != "" {
			value := map[string]string{"": "r." + field, ".Data": "r." + field + ".Data", ".Data*": "r." + field + ".Data"}[unwrap]
			guard := "r." + field + " != nil"
			if unwrap == ".Data*" {
				guard += " && r." + field + ".Data != nil"
			}
			cases = append(cases, fmt.Sprintf("\tcase %s && %s.%s == \"\":\n\t\treturn nil, noID(%q)", guard, value, id, typ))
		}
		switch unwrap {
		case "":
			cases = append(cases, fmt.Sprintf("\tcase r.%[1]s != nil:\n\t\treturn r.%[1]s, nil", field))
		case ".Data":
			cases = append(cases, fmt.Sprintf("\tcase r.%[1]s != nil:\n\t\treturn &r.%[1]s.Data, nil", field))
		default:
			cases = append(cases, fmt.Sprintf("\tcase r.%[1]s != nil && r.%[1]s.Data != nil:\n\t\treturn r.%[1]s.Data, nil", field))
		}
	}
	if payloadType == "" {
		return nil, false
	}
	return fmt.Appendf(nil, `// Payload returns the decoded 2xx answer (%[2]s, with the {"data": …}
// envelope unwrapped), or an error matching ErrNoPayload.
func (r *%[1]s) Payload() (*%[3]s, error) {
	switch {
	case r == nil:
		return nil, noPayload(nil)
%[4]s
	}
	return nil, noPayload(r.HTTPResponse)
}`, name, strings.Join(fields, ", "), payloadType, strings.Join(cases, "\n")), true
}

// requiredID names the Go field of a model struct that holds its required
// "id" (a string field, so required and not nullable), or "".
func requiredID(modelStructs map[string]*ast.StructType, typ, models string) string {
	st := modelStructs[strings.TrimPrefix(typ, models+".")]
	if st == nil {
		return ""
	}
	for _, f := range st.Fields.List {
		if len(f.Names) != 1 || f.Tag == nil {
			continue
		}
		if id, ok := f.Type.(*ast.Ident); ok && id.Name == "string" && strings.Contains(f.Tag.Value, `json:"id"`) {
			return f.Names[0].Name
		}
	}
	return ""
}

// structsOf maps the struct types a source declares by name.
func structsOf(s *source) map[string]*ast.StructType {
	out := map[string]*ast.StructType{}
	for _, ts := range typeSpecs(s) {
		if st, ok := ts.Type.(*ast.StructType); ok {
			out[ts.Name.Name] = st
		}
	}
	return out
}

var identInType = regexp.MustCompile(`(^|[^.\w])([A-Za-z_]\w*)`)

// qualifyText qualifies the model names in a printed type expression.
func qualifyText(typ string, modelNames map[string]bool, pkg string) string {
	return identInType.ReplaceAllStringFunc(typ, func(m string) string {
		sub := identInType.FindStringSubmatch(m)
		if modelNames[sub[2]] {
			return sub[1] + pkg + "." + sub[2]
		}
		return m
	})
}
