package api

import (
	"fmt"
	"net/http"
	"strings"
)

// controls sends requests and replies that break the document on purpose
// and returns a message for each the validating server failed to reject, so
// that a validator that accepts everything cannot make the test pass.
func controls(doc *confDoc, ops []confOperation, srv *confServer) []string {
	var failures []string
	send := func(label, method, path, contentType, body string, auth bool, reply confReply) *confSeen {
		srv.expect(reply)
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			failures = append(failures, fmt.Sprintf("control %s: %v", label, err))
			return nil
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if auth {
			_ = bearer(req.Context(), req)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			failures = append(failures, fmt.Sprintf("control %s: %v", label, err))
			return nil
		}
		_ = res.Body.Close()
		seen := srv.received()
		if seen == nil {
			failures = append(failures, fmt.Sprintf("control %s: the server saw no request", label))
		}
		return seen
	}
	ok := confReply{Status: http.StatusOK, Header: http.Header{}}

	if seen := send("unknown path", http.MethodGet, "/v2/conformance-no-such-path", "", "", true, ok); seen != nil && len(seen.RequestErrors) == 0 {
		failures = append(failures, "control: a request to an undocumented path was accepted")
	}

	var noAuth, badBody, badReply bool
	for _, op := range ops {
		path := expectedPath(op.Path, pathValues(doc, op))
		method := strings.ToUpper(op.Method)
		bare := len(requiredQuery(op)) == 0 && op.Op["requestBody"] == nil
		if !noAuth && bare {
			noAuth = true
			if seen := send("no token", method, path, "", "", false, ok); seen != nil && len(seen.RequestErrors) == 0 {
				failures = append(failures, fmt.Sprintf("control: %s without a token was accepted", op))
			}
		}
		if rb := doc.deref(op.Op["requestBody"]); !badBody && rb != nil && len(requiredQuery(op)) == 0 {
			if ms := doc.media(rb["content"]); len(ms) > 0 && isJSONMedia(ms[0].Type) && schemaType(doc.deref(ms[0].Def["schema"])) == "object" {
				badBody = true
				if seen := send("bad body", method, path, ms[0].Type, `"conformance"`, true, ok); seen != nil && len(seen.RequestErrors) == 0 {
					failures = append(failures, fmt.Sprintf("control: %s with a string body for an object schema was accepted", op))
				}
			}
		}
		if rs := doc.responses(op.Op, '2'); !badReply && bare && len(rs) > 0 {
			if ms := doc.media(rs[0].Def["content"]); len(ms) > 0 && isJSONMedia(ms[0].Type) && schemaType(doc.deref(ms[0].Def["schema"])) == "object" {
				badReply = true
				reply := confReply{Status: rs[0].Code, Header: http.Header{"Content-Type": {ms[0].Type}}, Body: []byte(`"conformance"`)}
				if seen := send("bad reply", method, path, "", "", true, reply); seen != nil && len(seen.ResponseErrors) == 0 {
					failures = append(failures, fmt.Sprintf("control: a string reply to %s for an object schema was accepted", op))
				}
			}
		}
	}
	if !noAuth || !badBody || !badReply {
		failures = append(failures, fmt.Sprintf("controls: found no operation to break (token %v, body %v, reply %v)", noAuth, badBody, badReply))
	}
	return failures
}

// pathValues picks the path parameter values buildArgs uses.
func pathValues(doc *confDoc, op confOperation) map[string]string {
	out := map[string]string{}
	for _, p := range op.pathParams() {
		if s, ok := wireString(doc.paramValue(p)); ok {
			out[p.Name] = s
		}
	}
	return out
}

// requiredQuery lists the operation's required query and header parameters.
func requiredQuery(op confOperation) []string {
	var names []string
	for _, p := range op.Params {
		if (p.In == "query" || p.In == "header") && p.Required {
			names = append(names, p.Name)
		}
	}
	return names
}
