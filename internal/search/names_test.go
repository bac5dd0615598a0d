package search_test

import (
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
