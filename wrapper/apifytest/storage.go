package apifytest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// storageMeta is what datasets, key-value stores and request queues share.
type storageMeta struct {
	id, name                        string
	createdAt, modifiedAt, accessAt time.Time
	actID, actRunID                 string // set for a run's default storages
}

func (m *storageMeta) meta() *storageMeta { return m }

// storage is implemented by the three storage types.
type storage interface{ meta() *storageMeta }

// registry holds the storages of one type. Callers hold Server.mu.
type registry[T storage] struct {
	byID   map[string]T
	byName map[string]string // name -> ID
	order  []T               // creation order
}

func newRegistry[T storage]() *registry[T] {
	return &registry[T]{byID: map[string]T{}, byName: map[string]string{}}
}

func (r *registry[T]) add(v T) {
	m := v.meta()
	r.byID[m.id] = v
	if m.name != "" {
		r.byName[m.name] = m.id
	}
	r.order = append(r.order, v)
}

func (r *registry[T]) remove(id string) {
	v, ok := r.byID[id]
	if !ok {
		return
	}
	delete(r.byID, id)
	if n := v.meta().name; n != "" && r.byName[n] == id {
		delete(r.byName, n)
	}
	for i, x := range r.order {
		if x.meta().id == id {
			r.order = append(r.order[:i], r.order[i+1:]...)
			break
		}
	}
}

func (r *registry[T]) rename(v T, name string) {
	m := v.meta()
	if m.name != "" && r.byName[m.name] == m.id {
		delete(r.byName, m.name)
	}
	m.name = name
	if name != "" {
		r.byName[name] = m.id
	}
}

// lookup finds a storage by ID or "username~name" (also "username/name").
func (r *registry[T]) lookup(s *Server, ref string) (T, bool) {
	if v, ok := r.byID[ref]; ok {
		return v, true
	}
	if user, name, ok := splitNamedRef(ref); ok && user == s.cfg.username {
		if id, ok := r.byName[name]; ok {
			return r.byID[id], true
		}
	}
	var zero T
	return zero, false
}

// named finds a storage by name; "" names none.
func (r *registry[T]) named(name string) (T, bool) {
	if id, ok := r.byName[name]; ok && name != "" {
		return r.byID[id], true
	}
	var zero T
	return zero, false
}

// find finds a storage by name, ID or "username~name", for the seeding and
// inspection methods. Callers hold Server.mu.
func (r *registry[T]) find(s *Server, ref string) (T, bool) {
	if v, ok := r.named(ref); ok {
		return v, true
	}
	return r.lookup(s, ref)
}

// splitNamedRef splits "username~name" or "username/name".
func splitNamedRef(ref string) (user, name string, ok bool) {
	if i := strings.IndexAny(ref, "~/"); i > 0 && i < len(ref)-1 {
		return ref[:i], ref[i+1:], true
	}
	return "", "", false
}

var storageNamePattern = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`)

// checkStorageName validates a storage name as the platform does: letters,
// digits and dashes, not starting or ending with a dash, up to 63 characters.
func checkStorageName(name string) *apiError {
	if !storageNamePattern.MatchString(name) {
		return errorf(http.StatusBadRequest, "invalid-value",
			"Name %q is not valid: use 1-63 letters, digits and dashes, not starting or ending with a dash", name)
	}
	return nil
}

// newMeta returns the metadata of a new storage. Callers hold Server.mu.
func (s *Server) newMeta(name string) storageMeta {
	now := s.now()
	return storageMeta{id: s.ids.next(), name: name, createdAt: now, modifiedAt: now, accessAt: now}
}

func (m *storageMeta) touch(now time.Time, modified bool) {
	m.accessAt = now
	if modified {
		m.modifiedAt = now
	}
}

// nullable returns nil for "", so that JSON encodes it as null.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// consoleURL is the Apify Console page of a resource.
func consoleURL(kind, id string) string {
	return "https://console.apify.com/storage/" + kind + "/" + id
}

// publicURL builds an absolute URL on the server for path.
func (c *call) publicURL(path string) string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host + path
}

// updateStorageBody is the body of the storage update operations.
type updateStorageBody struct {
	Name          json.RawMessage `json:"name"` // absent, null or a string
	GeneralAccess *string         `json:"generalAccess"`
}
