package apify

import (
	"context"
	"net/http"

	"github.com/apifygo/apify/gen"
)

// DatasetStatistics are a dataset's per-field statistics (min, max, null
// and empty counts), measured for the fields of its schema.
type DatasetStatistics = gen.DatasetStatistics

// Statistics returns the dataset's field statistics.
//
// Apify API docs: https://docs.apify.com/api/v2/dataset-statistics-get
func (d *DatasetClient) Statistics(ctx context.Context) (*DatasetStatistics, error) {
	return callResource[DatasetStatistics](ctx, d.r, http.MethodGet, "statistics", nil, nil, "")
}
