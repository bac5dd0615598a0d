// Package words decides what a word is and how it is written in the
// index, for both sides of search: bleve, which indexes and scores the
// site (its Dutch analyser, with the stem cache and the pairs filter
// registered here), and the browser's engine (assets/search.js), which
// must split, fold, stem, cut compounds and drop question words exactly
// as this package does, or it looks for keys the index does not have. The
// agreement tests (internal/search) hold the two equal; the fold table is
// generated into the engine from Go (markdown.WithFoldTable).
package words

import (
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// AnalyzerName is the analyzer every text field is indexed and queried
// with: bleve's Dutch analyzer ("nl": Unicode words, lowercase, Dutch
// stop words, the Snowball Dutch stemmer), with each word's stem computed
// once per process instead of at every occurrence. Its output is bleve's
// "nl" exactly (TestAnalyzerIsBlevesDutch); stemming was an eighth of a
// build's time.
const AnalyzerName = "nl_memo"

// stemCache maps a lowercased word to its Dutch stem.
type stemCache struct {
	mu    sync.RWMutex
	stems map[string][]byte
	stem  analysis.TokenFilter
}

var stems = &stemCache{stems: map[string][]byte{}, stem: nl.NewDutchStemmerFilter()}

// Filter stems every token, from the cache when the word was seen before.
// The stem of a new word comes from bleve's own filter.
func (c *stemCache) Filter(input analysis.TokenStream) analysis.TokenStream {
	for _, tok := range input {
		c.mu.RLock()
		s, ok := c.stems[string(tok.Term)]
		c.mu.RUnlock()
		if !ok {
			word := string(tok.Term)
			c.stem.Filter(analysis.TokenStream{tok})
			c.mu.Lock()
			c.stems[word] = append([]byte(nil), tok.Term...) // a copy: the token's own may change
			c.mu.Unlock()
			continue
		}
		tok.Term = append(tok.Term[:0:0], s...)
	}
	return input
}

var _ analysis.TokenFilter = (*stemCache)(nil)

// PairsAnalyzerName is the analyzer of the pairs field: the words of
// AnalyzerName, each joined to the next word that is not a stop word
// ("Raad van State": "raad stat"). A unit with a query's words next to
// each other, as a phrase, ranks above one where they are scattered.
const PairsAnalyzerName = "nl_pairs"

// pairsFilterName is the token filter that makes the pairs.
const pairsFilterName = "ledenbrief_pairs"

// pairsFilter turns a stream of terms into the pairs of neighbours, in
// order, ignoring the gaps stop words leave (bleve's shingle filter
// fills them instead).
type pairsFilter struct{}

// Filter returns one token per pair of neighbouring tokens.
func (pairsFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	if len(input) < 2 {
		return nil
	}
	// The tokens and their terms are made in one allocation each, not
	// two for every pair: a term's capacity ends where it does, so that
	// a filter appending to it cannot write into the next.
	size := 0
	for i := 1; i < len(input); i++ {
		size += len(input[i-1].Term) + 1 + len(input[i].Term)
	}
	terms := make([]byte, 0, size)
	tokens := make([]analysis.Token, len(input)-1)
	out := make(analysis.TokenStream, len(input)-1)
	for i := 1; i < len(input); i++ {
		a, b := input[i-1], input[i]
		start := len(terms)
		terms = append(append(append(terms, a.Term...), ' '), b.Term...)
		tokens[i-1] = analysis.Token{Term: terms[start:len(terms):len(terms)], Position: i, Start: a.Start, End: b.End, Type: analysis.Shingle}
		out[i-1] = &tokens[i-1]
	}
	return out
}

// Pairs is what the pairs field's analyser (PairsAnalyzerName) makes of
// tokens the word analyser (AnalyzerName) made.
func Pairs(tokens analysis.TokenStream) analysis.TokenStream { return pairsFilter{}.Filter(tokens) }

// PairTerm is the term of the pairs field for two neighbouring terms.
func PairTerm(a, b string) string { return a + " " + b }

func init() {
	err := registry.RegisterTokenFilter(pairsFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return pairsFilter{}, nil
	})
	if err != nil {
		panic(err)
	}
	err = registry.RegisterAnalyzer(PairsAnalyzerName, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
		words, err := cache.AnalyzerNamed(AnalyzerName)
		if err != nil {
			return nil, err
		}
		pairs, err := cache.TokenFilterNamed(pairsFilterName)
		if err != nil {
			return nil, err
		}
		d := words.(*analysis.DefaultAnalyzer)
		return &analysis.DefaultAnalyzer{Tokenizer: d.Tokenizer, TokenFilters: append(slices.Clone(d.TokenFilters), pairs)}, nil
	})
	if err != nil {
		panic(err)
	}
	err = registry.RegisterAnalyzer(AnalyzerName, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
		tokenizer, err := cache.TokenizerNamed(unicode.Name)
		if err != nil {
			return nil, err
		}
		lower, err := cache.TokenFilterNamed(lowercase.Name)
		if err != nil {
			return nil, err
		}
		stop, err := cache.TokenFilterNamed(nl.StopName)
		if err != nil {
			return nil, err
		}
		return &analysis.DefaultAnalyzer{Tokenizer: tokenizer, TokenFilters: []analysis.TokenFilter{lower, stop, stems}}, nil
	})
	if err != nil {
		panic(err)
	}
}
