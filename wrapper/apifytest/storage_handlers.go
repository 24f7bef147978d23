package apifytest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// storageKind describes one kind of storage (datasets, key-value stores,
// request queues) to the operations every kind has: list, create (or get by
// name), get, update and delete. Its methods are those operations' handlers.
type storageKind[T storage] struct {
	path     string // the collection's path, e.g. "/v2/datasets"
	param    string // the path parameter naming one storage, e.g. "datasetId"
	what     string // the kind in not-found errors, e.g. "Dataset"
	noun     string // the kind in prose, e.g. "dataset"
	registry func(s *Server) *registry[T]
	create   func(s *Server, name string) T
	render   func(c *call, v T, list bool) any // the kind's JSON schema; list selects the short form
}

// find finds the storage named by the kind's path parameter. Callers hold
// Server.mu.
func (k *storageKind[T]) find(c *call) (T, error) {
	id := c.params[k.param]
	v, ok := k.registry(c.s).lookup(c.s, id)
	if !ok {
		return v, notFound(k.what, id)
	}
	return v, nil
}

// list serves GET on the collection: the storages in creation order, named
// ones only unless unnamed=true.
func (k *storageKind[T]) list(c *call) error {
	offset, limit, desc, err := c.listWindow()
	if err != nil {
		return err
	}
	unnamed, err := c.boolParam("unnamed", false)
	if err != nil {
		return err
	}
	// Every storage belongs to the server's user: ownedByMe lists them all,
	// sharedWithMe none.
	ownership := c.query.Get("ownership")
	if ownership != "" && ownership != "ownedByMe" && ownership != "sharedWithMe" {
		return invalidParam("ownership", ownership, "use ownedByMe or sharedWithMe")
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	var all []T
	for _, v := range k.registry(c.s).order {
		if ownership != "sharedWithMe" && (v.meta().name != "" || unnamed) {
			all = append(all, v)
		}
	}
	render := func(v T) any { return k.render(c, v, true) }
	page := renderPage(all, render, offset, limit, desc)
	page.Unnamed = &unnamed
	writeData(c.w, http.StatusOK, page)
	return nil
}

// createOrGet serves POST on the collection: it answers the storage with the
// given name if there is one (200), and creates it otherwise (201).
func (k *storageKind[T]) createOrGet(c *call) error {
	name := c.query.Get("name")
	if name != "" {
		if err := checkStorageName(name); err != nil {
			return err
		}
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if v, ok := k.registry(c.s).named(name); ok {
		writeData(c.w, http.StatusOK, k.render(c, v, false))
		return nil
	}
	v := k.create(c.s, name)
	c.w.Header().Set("Location", c.publicURL(k.path+"/"+v.meta().id))
	writeData(c.w, http.StatusCreated, k.render(c, v, false))
	return nil
}

// get serves GET on one storage.
func (k *storageKind[T]) get(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	v, err := k.find(c)
	if err != nil {
		return err
	}
	v.meta().touch(c.s.now(), false)
	writeData(c.w, http.StatusOK, k.render(c, v, false))
	return nil
}

// update serves PUT on one storage: it renames it.
func (k *storageKind[T]) update(c *call) error {
	var body updateStorageBody
	if err := c.decodeJSONBody(&body, "the "+k.noun+"'s new name"); err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	v, err := k.find(c)
	if err != nil {
		return err
	}
	if err := renameStorage(k.registry(c.s), v, body.Name); err != nil {
		return err
	}
	v.meta().touch(c.s.now(), true)
	writeData(c.w, http.StatusOK, k.render(c, v, false))
	return nil
}

// remove serves DELETE on one storage.
func (k *storageKind[T]) remove(c *call) error {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	v, err := k.find(c)
	if err != nil {
		return err
	}
	k.registry(c.s).remove(v.meta().id)
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// renameStorage applies an update body's name: absent keeps it, null or ""
// makes the storage unnamed.
func renameStorage[T storage](r *registry[T], v T, raw json.RawMessage) error {
	if len(raw) == 0 {
		return nil
	}
	var name *string
	if err := json.Unmarshal(raw, &name); err != nil {
		return errorf(http.StatusBadRequest, "invalid-input", "The name must be a string or null")
	}
	if name == nil || *name == "" {
		r.rename(v, "")
		return nil
	}
	if *name == v.meta().name {
		return nil
	}
	if err := checkStorageName(*name); err != nil {
		return err
	}
	if _, taken := r.byName[*name]; taken {
		return errorf(http.StatusBadRequest, "name-not-unique", "A storage named %q already exists", *name)
	}
	r.rename(v, *name)
	return nil
}

// checkSeedName validates the name given to the seeding method op; "" stands
// for an unnamed storage.
func checkSeedName(op, name string) error {
	if name == "" {
		return nil
	}
	if err := checkStorageName(name); err != nil {
		return fmt.Errorf("apifytest: %s: %s", op, err.message)
	}
	return nil
}

// createUnique creates a storage for the seeding method op, unless one with
// the same name exists. Callers hold Server.mu.
func (k *storageKind[T]) createUnique(s *Server, op, name string) (T, error) {
	if _, taken := k.registry(s).named(name); taken {
		var zero T
		return zero, fmt.Errorf("apifytest: %s: a %s named %q already exists", op, k.noun, name)
	}
	return k.create(s, name), nil
}

// seed is the body of the seeding methods that create an empty storage: it
// returns the new storage's ID.
func (k *storageKind[T]) seed(s *Server, op, name string) (string, error) {
	if err := checkSeedName(op, name); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	v, err := k.createUnique(s, op, name)
	if err != nil {
		return "", err
	}
	return v.meta().id, nil
}
