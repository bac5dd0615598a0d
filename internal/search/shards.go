package search

import (
	"container/heap"
	"slices"
	"strings"
	"unicode/utf8"
)

// VocabShardBytes bounds a vocabulary shard of the static index, roughly
// (words are counted by their key, term and number). A group of words
// that share a prefix and would grow beyond it is split by one more
// letter, so that a common start like "ge" or "ver" does not make every
// query that starts so load a large file. It is a variable so that tests
// can make small corpora split.
var VocabShardBytes = 8 << 10

// maxShardPrefix is how long a shard's prefix may grow, in letters.
const maxShardPrefix = 16

// shardLayout is how the vocabulary is split into shards: the prefixes
// that are shards, and for a prefix that was split, its best completions.
type shardLayout struct {
	keys  map[string]bool         // every shard's prefix
	split map[string]bool         // prefixes that were split into longer ones
	top   map[string][]vocabEntry // split prefix → the words a completion of it may choose from
}

// layoutShards splits the sorted vocabulary into shards of about
// VocabShardBytes: first by two letters, then, where a group is too big,
// by one more letter at a time. Words no longer than a split prefix stay
// in that prefix's shard.
func layoutShards(vocab []vocabEntry) *shardLayout {
	l := &shardLayout{keys: map[string]bool{}, split: map[string]bool{}, top: map[string][]vocabEntry{}}
	var place func(words []vocabEntry, n int)
	place = func(words []vocabEntry, n int) {
		for len(words) > 0 {
			prefix := runePrefix(words[0].key, n)
			end := 1
			for end < len(words) && runePrefix(words[end].key, n) == prefix {
				end++
			}
			group := words[:end]
			words = words[end:]
			l.keys[prefix] = true
			if n >= maxShardPrefix || size(group) <= VocabShardBytes {
				continue
			}
			l.split[prefix] = true
			l.top[prefix] = topCompletions(group)
			// Words of exactly n letters stay here; the longer ones go a level down.
			i := 0
			for i < len(group) && utf8.RuneCountInString(group[i].key) <= n {
				i++
			}
			place(group[i:], n+1)
		}
	}
	place(vocab, 2)
	return l
}

// size estimates a group's bytes in a shard.
func size(words []vocabEntry) int {
	n := 0
	for _, w := range words {
		n += len(w.key) + 8
		if w.term != w.key {
			n += len(w.term) + 4
		}
	}
	return n
}

// topCompletions returns the words of a group that shares a prefix
// from which a completion of the prefix picks, in the order addBest
// takes them: the best by document frequency, then term (then word),
// with enough distinct terms that excluding the prefix's own word and
// term and the compounds that term finds (which the query holds before
// it completes) still leaves maxPrefix. The shard lists them in this
// order without their frequencies, so that a change of a frequency
// changes the shard only when it changes the order.
func topCompletions(group []vocabEntry) []vocabEntry {
	// The first words in that order are found without sorting the whole
	// group, which may be a tenth of the vocabulary: the best m, m
	// doubled until they hold the first word past the terms wanted.
	const terms = maxPrefix + 2 + maxCompounds
	for m := 8 * terms; ; m *= 2 {
		best := firstByCompletion(group, m)
		seen := map[string]bool{}
		for i, c := range best {
			if len(seen) == terms && !seen[c.term] {
				return best[:i]
			}
			seen[c.term] = true
		}
		if len(best) == len(group) {
			return best
		}
	}
}

// completionOrder orders words as completions are picked: by document
// frequency, highest first, then term, then word. No two words are equal
// in it.
func completionOrder(a, b vocabEntry) int {
	if a.df != b.df {
		return b.df - a.df
	}
	if c := strings.Compare(a.term, b.term); c != 0 {
		return c
	}
	return strings.Compare(a.key, b.key)
}

// firstByCompletion returns the first m words of group in completionOrder
// (all of them when it has no more), in that order.
func firstByCompletion(group []vocabEntry, m int) []vocabEntry {
	if len(group) <= m {
		best := slices.Clone(group)
		slices.SortFunc(best, completionOrder)
		return best
	}
	h := completionHeap(slices.Clone(group[:m])) // the m best so far, the last of them on top
	heap.Init(&h)
	for _, w := range group[m:] {
		if completionOrder(w, h[0]) < 0 {
			h[0] = w
			heap.Fix(&h, 0)
		}
	}
	slices.SortFunc(h, completionOrder)
	return h
}

// completionHeap is a heap of words with the last in completionOrder on
// top.
type completionHeap []vocabEntry

func (h completionHeap) Len() int           { return len(h) }
func (h completionHeap) Less(i, j int) bool { return completionOrder(h[i], h[j]) > 0 }
func (h completionHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *completionHeap) Push(x any)        { *h = append(*h, x.(vocabEntry)) }
func (h *completionHeap) Pop() any {
	old := *h
	last := old[len(old)-1]
	*h = old[:len(old)-1]
	return last
}

// shardOf returns the prefix of the shard that holds key: the longest
// shard prefix of it.
func (l *shardLayout) shardOf(key string) string {
	best := runePrefix(key, 2)
	for n := 3; n <= maxShardPrefix; n++ {
		p := runePrefix(key, n)
		if !l.split[best] || len(p) == len(best) || !l.keys[p] {
			break
		}
		best = p
	}
	return best
}

// runePrefix returns the first n runes of s.
func runePrefix(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}
