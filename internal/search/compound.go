package search

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"

	"ledenbrief/internal/content"
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
	minPart       = 4   // runes a part of a compound needs
	maxCompounds  = 8   // compounds a word also finds
	compoundBoost = 0.5 // weight of a compound found by one of its parts
)

// linkingElements are what Dutch puts between the parts of a compound
// ("integriteit-s-beleid", "gemeent-e-raad"), longest first.
var linkingElements = []string{"en", "e", "s", ""}

// split is one way to cut a word into two parts, around a linking
// element; part is the term of each part that is a word of the
// vocabulary, "" for one that is not.
type split struct {
	at   int // byte offset of the linking element
	part [2]string
}

// words is the number of parts that are words.
func (s split) words() int {
	n := 0
	for _, p := range s.part {
		if p != "" {
			n++
		}
	}
	return n
}

// splits returns every way to cut word (folded) into a head and a tail
// of at least minPart runes each, joined by a linking element, where at
// least one part is a word: lookup gives a word's term.
func splits(word string, lookup func(string) (string, bool)) []split {
	var out []split
	n := utf8.RuneCountInString(word)
	if n < 2*minPart {
		return nil
	}
	runes := 0
	for at := range word {
		if runes >= minPart {
			head := word[:at]
			for _, link := range linkingElements {
				tail, ok := strings.CutPrefix(word[at:], link)
				if !ok || utf8.RuneCountInString(tail) < minPart {
					continue
				}
				var s split
				s.at = at
				s.part[0], _ = lookup(head)
				s.part[1], _ = lookup(tail)
				if s.words() > 0 {
					out = append(out, s)
				}
			}
		}
		runes++
	}
	return out
}

// bestSplit returns the split of an unknown query word that explains
// most: both parts words before one, then the longer tail (the part a
// Dutch compound is about), then the longer linking element.
func bestSplit(word string, lookup func(string) (string, bool)) (split, bool) {
	cands := splits(word, lookup)
	if len(cands) == 0 {
		return split{}, false
	}
	return slices.MinFunc(cands, func(a, b split) int {
		if c := cmp.Compare(b.words(), a.words()); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at) // an earlier cut: a longer tail, a longer link
	}), true
}

// lookupKey returns the term of a vocabulary key.
func (d *Dictionary) lookupKey(key string) (string, bool) {
	t, ok := d.keyTerms[key]
	return t, ok
}

// buildCompounds finds, for every term, the compounds it is a part of:
// every way a term (folded) is cut into parts of which one or both are
// words, as splits does. A term keeps the maxCompounds most frequent,
// ties by term.
func (d *Dictionary) buildCompounds() {
	of := map[string][]candidate{}
	seen := map[[2]string]bool{}
	for t := range d.Terms {
		if isPair(t) {
			continue
		}
		for _, s := range splits(fold(t), d.lookupKey) {
			parts := s.part[1:]
			if s.words() == 2 {
				parts = s.part[:]
			}
			for _, p := range parts {
				if p == "" || p == t || seen[[2]string{p, t}] {
					continue
				}
				seen[[2]string{p, t}] = true
				of[p] = append(of[p], candidate{term: t, df: d.df(t)})
			}
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
		t := stem(strings.ToLower(word))
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

// stem returns the analysed form of one lowercased word: the Dutch
// stem the index gives it. It does not keep the word in the build's stem
// cache, which queries must not grow.
func stem(word string) string {
	ts := stems.stem.Filter(analysis.TokenStream{{Term: []byte(word)}})
	return string(ts[0].Term)
}
