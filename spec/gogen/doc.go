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
package gogen
