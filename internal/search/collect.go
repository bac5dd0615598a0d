package search

import (
	"bytes"
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
	"sync/atomic"

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
	shared   sharedFacets      // the facets' shared parts
	err      error
}

// NewCollector returns an empty collector.
func NewCollector() *Collector {
	return &Collector{terms: map[string]*Postings{}, surfaces: map[string]struct{}{}, docs: map[int32]docInfo{}, shared: sharedFacets{}}
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
		c.docs[doc] = docInfo{u.ID, facetOf(&u.Unit, c.shared)}
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
					p = newPostings()
					c.terms[term] = p
				}
				f := p.in(fi)
				f.df++
				f.list = append(f.list, Posting{Doc: doc, Freq: ft.freq[i], Len: length})
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
// to c (none of them may have been). Other is c's afterwards: it must not
// be used again; the smaller of the two is merged into the larger. A
// term's postings are thinned once all of other's are in: a unit thinned
// out of one collector is outranked by MaxPostings others of it, so by as
// many of both, and what Dictionary keeps is the same whichever way the
// units came in, and however they were grouped.
func (c *Collector) Merge(other *Collector) {
	other.mu.Lock()
	defer other.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(other.terms) > len(c.terms) {
		// The smaller is merged into the larger, whose maps become c's.
		c.n, other.n = other.n, c.n
		c.terms, other.terms = other.terms, c.terms
		c.surfaces, other.surfaces = other.surfaces, c.surfaces
		c.docs, other.docs = other.docs, c.docs
		c.shared, other.shared = other.shared, c.shared
		c.err, other.err = other.err, c.err
	}
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
	// map is only read meanwhile, and the terms new to it (other's
	// postings, taken over) are added after.
	theirs := make([]termPostings, 0, len(other.terms))
	for term, op := range other.terms {
		theirs = append(theirs, termPostings{term, op})
	}
	parts := runtime.GOMAXPROCS(0)
	fresh := make([][]termPostings, parts)
	pool.Each(make([]struct{}, parts), parts, func(k int, _ struct{}) error {
		for _, tp := range theirs[k*len(theirs)/parts : (k+1)*len(theirs)/parts] {
			if p := c.terms[tp.term]; p != nil {
				p.merge(tp.p)
			} else {
				fresh[k] = append(fresh[k], tp)
			}
		}
		return nil
	})
	for _, part := range fresh {
		for _, tp := range part {
			c.terms[tp.term] = tp.p
		}
	}
	other.forget()
}

// units returns how many units c collected.
func (c *Collector) units() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// failed returns the error c met collecting, if any.
func (c *Collector) failed() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// forget empties a collector merged into another, which now holds what
// it held. Call it with its lock held.
func (c *Collector) forget() {
	c.n, c.terms, c.surfaces, c.docs, c.shared, c.err = 0, nil, nil, nil, nil, nil
}

// merge adds other's postings to p, thinning a list as Add does, once
// for each time it grows: here when appending other's made it grow.
func (p *Postings) merge(other *Postings) {
	var grew [numFields]bool
	for _, of := range other.fields {
		f := p.in(int(of.field))
		f.df += of.df
		before := cap(f.list)
		f.list = append(f.list, of.list...)
		grew[f.field] = cap(f.list) != before
	}
	p.thinWhen(func(f *fieldPostings) bool { return grew[f.field] && len(f.list) >= compactAt })
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
	// The terms, in order, with their postings, in a section of their own
	// after marks of where every termMarkEvery-th term starts in it: a
	// reader can start at any term (see MergeRecords).
	terms := slices.Sorted(maps.Keys(c.terms))
	section := &record.Writer{}
	var marks []termMark
	for i, term := range terms {
		if i%termMarkEvery == 0 {
			marks = append(marks, termMark{term: term, ordinal: i, offset: len(section.B)})
		}
		section.String(term)
		p := c.terms[term]
		for fi := range numFields {
			list := p.List(fi)
			section.Uint(uint64(p.DF(fi)))
			section.Uint(uint64(len(list)))
			prev := int32(0)
			for _, po := range list {
				section.Int(int64(po.Doc - prev)) // mostly ascending: small deltas
				section.Uint(uint64(po.Freq))
				section.Uint(uint64(po.Len))
				prev = po.Doc
			}
		}
	}
	w.Uint(uint64(len(terms)))
	w.Uint(uint64(len(marks)))
	for _, m := range marks {
		w.String(m.term)
		w.Uint(uint64(m.ordinal))
		w.Uint(uint64(m.offset))
	}
	w.Bytes(section.B)
}

// termMarkEvery is how many terms of a collector's record are between two
// marks of where a term starts (see AppendRecord).
const termMarkEvery = 256

// termMark is where a term starts in the terms section of a collector's
// record: its place among the terms, and its offset in bytes.
type termMark struct {
	term            string
	ordinal, offset int
}

// collectorRecord is a collector's record as far as its terms section.
type collectorRecord struct {
	terms   int
	marks   []termMark
	section []byte
}

// readRecord reads a collector's record up to its terms into c: its
// units, added to c's, and its surface words; and returns the rest.
func (c *Collector) readRecord(r *record.Reader) collectorRecord {
	c.n += int(r.Uint())
	for range r.Len() {
		doc := int32(r.Int())
		info := docInfo{id: r.String(), facet: readFacet(r, c.shared)}
		if first, ok := c.docs[doc]; ok {
			if c.err == nil {
				c.err = fmt.Errorf("search: units %s and %s have the same number %d", first.id, info.id, doc)
			}
			continue
		}
		c.docs[doc] = info
	}
	for range r.Len() {
		if w := r.Bytes(); r.Err() == nil {
			if _, ok := c.surfaces[string(w)]; !ok {
				c.surfaces[string(w)] = struct{}{}
			}
		}
	}
	rec := collectorRecord{terms: r.Len()}
	rec.marks = make([]termMark, r.Len())
	for i := range rec.marks {
		rec.marks[i] = termMark{term: r.String(), ordinal: r.Len(), offset: r.Len()}
	}
	rec.section = r.Bytes()
	return rec
}

// from returns a stream of the record's terms from the first that is not
// before lo.
func (rec collectorRecord) from(lo string) *termStream {
	// The last mark not after lo: its term and those after it up to lo
	// are read and passed over.
	k, found := slices.BinarySearchFunc(rec.marks, lo, func(m termMark, lo string) int { return strings.Compare(m.term, lo) })
	if found {
		k++ // lo itself is marked
	}
	ts := &termStream{r: record.NewReader(rec.section), left: rec.terms}
	if k > 0 {
		m := rec.marks[k-1]
		if m.offset > len(rec.section) || m.ordinal > rec.terms {
			ts.r = record.NewReader(nil)
			ts.left = 0
			ts.damaged = true
			return ts
		}
		ts.r, ts.left = record.NewReader(rec.section[m.offset:]), rec.terms-m.ordinal
	}
	for ts.next() {
		if string(ts.term) >= lo {
			ts.ready = true
			return ts
		}
		ts.postingsInto(nil)
	}
	return ts
}

// ReadCollector reads a collector AppendRecord wrote.
func ReadCollector(r *record.Reader) (*Collector, error) {
	c := NewCollector()
	rec := c.readRecord(r)
	if err := r.Done(); err != nil {
		return nil, err
	}
	c.terms = make(map[string]*Postings, rec.terms)
	ts := rec.from("")
	for ts.ready {
		p := newPostings()
		ts.postingsInto(p)
		c.terms[string(ts.term)] = p
		ts.ready = ts.next()
	}
	if ts.damaged {
		return nil, record.ErrDamaged
	}
	return c, ts.r.Done()
}

// MergeRecords returns the collector of what the collectors recorded in
// recs (AppendRecord) collected: the same as theirs read (ReadCollector)
// and merged into one (Merge), but made without a map of each one's
// terms: in order, each term's postings read from all of them and
// thinned once. The terms are cut into as many ranges as there are
// CPUs, merged each on its own.
func MergeRecords(recs [][]byte) (*Collector, error) {
	c := NewCollector()
	heads := make([]collectorRecord, len(recs))
	var marked []string
	for i, b := range recs {
		r := record.NewReader(b)
		heads[i] = c.readRecord(r)
		if err := r.Done(); err != nil {
			return nil, err
		}
		for _, m := range heads[i].marks {
			marked = append(marked, m.term)
		}
	}
	slices.Sort(marked)
	parts := runtime.GOMAXPROCS(0)
	if len(marked) < 2*parts {
		parts = 1
	}
	bounds := make([]string, parts+1) // range k is [bounds[k], bounds[k+1]); "" after the last
	for k := 1; k < parts; k++ {
		bounds[k] = marked[k*len(marked)/parts]
	}
	merged := make([][]termPostings, parts)
	err := pool.Each(make([]struct{}, parts), parts, func(k int, _ struct{}) error {
		lo, hi := bounds[k], bounds[k+1]
		var streams termStreams
		var all []*termStream
		for _, rec := range heads {
			ts := rec.from(lo)
			all = append(all, ts)
			if ts.ready && (hi == "" || string(ts.term) < hi) {
				streams = append(streams, ts)
			}
		}
		heap.Init(&streams)
		// A term's postings are gathered and thinned in scratch lists,
		// one for every field, then copied to lists of their own size.
		scratch := &Postings{}
		for fi := range numFields {
			scratch.in(fi)
		}
		for len(streams) > 0 {
			term := string(streams[0].term)
			p := scratch
			for len(streams) > 0 && string(streams[0].term) == term {
				ts := streams[0]
				ts.postingsInto(p)
				if ts.ready = ts.next(); ts.ready && (hi == "" || string(ts.term) < hi) {
					heap.Fix(&streams, 0)
				} else {
					heap.Pop(&streams)
				}
			}
			p.thinWhen(func(f *fieldPostings) bool { return len(f.list) >= compactAt })
			own := newPostings()
			for i := range p.fields {
				f := &p.fields[i]
				if f.df > 0 || len(f.list) > 0 {
					own.set(int(f.field), int(f.df), slices.Clone(f.list))
				}
				f.df, f.list = 0, f.list[:0]
			}
			merged[k] = append(merged[k], termPostings{term, own})
		}
		for _, ts := range all {
			if ts.damaged || ts.r.Err() != nil || (hi == "" && ts.r.Done() != nil) {
				return record.ErrDamaged
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	total := 0
	for _, part := range merged {
		total += len(part)
	}
	c.terms = make(map[string]*Postings, total)
	for _, part := range merged {
		for _, tp := range part {
			c.terms[tp.term] = tp.p
		}
	}
	return c, nil
}

// termPostings is a term with its postings.
type termPostings struct {
	term string
	p    *Postings
}

// termStream reads the terms of a collector's record in order.
type termStream struct {
	r       *record.Reader
	left    int    // terms after term
	term    []byte // the term read last; its postings are next
	ready   bool   // term is the stream's current term
	damaged bool   // a mark pointed outside the record
}

// next reads the next term; false at the end, or when the record is
// damaged (its reader's error tells).
func (ts *termStream) next() bool {
	if ts.left == 0 {
		return false
	}
	ts.left--
	ts.term = ts.r.Bytes()
	return ts.r.Err() == nil
}

// postingsInto adds the current term's postings to p; with p nil, it
// passes over them.
func (ts *termStream) postingsInto(p *Postings) {
	r := ts.r
	for fi := range numFields {
		df := int(r.Uint())
		k := r.Len()
		if p == nil {
			for range 3 * k {
				r.Uint()
			}
			continue
		}
		if df == 0 && k == 0 {
			continue
		}
		f := p.in(fi)
		f.df += int32(df)
		f.list = slices.Grow(f.list, k)
		prev := int32(0)
		for range k {
			prev += int32(r.Int())
			f.list = append(f.list, Posting{Doc: prev, Freq: int32(r.Uint()), Len: int32(r.Uint())})
		}
	}
}

// termStreams is a heap of streams by their current term.
type termStreams []*termStream

func (h termStreams) Len() int           { return len(h) }
func (h termStreams) Less(i, j int) bool { return bytes.Compare(h[i].term, h[j].term) < 0 }
func (h termStreams) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *termStreams) Push(x any)        { *h = append(*h, x.(*termStream)) }
func (h *termStreams) Pop() any {
	old := *h
	last := old[len(old)-1]
	*h = old[:len(old)-1]
	return last
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
	// The dictionary takes the collector's terms and documents over,
	// without copies: at 10,000 letters, the documents alone are 70 MB.
	d := &Dictionary{N: c.n, Terms: c.terms, Surfaces: map[string]string{}, Stop: stopWords(), docs: c.docs}
	d.threads = threadsOf(d.docs)
	c.terms, c.docs = nil, nil
	// Bleve's average field length is the field's number of distinct
	// terms over the number of documents, rounded up (the field
	// cardinality its BM25 scorer reads).
	d.Distinct = make([]int, len(Fields))
	for _, p := range d.Terms {
		for _, f := range p.fields {
			if f.df > 0 {
				d.Distinct[f.field]++
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
	// The postings are cut while the surface words are analysed and the
	// words' terms sorted, which read only the terms and their document
	// frequencies: the three took a second in turn at 5,000 letters.
	var terms []string
	var side sync.WaitGroup
	side.Go(func() { d.addSurfaces(a, slices.Sorted(maps.Keys(c.surfaces))) })
	side.Go(func() { terms = d.wordTerms() })
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
	side.Wait()
	if err != nil {
		return nil, err
	}
	d.buildVocabulary(terms)
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
	for _, f := range p.fields {
		if isWordField(f.field) && len(f.list) > MaxPostings {
			keep = map[int32]bool{}
			break
		}
	}
	for i := range p.fields {
		f := &p.fields[i]
		if !isWordField(f.field) || keep == nil {
			f.list = topOf(f.list, avg[f.field])
			continue
		}
		for _, po := range topOf(slices.Clone(f.list), avg[f.field]) {
			keep[po.Doc] = true
		}
	}
	if keep == nil {
		return
	}
	for i := range p.fields {
		f := &p.fields[i]
		if !isWordField(f.field) {
			continue
		}
		kept := f.list[:0]
		for _, po := range f.list {
			if keep[po.Doc] {
				kept = append(kept, po)
			}
		}
		slices.SortFunc(kept, func(a, b Posting) int { return cmp.Compare(a.Doc, b.Doc) })
		f.list = kept
	}
}

// isWordField reports whether the field numbered fi is one of WordFields.
func isWordField(fi int32) bool { return int(fi) < len(WordFields) }

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
	p.thinWhen(func(f *fieldPostings) bool { return len(f.list) >= compactAt && len(f.list) == cap(f.list) })
}

// thinWhen thins the term's postings as thin does, when the list of a
// field is full by full.
func (p *Postings) thinWhen(full func(f *fieldPostings) bool) {
	words := false
	var thinned [numFields]bool
	for i := range p.fields {
		f := &p.fields[i]
		if !full(f) {
			continue
		}
		thinned[i] = true
		if isWordField(f.field) {
			words = true
			continue
		}
		gone := outranked(f.list)
		kept := f.list[:0]
		for i, po := range f.list {
			if !gone[i] {
				kept = append(kept, po)
			}
		}
		f.list = kept
	}
	if words {
		p.thinWordFields()
	}
	// A list that kept more than half its room gets as much room again:
	// the next thinning comes after at least as many new postings as it
	// kept, not after a few, each time sorting all of them.
	for i := range p.fields {
		if f := &p.fields[i]; thinned[i] && len(f.list) > cap(f.list)/2 {
			f.list = slices.Grow(f.list, len(f.list))
		}
	}
}

// thinWordFields keeps, in every word field, the postings of the units
// that are not outranked (see outranked) in some word field they are in.
func (p *Postings) thinWordFields() {
	var keep []int32 // documents, sorted
	var gone [numFields][]bool
	for i, f := range p.fields {
		if !isWordField(f.field) {
			continue
		}
		gone[i] = outranked(f.list)
		for k, po := range f.list {
			if !gone[i][k] {
				keep = append(keep, po.Doc)
			}
		}
	}
	slices.Sort(keep)
	keep = slices.Compact(keep)
	for i := range p.fields {
		f := &p.fields[i]
		if !isWordField(f.field) {
			continue
		}
		kept := f.list[:0]
		for k, po := range f.list {
			// A posting not outranked in its own field is kept: only the
			// others are looked for among the units kept.
			if !gone[i][k] {
				kept = append(kept, po)
			} else if _, found := slices.BinarySearch(keep, po.Doc); found {
				kept = append(kept, po)
			}
		}
		f.list = kept
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
// Most postings of a common word are outranked many times over: a corner
// of MaxPostings postings of high frequency and short length (see
// corner) outranks every posting of lower frequency or greater length
// and neither higher nor shorter (see cornered), which goes to the end
// of the list, outranked, at once. The others are ordered by frequency
// (highest first), then length, then document: those before a posting
// in its own frequency outrank it, and of the higher frequencies those
// no longer than it, which a count per length (a Fenwick tree over the
// lengths' ranks) gives as each frequency's postings are added. A
// posting the corner outranks outranks no posting left that the corner
// does not outrank too, so the count among those left is exact. A warm
// build of 5,000 letters merges its groups of segments in 0.6 s with the
// corner, 1.1 s without.
func outranked(list []Posting) []bool {
	gone := make([]bool, len(list))
	if len(list) <= MaxPostings {
		return gone
	}
	left := len(list)
	if f, l, ok := corner(list); ok {
		for i := 0; i < left; {
			if cornered(list[i], f, l) {
				left--
				list[i], list[left] = list[left], list[i]
				gone[left] = true
				continue
			}
			i++
		}
	}
	ranked := list[:left]
	sortByRank(ranked)
	lens := make([]int32, len(ranked))
	for i, po := range ranked {
		lens[i] = po.Len
	}
	slices.Sort(lens)
	lens = slices.Compact(lens)
	rank := func(l int32) int { r, _ := slices.BinarySearch(lens, l); return r + 1 }
	counts := make([]int, len(lens)+1) // Fenwick tree: postings of higher frequencies by length rank
	ranks := make([]int, len(ranked))  // of the postings of one frequency
	for start := 0; start < len(ranked); {
		end := start + 1
		for end < len(ranked) && ranked[end].Freq == ranked[start].Freq {
			end++
		}
		for i := start; i < end; i++ {
			above := i - start
			ranks[i-start] = rank(ranked[i].Len)
			for r := ranks[i-start]; r > 0; r -= r & -r {
				above += counts[r]
			}
			gone[i] = above >= MaxPostings
		}
		for i := start; i < end; i++ {
			for r := ranks[i-start]; r < len(counts); r += r & -r {
				counts[r]++
			}
		}
		start = end
	}
	return gone
}

// corner finds a frequency f and a length l such that at least
// MaxPostings postings of list have a frequency of at least f and a
// length of at most l, and the corner outranks some (ok, see cornered):
// of a few such corners, the one that outranks the most. Frequencies of
// maxCornerFreq and more count as that.
func corner(list []Posting) (f, l int32, ok bool) {
	var byFreq [maxCornerFreq + 1]int // postings by frequency
	for _, po := range list {
		if po.Freq < 1 {
			return 0, 0, false // not a posting of a word that occurs
		}
		byFreq[min(po.Freq, maxCornerFreq)]++
	}
	lens := make([]int32, 0, len(list))
	best, tried := 0, int32(0)
	// Corners of about 1, 2, 4 and 8 times MaxPostings postings by
	// frequency: the higher the frequency, the fewer postings it takes,
	// and the longer the length the MaxPostings shortest reach.
	for _, want := range []int{MaxPostings, 2 * MaxPostings, 4 * MaxPostings, 8 * MaxPostings} {
		freq, held := int32(maxCornerFreq), byFreq[maxCornerFreq]
		for freq > 1 && held < want {
			freq--
			held += byFreq[freq]
		}
		if held < MaxPostings || freq == tried {
			continue
		}
		tried = freq
		lens = lens[:0]
		for _, po := range list {
			if po.Freq >= freq {
				lens = append(lens, po.Len)
			}
		}
		length := nthSmallest(lens, MaxPostings-1)
		outside := 0
		for _, po := range list {
			if cornered(po, freq, length) {
				outside++
			}
		}
		if outside > best {
			best, f, l, ok = outside, freq, length, true
		}
	}
	return f, l, ok
}

// cornered reports whether the corner of frequency f and length l (see
// corner) outranks po: a lower frequency and a length no shorter, or a
// frequency no higher and a longer length. Po is then not in the corner.
func cornered(po Posting, f, l int32) bool {
	return (po.Freq < f && po.Len >= l) || (po.Freq <= f && po.Len > l)
}

// maxCornerFreq bounds the frequencies corner tells apart.
const maxCornerFreq = 64

// nthSmallest returns the n-th smallest of values (from 0), which it
// reorders.
func nthSmallest(values []int32, n int) int32 {
	lo, hi := 0, len(values)-1
	for lo < hi {
		pivot := values[lo+(hi-lo)/2]
		i, j := lo, hi
		for i <= j {
			for values[i] < pivot {
				i++
			}
			for values[j] > pivot {
				j--
			}
			if i <= j {
				values[i], values[j] = values[j], values[i]
				i++
				j--
			}
		}
		switch {
		case n <= j:
			hi = j
		case n >= i:
			lo = i
		default:
			return values[n]
		}
	}
	return values[n]
}

// sortByRank orders postings by frequency (highest first), then length,
// then document, as outranked reads them. Postings whose numbers fit in
// 16, 20 and 28 bits (all of them, on any real site) are sorted as one
// number each, which is several times faster than comparing them field
// by field; others are compared.
func sortByRank(list []Posting) {
	const freqBits, lenBits, docBits = 16, 20, 28
	fits := true
	for _, po := range list {
		if uint32(po.Freq) >= 1<<freqBits || uint32(po.Len) >= 1<<lenBits || uint32(po.Doc) >= 1<<docBits {
			fits = false
			break
		}
	}
	if !fits {
		slices.SortFunc(list, func(a, b Posting) int {
			return cmp.Or(cmp.Compare(b.Freq, a.Freq), cmp.Compare(a.Len, b.Len), cmp.Compare(a.Doc, b.Doc))
		})
		return
	}
	const maxFreq = 1<<freqBits - 1
	keys := make([]uint64, len(list))
	for i, po := range list {
		keys[i] = uint64(maxFreq-po.Freq)<<(lenBits+docBits) | uint64(po.Len)<<docBits | uint64(po.Doc)
	}
	slices.Sort(keys)
	for i, k := range keys {
		list[i] = Posting{Doc: int32(k & (1<<docBits - 1)), Freq: maxFreq - int32(k>>(lenBits+docBits)), Len: int32(k >> docBits & (1<<lenBits - 1))}
	}
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
// none): a site's letters share most of their words. The build cache
// keeps it between builds (AppendSurfaceTerms, LoadSurfaceTerms).
var surfaceTerms sync.Map

// surfacesAnalysed counts the words addSurfaces analysed, not loaded.
var surfacesAnalysed atomic.Int64

// AppendSurfaceTerms appends every word analysed on its own so far, with
// its term, to w, sorted by word, as LoadSurfaceTerms reads them. It
// reports false, appending nothing, when every word was loaded by
// LoadSurfaceTerms: the record would be the one loaded.
func AppendSurfaceTerms(w *record.Writer) bool {
	if surfacesAnalysed.Swap(0) == 0 {
		return false
	}
	var pairs [][2]string
	surfaceTerms.Range(func(k, v any) bool {
		pairs = append(pairs, [2]string{k.(string), v.(string)})
		return true
	})
	slices.SortFunc(pairs, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	w.Uint(uint64(len(pairs)))
	for _, p := range pairs {
		w.String(p[0])
		w.String(p[1])
	}
	return true
}

// LoadSurfaceTerms adds the words AppendSurfaceTerms wrote, with their
// terms, to those known analysed: a build then analyses only its new
// words. The analyser must be the one that made them (the build cache
// keeps them for one version of the program). A record that does not
// read to its end adds nothing.
func LoadSurfaceTerms(r *record.Reader) error {
	words := make([]string, 2*r.Len())
	for i := range words {
		words[i] = r.String()
	}
	if err := r.Done(); err != nil {
		return err
	}
	for i := 0; i < len(words); i += 2 {
		surfaceTerms.LoadOrStore(words[i], words[i+1])
	}
	return nil
}

// addSurfaces maps every folded surface word to the term the analyzer
// makes of it on its own. Stop words map to nothing.
func (d *Dictionary) addSurfaces(a analysis.Analyzer, surfaces []string) {
	// The words not analysed before, several at once.
	pool.Each(slices.Collect(slices.Chunk(surfaces, 4096)), 0, func(_ int, chunk []string) error {
		for _, w := range chunk {
			if _, ok := surfaceTerms.Load(w); !ok {
				toks := a.Analyze([]byte(w))
				t := ""
				if len(toks) == 1 {
					t = string(toks[0].Term)
				}
				surfaceTerms.Store(w, t)
				surfacesAnalysed.Add(1)
			}
		}
		return nil
	})
	for _, w := range surfaces {
		t, _ := surfaceTerms.Load(w)
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
