package apifytest

// handlerGroups are the handler tables of the operations added beside the
// storage, run and task core of handlers: each group lives in its own file.
var handlerGroups = []func() map[string]handlerFunc{
	runControlHandlers,
	accountHandlers,
	actorHandlers,
	buildHandlers,
	versionHandlers,
	webhookHandlers,
	toolHandlers,
	storeHandlers,
	scheduleHandlers,
	taskEditHandlers,
	storageExtraHandlers,
}
