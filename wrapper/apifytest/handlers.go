package apifytest

import "sync"

var (
	handlersOnce sync.Once
	handlerTable map[string]handlerFunc
)

// handlers maps "METHOD /template" of each canonical operation the fake
// implements to its handler. The API's convenience operations (a run's
// default storages, last runs, Actor-scoped runs) reach these through
// canonicalize.
func handlers() map[string]handlerFunc {
	handlersOnce.Do(func() {
		handlerTable = map[string]handlerFunc{
			"GET /v2/datasets":                    datasetKind.list,
			"POST /v2/datasets":                   datasetKind.createOrGet,
			"GET /v2/datasets/{datasetId}":        datasetKind.get,
			"PUT /v2/datasets/{datasetId}":        datasetKind.update,
			"DELETE /v2/datasets/{datasetId}":     datasetKind.remove,
			"GET /v2/datasets/{datasetId}/items":  getItems,
			"HEAD /v2/datasets/{datasetId}/items": getItems,
			"POST /v2/datasets/{datasetId}/items": pushItems,

			"GET /v2/key-value-stores":                                  kvStoreKind.list,
			"POST /v2/key-value-stores":                                 kvStoreKind.createOrGet,
			"GET /v2/key-value-stores/{storeId}":                        kvStoreKind.get,
			"PUT /v2/key-value-stores/{storeId}":                        kvStoreKind.update,
			"DELETE /v2/key-value-stores/{storeId}":                     kvStoreKind.remove,
			"GET /v2/key-value-stores/{storeId}/keys":                   listKeys,
			"GET /v2/key-value-stores/{storeId}/records/{recordKey}":    getRecord,
			"HEAD /v2/key-value-stores/{storeId}/records/{recordKey}":   getRecord,
			"PUT /v2/key-value-stores/{storeId}/records/{recordKey}":    putRecord,
			"POST /v2/key-value-stores/{storeId}/records/{recordKey}":   putRecord,
			"DELETE /v2/key-value-stores/{storeId}/records/{recordKey}": deleteRecord,

			"GET /v2/request-queues":                                        queueKind.list,
			"POST /v2/request-queues":                                       queueKind.createOrGet,
			"GET /v2/request-queues/{queueId}":                              queueKind.get,
			"PUT /v2/request-queues/{queueId}":                              queueKind.update,
			"DELETE /v2/request-queues/{queueId}":                           queueKind.remove,
			"GET /v2/request-queues/{queueId}/requests":                     listRequests,
			"POST /v2/request-queues/{queueId}/requests":                    addRequestHandler,
			"POST /v2/request-queues/{queueId}/requests/batch":              batchAddRequests,
			"DELETE /v2/request-queues/{queueId}/requests/batch":            batchDeleteRequests,
			"POST /v2/request-queues/{queueId}/requests/unlock":             unlockRequests,
			"GET /v2/request-queues/{queueId}/requests/{requestId}":         getRequest,
			"PUT /v2/request-queues/{queueId}/requests/{requestId}":         updateRequest,
			"DELETE /v2/request-queues/{queueId}/requests/{requestId}":      deleteRequest,
			"PUT /v2/request-queues/{queueId}/requests/{requestId}/lock":    prolongLock,
			"DELETE /v2/request-queues/{queueId}/requests/{requestId}/lock": deleteLock,
			"GET /v2/request-queues/{queueId}/head":                         getHead,
			"POST /v2/request-queues/{queueId}/head/lock":                   lockHead,

			"GET /v2/actors":                                       listActors,
			"GET /v2/actors/{actorId}":                             getActor,
			"GET /v2/actors/{actorId}/runs":                        listActorRuns,
			"POST /v2/actors/{actorId}/runs":                       startActorRun,
			"POST /v2/actors/{actorId}/run-sync":                   actorRunSync,
			"GET /v2/actors/{actorId}/run-sync":                    actorRunSync,
			"POST /v2/actors/{actorId}/run-sync-get-dataset-items": actorRunSyncItems,
			"GET /v2/actors/{actorId}/run-sync-get-dataset-items":  actorRunSyncItems,

			"GET /v2/actor-tasks":                                           listTasks,
			"POST /v2/actor-tasks":                                          createTaskHandler,
			"GET /v2/actor-tasks/{actorTaskId}":                             getTask,
			"GET /v2/actor-tasks/{actorTaskId}/input":                       getTaskInput,
			"GET /v2/actor-tasks/{actorTaskId}/runs":                        listTaskRuns,
			"POST /v2/actor-tasks/{actorTaskId}/runs":                       startTaskRun,
			"POST /v2/actor-tasks/{actorTaskId}/run-sync":                   taskRunSync,
			"GET /v2/actor-tasks/{actorTaskId}/run-sync":                    taskRunSync,
			"POST /v2/actor-tasks/{actorTaskId}/run-sync-get-dataset-items": taskRunSyncItems,
			"GET /v2/actor-tasks/{actorTaskId}/run-sync-get-dataset-items":  taskRunSyncItems,

			"GET /v2/actor-runs":                listRuns,
			"GET /v2/actor-runs/{runId}":        getRun,
			"PUT /v2/actor-runs/{runId}":        updateRun,
			"POST /v2/actor-runs/{runId}/abort": abortRunHandler,
			"GET /v2/actor-runs/{runId}/log":    getLog,

			"GET /v2/users/me": getMe,
		}
		for _, group := range handlerGroups {
			for key, h := range group() {
				handlerTable[key] = h
			}
		}
	})
	return handlerTable
}
