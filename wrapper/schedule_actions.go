package apify

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/apifygo/apify/gen"
	"github.com/oapi-codegen/nullable"
)

// ScheduleAction is one thing a schedule does when it fires: run an Actor
// ([RunActorAction]) or a task ([RunTaskAction]). Set a schedule's actions
// with [ScheduleActions].
type ScheduleAction = gen.ScheduleCreateAction

// RunActorAction is a schedule action that runs the Actor actorID (its ID)
// with input: nil for the Actor's default input, or a value encoded as a
// JSON object.
func RunActorAction(actorID string, input any) (ScheduleAction, error) {
	var a ScheduleAction
	if actorID == "" {
		return a, errors.New("apify: RunActorAction: the Actor ID is empty")
	}
	run := gen.ScheduleCreateActionRunActor{ActorID: actorID, Type: gen.ScheduleCreateActionRunActorTypeRUNACTOR}
	if input != nil {
		body, err := json.Marshal(input)
		if err != nil {
			return a, fmt.Errorf("apify: RunActorAction: encoding the input (%T) as JSON: %w", input, err)
		}
		run.RunInput = nullable.NewNullableWithValue(gen.ScheduleActionRunInput{
			Body:        nullable.NewNullableWithValue(string(body)),
			ContentType: nullable.NewNullableWithValue("application/json; charset=utf-8"),
		})
	}
	err := a.FromScheduleCreateActionRunActor(run)
	return a, err
}

// RunTaskAction is a schedule action that runs the task taskID (its ID)
// with input merged over its saved input: nil for the saved input as it
// is, or a value encoded as a JSON object.
func RunTaskAction(taskID string, input any) (ScheduleAction, error) {
	var a ScheduleAction
	if taskID == "" {
		return a, errors.New("apify: RunTaskAction: the task ID is empty")
	}
	run := gen.ScheduleCreateActionRunActorTask{ActorTaskID: taskID, Type: gen.ScheduleCreateActionRunActorTaskTypeRUNACTORTASK}
	if input != nil {
		var obj map[string]any
		body, err := json.Marshal(input)
		if err == nil {
			err = json.Unmarshal(body, &obj)
		}
		if err != nil || obj == nil {
			return a, fmt.Errorf("apify: RunTaskAction: the input (%T) does not encode as a JSON object: %v", input, err)
		}
		run.Input = nullable.NewNullableWithValue(obj)
	}
	err := a.FromScheduleCreateActionRunActorTask(run)
	return a, err
}

// ScheduleActions is the value of [ScheduleCreate].Actions (and
// [ScheduleUpdate].Actions) for the given actions.
func ScheduleActions(actions ...ScheduleAction) Nullable[[]ScheduleAction] {
	return nullable.NewNullableWithValue(actions)
}
