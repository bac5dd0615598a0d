package search

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"ledenbrief/internal/content"
	"ledenbrief/internal/letternumber"
	"ledenbrief/internal/site"
)

// Unit is one searchable passage: what a reader lands on when following
// a result. Every unit is one anchor of one page.
type Unit struct {
	ID      string // Page + "#" + Anchor: unique in a site, stable across builds
	Page    string // page folder, "21-082/bijlage/"
	Anchor  string // id on the page; "" for the top of the page
	Label   string // the title shown in results
	Title   string // the text indexed as title (boosted): the heading of a passage
	Context string // where the passage is, "Lbr. 21/082 › Bijlage › Ondermijning"
	Body    string
	Extra   string // expansions of the abbreviations used, a handreiking's kind and publisher
	Letter  string // "Lbr. 21/082"; "" for handreikingen
	Date    string // YYYY-MM-DD; "" for handreikingen
	Kind    string // "brief", "bijlage", "handreiking" or "pagina"
	Ordinal int    // the unit's number in the static index, stable across builds
}

// UnitsPerLetter is the room for units each letter has in the numbering
// of the static index: letter i's units are numbered from i*UnitsPerLetter,
// so every letter can be indexed and exported on its own, in any order.
const UnitsPerLetter = 512

// A letter with more units than UnitsPerLetter numbers the rest from
// OverflowBase + n*OverflowPerLetter (n its place among the letters):
// far beyond every letter's first block, so that the common letter keeps
// small numbers (and its postings small deltas), and still within the
// 31 bits a posting's number has.
const (
	OverflowBase      = 1 << 30
	OverflowPerLetter = 1 << 13
)

// URL returns the unit's link relative to the site root.
func (u *Unit) URL() string {
	return site.Rel("", u.Page, u.Anchor)
}

// pairsText is the text of the pairs field: title and body.
func (u *Unit) pairsText() string { return u.Title + "\n" + u.Body }

// LetterUnits returns the searchable units of a letter: each topic block of
// the letter (the text before the first topic included) and each section
// and subsection (down to level 4) of its annex, numbered from base (a
// multiple of UnitsPerLetter) and, beyond UnitsPerLetter units, in the
// letter's overflow block. A letter with more units than both hold
// (8,704) is an error.
func LetterUnits(rl *site.Letter, base int) ([]Unit, error) {
	meta := rl.Info.Meta
	date := meta.Date.Format("2006-01-02")
	var units []Unit
	add := func(page, anchor, title, context, body string, expansions []string, kind string) {
		ordinal := base + len(units)
		if k := len(units) - UnitsPerLetter; k >= 0 {
			ordinal = OverflowBase + base/UnitsPerLetter*OverflowPerLetter + k
		}
		units = append(units, Unit{
			ID: page + "#" + anchor, Page: page, Anchor: anchor, Label: title, Title: title, Context: context,
			Body: body, Extra: strings.Join(dedupe(expansions), "\n"),
			Letter: meta.Number, Date: date, Kind: kind, Ordinal: ordinal,
		})
	}
	letterPage := site.LetterPath(rl.Info.Slug)
	for _, s := range rl.Body.Sections(2) {
		title := s.Title
		if s.ID == "" {
			title = meta.Subject
		}
		add(letterPage, s.ID, title, meta.Number+" › Brief", s.Text, s.Expansions, "brief")
		if len(units) == 1 {
			// The start of the letter is where its number finds it, as a
			// title ("21/082", "Lbr. 21-082"), and its reference and date
			// as extra text ("U202100853", "6 december 2021").
			u := &units[0]
			number := letterNumbers(meta.Number)
			u.Title += "\n" + strings.Join(number, "\n")
			u.Extra = strings.Join(dedupe(append([]string{meta.Reference, content.DutchDate(meta.Date), meta.Date.Format(time.DateOnly)}, strings.Split(u.Extra, "\n")...)), "\n")
		}
	}
	annexPage := site.AnnexPath(rl.Info.Slug)
	for _, sec := range rl.Sections {
		for _, s := range sec.Doc.Sections(4) {
			if s.ID == "" {
				add(annexPage, sec.Src.ID, sec.Src.Title, meta.Number+" › Bijlage", s.Text, s.Expansions, "bijlage")
				continue
			}
			add(annexPage, s.ID, s.Title, meta.Number+" › Bijlage › "+sec.Src.Title, s.Text, s.Expansions, "bijlage")
		}
	}
	if max := UnitsPerLetter + OverflowPerLetter; len(units) > max {
		return nil, fmt.Errorf("%s has %d searchable sections; at most %d fit in the search index", meta.Number, len(units), max)
	}
	if base/UnitsPerLetter >= (1<<31-OverflowBase)/OverflowPerLetter && len(units) > UnitsPerLetter {
		return nil, fmt.Errorf("%s: too many letters for the search index's numbering", meta.Number)
	}
	return units, nil
}

// letterNumbers is a letter's number as readers write it: with and
// without "Lbr.", with "/" or "-" (its folder).
func letterNumbers(number string) []string {
	folder, ok := letternumber.Folder(number)
	if !ok { // a letter whose number is malformed is not built
		return []string{number}
	}
	return []string{number, strings.TrimPrefix(number, "Lbr. "), folder}
}

// GuideUnit returns the searchable unit of a handreiking, numbered ordinal. Its title is
// indexed as body text and its description as extra text: a handreiking
// page summarises what the letters say, so the letters' own passages
// should rank above it when both match.
func GuideUnit(g *site.Guide, kindLabel string, ordinal int) Unit {
	var body strings.Builder
	var expansions []string
	for _, s := range g.Doc.Sections(6) {
		if s.Title != "" {
			body.WriteString(s.Title + "\n")
		}
		body.WriteString(s.Text + "\n")
		expansions = append(expansions, s.Expansions...)
	}
	extra := append([]string{kindLabel, g.Topic, g.Publisher}, dedupe(expansions)...)
	extra = append([]string{g.Title}, append(extra, strings.TrimSpace(body.String()))...)
	return Unit{
		ID: g.Path() + "#", Page: g.Path(), Label: g.Title, Context: "Handreiking · " + kindLabel,
		Extra: strings.TrimSpace(strings.Join(extra, "\n")),
		Kind:  "handreiking", Ordinal: ordinal,
	}
}

// PageUnits returns the searchable units of a site page: the text before
// its first section, and each section (with its subsections), numbered
// from base.
func PageUnits(p *site.InfoPage, base int) []Unit {
	var units []Unit
	for _, s := range p.Doc.Sections(2) {
		title := s.Title
		if s.ID == "" {
			title = p.Title
		}
		units = append(units, Unit{
			ID: p.Path() + "#" + s.ID, Page: p.Path(), Anchor: s.ID, Label: title, Title: title,
			Context: p.Title, Body: s.Text, Extra: strings.Join(dedupe(s.Expansions), "\n"),
			Kind: "pagina", Ordinal: base + len(units),
		})
	}
	return units
}

func dedupe(in []string) []string {
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
		addExtra(u, dedupe(add))
	}
}

// Mentions reports whether a unit mentions any of words (lowercase), as
// AddSynonyms judges it.
func Mentions(u Unit, words []string) bool { return mentionsAny(unitText(&u), words) }

// unitText is a unit's indexed text, lowercase, with single spaces and a
// space at each end, for containsWords.
func unitText(u *Unit) string {
	return " " + strings.Join(strings.Fields(strings.ToLower(u.Title+"\n"+u.Body+"\n"+u.Extra)), " ") + " "
}

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
