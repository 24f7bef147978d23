package gogen

import (
	"strings"
)

// inlineRenames matches types the previous generation named after where an
// inline schema was (a property of a schema, an operation's JSON request
// or response body: ErrorResponseError, ActorTasksGet200JSONResponseBody)
// with the component schema the new document refers to at that place
// instead (ErrorResponse.error became a $ref to ErrorDetail). The old name
// is rebuilt from the place the way the generator names inline types, with
// the names the container had in the previous generation, and compared
// folded (case and separators ignored); a name two schemas could take is
// matched to neither. gone lists the types of the models
// package that the previous generation exported and this one does not;
// oldSchemaGo and oldOpGo give a container's previous Go name from its new
// name or route. The types may differ, so each is also a change.
func inlineRenames(gone []string, next []Schema, oldSchemaGo, oldOpGo func(string) string) ([]rename, []SchemaChange) {
	// A new schema that took an inline type's place names its own inline
	// types' places as the old inline type did (Data → ListOfSchedules,
	// then DataItems → ScheduleShort): repeat with those names.
	nameOfGo := map[string]string{}
	for _, s := range next {
		if s.Go != "" {
			nameOfGo[s.Go] = s.Name
		}
	}
	took := map[string]string{} // new schema name → the old inline type it replaced
	containerGo := func(name string) string {
		if g := oldSchemaGo(name); g != "" {
			return g
		}
		return took[name]
	}
	var renames []rename
	var changes []SchemaChange
	done := map[string]bool{}
	for progress := true; progress; {
		progress = false
		want := map[string]string{} // folded old name → new Go type
		conflict := map[string]bool{}
		exact := map[string]bool{}
		// Names of the place itself first; then, for a success response,
		// the names it had under another 2xx status (200 became 201).
		for _, other := range []bool{false, true} {
			for _, s := range next {
				if s.Go == "" {
					continue
				}
				for _, u := range s.Uses {
					var names []string
					if other {
						names = otherSuccessNames(u, oldOpGo)
					} else {
						names = inlineNames(u, containerGo, oldOpGo)
					}
					for _, name := range names {
						if other && exact[name] {
							continue
						}
						if t, ok := want[name]; ok && t != s.Go {
							conflict[name] = true
						}
						want[name] = s.Go
						exact[name] = exact[name] || !other
					}
				}
			}
		}
		for _, t := range gone {
			f := foldName(t)
			to, ok := want[f]
			if done[t] || !ok || conflict[f] {
				continue
			}
			done[t], progress = true, true
			renames = append(renames, rename{from: t, to: to, prefixOnly: true})
			changes = append(changes, SchemaChange{From: t, To: to})
			if n := nameOfGo[to]; oldSchemaGo(n) == "" && took[n] == "" {
				took[n] = t
			}
		}
	}
	return renames, changes
}

// inlineNames lists the folded names the generator gave an inline schema at
// a use (see collectUses): a property path under a schema, or an
// operation's JSON request or response body.
func inlineNames(use string, oldSchemaGo, oldOpGo func(string) string) []string {
	where, pointer, _ := strings.Cut(use, "#")
	segs := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	if kind, name, ok := strings.Cut(where, " "); ok && !strings.Contains(name, "/") {
		if kind != "schemas" {
			return nil
		}
		base := oldSchemaGo(name)
		if base == "" {
			return nil
		}
		// properties/a/properties/b → base + A + B; items → Item.
		names := []string{foldName(base)}
		for i := 0; i < len(segs); i++ {
			switch {
			case segs[i] == "properties" && i+1 < len(segs):
				i++
				for j := range names {
					names[j] += foldName(unescapePointer(segs[i]))
				}
			case segs[i] == "items":
				n := len(names)
				for j := 0; j < n; j++ {
					names = append(names, names[j]) // sometimes without
					names[j] += "item"
				}
			default:
				return nil
			}
		}
		return names
	}
	base := oldOpGo(where)
	if base == "" {
		return nil
	}
	if code, ok := jsonResponseStatus(segs); ok {
		return []string{foldName(base + code + "JSONResponseBody")}
	}
	if strings.Join(segs, "/") == "requestBody/content/application~1json/schema" {
		return []string{foldName(base + "JSONBody"), foldName(base + "JSONRequestBody")}
	}
	return nil
}

// jsonResponseStatus is the status of the JSON response body that an
// operation's pointer segments (responses/<status>/content/application~1json/schema)
// lead to.
func jsonResponseStatus(segs []string) (string, bool) {
	if len(segs) != 5 || segs[0] != "responses" || strings.Join(segs[2:], "/") != "content/application~1json/schema" {
		return "", false
	}
	return segs[1], true
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// goneInlineTypes lists the types of the models package that the previous
// generation exported, this one does not, and that were neither the Go
// type of a component schema of the previous document nor a deprecated
// alias.
func goneInlineTypes(prev *Record, next []Ident, models string) []string {
	now := newIdentSet(next)
	schema := map[string]bool{}
	for _, s := range prev.Schemas {
		schema[s.Go] = true
	}
	for _, a := range prev.Deprecated {
		schema[a.Name] = true // an alias already: carried as it is
	}
	var out []string
	for _, id := range prev.Idents() {
		if id.Package == models && id.Kind == "type" && !now[id] && !schema[id.Name] {
			out = append(out, id.Name)
		}
	}
	return out
}

// oldSchemaGo gives the previous Go type of a schema by its new name.
func oldSchemaGo(prev []Schema, renamed map[string]string) func(string) string {
	byName := map[string]string{}
	for _, s := range prev {
		byName[s.Name] = s.Go
	}
	for old, now := range renamed {
		if _, ok := byName[now]; !ok {
			byName[now] = byName[old]
		}
	}
	return func(name string) string { return byName[name] }
}

// oldOperationGo gives the previous Go name of an operation by its new
// route.
func oldOperationGo(prev []Operation, moved map[string]string) func(string) string {
	byRoute := map[string]string{}
	for _, op := range prev {
		byRoute[op.route()] = op.Go
	}
	for old, now := range moved {
		byRoute[now] = byRoute[old]
	}
	return func(route string) string { return byRoute[route] }
}

// successStatuses are the 2xx statuses a JSON response body is named with.
var successStatuses = []string{"200", "201", "202", "203", "206"}

// otherSuccessNames lists the folded names an operation's JSON response
// body at a 2xx status had under the other 2xx statuses.
func otherSuccessNames(use string, oldOpGo func(string) string) []string {
	where, pointer, _ := strings.Cut(use, "#")
	segs := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	base := oldOpGo(where)
	status, ok := jsonResponseStatus(segs)
	if base == "" || !ok || !strings.HasPrefix(status, "2") {
		return nil
	}
	var out []string
	for _, code := range successStatuses {
		if code != status {
			out = append(out, foldName(base+code+"JSONResponseBody"))
		}
	}
	return out
}
