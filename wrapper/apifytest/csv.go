package apifytest

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
)

// writeCSV renders items as CSV: one column per leaf key (nested keys joined
// with "/", array elements numbered), in order of first appearance.
func writeCSV(w io.Writer, items []object, delimiter rune, skipHeader bool) error {
	var columns []string
	seen := map[string]bool{}
	rows := make([]map[string]string, 0, len(items))
	for _, it := range items {
		row := map[string]string{}
		for _, f := range it {
			for _, leaf := range flattenValue(f.key, "/", f.val, true) {
				if !seen[leaf.key] {
					seen[leaf.key] = true
					columns = append(columns, leaf.key)
				}
				row[leaf.key] = csvCell(leaf.val)
			}
		}
		rows = append(rows, row)
	}
	cw := csv.NewWriter(w)
	cw.Comma = delimiter
	if !skipHeader && len(columns) > 0 {
		if err := cw.Write(columns); err != nil {
			return err
		}
	}
	record := make([]string, len(columns))
	for _, row := range rows {
		for i, col := range columns {
			record[i] = row[col]
		}
		if err := cw.Write(record); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvCell renders a leaf value: strings without quotes, null as empty, other
// values (numbers, booleans, empty objects and arrays) as JSON.
func csvCell(v json.RawMessage) string {
	switch jsonKind(v) {
	case '"':
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	case 'n':
		return ""
	}
	return strings.TrimSpace(string(v))
}
