// Package gogen shapes what oapi-codegen writes into the committed generated
// packages: the models (package gen), which the hand-written client imports,
// and the typed client (package genclient), which only users of the full
// generated surface import, so that a program built on the hand-written
// client never compiles the typed-response layer.
//
// oapi-codegen runs twice on the normalized document (once for models, once
// for the client); [Shape] then splits each output into files by kind,
// qualifies the client's references to models with the gen package, and
// adds, per response type, the methods the wrapper's Result and Check use.
// The output depends only on its input, so regenerating is deterministic.
//
// [Generate] also keeps the names of the previous generation (its record,
// api/names.json, and its code): it matches the old document's operations
// and schemas with the new ones (operations by method and route, then by
// form or a path family that moved; schemas by form, then by where they
// are used, then as renamed and changed, merged, absorbed, or as inline
// types that became components; every match unique, never a guess),
// derives from the renames the identifiers that went away, writes for
// each a deprecated alias or forwarder into compat.go, and reports what
// was added, deprecated, moved, changed, reused, repointed and removed
// ([Report]).
package gogen
