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

// tokenlessOps are the operations the document serves without a token
// (security: [], or a description saying so, such as a run's or build's
// "hard-to-guess ID" authenticating the call). A wrong token is still
// refused.
var tokenlessOps = map[string]bool{
	"actor_build_default_get": true, "actor_openapi_json_get": true, "actors_build_get": true,
	"actorBuild_get": true, "actorBuild_openapi_json_get": true, "actors_run_get": true, "actorRun_get": true,
	"user_get": true, "tools_decode_and_verify_post": true,
	"tools_browser_info_get": true, "tools_browser_info_post": true, "tools_browser_info_put": true, "tools_browser_info_delete": true,
}
