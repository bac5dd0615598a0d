package search

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"

	"ledenbrief/internal/pool"
	"ledenbrief/internal/search/words"
)

// MaxPostings is the number of postings kept per term and field in the
// static index: those with the highest BM25 weight. A term in more
// documents keeps its true document frequency, so scores stay bleve's;
// only documents that could not reach a term's top results are left out.
const MaxPostings = 100

// Dictionary is the static index as read back from bleve: everything the
// browser needs to analyse a query and score it exactly as bleve would.
type Dictionary struct {
	N        int                  // number of units
	Avg      []float64            // bleve's average length per field (see bm25ScoreMetrics), in Fields order
	Terms    map[string]*Postings // analysed term → postings per field
	Surfaces map[string]string    // folded surface form → analysed term
	Stop     map[string]bool      // stop words, dropped from queries
	vocab    []vocabEntry         // every folded word, sorted; see buildVocabulary
	layout   *shardLayout         // how vocab is split into the static index's shards
	keyTerms map[string]string    // vocab as a map: folded word → term
	// compounds maps a term to the compounds it is a part of, best
	// first (see buildCompounds).
	compounds map[string][]string
	// synonyms maps the term of a one-word synonym to the words it also
	// finds (see NoteSynonyms).
	synonyms map[string][]string
}

// Postings are the documents of one term, per field.
type Postings struct {
	DF   []int       // documents per field, before pruning
	List [][]Posting // per field, by ordinal
}

// Posting is one document of a term in a field.
type Posting struct {
	Doc  int32 // ordinal
	Freq int32
	Len  int32 // field length in tokens
}

// ReadDictionary reads x back: its documents, term dictionaries,
// postings and statistics, and the analysed form of every surface word.
func ReadDictionary(x *Index) (*Dictionary, error) {
	return ReadDictionaryContext(context.Background(), x)
}

// ReadDictionaryContext is ReadDictionary, stopped early when ctx is done.
func ReadDictionaryContext(ctx context.Context, x *Index) (*Dictionary, error) {
	if err := x.Flush(); err != nil {
		return nil, err
	}
	adv, err := x.Index.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	d := &Dictionary{Terms: map[string]*Postings{}, Surfaces: map[string]string{}, Stop: stopWords()}
	n, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	d.N = int(n)
	ordinal, err := internalOrdinals(x, r)
	if err != nil {
		return nil, err
	}
	br, ok := r.(index.BM25Reader)
	if !ok {
		return nil, fmt.Errorf("search: index reader has no BM25 statistics")
	}
	for fi, field := range Fields {
		card, err := br.FieldCardinality(field)
		if err != nil {
			return nil, err
		}
		avg := 0.0
		if d.N > 0 {
			avg = math.Ceil(float64(card) / float64(d.N))
		}
		d.Avg = append(d.Avg, avg)
		if err := d.readField(ctx, r, fi, field, avg, ordinal); err != nil {
			return nil, err
		}
	}
	if err := d.analyseSurfaces(x); err != nil {
		return nil, err
	}
	d.buildVocabulary()
	return d, nil
}

// ordinals maps bleve's internal document ids to the units' ordinals.
func internalOrdinals(x *Index, r index.IndexReader) (map[string]int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return nil, err
	}
	defer ids.Close()
	out := map[string]int{}
	for {
		id, err := ids.Next()
		if err != nil {
			return nil, err
		}
		if id == nil {
			return out, nil
		}
		ext, err := r.ExternalID(id)
		if err != nil {
			return nil, err
		}
		ord, ok := x.ordinals[ext]
		if !ok {
			return nil, fmt.Errorf("search: document %q has no ordinal", ext)
		}
		out[string(id)] = ord
	}
}

// readField reads one field's term dictionary and postings, keeping the
// MaxPostings postings of highest BM25 weight per term. The terms'
// postings are read on all cores; what is kept of a term does not depend
// on which worker read it.
func (d *Dictionary) readField(ctx context.Context, r index.IndexReader, fi int, field string, avg float64, ordinal map[string]int) error {
	dict, err := r.FieldDict(field)
	if err != nil {
		return err
	}
	defer dict.Close()
	type termPostings struct {
		term string
		df   int
		list []Posting
	}
	// The dictionary is read in order, one term after another; each term's
	// postings are read on the pool, a reader (TermFieldDoc) reused.
	var terms []string
	for n := 0; ; n++ {
		entry, err := dict.Next()
		if err == nil && n%1024 == 0 {
			err = ctx.Err()
		}
		if err != nil {
			return err
		}
		if entry == nil {
			break
		}
		terms = append(terms, entry.Term)
	}
	read := make([]termPostings, len(terms))
	readers := sync.Pool{New: func() any { return new(index.TermFieldDoc) }}
	err = pool.Each(terms, 0, func(i int, term string) error {
		tfd := readers.Get().(*index.TermFieldDoc)
		defer readers.Put(tfd)
		df, list, err := topPostings(r, term, field, avg, ordinal, tfd)
		read[i] = termPostings{term, df, list}
		return err
	})
	if err != nil {
		return err
	}
	for _, tp := range read {
		t := d.Terms[tp.term]
		if t == nil {
			t = &Postings{DF: make([]int, len(Fields)), List: make([][]Posting, len(Fields))}
			d.Terms[tp.term] = t
		}
		t.DF[fi] = tp.df
		t.List[fi] = tp.list
	}
	return nil
}

// topPostings reads a term's postings in a field and returns its
// document frequency and the MaxPostings postings of highest BM25 weight,
// by document.
func topPostings(r index.IndexReader, term, field string, avg float64, ordinal map[string]int, tfd *index.TermFieldDoc) (int, []Posting, error) {
	tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, true, true, false)
	if err != nil {
		return 0, nil, err
	}
	defer tfr.Close()
	top := &postingHeap{avg: avg}
	for {
		m, err := tfr.Next(tfd)
		if err != nil {
			return 0, nil, err
		}
		if m == nil {
			break
		}
		p := Posting{Doc: int32(ordinal[string(m.ID)]), Freq: int32(m.Freq), Len: int32(normLength(m.Norm))}
		if top.Len() < MaxPostings {
			heap.Push(top, p)
		} else if top.lower(top.list[0], p) {
			top.list[0] = p
			heap.Fix(top, 0)
		}
	}
	list := top.list
	slices.SortFunc(list, func(a, b Posting) int { return cmp.Compare(a.Doc, b.Doc) })
	return int(tfr.Count()), list, nil
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

// analyseSurfaces maps every folded surface word to the term bleve's
// Dutch analyzer makes of it. Stop words map to nothing.
func (d *Dictionary) analyseSurfaces(x *Index) error {
	a := x.Index.Mapping().AnalyzerNamed(words.AnalyzerName)
	if a == nil {
		return fmt.Errorf("search: no %s analyzer", words.AnalyzerName)
	}
	d.addSurfaces(a, x.surfaceWords())
	return nil
}

// df is a term's document frequency summed over fields.
func (d *Dictionary) df(term string) int {
	t := d.Terms[term]
	if t == nil {
		return 0
	}
	n := 0
	for _, v := range t.DF {
		n += v
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
