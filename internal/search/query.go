package search

import (
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"

	"ledenbrief/internal/editdist"
	"ledenbrief/internal/search/words"
)

// How a query word is expanded, and what an expansion weighs. The browser
// (assets/search.js) implements the same rules; a test holds them equal.
const (
	minPrefixLen = 3   // runes a word needs before it is completed as a prefix
	maxPrefix    = 3   // completions per word: each a postings file to load; 4 and 5 found no query of the six sets more
	prefixBoost  = 0.6 // weight of a completion
	// prefixAfterExact is the weight of a completion of a word that is
	// itself a word of the site: the word typed ranks above its
	// completions ("bestuur" above "bestuurder").
	prefixAfterExact = 0.3
	maxFuzzy         = 5   // typo corrections per word
	fuzzyBoost       = 0.5 // weight of a typo correction
	// MaxQueryRunes and MaxQueryWords bound the work of one query, in the
	// browser as in bleve: longer queries are cut, further words dropped.
	MaxQueryRunes = 200
	MaxQueryWords = 10
)

// Expansion is one analysed term a query word stands for.
type Expansion struct {
	Term  string  `json:"term"`
	Boost float64 `json:"boost"`
}

// Word is one word of a query with the terms it stands for.
type Word struct {
	Text  string      `json:"text"`
	Terms []Expansion `json:"terms"`
}

// Query is an analysed query: the words it scores with, and what its
// syntax asks besides (parseSyntax).
type Query struct {
	Words []Word `json:"words"`
	// Phrases are the query's phrases in double quotes, each as the
	// terms a passage must hold side by side (one term: anywhere); a
	// word the site does not know stays as typed, so that nothing matches.
	Phrases [][]string `json:"phrases"`
	// Exclude are the terms of the words after a minus: a passage whose
	// title or text holds one is left out.
	Exclude []string `json:"exclude"`
}

// vocabEntry is a folded word and the term it stands for.
type vocabEntry struct {
	key, term string
	df        int
}

// buildVocabulary lists every folded word the index knows, sorted, each
// with its analysed term: the surface forms of the text first, then the
// terms themselves for keys no surface form claimed. Terms are the
// terms of words (wordTerms), which d keeps for the export. It runs
// once, when the dictionary is made, so that queries can share the
// dictionary.
func (d *Dictionary) buildVocabulary(terms []string) {
	d.words = terms
	// Most terms are pairs, which have no place here: at 10,000 letters,
	// room for them took 70 MB.
	m := make(map[string]string, len(d.Surfaces)+len(terms))
	for k, t := range d.Surfaces {
		if d.Terms[t] != nil {
			m[k] = t
		}
	}
	for _, t := range terms {
		if k := words.Fold(t); m[k] == "" {
			m[k] = t
		}
	}
	// The keys are sorted on their own (a fifth faster than sorting the
	// entries by key, on 2,000 words as on 200,000), and m serves as
	// keyTerms.
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	v := make([]vocabEntry, len(keys))
	for i, k := range keys {
		v[i] = vocabEntry{k, m[k], d.df(m[k])}
	}
	d.vocab, d.keyTerms = v, m
	// The layout and the compounds read the vocabulary only.
	laid := make(chan *shardLayout, 1)
	go func() { laid <- layoutShards(v) }()
	d.buildCompounds(terms)
	d.layout = <-laid
}

// wordTerms returns the terms of words, not pairs, sorted.
func (d *Dictionary) wordTerms() []string {
	var terms []string
	for t := range d.Terms {
		if !isPair(t) {
			terms = append(terms, t)
		}
	}
	slices.Sort(terms)
	return terms
}

// Analyze turns what a reader typed into a Query. With typing, the last
// word is also completed as a prefix, since the reader may not have
// finished it.
//
// At most MaxQueryRunes of q are read and MaxQueryWords words (stop words
// left out) used, so that no query can make the search do unbounded work.
func (d *Dictionary) Analyze(q string, typing bool) Query {
	vocab := d.vocab
	if r := []rune(q); len(r) > MaxQueryRunes {
		q = string(r[:MaxQueryRunes])
	}
	syn := parseSyntax(q)
	q = syn.text
	var toks []string
	for _, t := range words.WordRE.FindAllString(strings.ToLower(q), -1) {
		if !d.Stop[t] {
			toks = append(toks, t)
		}
	}
	toks = words.DropQuestionWords(toks, typing)
	toks = toks[:min(len(toks), MaxQueryWords)]
	out := Query{Phrases: [][]string{}, Exclude: []string{}}
	if typing && syn.open {
		// The reader is still typing the phrase.
		syn.phrases = syn.phrases[:len(syn.phrases)-1]
	}
	for _, p := range syn.phrases {
		var terms []string
		for _, w := range p {
			if t, ok := d.exactTerm(w); ok {
				terms = append(terms, t)
			} else if !d.Stop[w] {
				terms = append(terms, words.Fold(w))
			}
		}
		if len(terms) > 0 {
			out.Phrases = append(out.Phrases, terms)
		}
	}
	for _, w := range syn.excluded {
		if t, ok := d.exactTerm(w); ok && !slices.Contains(out.Exclude, t) {
			out.Exclude = append(out.Exclude, t)
		}
	}
	for i, tok := range toks {
		key := words.Fold(tok)
		exp := map[string]float64{}
		// A word the site does not use is looked up by its stem, as the
		// index stems the text ("integriteits"), and cut into parts.
		stemKey := key
		t, ok := d.lookupKey(key)
		if !ok {
			stemKey = words.Fold(words.Stem(tok))
			t, ok = d.lookupKey(stemKey)
		}
		if base, verb := verbBase(tok); !ok && verb {
			// A verb form the stemmer leaves ("verdient", "bedreigd"):
			// its stem without the ending, if the site has it.
			if vt, vok := d.lookupKey(words.Fold(words.Stem(base))); vok {
				t, ok, stemKey = vt, true, words.Fold(words.Stem(base))
			}
		}
		if ok {
			exp[t] = 1
			d.addCompounds(exp, t)
		}
		last := typing && i == len(toks)-1
		if (last || len(exp) == 0) && utf8.RuneCountInString(key) >= minPrefixLen {
			boost := prefixBoost
			if len(exp) > 0 {
				boost = prefixAfterExact
			}
			addBest(exp, prefixCandidates(vocab, key), maxPrefix, boost)
		}
		if len(exp) == 0 {
			addBest(exp, d.fuzzyCandidates(key), maxFuzzy, fuzzyBoost)
		}
		if len(exp) == 0 {
			// A compound the site does not use: its parts that are
			// words, each a word of the query ("complotdenkers").
			if s, ok := words.BestSplit(stemKey, d.lookupKey); ok {
				for _, p := range s.Part {
					if p != "" && len(out.Words) < MaxQueryWords {
						out.Words = append(out.Words, Word{Text: tok, Terms: []Expansion{{p, 1}}})
					}
				}
			}
			continue
		}
		if len(out.Words) == MaxQueryWords {
			continue
		}
		w := Word{Text: tok}
		for t, b := range exp {
			w.Terms = append(w.Terms, Expansion{t, b})
		}
		slices.SortFunc(w.Terms, func(a, b Expansion) int { return strings.Compare(a.Term, b.Term) })
		out.Words = append(out.Words, w)
	}
	return out
}

// verbBase returns a word without the -t or -d of a Dutch verb form
// ("verdient", "bedreigd"), which the stemmer keeps; false for a word too
// short to tell.
func verbBase(w string) (string, bool) {
	if utf8.RuneCountInString(w) < 6 || !(strings.HasSuffix(w, "t") || strings.HasSuffix(w, "d")) {
		return "", false
	}
	return w[:len(w)-1], true
}

// exactTerm returns the term a word of the query stands for exactly: the
// word as the site uses it, or its stem; none for a stop word or a word
// the site does not know.
func (d *Dictionary) exactTerm(w string) (string, bool) {
	if d.Stop[w] {
		return "", false
	}
	if t, ok := d.lookupKey(words.Fold(w)); ok {
		return t, true
	}
	return d.lookupKey(words.Fold(words.Stem(w)))
}

type candidate struct {
	term string
	dist int
	df   int
}

// addBest adds up to n new terms from cands, best first, with boost.
func addBest(exp map[string]float64, cands []candidate, n int, boost float64) {
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.dist != b.dist {
			return a.dist < b.dist
		}
		if a.df != b.df {
			return a.df > b.df
		}
		return a.term < b.term
	})
	added := 0
	for _, c := range cands {
		if added == n {
			return
		}
		if _, ok := exp[c.term]; ok {
			continue
		}
		exp[c.term] = boost
		added++
	}
}

// prefixCandidates returns the terms of every longer word starting with key.
func prefixCandidates(vocab []vocabEntry, key string) []candidate {
	i, _ := slices.BinarySearchFunc(vocab, key, func(e vocabEntry, k string) int { return strings.Compare(e.key, k) })
	var out []candidate
	for ; i < len(vocab) && strings.HasPrefix(vocab[i].key, key); i++ {
		if vocab[i].key != key {
			out = append(out, candidate{vocab[i].term, 0, vocab[i].df})
		}
	}
	return out
}

// fuzzyCandidates returns the terms of words within words.MaxEdits of key in
// the shard key is in: the words the browser holds when it looks key up.
func (d *Dictionary) fuzzyCandidates(key string) []candidate {
	n := utf8.RuneCountInString(key)
	edits := words.MaxEdits(n)
	if edits == 0 {
		return nil
	}
	shard := d.layout.shardOf(key)
	i, _ := slices.BinarySearchFunc(d.vocab, shard, func(e vocabEntry, s string) int { return strings.Compare(e.key, s) })
	var out []candidate
	for ; i < len(d.vocab) && strings.HasPrefix(d.vocab[i].key, shard); i++ {
		w := d.vocab[i]
		if abs(utf8.RuneCountInString(w.key)-n) > edits || d.layout.shardOf(w.key) != shard {
			continue
		}
		if dist := editdist.Distance(key, w.key); dist <= edits {
			out = append(out, candidate{w.term, dist, w.df})
		}
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Bleve returns the bleve query for q: for each word, a disjunction of
// term queries over every word field and expansion, boosted by field and
// expansion weight; the words joined by a disjunction, so that passages
// matching more words rank higher, with one more clause, the conjunction
// of all words, so that passages with every word rank higher still, and
// one more, the disjunction of the words' pairs in the pairs field
// (Pairs), so that passages with them side by side rank higher again.
// Its phrases and exclusions then keep only the passages that hold every
// phrase and none of the excluded words, without changing a score.
func (q Query) Bleve() query.Query {
	clauses := make([]query.Query, 0, len(q.Words))
	for _, w := range q.Words {
		var leaves []query.Query
		for _, e := range w.Terms {
			for _, f := range WordFields {
				tq := query.NewTermQuery(e.Term)
				tq.SetField(f)
				tq.SetBoost(FieldBoost[f] * e.Boost)
				leaves = append(leaves, tq)
			}
		}
		clauses = append(clauses, query.NewDisjunctionQuery(leaves))
	}
	if len(clauses) == 0 {
		return query.NewMatchNoneQuery()
	}
	if len(clauses) > 1 {
		clauses = append(clauses, query.NewConjunctionQuery(slices.Clone(clauses)))
	}
	scored := q.scoring(clauses)
	if len(q.Phrases) == 0 && len(q.Exclude) == 0 {
		return scored
	}
	// Phrases are a must of no weight, exclusions a must not: neither
	// changes a score. (bleve's Filter would say it best, but a filter of
	// a disjunction over fields fails on its BM25 statistics.)
	bq := query.NewBooleanQuery(nil, []query.Query{scored}, nil)
	for _, p := range q.Phrases {
		bq.AddMust(phraseQuery(p))
	}
	if len(q.Exclude) > 0 {
		var not []query.Query
		for _, t := range q.Exclude {
			for _, f := range []string{FieldTitle, FieldBody} {
				tq := query.NewTermQuery(t)
				tq.SetField(f)
				not = append(not, tq)
			}
		}
		bq.AddMustNot(not...)
	}
	return bq
}

// phraseQuery matches, with no weight, the passages that hold a phrase's
// terms side by side: each pair of neighbours in the pairs field; a
// phrase of one term in any word field.
func phraseQuery(terms []string) query.Query {
	var leaves []query.Query
	leaf := func(term, field string) {
		tq := query.NewTermQuery(term)
		tq.SetField(field)
		tq.SetBoost(0)
		leaves = append(leaves, tq)
	}
	if len(terms) == 1 {
		for _, f := range WordFields {
			leaf(terms[0], f)
		}
		return query.NewDisjunctionQuery(leaves)
	}
	for i := 1; i < len(terms); i++ {
		leaf(words.PairTerm(terms[i-1], terms[i]), FieldPairs)
	}
	return query.NewConjunctionQuery(leaves)
}

// scoring returns the disjunction of clauses and, with neighbouring
// words, of their pairs: what ranks the passages.
func (q Query) scoring(clauses []query.Query) query.Query {
	if pairs := q.Pairs(); len(pairs) > 0 {
		leaves := make([]query.Query, len(pairs))
		for i, p := range pairs {
			tq := query.NewTermQuery(p)
			tq.SetField(FieldPairs)
			tq.SetBoost(FieldBoost[FieldPairs])
			leaves[i] = tq
		}
		clauses = append(clauses, query.NewDisjunctionQuery(leaves))
	}
	return query.NewDisjunctionQuery(clauses)
}

// Pairs returns the pairs of neighbouring query words, as terms of the
// pairs field: the term each word stands for with full weight (as typed,
// or its stem, or a part of a compound), joined to the next word's.
func (q Query) Pairs() []string {
	exact := func(w Word) string {
		for _, e := range w.Terms {
			if e.Boost == 1 {
				return e.Term
			}
		}
		return ""
	}
	var out []string
	for i := 1; i < len(q.Words); i++ {
		a, b := exact(q.Words[i-1]), exact(q.Words[i])
		if a != "" && b != "" && !slices.Contains(out, words.PairTerm(a, b)) {
			out = append(out, words.PairTerm(a, b))
		}
	}
	return out
}

// isPair tells a term of the pairs field.
func isPair(term string) bool { return strings.Contains(term, " ") }
