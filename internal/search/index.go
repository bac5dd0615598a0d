// Package search indexes a site's searchable units with bleve (Dutch
// analyzer, BM25 scoring, title boosted over body), answers queries from
// that index, and exports a compact static copy of it as script files a
// browser can load from file://: the term dictionaries, postings and BM25
// statistics read back from the bleve index, the analysed form of every
// word of the text, and each unit's title and text for showing results.
// The browser searches that copy with the same query analysis and the same
// scoring as bleve. What a word is (splitting, folding, stemming,
// compounds, question words) is package words' job; here are the
// scoring (query.go, compound.go, searcher.go), the index (index.go,
// units.go, phrases.go) and the static format (dictionary.go, export.go,
// shards.go, pack.go, small.go). The package does not render pages or
// decide URLs; the HTTP API is package serve's.
package search

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"ledenbrief/internal/search/words"
)

// The indexed fields. Title is boosted over body; extra holds the
// expansions of abbreviations, so that "verklaring omtrent gedrag" finds
// the passage that only says VOG. Pairs holds the pairs of neighbouring
// words of title and body (words.PairsAnalyzerName), for phrases.
const (
	FieldTitle = "title"
	FieldBody  = "body"
	FieldExtra = "extra"
	FieldPairs = "pairs"
)

// Fields lists the indexed fields in the order the static index uses.
var Fields = []string{FieldTitle, FieldBody, FieldExtra, FieldPairs}

// WordFields are the fields a query word is searched in: the first of Fields.
var WordFields = Fields[:3]

// FieldBoost is the query-time weight of each field.
var FieldBoost = map[string]float64{FieldTitle: 2, FieldBody: 1, FieldExtra: 0.5, FieldPairs: 1}

// Stored-only fields, kept when the index is made for searching with
// bleve itself (NewIndex with store).
const (
	fieldLabel   = "label"
	fieldURL     = "url"
	fieldContext = "context"
	fieldLetter  = "letter"
	fieldDate    = "date"
	fieldKind    = "kind"
)

// newMapping returns the index mapping: Dutch text fields and BM25
// scoring. With store, the text is also stored with term vectors, and the
// metadata a result shows, so that bleve can answer and highlight
// queries itself; without, the index holds only what the static export
// reads back, which makes it faster to build and much smaller.
func newMapping(store bool) mapping.IndexMapping {
	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = words.AnalyzerName
		f.Store = store
		f.IncludeTermVectors = store
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	for _, f := range WordFields {
		doc.AddFieldMappingsAt(f, text())
	}
	pairs := text()
	pairs.Analyzer = words.PairsAnalyzerName
	pairs.Store = false
	pairs.IncludeTermVectors = false
	doc.AddFieldMappingsAt(FieldPairs, pairs)
	if store {
		for _, f := range []string{fieldLabel, fieldURL, fieldContext, fieldLetter, fieldDate, fieldKind} {
			m := bleve.NewKeywordFieldMapping()
			m.Index = false
			m.Store = true
			m.IncludeInAll = false
			m.IncludeTermVectors = false
			m.DocValues = false
			doc.AddFieldMappingsAt(f, m)
		}
	}
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = words.AnalyzerName
	m.ScoringModel = index.BM25Scoring
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false
	return m
}

// Index is a bleve index of a site's units, with the number of every unit
// and the surface forms of all words seen, for the static export.
type Index struct {
	bleve.Index
	store    bool
	mu       sync.Mutex
	batch    *bleve.Batch
	surfaces map[string]struct{}
	ordinals map[string]int // unit ID → Ordinal
	err      error
	indexing chan struct{}  // holds a token while a full batch is indexed
	pending  sync.WaitGroup // batches handed to bleve and not yet indexed
}

// batchSize is the number of units indexed at once. Larger batches give
// bleve fewer segments to read back, but are held in memory while bleve
// indexes them: at 5,000 letters of the benchmark corpus, 5,000 units
// built in 27-29 s, 10,000 in 29-30 s and 25,000 in 35 s (2,500: 31-32 s).
// It is a variable so that tests can make small corpora fill several
// batches.
var batchSize = 5000

// NewIndex returns an empty in-memory index. With store, bleve keeps the
// text and metadata of every unit so that Search can show and highlight
// results (the search command, the server); a build needs neither.
func NewIndex(store bool) (*Index, error) {
	// Scorch, bleve's default index type, kept in memory (an empty path):
	// only scorch has the statistics BM25 scoring needs.
	idx, err := bleve.NewUsing("", newMapping(store), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search: new index: %w", err)
	}
	return &Index{
		Index: idx, store: store, surfaces: map[string]struct{}{}, ordinals: map[string]int{},
		indexing: make(chan struct{}, 1),
	}, nil
}

// Add queues units for indexing; it is safe for concurrent use. The
// surface forms of their words are collected and the units mapped to
// bleve's documents on the caller's goroutine; a full batch is indexed in
// the background while the callers go on.
func (x *Index) Add(units []Unit) error {
	seen := map[string]struct{}{}
	docs := make([]*document.Document, 0, len(units))
	for _, u := range units {
		for _, text := range []string{u.Title, u.Body, u.Extra} {
			words.Each(text, func(w string) { seen[w] = struct{}{} })
		}
		data := map[string]any{FieldTitle: u.Title, FieldBody: u.Body, FieldExtra: u.Extra, FieldPairs: u.pairsText()}
		if x.store {
			data[fieldLabel], data[fieldURL], data[fieldContext] = u.Label, u.URL, u.Context
			data[fieldLetter], data[fieldDate], data[fieldKind] = u.Letter, u.Date, u.Kind
		}
		doc := document.NewDocument(u.ID)
		if err := x.Index.Mapping().MapDocument(doc, data); err != nil {
			return fmt.Errorf("search: index %s: %w", u.ID, err)
		}
		docs = append(docs, doc)
	}
	x.mu.Lock()
	if x.err != nil {
		x.mu.Unlock()
		return x.err
	}
	for w := range seen {
		if _, ok := x.surfaces[w]; !ok {
			// A copy: the word may be a slice of the unit's text, which
			// must not stay in memory for the rest of the build.
			x.surfaces[strings.Clone(w)] = struct{}{}
		}
	}
	for _, u := range units {
		x.ordinals[u.ID] = u.Ordinal
	}
	if x.batch == nil {
		x.batch = x.Index.NewBatch()
	}
	for _, doc := range docs {
		if err := x.batch.IndexAdvanced(doc); err != nil {
			x.mu.Unlock()
			return fmt.Errorf("search: index %s: %w", doc.ID(), err)
		}
	}
	if x.batch.Size() < batchSize {
		x.mu.Unlock()
		return nil
	}
	full := x.batch
	x.batch = nil
	x.mu.Unlock()
	x.indexInBackground(full)
	return nil
}

// indexInBackground hands a full batch to bleve on a goroutine of its
// own, so that the callers of Add go on while bleve analyses it and
// builds its segment. Bleve indexes one batch at a time: a caller with the
// next full batch waits here until the previous one is done, so memory
// holds at most one batch being indexed, one filling, and one waiting per
// caller.
func (x *Index) indexInBackground(b *bleve.Batch) {
	x.indexing <- struct{}{}
	x.pending.Add(1)
	go func() {
		defer func() {
			<-x.indexing
			x.pending.Done()
		}()
		if err := x.Index.Batch(b); err != nil {
			x.mu.Lock()
			if x.err == nil {
				x.err = fmt.Errorf("search: index batch: %w", err)
			}
			x.mu.Unlock()
		}
	}()
}

// Flush indexes what is queued and waits until every batch is indexed.
// It must not run while Add does.
func (x *Index) Flush() error {
	x.pending.Wait()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.err != nil {
		return x.err
	}
	if x.batch == nil || x.batch.Size() == 0 {
		return nil
	}
	if err := x.Index.Batch(x.batch); err != nil {
		x.err = fmt.Errorf("search: index batch: %w", err)
		return x.err
	}
	x.batch = nil
	return nil
}

// Close waits for the batches being indexed, then closes the index.
func (x *Index) Close() error {
	x.pending.Wait()
	return x.Index.Close()
}

// surfaceWords returns the distinct lowercased words of every unit, sorted.
func (x *Index) surfaceWords() []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]string, 0, len(x.surfaces))
	for w := range x.surfaces {
		out = append(out, w)
	}
	slices.Sort(out)
	return out
}
