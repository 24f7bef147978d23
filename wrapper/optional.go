package apify

import "github.com/oapi-codegen/nullable"

// Nullable is an optional field of the API's objects that may also be
// null: unset (left out of the JSON, so an Update keeps what is there), null
// (an Update clears it), or a value. Build one with [Value] or [Null]; read
// one with its Get method (an error when unset or null) or IsSpecified and
// IsNull. It is the generated models' type under a name this package owns,
// so code written against this package never imports
// github.com/oapi-codegen/nullable.
type Nullable[T any] = nullable.Nullable[T]

// Value is v as the value of an optional field of a create or update body
// ([ScheduleCreate], [WebhookCreate], [ActorUpdate], …), e.g.
//
//	&apify.ScheduleCreate{Name: apify.Value("nightly"), IsEnabled: apify.Value(true)}
func Value[T any](v T) Nullable[T] {
	return nullable.NewNullableWithValue(v)
}

// Null is an optional field sent as JSON null: in an Update, it clears the
// field, e.g. apify.Null[string]() for a description.
func Null[T any]() Nullable[T] {
	return nullable.NewNullNullable[T]()
}

// Ptr returns a pointer to v, for the optional fields of pointer type
// (e.g. [TaskCreate].Name, [RunUpdate].StatusMessage).
func Ptr[T any](v T) *T {
	return &v
}
