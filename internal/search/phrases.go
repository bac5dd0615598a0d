package search

import (
	"strings"
	"unicode/utf8"
)

// endings are what a word may end in and still be mentioned: a Dutch
// plural or inflection on its last word ("beloning" in "beloningen").
var endings = []string{"", "en", "s", "e", "n", "'s"}

// phraseIndex finds which of a set of words and phrases a text mentions
// as whole words, in one pass over the text: the cost grows with the
// text, not with the text times the number of phrases.
type phraseIndex struct {
	phrases []string
	// forms maps a phrase as it may be written (with an ending) to its
	// numbers, and each of its first words (up to the end of one of them)
	// to none: a text's words are read on only while they begin a form.
	forms   map[string][]int
	longest int   // the most words a form has
	odd     []int // phrases that start or end with no letter or digit: found by scanning
	endings []string
}

// newPhraseIndex indexes lowercase phrases; inflected also finds them with
// a Dutch ending on their last word (see endings).
func newPhraseIndex(phrases []string, inflected bool) *phraseIndex {
	x := &phraseIndex{forms: map[string][]int{}, endings: []string{""}}
	if inflected {
		x.endings = endings
	}
	for i, p := range phrases {
		p = strings.Join(strings.Fields(p), " ")
		x.phrases = append(x.phrases, p)
		first, _ := utf8.DecodeRuneInString(p)
		last, _ := utf8.DecodeLastRuneInString(p)
		if p == "" || !isWordRune(first) || !isWordRune(last) {
			x.odd = append(x.odd, i)
			continue
		}
		for _, end := range x.endings {
			form := p + end
			x.forms[form] = append(x.forms[form], i)
			spans := wordSpans(form)
			for _, sp := range spans[:len(spans)-1] {
				if _, ok := x.forms[form[:sp[1]]]; !ok {
					x.forms[form[:sp[1]]] = nil
				}
			}
			x.longest = max(x.longest, len(spans))
		}
	}
	return x
}

// mentioned reports, for each phrase by number, whether text (lowercase,
// as unitText makes it) mentions it.
func (x *phraseIndex) mentioned(text string) []bool {
	found := make([]bool, len(x.phrases))
	spans := wordSpans(text)
	for i := range spans {
		for j := i; j < len(spans) && j < i+x.longest; j++ {
			numbers, ok := x.forms[text[spans[i][0]:spans[j][1]]]
			if !ok { // no form starts with these words
				break
			}
			for _, n := range numbers {
				found[n] = true
			}
		}
	}
	for _, n := range x.odd {
		for _, end := range x.endings {
			if containsWords(text, x.phrases[n]+end) {
				found[n] = true
				break
			}
		}
	}
	return found
}

// wordSpans returns where the words of text (runs of letters and digits)
// start and end, as byte offsets.
func wordSpans(text string) [][2]int {
	spans := make([][2]int, 0, len(text)/6+1) // a Dutch word and a space take about six bytes
	start := -1
	for i, r := range text {
		switch {
		case isWordRune(r) && start < 0:
			start = i
		case !isWordRune(r) && start >= 0:
			spans = append(spans, [2]int{start, i})
			start = -1
		}
	}
	if start >= 0 {
		spans = append(spans, [2]int{start, len(text)})
	}
	return spans
}
