package search

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestShardsStayWithinTheirBound lays out a vocabulary of 20,000 words
// with heavy common starts: every shard is within VocabShardBytes unless
// its prefix is as long as shards get; every word is in exactly one shard,
// the one shardOf names; and a split prefix's completions are the best of
// all its words.
func TestShardsStayWithinTheirBound(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	starts := []string{"ge", "gem", "gemeente", "ver", "be", "on", "onder", "raad", "a", "ij"}
	seen := map[string]bool{}
	var vocab []vocabEntry
	for len(vocab) < 20000 {
		var b strings.Builder
		b.WriteString(starts[r.IntN(len(starts))])
		for range r.IntN(9) {
			b.WriteByte(byte('a' + r.IntN(26)))
		}
		k := b.String()
		if !seen[k] {
			seen[k] = true
			vocab = append(vocab, vocabEntry{key: k, term: k[:max(1, len(k)-1)], df: r.IntN(50)})
		}
	}
	slices.SortFunc(vocab, func(a, b vocabEntry) int { return strings.Compare(a.key, b.key) })
	l := layoutShards(vocab)
	groups := map[string][]vocabEntry{}
	for _, w := range vocab {
		s := l.shardOf(w.key)
		if !l.keys[s] || !strings.HasPrefix(w.key, s) {
			t.Fatalf("%q is placed in %q, which is no shard of it", w.key, s)
		}
		groups[s] = append(groups[s], w)
	}
	for s, g := range groups {
		if size(g) > VocabShardBytes && utf8.RuneCountInString(s) < maxShardPrefix {
			t.Errorf("shard %q holds %d bytes, above %d", s, size(g), VocabShardBytes)
		}
	}
	if len(l.split) == 0 {
		t.Fatal("nothing was split")
	}
	for p := range l.split {
		var all []candidate
		for _, w := range vocab {
			if strings.HasPrefix(w.key, p) && w.key != p {
				all = append(all, candidate{w.term, 0, w.df})
			}
		}
		var top []candidate
		for i, w := range l.top[p] { // as the browser reads them: the place stands for the frequency
			if w.key != p {
				top = append(top, candidate{w.term, 0, len(l.top[p]) - i})
			}
		}
		want, got := map[string]float64{}, map[string]float64{}
		addBest(want, all, maxPrefix, 1)
		addBest(got, top, maxPrefix, 1)
		if fmt.Sprint(want) != fmt.Sprint(got) {
			t.Errorf("completions of %q: from the shard %v, from all words %v", p, got, want)
		}
	}
}

// TestTopCompletionsAreTheFirstInOrder holds topCompletions, which sorts
// only the best words of a group, to the whole group sorted: the same
// words in the same order, ties on document frequency included.
func TestTopCompletionsAreTheFirstInOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 51))
	for round := range 300 {
		n := 1 + rng.IntN(3000)
		terms := 1 + rng.IntN(n)
		group := make([]vocabEntry, n)
		for i := range group {
			term := fmt.Sprintf("t%04d", rng.IntN(terms))
			group[i] = vocabEntry{key: fmt.Sprintf("%s-%05d", term, i), term: term, df: rng.IntN(1 + round%40)}
		}
		sorted := slices.Clone(group)
		slices.SortFunc(sorted, completionOrder)
		seen := map[string]bool{}
		want := sorted
		for i, c := range sorted {
			if len(seen) == maxPrefix+2+maxCompounds && !seen[c.term] {
				want = sorted[:i]
				break
			}
			seen[c.term] = true
		}
		if got := topCompletions(group); !slices.Equal(got, want) {
			t.Fatalf("round %d, %d words of %d terms: %d completions, want %d", round, n, terms, len(got), len(want))
		}
	}
}
