package apifytest

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
)

// writeCSV renders items as CSV: the columns of itemTable.
func writeCSV(w io.Writer, items []object, delimiter rune, skipHeader bool) error {
	columns, rows := itemTable(items)
	cw := csv.NewWriter(w)
	cw.Comma = delimiter
	if !skipHeader && len(columns) > 0 {
		if err := cw.Write(columns); err != nil {
			return err
		}
	}
	for _, row := range rows {
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// itemTable lays items out as the API's tables (csv, html, xlsx) do: one
// column per leaf key (nested keys joined with "/", array elements
// numbered), in order of first appearance, and one row per item.
func itemTable(items []object) (columns []string, rows [][]string) {
	seen := map[string]bool{}
	cells := make([]map[string]string, 0, len(items))
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
		cells = append(cells, row)
	}
	rows = make([][]string, len(cells))
	for i, row := range cells {
		rows[i] = make([]string, len(columns))
		for j, col := range columns {
			rows[i][j] = row[col]
		}
	}
	return columns, rows
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
