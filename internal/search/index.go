// Package search indexes a site's searchable units with bleve (Dutch
// analyzer, BM25 scoring, title boosted over body), answers queries from
// that index, and exports a compact static copy of it as script files a
// browser can load from file://: the term dictionaries, postings and BM25
// statistics, the analysed form of every word of the text, and each
// unit's title and text for showing results. Each unit is analysed once,
// with bleve's analyzers (Analyze); that analysis feeds the bleve index
// and the static copy alike (Collector), so nothing is read back out of
// bleve. The browser searches the copy with the same query analysis and
// the same scoring as bleve. What a word is (splitting, folding,
// stemming, compounds, question words) is package words' job; here are
// the scoring (query.go, compound.go, searcher.go), the analysis and the
// index (analyse.go, index.go, units.go, phrases.go) and the static
// format (collect.go, dictionary.go, export.go, shards.go, pack.go). The
// package does not render pages or decide URLs; the HTTP API is package
// serve's.
package search

import (
	"context"
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"ledenbrief/internal/record"
	"ledenbrief/internal/search/words"
)

// The indexed fields. Title is boosted over body; links holds the text of
// the links elsewhere on the site that lead to the passage (what web
// search calls anchor text: how others name it), below its own title;
// extra holds the expansions of abbreviations, so that "verklaring
// omtrent gedrag" finds the passage that only says VOG, synonyms and the
// editors' zoekwoorden. Pairs holds the pairs of neighbouring words of
// title and body (words.PairsAnalyzerName), for phrases.
const (
	FieldTitle = "title"
	FieldBody  = "body"
	FieldLinks = "links"
	FieldExtra = "extra"
	FieldPairs = "pairs"
)

// Fields lists the indexed fields in the order the static index uses.
var Fields = []string{FieldTitle, FieldBody, FieldLinks, FieldExtra, FieldPairs}

// numFields is len(Fields).
const numFields = 5

// WordFields are the fields a query word is searched in: all of Fields
// but the last, pairs.
var WordFields = Fields[:4]

// FieldBoost is the query-time weight of each field.
var FieldBoost = map[string]float64{FieldTitle: 2, FieldBody: 1, FieldLinks: 1, FieldExtra: 0.5, FieldPairs: 1}

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
// queries itself; without, the index holds only the terms, which makes it
// faster to build and much smaller.
func newMapping(store bool) *mapping.IndexMappingImpl {
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

// Index is a bleve index of a site's units, fed from their one analysis
// (Analyze), and the Collector of the same analysis for the static index.
// One made by NewStaticIndex has no bleve index: Index is nil.
type Index struct {
	bleve.Index
	store    bool
	options  map[string]index.FieldIndexingOptions // per indexed field, as the mapping says
	collect  *Collector
	adding   *Collector // a static index's collector of the units added (Add), set aside every freezeUnits
	frozen   [][]byte   // a static index's collectors set aside as records (see freezeUnits)
	mu       sync.Mutex
	batch    *bleve.Batch
	err      error
	indexing chan struct{}  // holds a token while a full batch is indexed
	pending  sync.WaitGroup // batches handed to bleve and not yet indexed
}

// batchSize is the number of units indexed at once. Larger batches give
// bleve fewer segments, but hold their units' analysis in memory until
// bleve has indexed them: at 1,000 letters of the benchmark corpus
// (--no-offline), 2,000 units peaked at 270 MB of live heap and 5,000 at
// 360-410 MB, in the same time. It is a variable so that tests can make
// small corpora fill several batches.
var batchSize = 2000

// NewIndex returns an empty in-memory index. With store, bleve keeps the
// text and metadata of every unit so that Search can show and highlight
// results (the search command, the server); its units must be analysed
// with positions. A build needs neither.
func NewIndex(store bool) (*Index, error) {
	// Scorch, bleve's default index type, kept in memory (an empty path):
	// only scorch has the statistics BM25 scoring needs.
	m := newMapping(store)
	idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search: new index: %w", err)
	}
	options := map[string]index.FieldIndexingOptions{}
	for _, f := range Fields {
		options[f] = m.DefaultMapping.Properties[f].Fields[0].Options()
	}
	return &Index{
		Index: idx, store: store, options: options, collect: NewCollector(),
		indexing: make(chan struct{}, 1),
	}, nil
}

// NewStaticIndex returns an index that only collects its units for the
// static index (Dictionary), for a build that searches no bleve index.
func NewStaticIndex() *Index { return &Index{collect: NewCollector(), adding: NewCollector()} }

// freezeUnits is how many units the collector of the units added to a
// static index holds before it is set aside as a record
// (Collector.AppendRecord), to be merged with the others when the
// dictionary is made (MergeRecords), which makes the same dictionary. A
// record is a few flat byte slices that the garbage collector does not
// scan, where a collector is a million small objects: at 10,000 letters,
// scanning them again and again took more time than the build's own
// work. It is a variable so that tests can make small corpora freeze.
var freezeUnits = 32 << 10

// Merge adds the units c collected to the static index (Dictionary)
// only: for an index made by NewStaticIndex.
func (x *Index) Merge(c *Collector) error {
	if x.Index != nil {
		return fmt.Errorf("search: merging collected units into a bleve index")
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.collect.Merge(c)
	return nil
}

// MergeKept is Merge for a collector c whose record the caller made
// (Collector.AppendRecord), rec: while the index's own collector holds
// fewer than freezeUnits units (a build that collects most units again),
// the index keeps the record and drops c; otherwise it merges c, which
// costs less than reading the record again. The record must stay as it
// is.
func (x *Index) MergeKept(c *Collector, rec []byte) error {
	if x.Index != nil {
		return fmt.Errorf("search: merging collected units into a bleve index")
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.collect.units() < freezeUnits {
		x.frozen = append(x.frozen, rec)
		return nil
	}
	x.collect.Merge(c)
	return nil
}

// addStatic collects units for a static index, setting their collector
// aside as a record once it holds freezeUnits.
func (x *Index) addStatic(units []*AnalyzedUnit) {
	x.mu.Lock()
	c := x.adding
	c.Add(units)
	full := c.units() >= freezeUnits
	if full {
		x.adding = NewCollector()
		x.pending.Add(1) // Dictionary waits for the record
	}
	x.mu.Unlock()
	if !full {
		return
	}
	defer x.pending.Done()
	w := &record.Writer{}
	c.AppendRecord(w)
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := c.failed(); err != nil && x.err == nil {
		x.err = err
	}
	x.frozen = append(x.frozen, w.B)
}

// Add queues analysed units for indexing and collects them for the
// static index; it is safe for concurrent use. The units are mapped to
// bleve's documents on the caller's goroutine; a full batch is indexed in
// the background while the callers go on.
func (x *Index) Add(units []*AnalyzedUnit) error {
	if x.Index == nil {
		x.addStatic(units)
		return nil
	}
	docs := make([]*document.Document, 0, len(units))
	for _, u := range units {
		doc, err := x.document(u)
		if err != nil {
			return err
		}
		docs = append(docs, doc)
	}
	x.collect.Add(units)
	x.mu.Lock()
	if x.err != nil {
		x.mu.Unlock()
		return x.err
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

// document is the bleve document of an analysed unit: its fields carry
// their analysis (analysedField), and with store the metadata a result
// shows.
func (x *Index) document(u *AnalyzedUnit) (*document.Document, error) {
	doc := document.NewDocument(u.ID)
	texts := []string{u.Title, u.Body, u.Links, u.Extra, ""}
	for fi, f := range Fields {
		opts := x.options[f]
		if opts.IncludeTermVectors() && u.fields[fi].length > 0 && u.fields[fi].locs == nil {
			return nil, fmt.Errorf("search: index %s: analysed without positions", u.ID)
		}
		var value []byte
		if opts.IsStored() {
			value = []byte(texts[fi])
		}
		doc.AddField(&analysedField{name: f, value: value, options: opts, terms: &u.fields[fi]})
	}
	if x.store {
		for _, f := range [][2]string{{fieldLabel, u.Label}, {fieldURL, u.URL}, {fieldContext, u.Context}, {fieldLetter, u.Letter}, {fieldDate, u.Date}, {fieldKind, u.Kind}} {
			doc.AddField(document.NewTextFieldWithIndexingOptions(f[0], nil, []byte(f[1]), index.StoreField))
		}
	}
	return doc, nil
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
	if x.Index == nil {
		return nil
	}
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
	if x.Index == nil {
		return nil
	}
	x.pending.Wait()
	return x.Index.Close()
}

// Dictionary indexes what is queued and returns the static index's
// dictionary of every unit added, made from the same analysis as the
// bleve index (see Collector). It must not run while Add does.
func (x *Index) Dictionary(ctx context.Context) (*Dictionary, error) {
	if err := x.Flush(); err != nil {
		return nil, err
	}
	if x.Index != nil {
		return x.collect.Dictionary(ctx)
	}
	x.pending.Wait()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.err != nil {
		return nil, x.err
	}
	x.collect.Merge(x.adding)
	x.adding = NewCollector()
	if len(x.frozen) > 0 {
		set, err := MergeRecords(x.frozen)
		if err != nil {
			return nil, fmt.Errorf("search: a collector set aside: %w", err)
		}
		x.frozen = nil
		x.collect.Merge(set)
	}
	return x.collect.Dictionary(ctx)
}
