package words

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/searcher"

	"ledenbrief/internal/markdown"
)

// WordRE matches the words of a query as the browser splits it: runs of
// letters and digits, joined by inner apostrophes.
var WordRE = regexp.MustCompile(`[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*`)

// Each calls fn with every word of text, lowercased, as the browser
// splits a query into words: runs of letters and digits, joined by inner
// apostrophes ("riec's"). It matches WordRE, without its cost.
func Each(text string, fn func(string)) {
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	start := -1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isWord(r):
			if start < 0 {
				start = i
			}
		case start >= 0 && (r == '\'' || r == '’') && i+size < len(text):
			if next, _ := utf8.DecodeRuneInString(text[i+size:]); !isWord(next) {
				fn(strings.ToLower(text[start:i]))
				start = -1
			}
		case start >= 0:
			fn(strings.ToLower(text[start:i]))
			start = -1
		}
		i += size
	}
	if start >= 0 {
		fn(strings.ToLower(text[start:]))
	}
}

// Fold is the key under which words are compared regardless of accents
// and case: "Loopbaanoriëntatie" and "loopbaanorientatie" fold alike.
func Fold(s string) string { return markdown.Fold(s) }

// MinPart is the number of runes a part of a compound needs.
const MinPart = 4

// linkingElements are what Dutch puts between the parts of a compound
// ("integriteit-s-beleid", "gemeent-e-raad"), longest first.
var linkingElements = []string{"en", "e", "s", ""}

// Split is one way to cut a word into two parts, around a linking
// element; Part is the term of each part that is a word of the
// vocabulary, "" for one that is not.
type Split struct {
	At   int // byte offset of the linking element
	Part [2]string
}

// Words is the number of parts that are words.
func (s Split) Words() int {
	n := 0
	for _, p := range s.Part {
		if p != "" {
			n++
		}
	}
	return n
}

// Splits returns every way to cut word (folded) into a head and a tail
// of at least MinPart runes each, joined by a linking element, where at
// least one part is a word: lookup gives a word's term.
func Splits(word string, lookup func(string) (string, bool)) []Split {
	var out []Split
	n := utf8.RuneCountInString(word)
	if n < 2*MinPart {
		return nil
	}
	runes := 0
	for at := range word {
		if runes >= MinPart {
			head := word[:at]
			for _, link := range linkingElements {
				tail, ok := strings.CutPrefix(word[at:], link)
				if !ok || utf8.RuneCountInString(tail) < MinPart {
					continue
				}
				var s Split
				s.At = at
				s.Part[0], _ = lookup(head)
				s.Part[1], _ = lookup(tail)
				if s.Words() > 0 {
					out = append(out, s)
				}
			}
		}
		runes++
	}
	return out
}

// BestSplit returns the split of an unknown query word that explains
// most: both parts words before one, then the longer tail (the part a
// Dutch compound is about), then the longer linking element.
func BestSplit(word string, lookup func(string) (string, bool)) (Split, bool) {
	cands := Splits(word, lookup)
	if len(cands) == 0 {
		return Split{}, false
	}
	return slices.MinFunc(cands, func(a, b Split) int {
		if c := cmp.Compare(b.Words(), a.Words()); c != 0 {
			return c
		}
		return cmp.Compare(a.At, b.At) // an earlier cut: a longer tail, a longer link
	}), true
}

// Stem returns the analysed form of one lowercased word: the Dutch
// stem the index gives it. It does not keep the word in the build's stem
// cache, which queries must not grow.
func Stem(word string) string {
	ts := stems.stem.Filter(analysis.TokenStream{{Term: []byte(word)}})
	return string(ts[0].Term)
}

// MaxEdits is the typo tolerance for a word of n letters, bleve's "auto"
// fuzziness (searcher.GetAutoFuzziness): none up to two letters, one edit
// up to five, two beyond.
func MaxEdits(n int) int {
	switch {
	case n > searcher.AutoFuzzinessHighThreshold:
		return searcher.MaxFuzziness
	case n > searcher.AutoFuzzinessLowThreshold:
		return searcher.MaxFuzziness - 1
	}
	return 0
}

// QuestionWords are words that ask rather than tell: a reader types
// "wanneer mag een raadslid niet meestemmen", the passage that answers
// says "meestemmen". They are left out of a query that has other words.
//
// They include the scaffolding of longer questions ("hoe zit het met",
// "wat moet ik doen als", "hoe ga ik om met", "waar vind ik"): what is
// left of such a phrase once the stop words are out.
var QuestionWords = []string{
	"doe", "doen", "eigenlijk", "ergens", "ga", "gaan", "gaat", "gebeurt", "graag", "hoelang", "hoeveel",
	"iemand", "iets", "jij", "jullie", "krijg", "krijgen", "krijgt", "kun", "kunt", "mag", "mogen",
	"moeten", "precies", "vind", "waar", "waaraan", "waarmee", "waarom", "waarover", "waarvoor",
	"wanneer", "we", "welk", "welke", "weten", "wij", "word", "zit",
}

var questionWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range QuestionWords {
		m[w] = true
	}
	return m
}()

// DropQuestionWords leaves the question words out of toks unless toks has
// nothing else. A word still being typed (the last, when typing) stays:
// "waar" may become "waarborgen".
func DropQuestionWords(toks []string, typing bool) []string {
	var out []string
	for i, t := range toks {
		if !questionWords[t] || (typing && i == len(toks)-1) {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return toks
	}
	return out
}
