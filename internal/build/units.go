package build

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"ledenbrief/internal/anchors"
	"ledenbrief/internal/content"
	"ledenbrief/internal/letternumber"
	"ledenbrief/internal/markdown"
	"ledenbrief/internal/search"
	"ledenbrief/internal/site"
)

// The searchable units of the site's pages: what search indexes, made
// from the site's letters, handreikingen and site pages, with the links
// the site writes.

// LetterBase is the number of the first unit of the letter in folder
// slug in the static index: its place in the numbering of all letters
// times search.UnitsPerLetter, which no other letter added or removed
// changes.
func LetterBase(slug string) int {
	n, _ := letternumber.Index(slug) // a letter's folder: content checked it
	return n * search.UnitsPerLetter
}

// LetterUnits returns the searchable units of a letter: each topic block of
// the letter (the text before the first topic included) and each section
// and subsection (down to level 4) of its annex, numbered from base (a
// multiple of UnitsPerLetter) and, beyond UnitsPerLetter units, in the
// letter's overflow block. A letter with more units than both hold
// (8,704) is an error.
func LetterUnits(rl *site.Letter, base int) ([]search.Unit, error) {
	meta := rl.Info.Meta
	date := meta.Date.Format("2006-01-02")
	var units []search.Unit
	add := func(page, anchor, title, context string, s markdown.Section, docWords []string, kind string) {
		onPage := anchors.AnnexPage
		if kind == "brief" {
			onPage = anchors.LetterPage
		}
		body, listed := ownText(s)
		if s.ID != "" {
			docWords = nil
		}
		ordinal := base + len(units)
		if k := len(units) - search.UnitsPerLetter; k >= 0 {
			ordinal = search.OverflowBase + base/search.UnitsPerLetter*search.OverflowPerLetter + k
		}
		units = append(units, search.Unit{
			ID: page + "#" + anchor, Page: page, Anchor: anchor, URL: site.Rel("", page, anchor), Label: title, Title: title, Context: context,
			Body: body, Links: strings.Join(rl.AnchorTexts(anchor), "\n"), Extra: strings.Join(search.Unique(slices.Concat(s.Expansions, listed, s.SearchWords, docWords)), "\n"),
			Letter: meta.Number, Series: meta.Series, Thread: rl.Info.Thread(onPage, anchor), Date: date, Kind: kind, Ordinal: ordinal,
		})
	}
	letterPage := site.LetterPath(rl.Info.Slug)
	for _, s := range rl.Body.Sections(2) {
		title := s.Title
		if s.ID == "" {
			title = meta.Subject
		}
		add(letterPage, s.ID, title, meta.Number+" › Brief", s, rl.Src.Body.SearchWords, "brief")
		if len(units) == 1 {
			// The start of the letter is where its number finds it, as a
			// title ("21/082", "Lbr. 21-082"), and its reference and date
			// as extra text ("U202100853", "6 december 2021").
			u := &units[0]
			number := letterNumbers(meta.Number)
			u.Title += "\n" + strings.Join(number, "\n")
			u.Extra = strings.Join(search.Unique(append([]string{meta.Reference, content.DutchDate(meta.Date), meta.Date.Format(time.DateOnly)}, strings.Split(u.Extra, "\n")...)), "\n")
		}
	}
	annexPage := site.AnnexPath(rl.Info.Slug)
	for _, sec := range rl.Sections {
		for _, s := range sec.Doc.Sections(4) {
			if s.ID == "" {
				add(annexPage, sec.Src.ID, sec.Src.Title, meta.Number+" › Bijlage", s, sec.Src.SearchWords, "bijlage")
				continue
			}
			add(annexPage, s.ID, s.Title, meta.Number+" › Bijlage › "+sec.Src.Title, s, nil, "bijlage")
		}
	}
	if max := search.UnitsPerLetter + search.OverflowPerLetter; len(units) > max {
		return nil, fmt.Errorf("%s has %d searchable sections; at most %d fit in the search index", meta.Number, len(units), max)
	}
	if base/search.UnitsPerLetter >= (1<<31-search.OverflowBase)/search.OverflowPerLetter && len(units) > search.UnitsPerLetter {
		return nil, fmt.Errorf("%s: too many letters for the search index's numbering", meta.Number)
	}
	return units, nil
}

// ownText returns the text of section s that search indexes as its body,
// and the titles it lists (markdown.Section.Listed) when they are most
// of its words: a passage that is mostly a list of links to other
// documents is not what a query naming one of them looks for, so the
// titles count for it as extra text only, and the documents they name,
// whose titles and links fields hold the same words, rank above it.
func ownText(s markdown.Section) (body string, listed []string) {
	listedWords := 0
	for _, l := range s.Listed {
		listedWords += len(strings.Fields(l))
	}
	if len(s.Listed) == 0 || 2*listedWords < len(strings.Fields(s.Text)) {
		return s.Text, nil
	}
	lines := strings.Split(s.Text, "\n")
	kept := lines[:0]
	rest := slices.Clone(s.Listed)
	for _, line := range lines {
		if i := slices.Index(rest, line); i >= 0 {
			rest = slices.Delete(rest, i, i+1)
			continue
		}
		kept = append(kept, line)
	}
	return strings.Join(kept, "\n"), s.Listed
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
//
// Its links field is anchors: what the links to it say of it.
func GuideUnit(g *site.Guide, kindLabel string, ordinal int, anchors []string) search.Unit {
	var body strings.Builder
	var expansions []string
	for _, s := range g.Doc.Sections(6) {
		if s.Title != "" {
			body.WriteString(s.Title + "\n")
		}
		body.WriteString(s.Text + "\n")
		expansions = append(expansions, s.Expansions...)
	}
	extra := slices.Concat([]string{kindLabel, g.Topic, g.Publisher}, g.SearchWords, search.Unique(expansions))
	extra = append([]string{g.Title}, append(extra, strings.TrimSpace(body.String()))...)
	return search.Unit{
		ID: g.Path() + "#", Page: g.Path(), URL: site.Rel("", g.Path(), ""), Label: g.Title, Context: "Handreiking · " + kindLabel,
		Links: strings.Join(anchors, "\n"), Extra: strings.TrimSpace(strings.Join(extra, "\n")),
		Kind: "handreiking", Ordinal: ordinal,
	}
}

// PageUnits returns the searchable units of a site page: the text before
// its first section, and each section (with its subsections), numbered
// from base. The first unit's links field is anchors: what the links to
// the page say of it.
func PageUnits(p *site.InfoPage, base int, anchors []string) []search.Unit {
	var units []search.Unit
	for _, s := range p.Doc.Sections(2) {
		title := s.Title
		words := s.SearchWords
		if s.ID == "" {
			title, words = p.Title, slices.Concat(words, p.SearchWords)
		}
		units = append(units, search.Unit{
			ID: p.Path() + "#" + s.ID, Page: p.Path(), Anchor: s.ID, URL: site.Rel("", p.Path(), s.ID), Label: title, Title: title,
			Context: p.Title, Body: s.Text, Links: strings.Join(anchors, "\n"), Extra: strings.Join(search.Unique(slices.Concat(words, s.Expansions)), "\n"),
			Kind: "pagina", Ordinal: base + len(units),
		})
		anchors = nil
	}
	return units
}
