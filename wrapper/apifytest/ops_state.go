package apifytest

// opsState is the state of the operations beyond storages, runs and tasks.
// Its maps are made on first use. Callers hold Server.mu.
type opsState struct {
	builds     map[string]*build // by ID
	buildOrder []*build          // in creation order

	webhooks      map[string]*webhook // by ID
	dispatches    map[string]*dispatch
	dispatchOrder []*dispatch

	store []*storeEntry // the Apify Store, in the order added

	limits    accountLimits
	limitsSet bool

	schedules map[string]*schedule

	taskMods map[string]*taskExt // by task ID
}
