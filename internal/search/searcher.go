package search

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Result is one hit of a query answered by bleve.
type Result struct {
	ID        string   `json:"id"`
	URL       string   `json:"url"`                 // relative to the site root
	Canonical string   `json:"canonical,omitempty"` // absolute, under the site's base URL
	Title     string   `json:"title"`
	Context   string   `json:"context"`
	Letter    string   `json:"letter,omitempty"`
	Date      string   `json:"date,omitempty"`
	Kind      string   `json:"kind"`
	Score     float64  `json:"score"`
	Fragments []string `json:"fragments,omitempty"` // HTML, query words in <mark>
	// Also are the other editions of a series whose copy of the passage
	// matched too, oldest first: a result is the newest edition's.
	Also []Also `json:"also,omitempty"`
}

// Search answers q from bleve itself with the same analysis, query and
// statistics as the browser, returning at most size results, best first. Fragments are
// highlighted when the index was made with term vectors. The search stops
// when ctx is done.
func (x *Index) Search(ctx context.Context, d *Dictionary, q string, size int) ([]Result, Query, error) {
	aq := d.Analyze(q, false)
	if len(d.threads.Groups) == 0 {
		out, _, err := x.search(ctx, d, aq.Bleve(), size)
		return out, aq, err
	}
	// One result per group of copies: ask for more until size groups are
	// found or nothing more matches.
	for window := 2 * size; ; window *= 2 {
		ranked, total, err := x.search(ctx, d, aq.Bleve(), window)
		if err != nil {
			return nil, aq, err
		}
		if distinct := d.threads.distinct(ranked); distinct < size && uint64(window) < total {
			continue
		}
		out, err := d.threads.collapse(ranked, size, func(ids []string) (map[string]Result, error) {
			q := bleve.NewConjunctionQuery(aq.Bleve(), bleve.NewDocIDQuery(ids))
			hits, _, err := x.search(ctx, d, q, len(ids))
			byID := map[string]Result{}
			for _, h := range hits {
				byID[h.ID] = h
			}
			return byID, err
		})
		return out, aq, err
	}
}

// search returns the best size results of bleve query q, and how many matched.
func (x *Index) search(ctx context.Context, d *Dictionary, q query.Query, size int) ([]Result, uint64, error) {
	req := bleve.NewSearchRequestOptions(q, size, 0, false)
	req.Fields = []string{fieldURL, fieldLabel, fieldContext, fieldLetter, fieldDate, fieldKind}
	req.Highlight = bleve.NewHighlightWithStyle("html")
	req.Highlight.Fields = []string{FieldBody}
	req.PreSearchData = map[string]any{search.BM25PreSearchDataKey: d.bm25Stats()}
	res, err := x.Index.SearchInContext(ctx, req)
	if err != nil {
		return nil, 0, fmt.Errorf("search: %w", err)
	}
	out := make([]Result, 0, len(res.Hits))
	for _, h := range res.Hits {
		str := func(f string) string { s, _ := h.Fields[f].(string); return s }
		r := Result{
			ID: h.ID, URL: str(fieldURL), Title: str(fieldLabel), Context: str(fieldContext),
			Letter: str(fieldLetter), Date: str(fieldDate), Kind: str(fieldKind), Score: h.Score,
		}
		r.Fragments = append(r.Fragments, h.Fragments[FieldBody]...)
		out = append(out, r)
	}
	return out, res.Total, nil
}
