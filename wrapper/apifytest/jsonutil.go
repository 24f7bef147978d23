package apifytest

import (
	"encoding/json"
	"fmt"
)

// jsonMarshal encodes v; a json.RawMessage or []byte holding JSON is used as
// is (after validation).
func jsonMarshal(v any) ([]byte, error) {
	switch b := v.(type) {
	case json.RawMessage:
		if !json.Valid(b) {
			return nil, fmt.Errorf("the json.RawMessage is not valid JSON")
		}
		return b, nil
	case []byte:
		if !json.Valid(b) {
			return nil, fmt.Errorf("the []byte value is not valid JSON")
		}
		return b, nil
	}
	return json.Marshal(v)
}

// decodeStrict decodes JSON into v.
func decodeStrict(data []byte, v any) error { return json.Unmarshal(data, v) }

// toObjects encodes items as dataset items (JSON objects) and returns their
// total encoded size.
func toObjects(items []any) ([]object, int, error) {
	out := make([]object, 0, len(items))
	size := 0
	for i, it := range items {
		b, err := jsonMarshal(it)
		if err != nil {
			return nil, 0, fmt.Errorf("apifytest: item %d: %w", i, err)
		}
		o, err := parseObject(b)
		if err != nil {
			return nil, 0, fmt.Errorf("apifytest: item %d does not encode as a JSON object (dataset items must be objects)", i)
		}
		out = append(out, o)
		size += len(b)
	}
	return out, size, nil
}
