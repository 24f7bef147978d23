package apifytest

import (
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// kvStore is a key-value store held in memory. Callers hold Server.mu.
type kvStore struct {
	storageMeta
	records                                   map[string]record
	readCount, writeCount, deleteCount, lists int
}

// record is one value of a key-value store.
type record struct {
	value       []byte
	contentType string
}

func (k *kvStore) size() int {
	n := 0
	for _, r := range k.records {
		n += len(r.value)
	}
	return n
}

// kvStoreJSON is the KeyValueStore schema.
type kvStoreJSON struct {
	ID               string  `json:"id"`
	Name             *string `json:"name"`
	UserID           string  `json:"userId"`
	Username         string  `json:"username"`
	CreatedAt        apiTime `json:"createdAt"`
	ModifiedAt       apiTime `json:"modifiedAt"`
	AccessedAt       apiTime `json:"accessedAt"`
	ActID            *string `json:"actId"`
	ActRunID         *string `json:"actRunId"`
	ConsoleURL       string  `json:"consoleUrl"`
	KeysPublicURL    string  `json:"keysPublicUrl"`
	RecordsPublicURL string  `json:"recordsPublicUrl"`
	// URLSigningSecretKey signs public URLs.
	URLSigningSecretKey string       `json:"urlSigningSecretKey"`
	GeneralAccess       string       `json:"generalAccess"`
	Stats               kvStoreStats `json:"stats"`
}

type kvStoreStats struct {
	ReadCount    int `json:"readCount"`
	WriteCount   int `json:"writeCount"`
	DeleteCount  int `json:"deleteCount"`
	ListCount    int `json:"listCount"`
	StorageBytes int `json:"storageBytes"`
}

func (c *call) kvStoreJSON(k *kvStore) kvStoreJSON {
	return kvStoreJSON{
		ID: k.id, Name: nullable(k.name), UserID: c.s.userID, Username: c.s.cfg.username,
		CreatedAt: apiTime(k.createdAt), ModifiedAt: apiTime(k.modifiedAt), AccessedAt: apiTime(k.accessAt),
		ActID: nullable(k.actID), ActRunID: nullable(k.actRunID),
		ConsoleURL:          consoleURL("key-value-stores", k.id),
		KeysPublicURL:       c.publicURL("/v2/key-value-stores/" + k.id + "/keys"),
		RecordsPublicURL:    c.publicURL("/v2/key-value-stores/" + k.id + "/records"),
		URLSigningSecretKey: c.s.signingSecret(k.id),
		GeneralAccess:       "FOLLOW_USER_SETTING",
		Stats: kvStoreStats{ReadCount: k.readCount, WriteCount: k.writeCount, DeleteCount: k.deleteCount,
			ListCount: k.lists, StorageBytes: k.size()},
	}
}

// createKVStore adds a store. Callers hold Server.mu.
func (s *Server) createKVStore(name string) *kvStore {
	k := &kvStore{storageMeta: s.newMeta(name), records: map[string]record{}}
	s.stores.add(k)
	return k
}

// kvStoreKind serves the key-value store operations every storage kind has:
//   - GET /v2/key-value-stores — https://docs.apify.com/api/v2/key-value-stores-get
//   - POST /v2/key-value-stores — https://docs.apify.com/api/v2/key-value-stores-post
//   - GET /v2/key-value-stores/{storeId} — https://docs.apify.com/api/v2/key-value-store-get
//   - PUT /v2/key-value-stores/{storeId} — https://docs.apify.com/api/v2/key-value-store-put
//   - DELETE /v2/key-value-stores/{storeId} — https://docs.apify.com/api/v2/key-value-store-delete
//
// Lists carry the full KeyValueStore schema, as the API's do.
var kvStoreKind = &storageKind[*kvStore]{
	path: "/v2/key-value-stores", param: "storeId", what: "Key-value store", noun: "store",
	registry: func(s *Server) *registry[*kvStore] { return s.stores },
	create:   (*Server).createKVStore,
	render:   func(c *call, k *kvStore, _ bool) any { return c.kvStoreJSON(k) },
}

// kvStore finds the store named by the storeId path parameter. Callers hold
// Server.mu.
func (c *call) kvStore() (*kvStore, error) { return kvStoreKind.find(c) }

var recordKeyPattern = regexp.MustCompile(`^[a-zA-Z0-9!\-_.'()]{1,256}$`)

// checkRecordKey validates a record key as the platform does.
func checkRecordKey(key string) *apiError {
	if !recordKeyPattern.MatchString(key) {
		return errorf(http.StatusBadRequest, "invalid-record-key",
			"Record key %q is not valid: use 1-256 characters from a-z, A-Z, 0-9 and !-_.'()", key)
	}
	return nil
}

// keyJSON is the KeyValueStoreKey schema.
type keyJSON struct {
	Key             string `json:"key"`
	Size            int    `json:"size"`
	RecordPublicURL string `json:"recordPublicUrl"`
}

// keysPage is the ListOfKeys schema.
type keysPage struct {
	Items                 []keyJSON `json:"items"`
	Count                 int       `json:"count"`
	Limit                 int       `json:"limit"`
	ExclusiveStartKey     *string   `json:"exclusiveStartKey"`
	IsTruncated           bool      `json:"isTruncated"`
	NextExclusiveStartKey *string   `json:"nextExclusiveStartKey"`
}

// GET /v2/key-value-stores/{storeId}/keys — https://docs.apify.com/api/v2/key-value-store-keys-get
func listKeys(c *call) error {
	lim, err := c.limitParam(1000)
	if err != nil {
		return err
	}
	lim = min(lim, 1000)
	start := c.query.Get("exclusiveStartKey")
	prefix := c.query.Get("prefix")
	if coll := c.query.Get("collection"); coll != "" {
		// The document: "The key-value store need to have a schema defined
		// for this parameter to work"; apifytest's stores have none.
		return errorf(http.StatusBadRequest, "invalid-collection",
			"The key-value store has no schema, so it has no collection %q (apifytest does not model key-value store schemas)", coll)
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	k, err := c.kvStore()
	if err != nil {
		return err
	}
	k.lists++
	k.touch(c.s.now(), false)
	keys := make([]string, 0, len(k.records))
	for key := range k.records {
		if strings.HasPrefix(key, prefix) && (start == "" || key > start) {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	page := keysPage{Items: []keyJSON{}, Limit: int(lim), ExclusiveStartKey: nullable(start)}
	if len(keys) > int(lim) {
		keys = keys[:lim]
		page.IsTruncated = true
		page.NextExclusiveStartKey = nullable(keys[len(keys)-1])
	}
	for _, key := range keys {
		page.Items = append(page.Items, keyJSON{
			Key: key, Size: len(k.records[key].value),
			RecordPublicURL: c.publicURL("/v2/key-value-stores/" + k.id + "/records/" + url.PathEscape(key)),
		})
	}
	page.Count = len(page.Items)
	writeData(c.w, http.StatusOK, page)
	return nil
}

// GET and HEAD /v2/key-value-stores/{storeId}/records/{recordKey} —
// https://docs.apify.com/api/v2/key-value-store-record-get
func getRecord(c *call) error {
	attachment, err := c.boolParam("attachment", false)
	if err != nil {
		return err
	}
	key := c.params["recordKey"]
	c.s.mu.Lock()
	k, err := c.kvStore()
	if err != nil {
		c.s.mu.Unlock()
		return err
	}
	rec, ok := k.records[key]
	if ok {
		k.readCount++
	}
	k.touch(c.s.now(), false)
	c.s.mu.Unlock()
	if !ok {
		return notFound("Record", key)
	}
	h := c.w.Header()
	h.Set("Content-Type", rec.contentType)
	h.Set("Content-Length", strconv.Itoa(len(rec.value)))
	if attachment {
		h.Set("Content-Disposition", `attachment; filename="`+key+`"`)
	}
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(rec.value)
	}
	return nil
}

// PUT and POST /v2/key-value-stores/{storeId}/records/{recordKey} —
// https://docs.apify.com/api/v2/key-value-store-record-put
func putRecord(c *call) error {
	key := c.params["recordKey"]
	if err := checkRecordKey(key); err != nil {
		return err
	}
	if len(c.body) > payloadLimit {
		return errorf(http.StatusRequestEntityTooLarge, "record-too-large",
			"The record is too large (limit: %d bytes, actual length: %d bytes)", payloadLimit, len(c.body))
	}
	ctype := c.r.Header.Get("Content-Type")
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	k, err := c.kvStore()
	if err != nil {
		return err
	}
	k.records[key] = record{value: append([]byte(nil), c.body...), contentType: ctype}
	k.writeCount++
	k.touch(c.s.now(), true)
	c.w.Header().Set("Location", c.publicURL("/v2/key-value-stores/"+k.id+"/records/"+url.PathEscape(key)))
	writeJSON(c.w, http.StatusCreated, struct{}{})
	return nil
}

// DELETE /v2/key-value-stores/{storeId}/records/{recordKey} —
// https://docs.apify.com/api/v2/key-value-store-record-delete
func deleteRecord(c *call) error {
	key := c.params["recordKey"]
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	k, err := c.kvStore()
	if err != nil {
		return err
	}
	if _, ok := k.records[key]; !ok {
		return notFound("Record", key)
	}
	delete(k.records, key)
	k.deleteCount++
	k.touch(c.s.now(), true)
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}
