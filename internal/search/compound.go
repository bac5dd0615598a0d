package search

import (
	"cmp"
	"slices"
	"strings"

	"ledenbrief/internal/content"
	"ledenbrief/internal/pool"
	"ledenbrief/internal/search/words"
)

// Dutch writes compounds as one word: "modelgedragscodes",
// "complottheorieën". A reader who types one part ("gedragscode",
// "complot") should find the compound, and a reader who types a compound
// the site never uses ("complotdenkers") should find its parts. Both are
// decided against the vocabulary of the site: a part is a word of the
// site when it is a key of the vocabulary, and stands for that key's term.
// The browser (assets/search.js) follows the same rules; the agreement
// tests hold them equal.
const (
	maxCompounds  = 8   // compounds a word also finds
	compoundBoost = 0.5 // weight of a compound found by one of its parts
)

// lookupKey returns the term of a vocabulary key.
func (d *Dictionary) lookupKey(key string) (string, bool) {
	t, ok := d.keyTerms[key]
	return t, ok
}

// buildCompounds finds, for every term, the compounds it is a part of:
// every way a term (folded) is cut into parts of which one or both are
// words, as splits does. A term keeps the maxCompounds most frequent,
// ties by term. Terms are the terms of words (wordTerms).
func (d *Dictionary) buildCompounds(terms []string) {
	// Chunks of terms are split at once, each into its own map: which
	// compounds a part keeps does not depend on how they were cut, since
	// each (part, term) is noted once and they are sorted by a total order.
	chunks := slices.Collect(slices.Chunk(terms, 4096))
	found := make([]map[string][]candidate, len(chunks))
	pool.Each(chunks, 0, func(i int, chunk []string) error {
		of := map[string][]candidate{}
		for _, t := range chunk {
			var noted []string // the parts of t noted so far
			for _, s := range words.Splits(words.Fold(t), d.lookupKey) {
				parts := s.Part[1:]
				if s.Words() == 2 {
					parts = s.Part[:]
				}
				for _, p := range parts {
					if p == "" || p == t || slices.Contains(noted, p) {
						continue
					}
					noted = append(noted, p)
					of[p] = append(of[p], candidate{term: t, df: d.df(t)})
				}
			}
		}
		found[i] = of
		return nil
	})
	of := map[string][]candidate{}
	for _, f := range found {
		for p, cands := range f {
			of[p] = append(of[p], cands...)
		}
	}
	d.compounds = make(map[string][]string, len(of))
	for p, cands := range of {
		slices.SortFunc(cands, func(a, b candidate) int {
			return cmp.Or(cmp.Compare(b.df, a.df), strings.Compare(a.term, b.term))
		})
		terms := make([]string, 0, min(len(cands), maxCompounds))
		for _, c := range cands[:min(len(cands), maxCompounds)] {
			terms = append(terms, c.term)
		}
		d.compounds[p] = terms
	}
}

// addCompounds adds the compounds term is a part of to exp.
func (d *Dictionary) addCompounds(exp map[string]float64, term string) {
	for _, c := range d.compounds[term] {
		if _, ok := exp[c]; !ok {
			exp[c] = compoundBoost
		}
	}
}

// NoteSynonyms records, for the search page, which words each one-word
// entry of syn also finds: the other words of its groups, and what a
// one-way entry leads to. The synonyms themselves are added to the units
// at index time (AddSynonyms); this only lets the page say that a word
// the text never uses was found through them.
func (d *Dictionary) NoteSynonyms(syn content.Synonyms) {
	d.synonyms = map[string][]string{}
	note := func(word string, finds []string) {
		if strings.ContainsAny(word, " -") {
			return // a phrase is not one query word
		}
		t := words.Stem(strings.ToLower(word))
		for _, f := range finds {
			if f != word && !slices.Contains(d.synonyms[t], f) {
				d.synonyms[t] = append(d.synonyms[t], f)
			}
		}
	}
	for _, g := range syn.Groups {
		for _, w := range g.Words {
			note(w, g.Words)
		}
	}
	for _, g := range syn.OneWay {
		note(g.Words[0], g.Words[1:])
	}
}
