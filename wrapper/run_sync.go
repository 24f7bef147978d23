package apify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// maxSyncWait is how long the run-sync endpoints wait for a run before they
// answer 408.
const maxSyncWait = 300 * time.Second

// RunSyncOptions tune [ActorClient.RunSync] and [TaskClient.RunSync]. RunOptions
// override the run's settings (WaitForFinish does not apply).
type RunSyncOptions struct {
	RunOptions
	// OutputRecordKey names the record of the run's default key-value store
	// to return instead of "OUTPUT".
	OutputRecordKey string
}

// RunSyncOutput is the record a synchronous run stored as its output.
type RunSyncOutput struct {
	// RunID is the ID of the run, when the API named it (the X-Apify-Run-Id
	// header); "" otherwise.
	RunID string
	// ContentType is the record's media type; "" when the run stored no
	// such record.
	ContentType string
	// Value is the record's content; empty when the run stored no such
	// record.
	Value []byte
}

// DecodeJSON decodes the output record's JSON into v.
func (o *RunSyncOutput) DecodeJSON(v any) error {
	if len(bytes.TrimSpace(o.Value)) == 0 {
		return errors.New("apify: the run stored no output record to decode")
	}
	if err := json.Unmarshal(o.Value, v); err != nil {
		return fmt.Errorf("apify: decoding the run's output (%s) into %T: %w", o.ContentType, v, err)
	}
	return nil
}

func (x runnable) runSync(ctx context.Context, input any, opts *RunSyncOptions) (*RunSyncOutput, error) {
	if opts == nil {
		opts = &RunSyncOptions{}
	}
	q, err := opts.RunOptions.query("RunSyncOptions", useSync)
	if err != nil {
		return nil, err
	}
	setQueryString(q, "outputRecordKey", opts.OutputRecordKey)
	resp, err := x.sendRunSync(ctx, "run-sync", q, input, opts.ContentType)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	value, err := readBounded(resp.Body, x.r.c.cfg.maxBody, resp.Status, x.r.c.cfg.token.reveal())
	if err != nil {
		return nil, responseError(resp, err)
	}
	out := &RunSyncOutput{RunID: resp.Header.Get("X-Apify-Run-Id"), Value: value}
	if len(value) > 0 {
		out.ContentType = resp.Header.Get("Content-Type")
	}
	return out, nil
}

// sendRunSync sends a run-sync request and returns the streaming answer.
func (x runnable) sendRunSync(ctx context.Context, endpoint string, q url.Values, input any, contentType string) (*http.Response, error) {
	if err := x.r.check(ctx); err != nil {
		return nil, err
	}
	body, ctype, err := encodeInput(input, contentType)
	if err != nil {
		return nil, err
	}
	if cur, err := effectiveTimeout(ctx, x.r.c.cfg.timeout); err == nil && cur != 0 {
		// The server holds the request while the run goes; the transfer
		// afterwards gets the usual per-attempt budget.
		ctx = withAttemptTimeout(ctx, addDurations(maxSyncWait, cur))
	}
	resp, err := x.r.send(ctx, http.MethodPost, endpoint, q, bodyReader(body), ctype)
	if err != nil {
		return nil, x.syncTimeout(err)
	}
	return resp, nil
}

// RunSyncTimeoutError reports a synchronous run that did not finish within
// the API's limit (300 s). The run itself goes on; Err is the API's 408
// answer, so errors.Is(err, ErrTimeout) holds.
type RunSyncTimeoutError struct {
	// ActorID is the Actor (or, for the task methods, TaskID the task) that
	// was run, as given.
	ActorID, TaskID string
	// RunID is the ID of the run when the API named it; "" otherwise.
	RunID string
	// Err is the API's answer.
	Err *APIError
}

// Error says that the run goes on, and which run it is when the API said.
func (e *RunSyncTimeoutError) Error() string {
	what := "Actor " + e.ActorID
	if e.TaskID != "" {
		what = "task " + e.TaskID
	}
	msg := fmt.Sprintf("apify: the run of %s did not finish within the %d s limit of run-sync (408); the run goes on",
		what, int(maxSyncWait/time.Second))
	if e.RunID != "" {
		return msg + " as run " + e.RunID
	}
	return msg + " as the newest run of the " + strings.SplitN(what, " ", 2)[0]
}

// Unwrap returns the API's answer.
func (e *RunSyncTimeoutError) Unwrap() error { return e.Err }

var runIDInMessage = regexp.MustCompile(`[Rr]un ID:? ([A-Za-z0-9]{5,})`)

// syncTimeout turns a 408 answer of a run-sync endpoint into a
// *RunSyncTimeoutError.
func (x runnable) syncTimeout(err error) error {
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusRequestTimeout {
		return err
	}
	e := &RunSyncTimeoutError{Err: apiErr}
	if x.kind == "task" {
		e.TaskID = x.id
	} else {
		e.ActorID = x.id
	}
	if m := runIDInMessage.FindStringSubmatch(apiErr.Message); m != nil {
		e.RunID = m[1]
	}
	return e
}

// RunSyncItemsOptions tune the run-sync-get-dataset-items methods.
// RunOptions override the run's settings (WaitForFinish does not apply).
type RunSyncItemsOptions struct {
	RunOptions
	// Format is the format of the items: "json" (the default), "jsonl",
	// "csv", "xlsx", "xml", "html" or "rss". The iterators read JSON only.
	Format string
	// Items selects and shapes the items as for [Items]; nil means
	// all items as stored. Offset and Limit apply to the whole answer;
	// PageSize and Prefetch do not apply.
	Items *ItemsOptions
	// Delimiter separates CSV fields (default ",").
	Delimiter string
	// SkipHeaderRow leaves out the CSV header row.
	SkipHeaderRow bool
	// BOM adds (true) or omits (false) the UTF-8 byte order mark; nil
	// keeps the API's default (a BOM for CSV only).
	BOM *bool
	// XMLRoot and XMLRow rename the root and row elements of XML output.
	XMLRoot, XMLRow string
}

var syncFormats = []string{"json", "jsonl", "csv", "xlsx", "xml", "html", "rss"}

func (o *RunSyncItemsOptions) query() (url.Values, error) {
	q, err := o.RunOptions.query("RunSyncItemsOptions", useSync)
	if err != nil {
		return nil, err
	}
	iq, err := formattedItemsQuery("RunSyncItemsOptions", o.Format, o.Items)
	if err != nil {
		return nil, err
	}
	maps.Copy(q, iq)
	setQueryString(q, "delimiter", o.Delimiter)
	setQueryBool(q, "skipHeaderRow", o.SkipHeaderRow)
	if o.BOM != nil {
		q.Set("bom", strconv.FormatBool(*o.BOM))
	}
	setQueryString(q, "xmlRoot", o.XMLRoot)
	setQueryString(q, "xmlRow", o.XMLRow)
	return q, nil
}

func (x runnable) runSyncItemsTo(ctx context.Context, input any, w io.Writer, opts *RunSyncItemsOptions) (int64, error) {
	if w == nil {
		return 0, errors.New("apify: the io.Writer for the items is nil")
	}
	resp, err := x.openRunSyncItems(ctx, input, opts)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("apify: copying the items of the run-sync answer after %d bytes: %w", n, err)
	}
	return n, nil
}

func (x runnable) openRunSyncItems(ctx context.Context, input any, opts *RunSyncItemsOptions) (*http.Response, error) {
	if opts == nil {
		opts = &RunSyncItemsOptions{}
	}
	q, err := opts.query()
	if err != nil {
		return nil, err
	}
	return x.sendRunSync(ctx, "run-sync-get-dataset-items", q, input, opts.ContentType)
}

// RunSyncItems runs an Actor or a task synchronously, as
// [ActorClient.RunSyncItemsTo] does, and yields the items of its default
// dataset decoded into T, streaming (T = json.RawMessage yields each item's
// bytes):
//
//	for p, err := range apify.RunSyncItems[Product](ctx, client.Actor("jane/scraper"), input, nil) { … }
//
// opts.Format must be empty or "json"; opts.Items.Unmarshal, when set,
// decodes each item. The run starts when the loop does; every range
// statement starts another run.
//
// Apify API docs: https://docs.apify.com/api/v2/actor-run-sync-get-dataset-items-post
func RunSyncItems[T any](ctx context.Context, target Runnable, input any, opts *RunSyncItemsOptions) iter.Seq2[T, error] {
	if target == nil || reflect.ValueOf(target).IsNil() {
		return errorSeq2[T](errors.New("apify: RunSyncItems: the Actor or task client is nil"))
	}
	x := target.runnableOf()
	if opts != nil && opts.Format != "" && !strings.EqualFold(opts.Format, "json") {
		return errorSeq2[T](fmt.Errorf("apify: RunSyncItems reads JSON; the Format %q needs RunSyncItemsTo with an io.Writer", opts.Format))
	}
	unmarshal := json.Unmarshal
	if opts != nil && opts.Items != nil && opts.Items.Unmarshal != nil {
		unmarshal = opts.Items.Unmarshal
	}
	return func(yield func(T, error) bool) {
		var zero T
		resp, err := x.openRunSyncItems(ctx, input, opts)
		if err != nil {
			yield(zero, err)
			return
		}
		defer resp.Body.Close()
		body := &itemBound{r: resp.Body, max: x.r.c.cfg.maxBody}
		for item, err := range decodeJSONArray[T](body, unmarshal) {
			body.n = 0 // the bound is per item: the stream as a whole may be long
			if err != nil {
				yield(zero, responseError(resp, err))
				return
			}
			if !yield(item, nil) {
				return
			}
		}
	}
}

// itemBound fails a read once more than max bytes were read since n was
// last reset, so that one item of a streamed array (read whole by the JSON
// decoder) cannot make the client hold more than the response-body bound.
type itemBound struct {
	r      io.Reader
	n, max int64
}

func (b *itemBound) Read(p []byte) (int, error) {
	if b.n > b.max {
		return 0, fmt.Errorf("%w: an item is longer than %d bytes, the most the client reads into memory (WithMaxResponseBody)", ErrUnexpectedResponse, b.max)
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

// decodeJSONArray yields the elements of the JSON array read from r, one at
// a time, decoded with unmarshal (a json.RawMessage element is yielded as
// read). An error is yielded once and ends the sequence.
func decodeJSONArray[T any](r io.Reader, unmarshal func([]byte, any) error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		dec := json.NewDecoder(r)
		tok, err := dec.Token()
		if err != nil {
			yield(zero, fmt.Errorf("reading the items array: %w", err))
			return
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			yield(zero, fmt.Errorf("the answer is not a JSON array of items (starts with %v)", tok))
			return
		}
		for i := 0; dec.More(); i++ {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				yield(zero, fmt.Errorf("reading item %d: %w", i, err))
				return
			}
			var item T
			if p, ok := any(&item).(*json.RawMessage); ok {
				*p = raw
			} else if err := unmarshal(raw, &item); err != nil {
				yield(zero, fmt.Errorf("decoding item %d into %T: %w", i, item, err))
				return
			}
			if !yield(item, nil) {
				return
			}
		}
		if _, err := dec.Token(); err != nil {
			yield(zero, fmt.Errorf("reading the end of the items array: %w", err))
		}
	}
}
