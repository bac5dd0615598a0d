// Package search indexes a site's searchable units with bleve (Dutch
// analyzer, BM25 scoring, title boosted over body), answers queries from
// that index, and exports a compact static copy of it — term dictionary,
// postings, document statistics and stored text, all read back from the
// bleve index — as script files a browser can load from file://. The
// browser searches that copy with the same query analysis and the same
// scoring as bleve. The package does not render pages or decide URLs.
package search

import (
	"fmt"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// The indexed fields. Title is boosted over body; extra holds the
// expansions of abbreviations, so that "verklaring omtrent gedrag" finds
// the passage that only says VOG.
const (
	FieldTitle = "title"
	FieldBody  = "body"
	FieldExtra = "extra"
)

// Fields lists the searched fields in the order the static index uses.
var Fields = []string{FieldTitle, FieldBody, FieldExtra}

// FieldBoost is the query-time weight of each field.
var FieldBoost = map[string]float64{FieldTitle: 2, FieldBody: 1, FieldExtra: 0.5}

// Stored-only fields.
const (
	fieldLabel   = "label"
	fieldPage    = "page"
	fieldAnchor  = "anchor"
	fieldContext = "context"
	fieldLetter  = "letter"
	fieldDate    = "date"
	fieldKind    = "kind"
	fieldOrder   = "order"
)

// newMapping returns the index mapping: Dutch text fields, keyword
// metadata, BM25 scoring. Term vectors (needed for highlighting) are
// optional because they cost index time the static export does not need.
func newMapping(termVectors bool) mapping.IndexMapping {
	text := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = nl.AnalyzerName
		f.Store = store
		f.IncludeTermVectors = termVectors
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(FieldTitle, text(false))
	doc.AddFieldMappingsAt(FieldBody, text(true))
	doc.AddFieldMappingsAt(FieldExtra, text(false))
	for _, f := range []string{fieldLabel, fieldPage, fieldAnchor, fieldContext, fieldLetter, fieldDate, fieldKind, fieldOrder} {
		doc.AddFieldMappingsAt(f, stored())
	}
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = nl.AnalyzerName
	m.ScoringModel = index.BM25Scoring
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}

// Index is a bleve index of a site's units, with the surface forms of all
// words seen, for the static export.
type Index struct {
	bleve.Index
	mu       sync.Mutex
	batch    *bleve.Batch
	surfaces map[string]struct{}
	err      error
}

// batchSize is the number of units indexed at once: large batches let
// bleve build few, large segments.
const batchSize = 2000

// NewIndex returns an empty in-memory index. With termVectors, search
// results can carry highlighted fragments.
func NewIndex(termVectors bool) (*Index, error) {
	// Scorch, bleve's default index type, kept in memory (an empty path):
	// only scorch has the statistics BM25 scoring needs.
	idx, err := bleve.NewUsing("", newMapping(termVectors), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search: new index: %w", err)
	}
	return &Index{Index: idx, surfaces: map[string]struct{}{}}, nil
}

// bleveDoc is how a unit is stored in bleve.
type bleveDoc struct {
	Title   string `json:"title"`
	Label   string `json:"label"`
	Body    string `json:"body"`
	Extra   string `json:"extra"`
	Page    string `json:"page"`
	Anchor  string `json:"anchor"`
	Context string `json:"context"`
	Letter  string `json:"letter"`
	Date    string `json:"date"`
	Kind    string `json:"kind"`
	Order   string `json:"order"`
}

// Add queues units for indexing; it is safe for concurrent use. The
// surface forms of their words are collected on the caller's goroutine.
func (x *Index) Add(units []Unit) error {
	words := map[string]struct{}{}
	for i := range units {
		for _, text := range []string{units[i].Title, units[i].Body, units[i].Extra} {
			eachWord(text, func(w string) { words[w] = struct{}{} })
		}
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.err != nil {
		return x.err
	}
	for w := range words {
		x.surfaces[w] = struct{}{}
	}
	if x.batch == nil {
		x.batch = x.Index.NewBatch()
	}
	for _, u := range units {
		err := x.batch.Index(u.ID, bleveDoc{
			Title: u.Title, Label: u.Label, Body: u.Body, Extra: u.Extra, Page: u.Page, Anchor: u.Anchor,
			Context: u.Context, Letter: u.Letter, Date: u.Date, Kind: u.Kind, Order: u.Order,
		})
		if err != nil {
			x.err = fmt.Errorf("search: index %s: %w", u.ID, err)
			return x.err
		}
	}
	if x.batch.Size() >= batchSize {
		return x.flushLocked()
	}
	return nil
}

// Flush indexes what is queued.
func (x *Index) Flush() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.err != nil {
		return x.err
	}
	return x.flushLocked()
}

func (x *Index) flushLocked() error {
	if x.batch == nil || x.batch.Size() == 0 {
		return nil
	}
	if err := x.Index.Batch(x.batch); err != nil {
		x.err = fmt.Errorf("search: index batch: %w", err)
		return x.err
	}
	x.batch.Reset()
	return nil
}

// Surfaces returns the distinct lowercased words of every unit, sorted.
func (x *Index) Surfaces() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]string, 0, len(x.surfaces))
	for w := range x.surfaces {
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}
