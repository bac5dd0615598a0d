package search

import (
	"cmp"
	"container/heap"
	"context"
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"

	"ledenbrief/internal/pool"
	"ledenbrief/internal/record"
	"ledenbrief/internal/search/words"
)

// Collector gathers the analysis of units into the static index's
// dictionary: every term's postings per field, each field's statistics
// as bleve keeps them, and the surface words. What it makes of a set of
// units is what bleve's own index of them holds (TestCollectorIsBleve).
// It is safe for concurrent use.
type Collector struct {
	mu       sync.Mutex
	n        int
	terms    map[string]*Postings
	surfaces map[string]struct{}
	docs     map[int32]docInfo // ordinal → unit ID (to refuse a number given twice) and facet
	err      error
}

// NewCollector returns an empty collector.
func NewCollector() *Collector {
	return &Collector{terms: map[string]*Postings{}, surfaces: map[string]struct{}{}, docs: map[int32]docInfo{}}
}

// Add collects the postings and surface words of units.
func (c *Collector) Add(units []*AnalyzedUnit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var touched []*Postings
	for _, u := range units {
		doc := int32(u.Ordinal)
		if other, ok := c.docs[doc]; ok {
			if c.err == nil {
				c.err = fmt.Errorf("search: units %s and %s have the same number %d", other.id, u.ID, doc)
			}
			continue
		}
		c.docs[doc] = docInfo{u.ID, facetOf(&u.Unit)}
		c.n++
		for _, w := range u.words {
			if _, ok := c.surfaces[w]; !ok {
				// A copy: the word is a slice of the unit's text, which
				// must not stay in memory for the rest of the build.
				c.surfaces[strings.Clone(w)] = struct{}{}
			}
		}
		touched = touched[:0]
		for fi := range u.fields {
			ft := &u.fields[fi]
			length := int32(normLength(norm(ft.length))) // as bleve's norm gives it back
			for i, term := range ft.terms {
				p := c.terms[term]
				if p == nil {
					p = &Postings{}
					c.terms[term] = p
				}
				p.DF[fi]++
				p.List[fi] = append(p.List[fi], Posting{Doc: doc, Freq: ft.freq[i], Len: length})
				touched = append(touched, p)
			}
		}
		// Thinned once the unit is in, in all its fields (see thin).
		for _, p := range touched {
			p.thin()
		}
	}
}

// Merge adds to c what other collected, as if other's units were added
// to c (none of them may have been); other is left as it was. A term's
// postings are thinned once all of other's are in: a unit thinned out of
// one collector is outranked by MaxPostings others of it, so by as many
// of both, and what Dictionary keeps is the same whichever way the units
// came in.
func (c *Collector) Merge(other *Collector) {
	other.mu.Lock()
	defer other.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = other.err
	}
	for doc, info := range other.docs {
		if first, ok := c.docs[doc]; ok {
			if c.err == nil {
				c.err = fmt.Errorf("search: units %s and %s have the same number %d", first.id, info.id, doc)
			}
			continue
		}
		c.docs[doc] = info
	}
	c.n += other.n
	for w := range other.surfaces {
		c.surfaces[w] = struct{}{}
	}
	// The terms are merged on every CPU, each term by one goroutine: c's
	// map is only read meanwhile, and the terms new to it are added after.
	type termPostings struct {
		term string
		p    *Postings
	}
	theirs := make([]termPostings, 0, len(other.terms))
	for term, op := range other.terms {
		theirs = append(theirs, termPostings{term, op})
	}
	parts := runtime.GOMAXPROCS(0)
	fresh := make([][]termPostings, parts)
	pool.Each(make([]struct{}, parts), parts, func(k int, _ struct{}) error {
		for _, tp := range theirs[k*len(theirs)/parts : (k+1)*len(theirs)/parts] {
			p := c.terms[tp.term]
			if p == nil {
				p = &Postings{}
				fresh[k] = append(fresh[k], termPostings{tp.term, p})
			}
			p.merge(tp.p)
		}
		return nil
	})
	for _, part := range fresh {
		for _, tp := range part {
			c.terms[tp.term] = tp.p
		}
	}
}

// merge adds other's postings to p (a copy: p's thinning must not change
// other's), thinning a list as Add does, once for each time it grows:
// here when appending other's made it grow.
func (p *Postings) merge(other *Postings) {
	var grew [numFields]bool
	for fi := range other.List {
		p.DF[fi] += other.DF[fi]
		before := cap(p.List[fi])
		p.List[fi] = append(p.List[fi], other.List[fi]...)
		grew[fi] = cap(p.List[fi]) != before
	}
	p.thinWhen(func(fi int) bool { return grew[fi] && len(p.List[fi]) >= compactAt })
}

// AppendRecord appends what c collected to w, as ReadCollector reads it:
// the build cache keeps it for a group of letters.
func (c *Collector) AppendRecord(w *record.Writer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	w.Uint(uint64(c.n))
	docs := slices.Sorted(maps.Keys(c.docs))
	w.Uint(uint64(len(docs)))
	for _, doc := range docs {
		w.Int(int64(doc))
		w.String(c.docs[doc].id)
		c.docs[doc].appendRecord(w)
	}
	surfaces := slices.Sorted(maps.Keys(c.surfaces))
	w.Uint(uint64(len(surfaces)))
	for _, s := range surfaces {
		w.String(s)
	}
	terms := slices.Sorted(maps.Keys(c.terms))
	w.Uint(uint64(len(terms)))
	for _, term := range terms {
		p := c.terms[term]
		w.String(term)
		for fi := range p.List {
			w.Uint(uint64(p.DF[fi]))
			w.Uint(uint64(len(p.List[fi])))
			prev := int32(0)
			for _, po := range p.List[fi] {
				w.Int(int64(po.Doc - prev)) // mostly ascending: small deltas
				w.Uint(uint64(po.Freq))
				w.Uint(uint64(po.Len))
				prev = po.Doc
			}
		}
	}
}

// ReadCollector reads a collector AppendRecord wrote.
func ReadCollector(r *record.Reader) (*Collector, error) {
	c := NewCollector()
	c.n = int(r.Uint())
	for range r.Len() {
		doc := int32(r.Int())
		c.docs[doc] = docInfo{id: r.String(), facet: readFacet(r)}
	}
	for range r.Len() {
		c.surfaces[r.String()] = struct{}{}
	}
	n := r.Len()
	c.terms = make(map[string]*Postings, n)
	for range n {
		term := r.String()
		p := &Postings{}
		for fi := range p.List {
			p.DF[fi] = int(r.Uint())
			if k := r.Len(); k > 0 {
				list := make([]Posting, k)
				prev := int32(0)
				for i := range list {
					prev += int32(r.Int())
					list[i] = Posting{Doc: prev, Freq: int32(r.Uint()), Len: int32(r.Uint())}
				}
				p.List[fi] = list
			}
		}
		c.terms[term] = p
	}
	return c, r.Done()
}

// Dictionary returns the dictionary of every unit added: bleve's
// statistics, each term's MaxPostings postings of highest BM25 weight per
// field, and the term of every surface word. Call it once, after the
// last Add; it stops early when ctx is done.
func (c *Collector) Dictionary(ctx context.Context) (*Dictionary, error) {
	a, err := theAnalyzer()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return nil, c.err
	}
	d := &Dictionary{N: c.n, Terms: c.terms, Surfaces: map[string]string{}, Stop: stopWords(), docs: maps.Clone(c.docs)}
	d.threads = threadsOf(d.docs)
	c.terms = nil
	// Bleve's average field length is the field's number of distinct
	// terms over the number of documents, rounded up (the field
	// cardinality its BM25 scorer reads).
	d.Distinct = make([]int, len(Fields))
	for _, p := range d.Terms {
		for fi, df := range p.DF {
			if df > 0 {
				d.Distinct[fi]++
			}
		}
	}
	for fi := range Fields {
		avg := 0.0
		if d.N > 0 {
			avg = math.Ceil(float64(d.Distinct[fi]) / float64(d.N))
		}
		d.Avg = append(d.Avg, avg)
	}
	all := slices.Collect(maps.Values(d.Terms))
	err = pool.Each(all, 0, func(i int, p *Postings) error {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		keepBest(p, d.Avg)
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.addSurfaces(a, slices.Sorted(maps.Keys(c.surfaces)))
	d.buildVocabulary()
	return d, nil
}

// BuildDictionary makes the dictionary of a few analysed units (one
// letter's, for its offline copy), as a Collector of them does. The
// units' ordinals are their documents' numbers.
func BuildDictionary(units []*AnalyzedUnit) (*Dictionary, error) {
	c := NewCollector()
	c.Add(units)
	return c.Dictionary(context.Background())
}

// keepBest cuts a term's postings to those the static index keeps, each
// field's by document: in the pairs field its MaxPostings of highest BM25
// weight; in the word fields, the postings of every unit that is among
// the MaxPostings of highest weight in one of them, in all of them. A
// unit the browser scores for a word is so scored with every field bleve
// scores it with: a passage whose title has the word, and whose body has
// it among a thousand others, keeps its body's posting too.
func keepBest(p *Postings, avg []float64) {
	var keep map[int32]bool
	for fi := range WordFields {
		if len(p.List[fi]) > MaxPostings {
			keep = map[int32]bool{}
			break
		}
	}
	for fi, list := range p.List {
		if fi >= len(WordFields) || keep == nil {
			p.List[fi] = topOf(list, avg[fi])
			continue
		}
		for _, po := range topOf(slices.Clone(list), avg[fi]) {
			keep[po.Doc] = true
		}
	}
	if keep == nil {
		return
	}
	for fi := range WordFields {
		kept := p.List[fi][:0]
		for _, po := range p.List[fi] {
			if keep[po.Doc] {
				kept = append(kept, po)
			}
		}
		slices.SortFunc(kept, func(a, b Posting) int { return cmp.Compare(a.Doc, b.Doc) })
		p.List[fi] = kept
	}
}

// compactAt is the least number of a term's postings in a field at
// which the Collector thins them out (see thin), when the list is full: a
// frequent term keeps a few hundred postings, not one for every unit it
// is in.
const compactAt = 4 * MaxPostings

// thin thins out the term's postings when a list is full (its next
// posting would make it grow): in the pairs field to those that can still
// be among its best (see outranked); in the word fields to those of the
// units that can still be among the best of one of them, in every word
// field, as keepBest keeps them. It must run only when every unit's
// postings are all in: a unit thinned out of the word fields is then
// outranked in each word field it is in, by MaxPostings others, so it
// cannot be among the best of any when all postings are in.
func (p *Postings) thin() {
	p.thinWhen(func(fi int) bool { return len(p.List[fi]) >= compactAt && len(p.List[fi]) == cap(p.List[fi]) })
}

// thinWhen thins the term's postings as thin does, when the list of
// field fi is full by full(fi).
func (p *Postings) thinWhen(full func(fi int) bool) {
	for fi := len(WordFields); fi < numFields; fi++ {
		if full(fi) {
			list := p.List[fi]
			gone := outranked(list)
			kept := list[:0]
			for i, po := range list {
				if !gone[i] {
					kept = append(kept, po)
				}
			}
			p.List[fi] = kept
		}
	}
	for fi := range WordFields {
		if full(fi) {
			p.thinWordFields()
			return
		}
	}
}

// thinWordFields keeps, in every word field, the postings of the units
// that are not outranked (see outranked) in some word field they are in.
func (p *Postings) thinWordFields() {
	var keep []int32 // documents, sorted
	for fi := range WordFields {
		gone := outranked(p.List[fi])
		for i, po := range p.List[fi] {
			if !gone[i] {
				keep = append(keep, po.Doc)
			}
		}
	}
	slices.Sort(keep)
	keep = slices.Compact(keep)
	for fi := range WordFields {
		p.List[fi] = slices.DeleteFunc(p.List[fi], func(po Posting) bool {
			_, found := slices.BinarySearch(keep, po.Doc)
			return !found
		})
	}
}

// outranked reorders a field's postings and reports, for each in the new
// order, whether MaxPostings others outrank it under every average
// length, whatever postings come after: such a unit can never be among
// the MaxPostings of highest BM25 weight. A posting outranks another
// under every average when its frequency is at least the other's and its
// length at most, and one of these is strictly so or it has the lower
// document number (see postingHeap.lower): its weight is then the
// higher, or equal with the tie broken its way. Outranking so is
// transitive, so a posting thinned out always keeps MaxPostings others
// above it among those left: topOf of what is left is topOf of every
// posting.
//
// The postings are ordered by frequency (highest first), then length,
// then document: those before a posting in its own frequency outrank it,
// and of the higher frequencies those no longer than it, which a count
// per length (a Fenwick tree over the lengths' ranks) gives as each
// frequency's postings are added.
func outranked(list []Posting) []bool {
	gone := make([]bool, len(list))
	if len(list) <= MaxPostings {
		return gone
	}
	slices.SortFunc(list, func(a, b Posting) int {
		return cmp.Or(cmp.Compare(b.Freq, a.Freq), cmp.Compare(a.Len, b.Len), cmp.Compare(a.Doc, b.Doc))
	})
	lens := make([]int32, len(list))
	for i, po := range list {
		lens[i] = po.Len
	}
	slices.Sort(lens)
	lens = slices.Compact(lens)
	rank := func(l int32) int { r, _ := slices.BinarySearch(lens, l); return r + 1 }
	counts := make([]int, len(lens)+1) // Fenwick tree: postings of higher frequencies by length rank
	for start := 0; start < len(list); {
		end := start + 1
		for end < len(list) && list[end].Freq == list[start].Freq {
			end++
		}
		for i := start; i < end; i++ {
			above := i - start
			for r := rank(list[i].Len); r > 0; r -= r & -r {
				above += counts[r]
			}
			gone[i] = above >= MaxPostings
		}
		for i := start; i < end; i++ {
			for r := rank(list[i].Len); r < len(counts); r += r & -r {
				counts[r]++
			}
		}
		start = end
	}
	return gone
}

// topOf keeps the MaxPostings postings of highest BM25 weight, by
// document. Which are kept depends on the postings alone, never on the
// order they came in (see postingHeap.lower).
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
// makes of it on its own. Stop words map to nothing.
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
