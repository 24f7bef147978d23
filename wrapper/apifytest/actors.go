package apifytest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ActorFunc is the body of a fake Actor, registered with Server.AddActor. The
// server calls it in its own goroutine for each run, with a context that is
// cancelled when the run is aborted, times out or the server closes. The run
// SUCCEEDS if it returns nil and FAILS if it returns an error (whose message
// becomes the run's status message and the last log line) or panics.
type ActorFunc func(ctx context.Context, run *ActorRun) error

// ErrRunFinished is returned by the ActorRun write methods once the run has
// reached a terminal status, or the run has moved on to another function
// (metamorph, reboot, resurrect), like the real platform ignoring a stopped
// container's writes.
var ErrRunFinished = errors.New("apifytest: the run has already finished")

// ActorOptions are the default run options of an Actor added with
// Server.AddActor. Zero fields take the defaults given.
type ActorOptions struct {
	// Timeout is the default run timeout (default one hour); a run's timeout
	// query parameter overrides it, and 0 there means no timeout.
	Timeout time.Duration
	// MemoryMbytes is the default memory, a power of two of at least 128
	// (default 1024).
	MemoryMbytes int
	// ChargeEvents makes the Actor pay-per-event: the events its runs may
	// charge (POST /v2/actor-runs/{runId}/charge, ActorRun.Charge), by name.
	ChargeEvents map[string]ChargeEvent
	// Build is called for each build of the Actor (POST
	// /v2/actors/{actorId}/builds); the build FAILS if it returns an error,
	// and SUCCEEDS at once if Build is nil.
	Build BuildFunc
}

// actor is a registered Actor. Callers hold Server.mu.
type actor struct {
	id, username, name string
	fn                 ActorFunc
	opts               ActorOptions
	buildID            string
	createdAt          time.Time
	ext                *actorExt // versions, builds and settings; see Server.actorExt
}

var actorNamePattern = regexp.MustCompile(`^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$`)

// AddActor registers fn as an Actor and returns its ID. name is "name" (owned
// by the server's user) or "username/name"; the Actor is then reachable by
// its ID, "username~name" and "username/name" (URL-escaped).
func (s *Server) AddActor(name string, fn ActorFunc, opts ...ActorOptions) (string, error) {
	if s.tb != nil {
		s.tb.Helper()
	}
	v, err := s.addActor(name, fn, opts...)
	return v, s.fail(err)
}

// addActor is AddActor without failing the test.
func (s *Server) addActor(name string, fn ActorFunc, opts ...ActorOptions) (string, error) {
	if fn == nil {
		return "", errors.New("apifytest: AddActor: nil ActorFunc")
	}
	if len(opts) > 1 {
		return "", errors.New("apifytest: AddActor: pass at most one ActorOptions")
	}
	var o ActorOptions
	if len(opts) == 1 {
		o = opts[0]
	}
	switch {
	case o.Timeout < 0:
		return "", fmt.Errorf("apifytest: AddActor: negative Timeout %v", o.Timeout)
	case o.Timeout == 0:
		o.Timeout = time.Hour
	}
	switch {
	case o.MemoryMbytes == 0:
		o.MemoryMbytes = 1024
	case !validMemory(int64(o.MemoryMbytes)):
		return "", fmt.Errorf("apifytest: AddActor: MemoryMbytes %d is not a power of two of at least 128", o.MemoryMbytes)
	}
	username, short := s.cfg.username, name
	if u, n, ok := strings.Cut(name, "/"); ok {
		username, short = u, n
		if !usernamePattern.MatchString(username) {
			return "", fmt.Errorf("apifytest: AddActor: %q is not a valid username", username)
		}
	}
	if !actorNamePattern.MatchString(short) {
		return "", fmt.Errorf("apifytest: AddActor: %q is not a valid Actor name (letters, digits and dashes, up to 63, not starting or ending with a dash)", short)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.actors {
		if a.username == username && a.name == short {
			return "", fmt.Errorf("apifytest: AddActor: Actor %s/%s already exists", username, short)
		}
	}
	a := &actor{id: s.ids.next(), username: username, name: short, fn: fn, opts: o, buildID: s.ids.next(), createdAt: s.now()}
	s.actors[a.id] = a
	return a.id, nil
}

func validMemory(mb int64) bool { return mb >= 128 && mb&(mb-1) == 0 }

// findActor finds an Actor by ID, "username~name" or "username/name".
// Callers hold Server.mu.
func (s *Server) findActor(ref string) (*actor, bool) {
	if a, ok := s.actors[ref]; ok {
		return a, true
	}
	user, name, ok := splitNamedRef(ref)
	if !ok {
		return nil, false
	}
	for _, a := range s.actors {
		if a.username == user && a.name == name {
			return a, true
		}
	}
	return nil, false
}

// ActorRun is a run as its ActorFunc sees it: the input and the run's default
// storages and log. Its methods are safe for concurrent use.
type ActorRun struct {
	s   *Server
	r   *run
	gen int // the run's generation this function belongs to
}

// ID returns the run's ID.
func (a *ActorRun) ID() string { return a.r.id }

// Input returns the run's input as sent (the INPUT record, or after a
// metamorph the INPUT-METAMORPH-n record), or nil if the run was started
// without one.
func (a *ActorRun) Input() []byte {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return append([]byte(nil), a.r.input...)
}

// InputContentType returns the Content-Type the input came with.
func (a *ActorRun) InputContentType() string {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	return a.r.inputType
}

// DecodeInput decodes the JSON input into v. A run without input decodes as
// an empty JSON object.
func (a *ActorRun) DecodeInput(v any) error {
	in := a.Input()
	if len(in) == 0 {
		in = []byte("{}")
	}
	if err := decodeStrict(in, v); err != nil {
		return fmt.Errorf("apifytest: the run's input is not the JSON this Actor expects: %w", err)
	}
	return nil
}

// DatasetID returns the ID of the run's default dataset.
func (a *ActorRun) DatasetID() string { return a.r.datasetID }

// KeyValueStoreID returns the ID of the run's default key-value store.
func (a *ActorRun) KeyValueStoreID() string { return a.r.storeID }

// RequestQueueID returns the ID of the run's default request queue.
func (a *ActorRun) RequestQueueID() string { return a.r.queueID }

// PushItems appends items to the run's default dataset. Each item must encode
// as a JSON object (a struct, a map or a json.RawMessage holding an object).
func (a *ActorRun) PushItems(items ...any) error {
	objs, size, err := toObjects(items)
	if err != nil {
		return err
	}
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	d, err := defaultStorage(a, a.s.datasets, a.r.datasetID, "dataset")
	if err != nil {
		return err
	}
	d.append(a.s, objs, size)
	return nil
}

// SetOutput stores v as JSON under the key OUTPUT of the run's default
// key-value store, where run-sync finds it.
func (a *ActorRun) SetOutput(v any) error {
	b, err := jsonMarshal(v)
	if err != nil {
		return fmt.Errorf("apifytest: SetOutput: %w", err)
	}
	return a.SetRecord("OUTPUT", b, "application/json; charset=utf-8")
}

// SetRecord stores a record in the run's default key-value store.
func (a *ActorRun) SetRecord(key string, value []byte, contentType string) error {
	if err := checkRecordKey(key); err != nil {
		return fmt.Errorf("apifytest: SetRecord: %s", err.message)
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	k, err := defaultStorage(a, a.s.stores, a.r.storeID, "key-value store")
	if err != nil {
		return err
	}
	k.records[key] = record{value: append([]byte(nil), value...), contentType: contentType}
	k.writeCount++
	k.touch(a.s.now(), true)
	return nil
}

// defaultStorage finds the run's default storage with the given ID in r, for
// the write methods: ErrRunFinished once the run has finished. Callers hold
// Server.mu.
func defaultStorage[T storage](a *ActorRun, r *registry[T], id, what string) (T, error) {
	var zero T
	if a.r.finished() || a.r.ext.gen != a.gen {
		return zero, ErrRunFinished
	}
	v, ok := r.byID[id]
	if !ok {
		return zero, errors.New("apifytest: the run's default " + what + " was deleted")
	}
	return v, nil
}

// Logf appends a line to the run's log, prefixed with the time on the
// server's clock. Lines written after the run finished are dropped.
func (a *ActorRun) Logf(format string, args ...any) {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	if a.r.finished() {
		return
	}
	a.s.appendLog(a.r, fmt.Sprintf(format, args...))
}

// SetStatusMessage sets the run's status message.
func (a *ActorRun) SetStatusMessage(msg string) {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	if !a.r.finished() {
		a.r.statusMessage = msg
	}
}
