package search_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"ledenbrief/internal/search"
)

// TestPassagesAreNamedByTheLinksToThem holds issue 23's first point on
// the shipped letter: the text of a link counts for the passage or
// handreiking it leads to (a "Hier" link by its sentence), a section that
// is mostly a list of links keeps the titles it lists out of its body,
// and the editors' zoekwoorden are indexed, never shown.
func TestPassagesAreNamedByTheLinksToThem(t *testing.T) {
	units := map[string]search.Unit{}
	for _, u := range siteUnits(t, realContent) {
		units[u.URL] = u
	}
	unit := func(url string) search.Unit {
		u, ok := units[url]
		if !ok {
			t.Fatalf("no passage %s", url)
		}
		return u
	}
	for url, want := range map[string]string{
		// The letter's "[Hier](#integriteit) leest u meer …" names the annex section.
		"21-082/bijlage/index.html#integriteit": "Hier leest u meer over de integriteitsregels voor raadsleden en collegeleden.",
		// A link's own text names a handreiking.
		"handreikingen/menukaart-afstemming-tussen-raden/index.html": "Menukaart afstemming tussen raden bij intergemeentelijke samenwerking",
		"handreikingen/collectieve-norm/index.html":                  "collectieve norm",
	} {
		if !slices.Contains(strings.Split(unit(url).Links, "\n"), want) {
			t.Errorf("%s: links field %q lacks %q", url, unit(url).Links, want)
		}
	}
	list := unit("21-082/bijlage/index.html#handreikingen-gemeentewet-en-wet-gemeenschappelijke-regelingen")
	if strings.Contains(list.Body, "Menukaart") || !strings.Contains(list.Extra, "Menukaart afstemming tussen raden") {
		t.Errorf("the list of handreikingen indexes their titles as its body:\nbody %q\nextra %q", list.Body, list.Extra)
	}
	if !strings.Contains(list.Body, "beter kunnen benutten") {
		t.Errorf("the list's own words left its body: %q", list.Body)
	}
	ict := unit("21-082/bijlage/index.html#ict-middelen")
	if !strings.Contains(ict.Extra, "werktelefoon") || strings.Contains(ict.Body, "werktelefoon") || strings.Contains(ict.Title, "zoekwoorden") {
		t.Errorf("ICT-middelen: zoekwoorden not indexed as extra text only: title %q, extra %q", ict.Title, ict.Extra)
	}
	if r := unit("21-082/bijlage/index.html#rechtspositie"); !strings.Contains(r.Extra, "arbeidsvoorwaarden") {
		t.Errorf("front matter zoekwoorden not in the section's first passage: %q", r.Extra)
	}
}

// TestPhrasesAndExclusions searches the shipped letter with the syntax
// readers know: a phrase in quotes finds only passages that hold it, a
// minus word leaves out those whose title or text has it, and neither
// changes a score.
func TestPhrasesAndExclusions(t *testing.T) {
	res := realIndex(t)
	text := map[string]string{}
	for _, u := range siteUnits(t, realContent) {
		text[u.URL] = strings.ToLower(strings.Join(strings.Fields(u.Title+" "+u.Body), " "))
	}
	search := func(q string) []search.Result {
		hits, _, err := res.Index.Search(context.Background(), res.Dict, q, 100)
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		return hits
	}
	loose, phrase := search("raad van state"), search(`"Raad van State"`)
	if len(phrase) == 0 || len(phrase) >= len(loose) {
		t.Fatalf("the phrase finds %d passages, its words %d", len(phrase), len(loose))
	}
	scores := map[string]float64{}
	for _, h := range loose {
		scores[h.URL] = h.Score
	}
	for _, h := range phrase {
		if !strings.Contains(text[h.URL], "raad van state") {
			t.Errorf("%s does not hold the phrase", h.URL)
		}
		if h.Score != scores[h.URL] {
			t.Errorf("%s scores %.4f with the phrase, %.4f with its words", h.URL, h.Score, scores[h.URL])
		}
	}
	all, without := search("integriteit"), search("integriteit -gemeentewet")
	if len(without) == 0 || len(without) >= len(all) {
		t.Fatalf("leaving out gemeentewet keeps %d of %d passages", len(without), len(all))
	}
	for _, h := range without {
		if strings.Contains(text[h.URL], "gemeentewet") {
			t.Errorf("%s holds the excluded word", h.URL)
		}
	}
	for _, q := range []string{`"raad van`, `-`, `""`, `"`, `-integriteit`, `"xyzzy integriteit"`, `"de het"`} {
		search(q) // answered, never an error
	}
	if n := len(search(`"xyzzy integriteit"`)); n != 0 {
		t.Errorf("a phrase with a word the site does not have finds %d passages", n)
	}
}
