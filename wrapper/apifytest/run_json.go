package apifytest

import "time"

// runJSON is the Run schema.
type runJSON struct {
	ID                      string         `json:"id"`
	ActID                   string         `json:"actId"`
	UserID                  string         `json:"userId"`
	ActorTaskID             *string        `json:"actorTaskId"`
	StartedAt               apiTime        `json:"startedAt"`
	FinishedAt              optTime        `json:"finishedAt"`
	Status                  string         `json:"status"`
	StatusMessage           *string        `json:"statusMessage"`
	IsStatusMessageTerminal *bool          `json:"isStatusMessageTerminal"`
	Meta                    runMeta        `json:"meta"`
	Stats                   runStats       `json:"stats"`
	Options                 runOptionsJSON `json:"options"`
	BuildID                 string         `json:"buildId"`
	BuildNumber             string         `json:"buildNumber"`
	ExitCode                *int           `json:"exitCode"`
	GeneralAccess           string         `json:"generalAccess"`
	DefaultKeyValueStoreID  string         `json:"defaultKeyValueStoreId"`
	DefaultDatasetID        string         `json:"defaultDatasetId"`
	DefaultRequestQueueID   string         `json:"defaultRequestQueueId"`
	StorageIDs              storageIDs     `json:"storageIds"`
	UsageTotalUsd           float64        `json:"usageTotalUsd"`
	PricingInfo             any            `json:"pricingInfo,omitempty"`
	ChargedEventCounts      map[string]int `json:"chargedEventCounts,omitempty"`
	Metamorphs              []metamorphRec `json:"metamorphs,omitempty"`
}

type runMeta struct {
	Origin      string  `json:"origin"`
	ScheduleID  *string `json:"scheduleId,omitempty"`
	ScheduledAt optTime `json:"scheduledAt,omitzero"`
}

type runStats struct {
	RebootCount    int     `json:"rebootCount"`
	RestartCount   int     `json:"restartCount"`
	ResurrectCount int     `json:"resurrectCount"`
	DurationMillis int64   `json:"durationMillis"`
	RunTimeSecs    float64 `json:"runTimeSecs"`
	ComputeUnits   float64 `json:"computeUnits"`
}

type runOptionsJSON struct {
	Build        string   `json:"build"`
	TimeoutSecs  int64    `json:"timeoutSecs"`
	MemoryMbytes int64    `json:"memoryMbytes"`
	DiskMbytes   int64    `json:"diskMbytes"`
	MaxItems     *int64   `json:"maxItems,omitempty"`
	MaxChargeUsd *float64 `json:"maxTotalChargeUsd,omitempty"`
}

type storageIDs struct {
	Datasets       map[string]string `json:"datasets"`
	KeyValueStores map[string]string `json:"keyValueStores"`
	RequestQueues  map[string]string `json:"requestQueues"`
}

// runShortJSON is the RunShort schema of run lists.
type runShortJSON struct {
	ID                     string  `json:"id"`
	ActID                  string  `json:"actId"`
	UserID                 string  `json:"userId"`
	ActorTaskID            *string `json:"actorTaskId"`
	Status                 string  `json:"status"`
	StartedAt              apiTime `json:"startedAt"`
	FinishedAt             optTime `json:"finishedAt"`
	BuildID                string  `json:"buildId"`
	BuildNumber            string  `json:"buildNumber"`
	Meta                   runMeta `json:"meta"`
	UsageTotalUsd          float64 `json:"usageTotalUsd"`
	DefaultKeyValueStoreID string  `json:"defaultKeyValueStoreId"`
	DefaultDatasetID       string  `json:"defaultDatasetId"`
	DefaultRequestQueueID  string  `json:"defaultRequestQueueId"`
}

// runJSON renders r. Callers hold Server.mu.
func (s *Server) runJSON(r *run) runJSON {
	end := r.finishedAt
	if end.IsZero() {
		end = s.now()
	}
	dur := end.Sub(r.startedAt)
	j := runJSON{
		ID: r.id, ActID: r.actorID, UserID: s.userID, ActorTaskID: nullable(r.taskID),
		StartedAt: apiTime(r.startedAt), FinishedAt: optTime(r.finishedAt),
		Status: r.status, StatusMessage: nullable(r.statusMessage),
		Meta: runMeta{Origin: r.opts.origin},
		Stats: runStats{DurationMillis: dur.Milliseconds(), RunTimeSecs: dur.Seconds(),
			ComputeUnits: dur.Hours() * float64(r.opts.memoryMbytes) / 1024},
		Options: runOptionsJSON{Build: r.opts.build, TimeoutSecs: int64(r.opts.timeout / time.Second),
			MemoryMbytes: r.opts.memoryMbytes, DiskMbytes: 2 * r.opts.memoryMbytes, MaxItems: r.opts.maxItems,
			MaxChargeUsd: r.opts.maxChargeUsd},
		BuildID: r.buildID, BuildNumber: r.buildNumber(), ExitCode: r.exitCode,
		GeneralAccess:          "FOLLOW_USER_SETTING",
		DefaultKeyValueStoreID: r.storeID, DefaultDatasetID: r.datasetID, DefaultRequestQueueID: r.queueID,
		StorageIDs: storageIDs{
			Datasets:       map[string]string{"default": r.datasetID},
			KeyValueStores: map[string]string{"default": r.storeID},
			RequestQueues:  map[string]string{"default": r.queueID},
		},
	}
	s.decorateRunJSON(r, &j)
	if r.statusMessage != "" {
		terminal := r.terminalMsg || r.finished()
		j.IsStatusMessageTerminal = &terminal
	}
	return j
}

// runShortJSON renders r for lists. Callers hold Server.mu.
func (s *Server) runShortJSON(r *run) runShortJSON {
	return runShortJSON{
		ID: r.id, ActID: r.actorID, UserID: s.userID, ActorTaskID: nullable(r.taskID), Status: r.status,
		StartedAt: apiTime(r.startedAt), FinishedAt: optTime(r.finishedAt),
		BuildID: r.buildID, BuildNumber: r.buildNumber(), Meta: runMeta{Origin: r.opts.origin},
		DefaultKeyValueStoreID: r.storeID, DefaultDatasetID: r.datasetID, DefaultRequestQueueID: r.queueID,
	}
}

// buildNumber is the number of the build the run uses.
func (r *run) buildNumber() string {
	if r.ext.buildNumber == "" {
		return "0.0.1"
	}
	return r.ext.buildNumber
}
