package apifytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// apiError is an error the API answers with its error envelope.
type apiError struct {
	status  int
	typ     string
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.typ, e.message) }

func errorf(status int, typ, format string, args ...any) *apiError {
	return &apiError{status: status, typ: typ, message: fmt.Sprintf(format, args...)}
}

func notFound(what, id string) *apiError {
	return errorf(http.StatusNotFound, "record-not-found", "%s %q was not found", what, id)
}

func invalidParam(name, value, want string) *apiError {
	return errorf(http.StatusBadRequest, "invalid-parameter", "Query parameter %q has an invalid value %q: %s", name, value, want)
}

// errorEnvelope is the body of every error response.
type errorEnvelope struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, errorEnvelope{Error: errorDetail{Type: e.typ, Message: e.message}})
}

// dataEnvelope is the body of every successful JSON response.
type dataEnvelope struct {
	Data any `json:"data"`
}

func writeData(w http.ResponseWriter, status int, v any) {
	writeJSON(w, status, dataEnvelope{Data: v})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Every value the server sends is built from JSON it accepted.
		status = http.StatusInternalServerError
		body, _ = json.Marshal(errorEnvelope{Error: errorDetail{Type: "internal-server-error", Message: "apifytest could not encode its response: " + err.Error()}})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// apiTime formats t as the API does: UTC with milliseconds.
type apiTime time.Time

func (t apiTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format("2006-01-02T15:04:05.000Z") + `"`), nil
}

// optTime is an apiTime that encodes the zero time as null.
type optTime time.Time

func (t optTime) MarshalJSON() ([]byte, error) {
	if time.Time(t).IsZero() {
		return []byte("null"), nil
	}
	return apiTime(t).MarshalJSON()
}
