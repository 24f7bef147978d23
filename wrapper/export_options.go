package apify

import (
	"errors"
	"fmt"
	"net/url"
	"unicode/utf8"
)

// ExportFormat is a format the API serves dataset items in; see
// https://docs.apify.com/api/v2/dataset-items-get for what each looks like.
type ExportFormat string

// The formats of a dataset export.
const (
	// ExportJSON is a JSON array of the items.
	ExportJSON ExportFormat = "json"
	// ExportJSONL is one JSON item per line.
	ExportJSONL ExportFormat = "jsonl"
	// ExportCSV is a table with a header row, one row per item.
	ExportCSV ExportFormat = "csv"
	// ExportXLSX is an Excel workbook, one row per item.
	ExportXLSX ExportFormat = "xlsx"
	// ExportXML is an XML document, one element per item.
	ExportXML ExportFormat = "xml"
	// ExportHTML is an HTML table, one row per item.
	ExportHTML ExportFormat = "html"
	// ExportRSS is an RSS feed, one <item> per item.
	ExportRSS ExportFormat = "rss"
)

// ErrExportNotResumable matches the error of an export that broke off and
// could not be resumed because the API served different content on the
// next request (for a format that resumes by replaying the response, see
// [DatasetClient.Export]). The writer holds a correct prefix of the export;
// start again with a fresh writer.
var ErrExportNotResumable = errors.New("apify: the export cannot be resumed")

const (
	// defaultExportPageSize is the stored items a json or jsonl export
	// requests at a time. Items are streamed one by one, so it bounds
	// only how much a resume may read again, not memory.
	defaultExportPageSize = 10000
	// defaultMaxResumes is how often in a row an export is resumed without
	// writing anything new before it gives up.
	defaultMaxResumes = 8
)

// ExportOptions select the items of a dataset export and tune its format.
// The zero value (or nil) exports every item in the format's defaults.
//
// The embedded ItemsOptions filter and shape the items as they do for the
// iterators (Offset, Limit, Desc, Clean, Fields, Unwind, …); PageSize is the
// number of stored items a json or jsonl export requests at a time (0 means
// 10000), and Prefetch and Unmarshal do not apply. Limit counts exported
// items for json and jsonl; for the other formats, which come in one
// response, it counts stored items, as the API's limit does, which differs
// only when filters skip or unwind items.
type ExportOptions struct {
	ItemsOptions

	// BOM prefixes the output with the UTF-8 byte order mark (true) or not
	// (false); nil keeps the API's default: a BOM for csv only.
	BOM *bool
	// Delimiter separates the fields of a csv row; 0 means a comma.
	Delimiter rune
	// SkipHeaderRow leaves out the header row of a csv export.
	SkipHeaderRow bool
	// XMLRoot names the root element of an xml export; "" means "items".
	XMLRoot string
	// XMLRow names the element of each item in an xml export; "" means "item".
	XMLRow string
	// FeedTitle is the channel title of an rss export; "" lets the API
	// name it after the dataset.
	FeedTitle string
	// FeedDescription is the channel description of an rss export.
	FeedDescription string
	// MaxResumes is how many times in a row a broken download is resumed
	// without anything new being written; 0 means 8.
	MaxResumes int
}

// exportQuery validates o for format and returns the query parameters of
// every request of the export, offset and limit left to the exporter.
func (o *ExportOptions) exportQuery(format ExportFormat) (url.Values, error) {
	var errs []error
	switch format {
	case ExportJSON, ExportJSONL, ExportCSV, ExportXLSX, ExportXML, ExportHTML, ExportRSS:
	default:
		errs = append(errs, fmt.Errorf("the format %q is not one of json, jsonl, csv, xlsx, xml, html and rss", format))
	}
	if o.Prefetch != 0 {
		errs = append(errs, errors.New("the Prefetch does not apply to an export, which reads one response at a time"))
	}
	if o.Unmarshal != nil {
		errs = append(errs, errors.New("the Unmarshal does not apply to an export, which writes items as the API serves them"))
	}
	if o.MaxResumes < 0 {
		errs = append(errs, fmt.Errorf("the MaxResumes %d is negative (0 means %d)", o.MaxResumes, defaultMaxResumes))
	}
	onlyFor := func(set bool, name string, f ExportFormat) {
		if set && format != f {
			errs = append(errs, fmt.Errorf("the %s applies to the %s format only", name, f))
		}
	}
	onlyFor(o.Delimiter != 0, "Delimiter", ExportCSV)
	onlyFor(o.SkipHeaderRow, "SkipHeaderRow", ExportCSV)
	onlyFor(o.XMLRoot != "", "XMLRoot", ExportXML)
	onlyFor(o.XMLRow != "", "XMLRow", ExportXML)
	onlyFor(o.FeedTitle != "", "FeedTitle", ExportRSS)
	onlyFor(o.FeedDescription != "", "FeedDescription", ExportRSS)
	switch d := o.Delimiter; {
	case d == 0:
	case !utf8.ValidRune(d) || d == '"' || d == '\r' || d == '\n':
		errs = append(errs, fmt.Errorf("the Delimiter %q cannot separate csv fields", d))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("apify: invalid ExportOptions: %w", err)
	}
	q, err := o.itemsQuery()
	if err != nil {
		return nil, err
	}
	q.Set("format", string(format))
	switch {
	case o.BOM == nil:
	case *o.BOM:
		q.Set("bom", "1") // as the API's documentation spells it
	default:
		q.Set("bom", "0")
	}
	if o.Delimiter != 0 {
		q.Set("delimiter", string(o.Delimiter))
	}
	setQueryBool(q, "skipHeaderRow", o.SkipHeaderRow)
	for name, v := range map[string]string{"xmlRoot": o.XMLRoot, "xmlRow": o.XMLRow, "feedTitle": o.FeedTitle, "feedDescription": o.FeedDescription} {
		if v != "" {
			q.Set(name, v)
		}
	}
	return q, nil
}
