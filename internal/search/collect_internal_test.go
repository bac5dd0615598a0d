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
