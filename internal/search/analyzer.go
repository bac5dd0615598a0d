package search

import (
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

func init() {
	err := registry.RegisterAnalyzer(AnalyzerName, func(_ map[string]any, cache *registry.Cache) (analysis.Analyzer, error) {
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
