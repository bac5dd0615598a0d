package search

import (
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/search"
)

// MaxPostings is the number of postings kept per term and field in the
// static index: those with the highest BM25 weight, and in the word
// fields those of the units that are among them in another word field
// (see keepBest). A term in more documents keeps its true document
// frequency, so scores stay bleve's; only documents that could not reach
// a term's top results in any field are left out.
const MaxPostings = 100

// Dictionary is the static index of a set of units, made from the same
// analysis as their bleve index (see Collector): everything the browser
// needs to analyse a query and score it exactly as bleve would.
type Dictionary struct {
	N        int                  // number of units
	Distinct []int                // distinct terms per field, in Fields order: bleve's field cardinality
	Avg      []float64            // bleve's average length per field, Distinct over N rounded up (see bm25ScoreMetrics)
	Terms    map[string]*Postings // analysed term → postings per field
	Surfaces map[string]string    // folded surface form → analysed term
	Stop     map[string]bool      // stop words, dropped from queries
	words    []string             // the terms of words, not pairs, sorted (wordTerms)
	vocab    []vocabEntry         // every folded word, sorted; see buildVocabulary
	layout   *shardLayout         // how vocab is split into the static index's shards
	keyTerms map[string]string    // vocab as a map: folded word → term
	// compounds maps a term to the compounds it is a part of, best
	// first (see buildCompounds).
	compounds map[string][]string
	// synonyms maps the term of a one-word synonym to the words it also
	// finds (see NoteSynonyms).
	synonyms map[string][]string
	// docs is every unit's id and facet, by number (the results page's
	// filters, the copies of a passage in a series' editions).
	docs map[int32]docInfo
	// threads are the passages that are copies of one another in the
	// editions of a series (see threadsOf).
	threads *threadTable
}

// bm25Stats are the statistics a bleve search of d's units scores with:
// the ones the static index scores with, whatever segments bleve holds
// the units in (bleve's own field cardinality sums its segments'
// dictionaries, so it depends on how the units were batched).
func (d *Dictionary) bm25Stats() *search.BM25Stats {
	s := &search.BM25Stats{DocCount: float64(d.N), FieldCardinality: map[string]int{}}
	for fi, f := range Fields {
		s.FieldCardinality[f] = d.Distinct[fi]
	}
	return s
}

// Postings are the documents of one term, in each field it is in. Most
// terms of a large site are pairs of words, in the pairs field alone: a
// term holds only the fields it is in, and room for the first in the
// same allocation (newPostings), so that the million terms of a
// 10,000-letter site cost 64 bytes each, not 160.
type Postings struct {
	fields []fieldPostings // by field, ascending
}

// fieldPostings are a term's documents in one field.
type fieldPostings struct {
	field int32     // index in Fields
	df    int32     // documents, before pruning
	list  []Posting // by ordinal once the dictionary is made
}

// newPostings returns empty postings with room for one field.
func newPostings() *Postings {
	one := &struct {
		p     Postings
		first [1]fieldPostings
	}{}
	one.p.fields = one.first[:0]
	return &one.p
}

// List returns the term's postings in field fi (an index in Fields).
func (p *Postings) List(fi int) []Posting {
	if f := p.find(fi); f != nil {
		return f.list
	}
	return nil
}

// DF returns the number of documents with the term in field fi, before
// pruning.
func (p *Postings) DF(fi int) int {
	if f := p.find(fi); f != nil {
		return int(f.df)
	}
	return 0
}

// find returns the term's entry for field fi, nil when it has none.
func (p *Postings) find(fi int) *fieldPostings {
	for i := range p.fields {
		if int(p.fields[i].field) == fi {
			return &p.fields[i]
		}
	}
	return nil
}

// in returns the term's entry for field fi, added when it has none. The
// entry is valid until the next field is added.
func (p *Postings) in(fi int) *fieldPostings {
	i := 0
	for i < len(p.fields) && int(p.fields[i].field) < fi {
		i++
	}
	if i == len(p.fields) || int(p.fields[i].field) != fi {
		p.fields = slices.Insert(p.fields, i, fieldPostings{field: int32(fi)})
	}
	return &p.fields[i]
}

// lastListed returns the last field in which the term has postings, -1
// when it has none.
func (p *Postings) lastListed() int {
	for i := len(p.fields) - 1; i >= 0; i-- {
		if len(p.fields[i].list) > 0 {
			return int(p.fields[i].field)
		}
	}
	return -1
}

// set sets the term's document count and postings in field fi.
func (p *Postings) set(fi, df int, list []Posting) {
	f := p.in(fi)
	f.df, f.list = int32(df), list
}

// Posting is one document of a term in a field.
type Posting struct {
	Doc  int32 // ordinal
	Freq int32
	Len  int32 // field length in tokens
}

// normLength recovers a field's length in tokens from bleve's norm,
// 1/sqrt(length), stored as a float32.
func normLength(norm float64) int {
	if norm <= 0 {
		return 0
	}
	return int(math.Round(1 / (norm * norm)))
}

// norm is bleve's stored norm of a field of n tokens.
func norm(n int) float64 {
	if n <= 0 {
		return 0
	}
	return float64(float32(1 / math.Sqrt(float64(n))))
}

// postingHeap keeps the postings of highest BM25 weight, lowest on top.
type postingHeap struct {
	list []Posting
	avg  float64
}

func (h *postingHeap) weight(p Posting) float64 {
	return termFrequencyWeight(int(p.Freq), norm(int(p.Len)), h.avg)
}

// lower orders postings by weight and, at equal weight, prefers the lower
// document number: a total order on content, so that which postings are
// kept never depends on the order in which bleve returns them.
func (h *postingHeap) lower(a, b Posting) bool {
	wa, wb := h.weight(a), h.weight(b)
	if wa != wb {
		return wa < wb
	}
	return a.Doc > b.Doc
}

func (h *postingHeap) Len() int           { return len(h.list) }
func (h *postingHeap) Less(i, j int) bool { return h.lower(h.list[i], h.list[j]) }
func (h *postingHeap) Swap(i, j int)      { h.list[i], h.list[j] = h.list[j], h.list[i] }
func (h *postingHeap) Push(x any)         { h.list = append(h.list, x.(Posting)) }
func (h *postingHeap) Pop() any {
	p := h.list[len(h.list)-1]
	h.list = h.list[:len(h.list)-1]
	return p
}

// termFrequencyWeight is the part of bleve's BM25 term score that depends
// on the document (see bleve's TermQueryScorer.docScore).
func termFrequencyWeight(freq int, fieldNorm, avg float64) float64 {
	tf := math.Sqrt(float64(freq))
	if avg > 0 {
		fieldLength := 1 / (fieldNorm * fieldNorm)
		return tf * search.BM25_k1 / (tf + search.BM25_k1*(1-search.BM25_b+search.BM25_b*fieldLength/avg))
	}
	return tf * fieldNorm
}

// df is a term's document frequency summed over fields.
func (d *Dictionary) df(term string) int {
	t := d.Terms[term]
	if t == nil {
		return 0
	}
	n := 0
	for _, f := range t.fields {
		n += int(f.df)
	}
	return n
}

// stopWords returns bleve's Dutch stop word list.
func stopWords() map[string]bool {
	tm := analysis.NewTokenMap()
	_ = tm.LoadBytes(nl.DutchStopWords) // a constant of bleve's; it parses
	out := make(map[string]bool, len(tm))
	for w := range tm {
		out[w] = true
	}
	return out
}
