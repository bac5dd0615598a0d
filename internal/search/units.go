package search

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"ledenbrief/internal/content"
)

// Unit is one searchable passage: what a reader lands on when following
// a result. Every unit is one anchor of one page.
type Unit struct {
	ID      string // Page + "#" + Anchor: unique in a site, stable across builds
	Page    string // page folder, "21-082/bijlage/"
	Anchor  string // id on the page; "" for the top of the page
	URL     string // the link to the passage from the site root, as the site writes it
	Label   string // the title shown in results
	Title   string // the text indexed as title (boosted): the heading of a passage
	Context string // where the passage is, "Lbr. 21/082 › Bijlage › Ondermijning"
	Body    string
	Links   string // the text of the links elsewhere on the site that lead here, one per line; never shown
	Extra   string // expansions of the abbreviations used, synonyms, zoekwoorden, a handreiking's kind and publisher
	Letter  string // "Lbr. 21/082"; "" for handreikingen
	Series  string // the letter's series id; "" outside a series
	// Thread is the same for the passage's copies in every edition of its
	// series, and "" outside a series of editions: search shows one of them.
	Thread  string
	Date    string // YYYY-MM-DD; "" for handreikingen
	Kind    string // "brief", "bijlage", "handreiking" or "pagina"
	Ordinal int    // the unit's number in the static index, stable across builds
}

// UnitsPerLetter is the room for units each letter has in the numbering
// of the static index: letter i's units are numbered from i*UnitsPerLetter
// (i its place in the numbering of all letters, letternumber.Index), so
// every letter can be indexed and exported on its own, in any order, and
// keeps its numbers when other letters are added or removed.
const UnitsPerLetter = 512

// OtherBase is the first number of the handreikingen and site pages,
// after every letter there can be (letternumber.Index is below 100,000).
const OtherBase = 100_000 * UnitsPerLetter

// A letter with more units than UnitsPerLetter numbers the rest from
// OverflowBase + n*OverflowPerLetter (n its place among the letters):
// far beyond every letter's first block, so that the common letter keeps
// small numbers (and its postings small deltas), and still within the
// 31 bits a posting's number has.
const (
	OverflowBase      = 1 << 30
	OverflowPerLetter = 1 << 13
)

// pairsText is the text of the pairs field: title and body; for a unit
// whose title is not indexed as one (a handreiking, whose title is extra
// text) the title it shows, so that a query that names it has its pairs.
func (u *Unit) pairsText() string {
	if u.Title == "" {
		return u.Label + "\n" + u.Body
	}
	return u.Title + "\n" + u.Body
}

// Unique returns the non-empty strings of in, each once, in order.
func Unique(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// AddAbbreviations lets units be found by the abbreviations of what they
// write in full: a unit that writes "Wet gemeenschappelijke regelingen"
// and not "Wgr" gets "Wgr" in its extra text. (Units that use an
// abbreviation already have its expansion there, so both ways work.)
func AddAbbreviations(units []Unit, abbrs []content.Abbreviation) {
	if len(abbrs) == 0 {
		return
	}
	var phrases []string // expansion i at 2i, term at 2i+1
	for _, a := range abbrs {
		phrases = append(phrases, strings.ToLower(a.Expansion), strings.ToLower(a.Term))
	}
	x := newPhraseIndex(phrases, false)
	for i := range units {
		u := &units[i]
		found := x.mentioned(unitText(u))
		var add []string
		for k, a := range abbrs {
			if found[2*k] && !found[2*k+1] {
				add = append(add, a.Term)
			}
		}
		addExtra(u, add)
	}
}

// AddSynonyms lets units be found by the everyday words of
// synoniemen.yaml, at index time, so that the browser and bleve find the
// same: a unit that mentions a word of a group gets the group's other
// words in its extra text, and one that mentions what a one-way entry
// finds gets the entry's word. Each unit's text is read once, whatever
// the number of synonyms.
func AddSynonyms(units []Unit, syn content.Synonyms) {
	number := map[string]int{}
	var phrases []string
	for _, g := range append(slices.Clone(syn.Groups), syn.OneWay...) {
		for _, w := range g.Words {
			if _, ok := number[w]; !ok {
				number[w] = len(phrases)
				phrases = append(phrases, w)
			}
		}
	}
	if len(phrases) == 0 {
		return
	}
	x := newPhraseIndex(phrases, true)
	for i := range units {
		u := &units[i]
		found := x.mentioned(unitText(u))
		mentioned := func(w string) bool { return found[number[w]] }
		var add []string
		for _, g := range syn.Groups {
			if slices.ContainsFunc(g.Words, mentioned) {
				for _, w := range g.Words {
					if !mentioned(w) {
						add = append(add, w)
					}
				}
			}
		}
		for _, g := range syn.OneWay {
			if slices.ContainsFunc(g.Words[1:], mentioned) && !mentioned(g.Words[0]) {
				add = append(add, g.Words[0])
			}
		}
		addExtra(u, Unique(add))
	}
}

// Mentions reports whether a unit mentions any of words (lowercase), as
// AddSynonyms judges it.
func Mentions(u Unit, words []string) bool { return mentionsAny(unitText(&u), words) }

// unitText is a unit's indexed text, lowercase, with single spaces and a
// space at each end, for containsWords.
func unitText(u *Unit) string {
	var b strings.Builder
	b.Grow(len(u.Title) + len(u.Body) + len(u.Extra) + 4)
	b.WriteByte(' ')
	for _, part := range [...]string{u.Title, u.Body, u.Extra} {
		appendFolded(&b, part)
	}
	if b.Len() == 1 { // no words: a space at each end all the same
		b.WriteByte(' ')
	}
	return b.String()
}

// appendFolded appends text to b lowercase, its words (runs of other than
// white space) each followed by one space: strings.Fields of
// strings.ToLower(text), joined, in one pass and one allocation of b's.
func appendFolded(b *strings.Builder, text string) {
	inWord := false
	for i := 0; i < len(text); {
		if c := text[i]; c < utf8.RuneSelf {
			i++
			if asciiSpace[c] {
				if inWord {
					b.WriteByte(' ')
				}
				inWord = false
				continue
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
			inWord = true
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r = unicode.ToLower(r); unicode.IsSpace(r) {
			if inWord {
				b.WriteByte(' ')
			}
			inWord = false
			continue
		}
		b.WriteRune(r)
		inWord = true
	}
	if inWord {
		b.WriteByte(' ')
	}
}

// asciiSpace holds the ASCII bytes unicode.IsSpace reports.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// addExtra appends words to a unit's extra text.
func addExtra(u *Unit, words []string) {
	if len(words) > 0 {
		u.Extra = strings.TrimPrefix(u.Extra+"\n"+strings.Join(words, "\n"), "\n")
	}
}

func mentionsAny(text string, words []string) bool {
	for _, w := range words {
		if mentions(text, w) {
			return true
		}
	}
	return false
}

// mentions reports whether text holds a word or phrase, also with a
// Dutch plural or inflection ending on its last word ("beloning" in
// "beloningen").
func mentions(text, w string) bool {
	for _, end := range []string{"", "en", "s", "e", "n", "'s"} {
		if containsWords(text, w+end) {
			return true
		}
	}
	return false
}

// containsWords reports whether text holds phrase as whole words.
func containsWords(text, phrase string) bool {
	phrase = strings.Join(strings.Fields(phrase), " ")
	for start := 0; ; {
		i := strings.Index(text[start:], phrase)
		if i < 0 {
			return false
		}
		i += start
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		after, _ := utf8.DecodeRuneInString(text[i+len(phrase):])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		start = i + 1
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
