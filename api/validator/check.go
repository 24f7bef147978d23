package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/cache"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/content"
	verrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/apifygo/apify/api/validation"
)

// checker validates exchanges against one document.
type checker struct {
	v validator.Validator
}

func newChecker(docPath string, opts validation.Options) (*checker, error) {
	if docPath == "" {
		return nil, fmt.Errorf("no document: pass -doc")
	}
	raw, err := os.ReadFile(docPath)
	if err != nil {
		return nil, fmt.Errorf("reading the API document: %w", err)
	}
	doc, err := libopenapi.NewDocument(raw)
	if err != nil {
		return nil, fmt.Errorf("parsing the API document: %w", err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("building the API model: %w", err)
	}
	var configs []config.Option
	var lc *lazySchemaCache
	if opts.LazySchemas {
		lc = &lazySchemaCache{}
		lc.warming.Store(true)
		configs = append(configs, config.WithSchemaCache(lc))
	}
	if opts.JSONLAsText {
		configs = append(configs, config.WithBodyDecoder("application/jsonl", content.TextDecoder()))
	}
	v := validator.NewValidatorFromV3Model(&model.Model, configs...)
	if lc != nil {
		lc.warming.Store(false)
	}
	return &checker{v: v}, nil
}

// check validates ex's request (unless skipped) and its response (if any).
func (c *checker) check(ex validation.Exchange) validation.Verdict {
	req, err := httpRequest(ex.Request)
	if err != nil {
		return validation.Verdict{Error: err.Error()}
	}
	var out validation.Verdict
	if !ex.SkipRequest {
		if ok, errs := c.v.ValidateHttpRequestSync(req); !ok {
			out.Request = problems(errs)
		}
	}
	if ex.Response != nil {
		req, _ := httpRequest(ex.Request)
		resp := &http.Response{
			StatusCode:    ex.Response.Status,
			Status:        fmt.Sprintf("%d %s", ex.Response.Status, http.StatusText(ex.Response.Status)),
			Header:        ex.Response.Header,
			Body:          http.NoBody,
			ContentLength: int64(len(ex.Response.Body)),
			Request:       req,
		}
		if resp.Header == nil {
			resp.Header = http.Header{}
		}
		if !ex.Response.NoBody {
			resp.Body = io.NopCloser(bytes.NewReader(ex.Response.Body))
		}
		if ok, errs := c.v.ValidateHttpResponse(req, resp); !ok {
			out.Response = problems(errs)
		}
	}
	return out
}

func httpRequest(r validation.Request) (*http.Request, error) {
	req, err := http.NewRequest(r.Method, r.URL, bytes.NewReader(r.Body))
	if err != nil {
		return nil, fmt.Errorf("rebuilding the request: %w", err)
	}
	if r.Header != nil {
		req.Header = r.Header
	}
	// A reader even when empty: the library treats http.NoBody as no body.
	req.Body = io.NopCloser(bytes.NewReader(r.Body))
	req.ContentLength = int64(len(r.Body))
	return req, nil
}

func problems(errs []*verrors.ValidationError) []validation.Problem {
	out := make([]validation.Problem, 0, len(errs))
	for _, e := range errs {
		p := validation.Problem{
			ValidationType: e.ValidationType, ValidationSubType: e.ValidationSubType,
			Message: e.Message, Reason: e.Reason,
		}
		for _, f := range e.SchemaValidationErrors {
			p.SchemaValidationErrors = append(p.SchemaValidationErrors,
				validation.SchemaFailure{Reason: f.Reason, FieldPath: f.FieldPath})
		}
		out = append(out, p)
	}
	return out
}

// lazySchemaCache is the validator's schema cache, filled on first use of
// each schema. NewValidator compiles every schema of the document up front
// unless the cache is nil (about 20 s for the Apify document); while warming
// is set, this cache claims to hold every schema, so that warm-up compiles
// nothing, and afterwards it behaves as the library's default cache.
type lazySchemaCache struct {
	warming atomic.Bool
	m       sync.Map
}

var placeholderEntry = &cache.SchemaCacheEntry{}

func (c *lazySchemaCache) Load(key uint64) (*cache.SchemaCacheEntry, bool) {
	if c.warming.Load() {
		return placeholderEntry, true
	}
	v, ok := c.m.Load(key)
	if !ok {
		return nil, false
	}
	return v.(*cache.SchemaCacheEntry), true
}

func (c *lazySchemaCache) Store(key uint64, value *cache.SchemaCacheEntry) {
	if !c.warming.Load() {
		c.m.Store(key, value)
	}
}

func (c *lazySchemaCache) Range(f func(key uint64, value *cache.SchemaCacheEntry) bool) {
	c.m.Range(func(k, v any) bool { return f(k.(uint64), v.(*cache.SchemaCacheEntry)) })
}
