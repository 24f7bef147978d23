package apify

import "github.com/apifygo/apify/gen"

// The API's objects, as this package returns them. They are aliases of the
// models generated from the Apify OpenAPI document, under names this package
// owns: when an upstream schema is renamed, only the alias changes, never
// code written against package apify. Fields that the API may send as null
// are [Nullable] values; read them with Get. go doc shows an alias without
// its fields: see them with go doc github.com/apifygo/apify/gen.<Name>.
type (
	// Actor is an Actor (https://docs.apify.com/api/v2/actor-get).
	Actor = gen.Actor
	// ActorShort is an Actor as lists show it.
	ActorShort = gen.ActorShort
	// ActorVersion is a version of an Actor's source.
	ActorVersion = gen.Version
	// Task is a saved Actor task (https://docs.apify.com/api/v2/actor-task-get).
	Task = gen.Task
	// TaskShort is a task as lists show it.
	TaskShort = gen.TaskShort
	// Run is an Actor run (https://docs.apify.com/api/v2/actor-run-get).
	Run = gen.Run
	// RunShort is a run as lists show it.
	RunShort = gen.RunShort
	// Build is an Actor build (https://docs.apify.com/api/v2/actor-build-get).
	Build = gen.Build
	// BuildShort is a build as lists show it.
	BuildShort = gen.BuildShort
	// Dataset is a dataset (https://docs.apify.com/api/v2/dataset-get).
	Dataset = gen.Dataset
	// DatasetListItem is a dataset as lists show it.
	DatasetListItem = gen.DatasetListItem
	// KeyValueStore is a key-value store (https://docs.apify.com/api/v2/key-value-store-get).
	KeyValueStore = gen.KeyValueStore
	// KeyValueStoreKey is one entry of a key-value store's key listing.
	KeyValueStoreKey = gen.KeyValueStoreKey
	// RequestQueue is a request queue (https://docs.apify.com/api/v2/request-queue-get).
	RequestQueue = gen.RequestQueue
	// RequestQueueShort is a request queue as lists show it.
	RequestQueueShort = gen.RequestQueueShort
	// Request is a request stored in a request queue.
	Request = gen.Request
	// AddedRequest is what a queue says about a request added to it.
	AddedRequest = gen.AddedRequest
	// LockedHead is the head of a request queue, locked for the caller.
	LockedHead = gen.LockedRequestQueueHead
	// Webhook is a webhook (https://docs.apify.com/api/v2/webhook-get).
	Webhook = gen.Webhook
	// WebhookShort is a webhook as lists show it.
	WebhookShort = gen.WebhookShort
	// WebhookDispatch is one delivery of a webhook.
	WebhookDispatch = gen.WebhookDispatch
	// Schedule is a schedule (https://docs.apify.com/api/v2/schedule-get).
	Schedule = gen.Schedule
	// ScheduleShort is a schedule as lists show it.
	ScheduleShort = gen.ScheduleShort
	// StoreActor is an Actor as Apify Store lists it.
	StoreActor = gen.StoreListActor
	// UserInfo is an Apify user. For the token's own user ([Client.User]
	// with "me") every field is filled; for another user only the public
	// ones (Username, Profile).
	UserInfo = gen.UserPrivateInfo
	// JobStatus is the status of a run or a build.
	JobStatus = gen.ActorJobStatus
	// RunOrigin says how a run was started.
	RunOrigin = gen.RunOrigin
)

// The statuses of a run (and of a build). READY, RUNNING, TIMING-OUT and
// ABORTING are transitional; the others are final.
const (
	RunReady     JobStatus = gen.ActorJobStatusREADY
	RunRunning   JobStatus = gen.ActorJobStatusRUNNING
	RunSucceeded JobStatus = gen.ActorJobStatusSUCCEEDED
	RunFailed    JobStatus = gen.ActorJobStatusFAILED
	RunTimingOut JobStatus = gen.ActorJobStatusTIMINGOUT
	RunTimedOut  JobStatus = gen.ActorJobStatusTIMEDOUT
	RunAborting  JobStatus = gen.ActorJobStatusABORTING
	RunAborted   JobStatus = gen.ActorJobStatusABORTED
)

// The ways a run can be started, for [LastRunOptions].Origin.
const (
	OriginDevelopment RunOrigin = gen.RunOriginDEVELOPMENT
	OriginWeb         RunOrigin = gen.RunOriginWEB
	OriginAPI         RunOrigin = gen.RunOriginAPI
	OriginScheduler   RunOrigin = gen.RunOriginSCHEDULER
	OriginTest        RunOrigin = gen.RunOriginTEST
	OriginWebhook     RunOrigin = gen.RunOriginWEBHOOK
	OriginActor       RunOrigin = gen.RunOriginACTOR
	OriginCLI         RunOrigin = gen.RunOriginCLI
	OriginStandby     RunOrigin = gen.RunOriginSTANDBY
	OriginCI          RunOrigin = gen.RunOriginCI
	OriginMCP         RunOrigin = gen.RunOriginMCP
)

// Finished reports whether a run or build with status s has finished
// (SUCCEEDED, FAILED, TIMED-OUT or ABORTED).
func Finished(s JobStatus) bool {
	switch s {
	case RunSucceeded, RunFailed, RunTimedOut, RunAborted:
		return true
	}
	return false
}
