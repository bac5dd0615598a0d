package search

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestSurvivorsKeepTheTop feeds long posting lists through the
// Collector's thinning, as it appends, and holds what is left to the
// whole list: its MaxPostings of highest weight must be the same under
// any average length, ties on weight included, and it must be a few
// hundred postings, not thousands.
func TestSurvivorsKeepTheTop(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 82))
	for round := range 20 {
		n := 500 + rng.IntN(5000)
		var full, thinned []Posting
		for _, doc := range rng.Perm(n * 3)[:n] {
			p := Posting{Doc: int32(doc), Freq: int32(1 + rng.IntN(1+round%6)), Len: int32(1 + rng.IntN(20+round*15))}
			full = append(full, p)
			if len(thinned) >= compactAt && len(thinned) == cap(thinned) {
				thinned = survivors(thinned)
			}
			thinned = append(thinned, p)
		}
		for _, avg := range []float64{1, 2, 3, 7, 40, 1000} {
			want := topOf(slices.Clone(full), avg)
			if got := topOf(slices.Clone(thinned), avg); !reflect.DeepEqual(got, want) {
				t.Fatalf("round %d, %d postings, average %g: the top after thinning differs", round, n, avg)
			}
		}
		if len(thinned) > 8*MaxPostings {
			t.Errorf("round %d: %d of %d postings kept", round, len(thinned), n)
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
