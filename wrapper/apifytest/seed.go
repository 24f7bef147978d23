package apifytest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// AddDataset creates a dataset holding items and returns its ID. name may be
// "" for an unnamed dataset; each item must encode as a JSON object.
func (s *Server) AddDataset(name string, items ...any) (string, error) {
	if s.tb != nil {
		s.tb.Helper()
	}
	v, err := s.addDataset(name, items...)
	return v, s.fail(err)
}

// addDataset is AddDataset without failing the test.
func (s *Server) addDataset(name string, items ...any) (string, error) {
	if err := checkSeedName("AddDataset", name); err != nil {
		return "", err
	}
	objs, size, err := toObjects(items)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, err := datasetKind.createUnique(s, "AddDataset", name)
	if err != nil {
		return "", err
	}
	d.append(s, objs, size)
	return d.id, nil
}

// PushItems appends items to the dataset with the given ID or name.
func (s *Server) PushItems(dataset string, items ...any) error {
	if s.tb != nil {
		s.tb.Helper()
	}
	return s.fail(s.pushItems(dataset, items...))
}

// pushItems is PushItems without failing the test.
func (s *Server) pushItems(dataset string, items ...any) error {
	objs, size, err := toObjects(items)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.findDataset(dataset)
	if !ok {
		return fmt.Errorf("apifytest: PushItems: no dataset %q", dataset)
	}
	d.append(s, objs, size)
	return nil
}

// DatasetItems returns the items of the dataset with the given ID or name.
func (s *Server) DatasetItems(dataset string) ([]json.RawMessage, error) {
	if s.tb != nil {
		s.tb.Helper()
	}
	v, err := s.datasetItems(dataset)
	return v, s.fail(err)
}

// datasetItems is DatasetItems without failing the test.
func (s *Server) datasetItems(dataset string) ([]json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.findDataset(dataset)
	if !ok {
		return nil, fmt.Errorf("apifytest: DatasetItems: no dataset %q", dataset)
	}
	out := make([]json.RawMessage, len(d.items))
	for i, it := range d.items {
		raw, err := it.MarshalJSON()
		if err != nil {
			return nil, err
		}
		out[i] = raw
	}
	return out, nil
}

// findDataset finds a dataset by ID or name. Callers hold Server.mu.
func (s *Server) findDataset(ref string) (*dataset, bool) { return s.datasets.find(s, ref) }

// AddKeyValueStore creates a key-value store ("" for unnamed) and returns its ID.
func (s *Server) AddKeyValueStore(name string) (string, error) {
	if s.tb != nil {
		s.tb.Helper()
	}
	v, err := s.addKeyValueStore(name)
	return v, s.fail(err)
}

// addKeyValueStore is AddKeyValueStore without failing the test.
func (s *Server) addKeyValueStore(name string) (string, error) {
	return kvStoreKind.seed(s, "AddKeyValueStore", name)
}

// SetRecord stores a record in the key-value store with the given ID or name.
// An empty contentType is stored as application/octet-stream.
func (s *Server) SetRecord(store, key string, value []byte, contentType string) error {
	if s.tb != nil {
		s.tb.Helper()
	}
	return s.fail(s.setRecord(store, key, value, contentType))
}

// setRecord is SetRecord without failing the test.
func (s *Server) setRecord(store, key string, value []byte, contentType string) error {
	if err := checkRecordKey(key); err != nil {
		return fmt.Errorf("apifytest: SetRecord: %s", err.message)
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.findKVStore(store)
	if !ok {
		return fmt.Errorf("apifytest: SetRecord: no key-value store %q", store)
	}
	k.records[key] = record{value: append([]byte(nil), value...), contentType: contentType}
	k.touch(s.now(), true)
	return nil
}

// Record returns a record of the key-value store with the given ID or name,
// with its content type; ok is false if the store or the record is missing.
func (s *Server) Record(store, key string) (value []byte, contentType string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, found := s.findKVStore(store)
	if !found {
		return nil, "", false
	}
	r, found := k.records[key]
	if !found {
		return nil, "", false
	}
	return append([]byte(nil), r.value...), r.contentType, true
}

// findKVStore finds a key-value store by ID or name. Callers hold Server.mu.
func (s *Server) findKVStore(ref string) (*kvStore, bool) { return s.stores.find(s, ref) }

// AddRequestQueue creates a request queue ("" for unnamed) and returns its ID.
func (s *Server) AddRequestQueue(name string) (string, error) {
	if s.tb != nil {
		s.tb.Helper()
	}
	v, err := s.addRequestQueue(name)
	return v, s.fail(err)
}

// addRequestQueue is AddRequestQueue without failing the test.
func (s *Server) addRequestQueue(name string) (string, error) {
	return queueKind.seed(s, "AddRequestQueue", name)
}

// RunInfo is a snapshot of a run, for assertions.
type RunInfo struct {
	// ID, ActorID and TaskID ("" unless started from a task) of the run.
	ID, ActorID, TaskID string
	// Status is the run's status, such as StatusSucceeded.
	Status string
	// StatusMessage is the run's status message; for a failed run, the error.
	StatusMessage string
	// DatasetID, KeyValueStoreID and RequestQueueID are the run's default storages.
	DatasetID, KeyValueStoreID, RequestQueueID string
	// Input is the input the run started with.
	Input []byte
	// Log is the run's log so far.
	Log string
	// StartedAt and FinishedAt (zero while running) on the server's clock.
	StartedAt, FinishedAt time.Time
}

func (s *Server) runInfo(r *run) RunInfo {
	return RunInfo{
		ID: r.id, ActorID: r.actorID, TaskID: r.taskID, Status: r.status, StatusMessage: r.statusMessage,
		DatasetID: r.datasetID, KeyValueStoreID: r.storeID, RequestQueueID: r.queueID,
		Input: append([]byte(nil), r.input...), Log: string(r.log),
		StartedAt: r.startedAt, FinishedAt: r.finishedAt,
	}
}

// Run returns a snapshot of the run with the given ID.
func (s *Server) Run(id string) (RunInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.runs[id]
	if !ok {
		return RunInfo{}, false
	}
	return s.runInfo(r), true
}

// Runs returns snapshots of all runs, oldest first.
func (s *Server) Runs() []RunInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RunInfo, len(s.runOrder))
	for i, r := range s.runOrder {
		out[i] = s.runInfo(r)
	}
	return out
}

// WaitForRun blocks until the run with the given ID finishes or ctx is done,
// and returns its final snapshot. It does not use the server's clock.
func (s *Server) WaitForRun(ctx context.Context, id string) (RunInfo, error) {
	s.mu.Lock()
	r, ok := s.runs[id]
	var done chan struct{}
	if ok {
		done = r.done
	}
	s.mu.Unlock()
	if !ok {
		return RunInfo{}, fmt.Errorf("apifytest: WaitForRun: no run %q", id)
	}
	select {
	case <-done:
	case <-ctx.Done():
		return RunInfo{}, fmt.Errorf("apifytest: WaitForRun %s: %w", id, ctx.Err())
	}
	info, _ := s.Run(id)
	return info, nil
}
