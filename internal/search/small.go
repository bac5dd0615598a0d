package search

import (
	"cmp"
	"container/heap"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"ledenbrief/internal/search/words"
)

// AnalyzedUnit is a unit with its text analysed as bleve would index it,
// ready for BuildDictionary. Analysing is most of the work, so a unit that
// goes into many small indexes (a handreiking, into the copy of every
// letter that links it) is analysed once.
type AnalyzedUnit struct {
	Unit
	fields [4]fieldTerms // in Fields order
	words  []string      // the lowercased surface words, sorted
}

// fieldTerms is one analysed field: each term's frequency and the
// field's length in tokens.
type fieldTerms struct {
	freq   map[string]int32
	length int32
}

var (
	analyzerOnce sync.Once
	analyzer     analysis.Analyzer
	analyzerErr  error
)

// theAnalyzer is the analyzer every word field is indexed with.
func theAnalyzer() (analysis.Analyzer, error) {
	analyzerOnce.Do(func() { analyzer, analyzerErr = registry.NewCache().AnalyzerNamed(words.AnalyzerName) })
	return analyzer, analyzerErr
}

// Analyze analyses a unit's fields.
func Analyze(u Unit) (*AnalyzedUnit, error) {
	a, err := theAnalyzer()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	au := &AnalyzedUnit{Unit: u}
	seen := map[string]bool{}
	count := func(fi int, tokens analysis.TokenStream) {
		if len(tokens) == 0 {
			return
		}
		ft := fieldTerms{freq: map[string]int32{}, length: int32(normLength(norm(len(tokens))))}
		for _, tok := range tokens {
			ft.freq[string(tok.Term)]++
		}
		au.fields[fi] = ft
	}
	var titleBody analysis.TokenStream
	for fi, text := range []string{u.Title, u.Body, u.Extra} {
		words.Each(text, func(w string) {
			if !seen[w] {
				seen[w] = true
				au.words = append(au.words, w)
			}
		})
		tokens := a.Analyze([]byte(text))
		if Fields[fi] != FieldExtra {
			titleBody = append(titleBody, tokens...)
		}
		count(fi, tokens)
	}
	// What words.PairsAnalyzerName makes of u.pairsText(), from the tokens
	// already analysed.
	count(slices.Index(Fields, FieldPairs), words.Pairs(titleBody))
	slices.Sort(au.words)
	return au, nil
}

// BuildDictionary makes the static index's dictionary of a few analysed
// units (one letter's, for its offline copy) without a bleve index: what
// ReadDictionary would read back from a bleve index of exactly these
// units indexed in one batch (TestBuildDictionaryIsBleves). The units'
// ordinals are their documents' numbers.
func BuildDictionary(units []*AnalyzedUnit) (*Dictionary, error) {
	a, err := theAnalyzer()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	d := &Dictionary{N: len(units), Terms: map[string]*Postings{}, Surfaces: map[string]string{}, Stop: stopWords()}
	distinct := make([]map[string]bool, len(Fields))
	for fi := range distinct {
		distinct[fi] = map[string]bool{}
	}
	var surfaces []string
	for _, u := range units {
		surfaces = append(surfaces, u.words...)
		for fi, ft := range u.fields {
			for term, f := range ft.freq {
				p := d.Terms[term]
				if p == nil {
					p = &Postings{DF: make([]int, len(Fields)), List: make([][]Posting, len(Fields))}
					d.Terms[term] = p
				}
				p.DF[fi]++
				p.List[fi] = append(p.List[fi], Posting{Doc: int32(u.Ordinal), Freq: f, Len: ft.length})
				distinct[fi][term] = true
			}
		}
	}
	// Bleve's average field length is the field's number of distinct
	// terms over the number of documents (see ReadDictionary).
	for fi := range Fields {
		avg := 0.0
		if d.N > 0 {
			avg = math.Ceil(float64(len(distinct[fi])) / float64(d.N))
		}
		d.Avg = append(d.Avg, avg)
	}
	for _, p := range d.Terms {
		for fi, list := range p.List {
			p.List[fi] = topOf(list, d.Avg[fi])
		}
	}
	slices.Sort(surfaces)
	d.addSurfaces(a, slices.Compact(surfaces))
	d.buildVocabulary()
	return d, nil
}

// topOf keeps the MaxPostings postings of highest BM25 weight, by document.
func topOf(list []Posting, avg float64) []Posting {
	if len(list) > MaxPostings {
		top := &postingHeap{avg: avg}
		for _, p := range list {
			if top.Len() < MaxPostings {
				heap.Push(top, p)
			} else if top.lower(top.list[0], p) {
				top.list[0] = p
				heap.Fix(top, 0)
			}
		}
		list = top.list
	}
	slices.SortFunc(list, func(a, b Posting) int { return cmp.Compare(a.Doc, b.Doc) })
	return list
}

// surfaceTerms remembers the term each word analyses to on its own ("" for
// none): a site's letters share most of their words.
var surfaceTerms sync.Map

// addSurfaces maps every folded surface word to the term the analyzer
// makes of it, as analyseSurfaces does for a bleve index.
func (d *Dictionary) addSurfaces(a analysis.Analyzer, surfaces []string) {
	for _, w := range surfaces {
		t, ok := surfaceTerms.Load(w)
		if !ok {
			toks := a.Analyze([]byte(w))
			t = ""
			if len(toks) == 1 {
				t = string(toks[0].Term)
			}
			surfaceTerms.Store(w, t)
		}
		term := t.(string)
		if term == "" {
			continue // a stop word, or a word the tokenizer splits differently on its own
		}
		key := words.Fold(w)
		if prev, ok := d.Surfaces[key]; !ok || d.df(term) > d.df(prev) {
			d.Surfaces[key] = term
		}
	}
}

// StaticBundle returns the static index of units, whose dictionary is d
// (see BuildDictionary), as one script for MetaPath (see
// NewBundleWriter): the search index of a copy of one letter. The units
// must be numbered from 0 in their order.
func StaticBundle(d *Dictionary, units []Unit) ([]byte, error) {
	var out []byte
	w := NewBundleWriter(func(name string, data []byte) error {
		out = data
		return nil
	})
	if err := w.WriteDocs(units); err != nil {
		return nil, err
	}
	if err := w.Finish(d); err != nil {
		return nil, err
	}
	return out, nil
}
