package search

import (
	"cmp"
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestThinningKeepsTheBest feeds long posting lists, in every field,
// through the Collector's thinning as it adds them, unit by unit
// (Postings.thin), and
// holds what is left to the whole lists: what keepBest keeps of them must
// be the same under any average lengths, ties on weight included, and
// the lists must stay a few hundred postings, not thousands.
func TestThinningKeepsTheBest(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 82))
	for round := range 20 {
		n := 500 + rng.IntN(5000)
		full, thinned := &Postings{}, &Postings{}
		for _, doc := range rng.Perm(n * 3)[:n] {
			for fi := range numFields {
				if rng.IntN(4) > fi%3 { // most units in the body, fewer in title, links and extra
					continue
				}
				p := Posting{Doc: int32(doc), Freq: int32(1 + rng.IntN(1+round%6)), Len: int32(1 + rng.IntN(20+round*15))}
				full.in(fi).list = append(full.List(fi), p)
				thinned.in(fi).list = append(thinned.List(fi), p)
			}
			thinned.thin()
		}
		for _, avg := range [][]float64{{1, 1, 1, 1, 1}, {2, 7, 5, 3, 9}, {40, 3, 8, 1000, 2}, {1000, 1000, 1000, 1000, 1000}} {
			want, got := clonePostings(full), clonePostings(thinned)
			keepBest(want, avg)
			keepBest(got, avg)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, %d units, averages %v: what is kept after thinning differs", round, n, avg)
			}
		}
		for fi := range numFields {
			list := thinned.List(fi)
			if len(list) > 24*MaxPostings || (len(full.List(fi)) > 4000 && len(list)*2 > len(full.List(fi))) {
				t.Errorf("round %d, field %d: %d of %d postings kept", round, fi, len(list), len(full.List(fi)))
			}
		}
	}
}

// TestFieldsFitThePostings: a field added to Fields needs room in every
// term's Postings.
func TestFieldsFitThePostings(t *testing.T) {
	if len(Fields) != numFields {
		t.Fatalf("%d fields, numFields %d", len(Fields), numFields)
	}
}

// TestCollectorRefusesANumberTwice: two units with one number would
// merge their postings; the dictionary must not be made.
func TestCollectorRefusesANumberTwice(t *testing.T) {
	for name, calls := range map[string][][]Unit{
		"in one call":  {{{ID: "a/#", Title: "integriteit", Ordinal: 7}, {ID: "b/#", Title: "ondermijning", Ordinal: 7}}},
		"in two calls": {{{ID: "a/#", Title: "integriteit", Ordinal: 7}}, {{ID: "b/#", Title: "ondermijning", Ordinal: 7}}},
	} {
		c := NewCollector()
		for _, units := range calls {
			aus, err := AnalyzeAll(units, false)
			if err != nil {
				t.Fatal(err)
			}
			c.Add(aus)
		}
		if _, err := c.Dictionary(context.Background()); err == nil || !strings.Contains(err.Error(), "same number 7") {
			t.Errorf("%s: %v, want an error naming the number", name, err)
		}
	}
}

// TestPostingsRecordLen: the size the pairs files are counted by is that
// of the records written, thinned lists (a document frequency written)
// and empty fields included.
func TestPostingsRecordLen(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 82))
	for range 500 {
		p := newPostings()
		for fi := range numFields {
			if rng.IntN(3) == 0 {
				continue
			}
			doc := int32(0)
			var list []Posting
			for range rng.IntN(40) {
				doc += int32(1 + rng.IntN(100000))
				list = append(list, Posting{Doc: doc, Freq: int32(1 + rng.IntN(300)), Len: int32(rng.IntN(20000))})
			}
			p.set(fi, len(list)+rng.IntN(2)*rng.IntN(5000), list)
		}
		if got, want := postingsRecordLen(p), len(postingsRecord(p)); got != want {
			t.Fatalf("postingsRecordLen %d, record %d bytes: %s", got, want, postingsRecord(p))
		}
	}
}

// TestSortByRank holds sortByRank to the order outranked reads, field by
// field, for postings it packs into one number and for postings too
// large to pack.
func TestSortByRank(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name string
		doc  int32
	}{{"packed", 1 << 20}, {"too large to pack", 1<<30 + 7}} {
		list := make([]Posting, 5000)
		for i := range list {
			list[i] = Posting{Doc: rng.Int32N(c.doc), Freq: 1 + rng.Int32N(6), Len: 1 + rng.Int32N(400)}
		}
		want := slices.Clone(list)
		slices.SortFunc(want, func(a, b Posting) int {
			return cmp.Or(cmp.Compare(b.Freq, a.Freq), cmp.Compare(a.Len, b.Len), cmp.Compare(a.Doc, b.Doc))
		})
		sortByRank(list)
		if !slices.Equal(list, want) {
			t.Errorf("%s: sorted as %v…, want %v…", c.name, list[:5], want[:5])
		}
	}
}

// TestOutrankedCountsEveryOther holds outranked to its definition, on
// lists of every shape (few and many frequencies, frequencies beyond
// what corner tells apart, lengths with many ties, lists a corner cuts
// and lists it cannot): a posting is outranked exactly when MaxPostings
// others have a frequency at least its own and a length at most its own,
// one of them strictly so or with the lower document number.
func TestOutrankedCountsEveryOther(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 82))
	cut := 0
	for round := range 61 {
		n := MaxPostings + 1 + rng.IntN(3000)
		freqs, lens := 1+rng.IntN([]int{2, 5, 30, 200}[round%4]), 1+rng.IntN([]int{3, 40, 2000}[round%3])
		list := make([]Posting, n)
		for i, doc := range rng.Perm(4 * n)[:n] {
			list[i] = Posting{Doc: int32(doc), Freq: 1 + rng.Int32N(int32(freqs)), Len: 1 + rng.Int32N(int32(lens))}
			if round%5 == 0 && i%7 == 0 { // a few postings far above the rest
				list[i].Freq += 100
			}
		}
		if round == 60 {
			// One short of the corner: a posting outranked by exactly
			// MaxPostings-1 others, all of the corner's shortest.
			list = list[:0]
			add := func(count int, freq, length int32) {
				for range count {
					list = append(list, Posting{Doc: int32(len(list)), Freq: freq, Len: length})
				}
			}
			add(MaxPostings-1, 5, 10)
			add(1, 5, 20)
			add(MaxPostings, 5, 1000)
			add(1, 4, 15)
			add(3*MaxPostings, 1, 30)
			n = len(list)
		}
		want := map[int32]bool{}
		for _, p := range list {
			above := 0
			for _, q := range list {
				if q.Doc != p.Doc && q.Freq >= p.Freq && q.Len <= p.Len && (q.Freq > p.Freq || q.Len < p.Len || q.Doc < p.Doc) {
					above++
				}
			}
			want[p.Doc] = above >= MaxPostings
		}
		if _, _, ok := corner(list); ok {
			cut++
		}
		got := slices.Clone(list)
		gone := outranked(got)
		if len(got) != n {
			t.Fatalf("round %d: %d postings after, %d before", round, len(got), n)
		}
		for i, p := range got {
			if gone[i] != want[p.Doc] {
				t.Fatalf("round %d (%d postings, %d frequencies, %d lengths): document %d (frequency %d, length %d) outranked %t, want %t",
					round, n, freqs, lens, p.Doc, p.Freq, p.Len, gone[i], want[p.Doc])
			}
		}
		slices.SortFunc(got, func(a, b Posting) int { return cmp.Compare(a.Doc, b.Doc) })
		slices.SortFunc(list, func(a, b Posting) int { return cmp.Compare(a.Doc, b.Doc) })
		if !slices.Equal(got, list) {
			t.Fatalf("round %d: outranked changed the postings, not only their order", round)
		}
	}
	if cut < 20 {
		t.Errorf("a corner cut %d lists of 61: the test no longer tries the cut", cut)
	}
}

// TestNthSmallest holds nthSmallest to sorting, on values with many ties.
func TestNthSmallest(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		values := make([]int32, 1+rng.IntN(500))
		for i := range values {
			values[i] = rng.Int32N(1 + int32(rng.IntN(50)))
		}
		n := rng.IntN(len(values))
		sorted := slices.Sorted(slices.Values(values))
		if got := nthSmallest(values, n); got != sorted[n] {
			t.Fatalf("%d-th smallest of %v: %d, want %d", n, sorted, got, sorted[n])
		}
	}
}

// BenchmarkOutranked thins one term's postings from 20,000 units, as a
// merge of the site's segments does for its common words.
func BenchmarkOutranked(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	list := make([]Posting, 20000)
	for i := range list {
		list[i] = Posting{Doc: int32(i * 3), Freq: 1 + rng.Int32N(4), Len: 5 + rng.Int32N(300)}
	}
	work := make([]Posting, len(list))
	for b.Loop() {
		copy(work, list)
		outranked(work)
	}
}

// clonePostings returns a copy of p that shares no list with it.
func clonePostings(p *Postings) *Postings {
	c := &Postings{}
	for _, f := range p.fields {
		c.set(int(f.field), int(f.df), slices.Clone(f.list))
	}
	return c
}
