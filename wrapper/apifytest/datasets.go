package apifytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// dataset is a dataset held in memory. Callers hold Server.mu.
type dataset struct {
	storageMeta
	items      []object
	readCount  int
	writeCount int
	bytes      int
}

func (d *dataset) cleanItemCount() int {
	n := 0
	for _, it := range d.items {
		if len(it.without(isHidden)) > 0 {
			n++
		}
	}
	return n
}

func isHidden(key string) bool { return strings.HasPrefix(key, "#") }

// datasetJSON is the Dataset schema.
type datasetJSON struct {
	ID             string  `json:"id"`
	Name           *string `json:"name"`
	UserID         string  `json:"userId"`
	Username       string  `json:"username,omitempty"`
	CreatedAt      apiTime `json:"createdAt"`
	ModifiedAt     apiTime `json:"modifiedAt"`
	AccessedAt     apiTime `json:"accessedAt"`
	ItemCount      int     `json:"itemCount"`
	CleanItemCount int     `json:"cleanItemCount"`
	ActID          *string `json:"actId"`
	ActRunID       *string `json:"actRunId"`
	ConsoleURL     string  `json:"consoleUrl,omitempty"`
	ItemsPublicURL string  `json:"itemsPublicUrl,omitempty"`
	// URLSigningSecretKey signs public URLs; lists do not show it.
	URLSigningSecretKey string       `json:"urlSigningSecretKey,omitempty"`
	GeneralAccess       string       `json:"generalAccess"`
	Stats               datasetStats `json:"stats"`
}

type datasetStats struct {
	ReadCount    int `json:"readCount"`
	WriteCount   int `json:"writeCount"`
	StorageBytes int `json:"storageBytes"`
}

func (c *call) datasetJSON(d *dataset, list bool) datasetJSON {
	j := datasetJSON{
		ID: d.id, Name: nullable(d.name), UserID: c.s.userID,
		CreatedAt: apiTime(d.createdAt), ModifiedAt: apiTime(d.modifiedAt), AccessedAt: apiTime(d.accessAt),
		ItemCount: len(d.items), CleanItemCount: d.cleanItemCount(),
		ActID: nullable(d.actID), ActRunID: nullable(d.actRunID),
		GeneralAccess: "FOLLOW_USER_SETTING",
		Stats:         datasetStats{ReadCount: d.readCount, WriteCount: d.writeCount, StorageBytes: d.bytes},
	}
	if list {
		j.Username = c.s.cfg.username
	} else {
		j.ConsoleURL = consoleURL("datasets", d.id)
		j.ItemsPublicURL = c.publicURL("/v2/datasets/" + d.id + "/items")
		j.URLSigningSecretKey = c.s.signingSecret(d.id)
	}
	return j
}

// createDataset adds a dataset. Callers hold Server.mu.
func (s *Server) createDataset(name string) *dataset {
	d := &dataset{storageMeta: s.newMeta(name)}
	s.datasets.add(d)
	return d
}

// datasetKind serves the dataset operations every storage kind has:
//   - GET /v2/datasets — https://docs.apify.com/api/v2/datasets-get
//   - POST /v2/datasets — https://docs.apify.com/api/v2/datasets-post
//   - GET /v2/datasets/{datasetId} — https://docs.apify.com/api/v2/dataset-get
//   - PUT /v2/datasets/{datasetId} — https://docs.apify.com/api/v2/dataset-put
//   - DELETE /v2/datasets/{datasetId} — https://docs.apify.com/api/v2/dataset-delete
var datasetKind = &storageKind[*dataset]{
	path: "/v2/datasets", param: "datasetId", what: "Dataset", noun: "dataset",
	registry: func(s *Server) *registry[*dataset] { return s.datasets },
	create:   (*Server).createDataset,
	render:   func(c *call, d *dataset, list bool) any { return c.datasetJSON(d, list) },
}

// dataset finds the dataset named by the datasetId path parameter.
// Callers hold Server.mu.
func (c *call) dataset() (*dataset, error) { return datasetKind.find(c) }

// POST /v2/datasets/{datasetId}/items — https://docs.apify.com/api/v2/dataset-items-post
func pushItems(c *call) error {
	if len(c.body) > payloadLimit {
		return errorf(http.StatusRequestEntityTooLarge, "request-too-large",
			"The POST payload is too large (limit: %d bytes, actual length: %d bytes)", payloadLimit, len(c.body))
	}
	items, err := parseItems(c.body)
	if err != nil {
		return errorf(http.StatusBadRequest, "invalid-input", "%v", err)
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	d, err := c.dataset()
	if err != nil {
		return err
	}
	d.append(c.s, items, len(c.body))
	c.w.Header().Set("Location", c.publicURL("/v2/datasets/"+d.id+"/items"))
	writeJSON(c.w, http.StatusCreated, struct{}{})
	return nil
}

// append adds items. Callers hold Server.mu.
func (d *dataset) append(s *Server, items []object, size int) {
	d.items = append(d.items, items...)
	d.writeCount += len(items)
	d.bytes += size
	d.touch(s.now(), true)
}

// parseItems parses a push body: one JSON object or an array of them.
func parseItems(body []byte) ([]object, error) {
	switch jsonKind(body) {
	case '{':
		o, err := parseObject(body)
		if err != nil {
			return nil, fmt.Errorf("the request body is not a valid JSON object: %v", err)
		}
		return []object{o}, nil
	case '[':
		var raws []json.RawMessage
		if err := json.Unmarshal(body, &raws); err != nil {
			return nil, fmt.Errorf("the request body is not a valid JSON array: %v", err)
		}
		out := make([]object, 0, len(raws))
		for i, raw := range raws {
			o, err := parseObject(raw)
			if err != nil {
				return nil, fmt.Errorf("item at index %d is not a JSON object; dataset items must be objects", i)
			}
			out = append(out, o)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("the request body must be a JSON object or an array of objects")
	}
}
