package gogen

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// operationRenames matches the operations of two generations by method and
// route (upstream keeps paths stable; a rename is by definition the same
// method and path under a new operationId; the names of the path's
// parameters do not matter: /acts/{actId} and /acts/{actorId} are one route).
func operationRenames(prev, next []Operation) []rename {
	byRoute := map[string]string{}
	for _, op := range next {
		byRoute[op.route()] = op.Go
	}
	seen := map[string]bool{}
	var out []rename
	for _, op := range prev {
		to, ok := byRoute[op.route()]
		if !ok || to == "" || op.Go == "" || to == op.Go || seen[op.Go] {
			continue
		}
		seen[op.Go] = true
		out = append(out, rename{from: op.Go, to: to})
	}
	return out
}

var pathParameter = regexp.MustCompile(`\{[^}/]*\}`)

// route is the operation's method and path with its path parameters
// unnamed.
func (op Operation) route() string {
	return op.Method + " " + pathParameter.ReplaceAllString(op.Path, "{}")
}

// pathShape is the operation's method and the shape of its path: how many
// segments, and which are parameters (/v2/acts/{id}/runs and
// /v2/actors/{actorId}/runs have one shape).
func (op Operation) pathShape() string {
	segs := strings.Split(op.Path, "/")
	for i, s := range segs {
		if s != "" && !pathParameter.MatchString(s) {
			segs[i] = "*"
		}
	}
	return op.Method + " " + pathParameter.ReplaceAllString(strings.Join(segs, "/"), "{}")
}

// movedOperations matches the operations whose path and operationId both
// changed: an old operation no route or Go name of the new document has,
// and a new one no route or Go name of the old document had, with the same
// method, path shape and form (parameters, request body and responses,
// without prose; the schemas they refer to matched through schemas, which
// maps old schema names to new ones), whose paths differ in one segment
// (/v2/acts/{id}/runs → /v2/actors/{id}/runs). An operation that refers
// to no schema is never matched by form: its form says too little (a
// DELETE of one resource looks like a DELETE of another). Then, whatever
// their forms, operations whose paths differ only by one segment that
// moved the same way for two or more of them (acts → actors at the same
// place): upstream moved a family of paths. Each match is unique both
// ways. It returns the renames, the old routes of the matched operations
// mapped to the new ones, the moves for the report, and the pairs of a
// removed and an added operation that look like a move but were not taken
// (By says why), for the report too.
func movedOperations(prev, next []Operation, schemas map[string]string) ([]rename, map[string]string, []Move, []Move) {
	oldRoutes, newRoutes := map[string]bool{}, map[string]bool{}
	oldGo, newGo := map[string]bool{}, map[string]bool{}
	for _, op := range prev {
		oldRoutes[op.route()], oldGo[op.Go] = true, true
	}
	for _, op := range next {
		newRoutes[op.route()], newGo[op.Go] = true, true
	}
	var gone, added []Operation
	for _, op := range prev {
		if !newRoutes[op.route()] && !newGo[op.Go] && op.Go != "" && op.Form != "" {
			gone = append(gone, op)
		}
	}
	for _, op := range next {
		if !oldRoutes[op.route()] && !oldGo[op.Go] && op.Go != "" {
			added = append(added, op)
		}
	}
	alike := func(a, b Operation) bool {
		if len(a.Refs) == 0 || a.pathShape() != b.pathShape() || !oneSegmentApart(a.Path, b.Path) ||
			a.Form != b.Form || len(a.Refs) != len(b.Refs) {
			return false
		}
		for i, r := range a.Refs {
			if m, ok := schemas[r]; ok {
				r = m
			}
			if r != b.Refs[i] {
				return false
			}
		}
		return true
	}
	var out []rename
	var moves []Move
	routes := map[string]string{}
	matched, taken := map[int]bool{}, map[int]bool{}
	accept := func(i, j int, by string) {
		a, b := gone[i], added[j]
		matched[i], taken[j] = true, true
		out = append(out, rename{from: a.Go, to: b.Go})
		routes[a.route()] = b.route()
		moves = append(moves, Move{From: a, To: b, By: by})
	}
	// By form: one candidate each way.
	fwd := map[int][]int{}
	back := map[int]int{}
	for i, a := range gone {
		for j, b := range added {
			if alike(a, b) {
				fwd[i] = append(fwd[i], j)
				back[j]++
			}
		}
	}
	for i := range gone {
		if c := fwd[i]; len(c) == 1 && back[c[0]] == 1 {
			accept(i, c[0], "form")
		}
	}
	// By a path segment that moved for several operations at once (acts →
	// actors at one place, or a segment inserted or removed at one place),
	// whatever else changed: the same method and the same path but for
	// that one change, one candidate each way.
	type sub struct {
		at       int
		from, to string
	}
	// The pairs not matched by form whose paths are one segment apart;
	// what is left of them after this step is reported as not moved.
	type pair struct {
		i, j int
		sub
	}
	var segmentPairs []pair
	for i, a := range gone {
		if matched[i] {
			continue
		}
		for j, b := range added {
			if taken[j] || a.Method != b.Method {
				continue
			}
			if k, x, y, ok := segmentMoved(a.Path, b.Path); ok {
				segmentPairs = append(segmentPairs, pair{i, j, sub{k, x, y}})
			}
		}
	}
	bySub := map[sub][][2]int{}
	subsOf := map[int]int{}
	for _, p := range segmentPairs {
		bySub[p.sub] = append(bySub[p.sub], [2]int{p.i, p.j})
		subsOf[p.i]++
	}
	keys := make([]sub, 0, len(bySub))
	for k := range bySub {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(x, y int) bool { return fmt.Sprint(keys[x]) < fmt.Sprint(keys[y]) })
	for _, k := range keys {
		pairs := bySub[k]
		gones, addeds := map[int]int{}, map[int]int{}
		for _, p := range pairs {
			gones[p[0]]++
			addeds[p[1]]++
		}
		if len(gones) < 2 {
			continue // one operation alone is no evidence of a moved segment
		}
		for _, p := range pairs {
			if gones[p[0]] == 1 && addeds[p[1]] == 1 && subsOf[p[0]] == 1 && !matched[p[0]] && !taken[p[1]] {
				by := fmt.Sprintf("path segment %s → %s", k.from, k.to)
				switch {
				case k.from == "":
					by = fmt.Sprintf("path segment %s inserted", k.to)
				case k.to == "":
					by = fmt.Sprintf("path segment %s removed", k.from)
				}
				accept(p[0], p[1], by)
			}
		}
	}
	sort.Slice(moves, func(x, y int) bool { return moves[x].From.route() < moves[y].From.route() })
	// What was not taken, though it looks like a move: for the report.
	var near []Move
	for _, p := range segmentPairs {
		if matched[p.i] || taken[p.j] {
			continue
		}
		a, b := gone[p.i], added[p.j]
		why := "its parameters, request body or success responses differ, and no other operation's path moved the same way"
		switch {
		case alike(a, b):
			why = "other operations have the same form"
		case len(a.Refs) == 0:
			why = "it refers to no schema, and no other operation's path moved the same way"
		}
		near = append(near, Move{From: a, To: b, By: why})
	}
	return out, routes, moves, near
}

// segmentMoved reports the one literal segment in which two paths differ:
// replaced (its index and both values), or inserted or removed (one value
// empty); parameters match parameters whatever their names.
func segmentMoved(a, b string) (int, string, string, bool) {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	same := func(x, y string) bool {
		px, py := pathParameter.MatchString(x), pathParameter.MatchString(y)
		return px && py || !px && !py && x == y
	}
	switch len(as) - len(bs) {
	case 0:
		at := -1
		for i := range as {
			if same(as[i], bs[i]) {
				continue
			}
			if at >= 0 || pathParameter.MatchString(as[i]) || pathParameter.MatchString(bs[i]) {
				return 0, "", "", false
			}
			at = i
		}
		if at < 0 {
			return 0, "", "", false
		}
		return at, as[at], bs[at], true
	case 1, -1:
		long, short := as, bs
		if len(bs) > len(as) {
			long, short = bs, as
		}
		for k := range long[:len(long)-1] { // not the last: a segment appended is another resource
			if pathParameter.MatchString(long[k]) || !segmentsEqual(append(append([]string{}, long[:k]...), long[k+1:]...), short, same) {
				continue
			}
			if len(as) > len(bs) {
				return k, long[k], "", true
			}
			return k, "", long[k], true
		}
	}
	return 0, "", "", false
}

func segmentsEqual(a, b []string, same func(x, y string) bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !same(a[i], b[i]) {
			return false
		}
	}
	return true
}

// Move is an operation whose path and operationId both changed, matched by
// its form (see movedOperations).
type Move struct {
	From, To Operation
	// By says what matched them: "form", or the path segment that moved.
	By string
}

func (m Move) String() string {
	return fmt.Sprintf("%s %s (%s) → %s %s (%s), by %s", m.From.Method, m.From.Path, m.From.OperationID, m.To.Method, m.To.Path, m.To.OperationID, m.By)
}

// operationForm hashes an operation without prose, its operationId and
// tags, the names of its path parameters (the path says where they are),
// its error responses (alike everywhere) and the names of the schemas it
// refers to, which it returns in order.
func operationForm(op any) (string, []string) {
	var refs []string
	b, _ := json.Marshal(opForm(op, &refs))
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8]), refs
}

var operationProse = map[string]bool{"operationId": true, "tags": true, "summary": true, "externalDocs": true, "deprecated": true, "security": true}

func opForm(v any, refs *[]string) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for _, k := range sortedKeys(v) {
			x := v[k]
			switch {
			case prose[k] || operationProse[k] || strings.HasPrefix(k, "x-"):
				continue
			case k == "name" && v["in"] == "path":
				continue
			case k == "schema":
				out[k] = schemaForm(x, refs)
			case k == "responses":
				out[k] = opForm(successes(x), refs)
			default:
				out[k] = opForm(x, refs)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = opForm(x, refs)
		}
		return out
	}
	return v
}

// oneSegmentApart reports whether two paths of one shape differ in at most
// one literal segment.
func oneSegmentApart(a, b string) bool {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	if len(as) != len(bs) {
		return false
	}
	differ := 0
	for i := range as {
		if as[i] != bs[i] && !pathParameter.MatchString(as[i]) {
			differ++
		}
	}
	return differ <= 1
}

// successes keeps the 2xx responses of a responses object.
func successes(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for code, r := range m {
		if strings.HasPrefix(code, "2") {
			out[code] = r
		}
	}
	return out
}

// Repoint is an operation's Go name that now calls another operation: the
// operation it called is still in the document, under another name.
type Repoint struct {
	Go       string
	From, To Operation
}

func (r Repoint) String() string {
	return fmt.Sprintf("%s: called %s %s (%s), now calls %s %s (%s)", r.Go, r.From.Method, r.From.Path, r.From.OperationID, r.To.Method, r.To.Path, r.To.OperationID)
}

// repointedOperations lists the Go names of operations that both documents
// have at different routes while the old route is still in the new
// document under another name (two operations swapped operationIds, or a
// name went to another operation): callers keep compiling and call
// something else.
func repointedOperations(prev, next []Operation) []Repoint {
	byGo, byRoute := map[string]Operation{}, map[string]Operation{}
	for _, op := range next {
		if op.Go != "" {
			byGo[op.Go] = op
		}
		byRoute[op.route()] = op
	}
	var out []Repoint
	for _, op := range prev {
		now, ok := byGo[op.Go]
		if !ok || op.Go == "" || now.route() == op.route() {
			continue
		}
		if there, ok := byRoute[op.route()]; ok && there.Go != op.Go {
			out = append(out, Repoint{Go: op.Go, From: op, To: now})
		}
	}
	return out
}
