package search_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"ledenbrief/internal/build"
	"ledenbrief/internal/content"
	"ledenbrief/internal/corpus"
	"ledenbrief/internal/diag"
	"ledenbrief/internal/search"
	"ledenbrief/internal/site"
)

// siteUnits returns the units of every letter and handreiking of a
// content folder, numbered as a build numbers them.
func siteUnits(t *testing.T, dir string) []search.Unit {
	t.Helper()
	s, letters := letterUnits(t, dir)
	var units []search.Unit
	for _, us := range letters {
		units = append(units, us...)
	}
	base := search.OtherBase
	for i, g := range s.Guides {
		units = append(units, build.GuideUnit(g, content.KindLabel(g.Kind), base+i, g.AnchorTexts()))
	}
	return units
}

// letterUnits loads a content folder as a build does and returns the
// site and each letter's units, numbered as a build numbers them.
func letterUnits(tb testing.TB, dir string) (*site.Site, [][]search.Unit) {
	tb.Helper()
	var diags diag.List
	c := content.Load(os.DirFS(dir), "content", &diags)
	s := site.New(c, false, &diags)
	for i, slug := range c.LetterSlugs {
		s.IndexLetter(c.LoadLetter(slug, &diags), i, &diags)
	}
	s.Link(&diags)
	var letters [][]search.Unit
	for _, slug := range c.LetterSlugs {
		us, err := build.LetterUnits(s.ResolveLetter(c.LoadLetter(slug, &diags), &diags), build.LetterBase(slug))
		if err != nil {
			tb.Fatal(err)
		}
		letters = append(letters, us)
	}
	if diags.Len() > 0 {
		tb.Fatal(diags.Error())
	}
	return s, letters
}

// TestCollectorIsBleve holds the one analysis of every passage to
// bleve's own. The oracle is a bleve index that analysed the units' text
// itself, read back: the dictionary the Collector makes of Analyze's
// work, and a bleve index fed from that work (as a build feeds it) read
// back, must both equal it in every statistic, term, posting and surface
// word, so that the static index and the copies rank as bleve does.
func TestCollectorIsBleve(t *testing.T) {
	generated := filepath.Join(t.TempDir(), "content")
	if err := corpus.Write(generated, 12); err != nil {
		t.Fatal(err)
	}
	for name, units := range map[string][]search.Unit{
		"the shipped letter": siteUnits(t, realContent),
		"a generated site":   siteUnits(t, generated),
	} {
		t.Run(name, func(t *testing.T) {
			want, err := search.BleveDictionary(units, false)
			if err != nil {
				t.Fatal(err)
			}
			fed, err := search.BleveDictionary(units, true)
			if err != nil {
				t.Fatal(err)
			}
			analyzed, err := search.AnalyzeAll(units, false)
			if err != nil {
				t.Fatal(err)
			}
			collected, err := search.BuildDictionary(analyzed)
			if err != nil {
				t.Fatal(err)
			}
			for what, got := range map[string]*search.Dictionary{"collected": collected, "bleve fed the analysis": fed} {
				sameDictionary(t, what, got, want)
			}
		})
	}
}

// sameDictionary reports where got differs from want.
func sameDictionary(t *testing.T, what string, got, want *search.Dictionary) {
	t.Helper()
	if got.N != want.N || !reflect.DeepEqual(got.Avg, want.Avg) {
		t.Errorf("%s: N %d avg %v, bleve N %d avg %v", what, got.N, got.Avg, want.N, want.Avg)
	}
	if len(got.Terms) != len(want.Terms) {
		t.Errorf("%s: %d terms, bleve %d", what, len(got.Terms), len(want.Terms))
	}
	diffs := 0
	for term, w := range want.Terms {
		if g := got.Terms[term]; !reflect.DeepEqual(g, w) && diffs < 5 {
			diffs++
			t.Errorf("%s: term %q: %s, bleve %s", what, term, fmt.Sprint(g), fmt.Sprint(w))
		}
	}
	if !reflect.DeepEqual(got.Surfaces, want.Surfaces) {
		t.Errorf("%s: %d surface words, bleve %d (or they differ)", what, len(got.Surfaces), len(want.Surfaces))
	}
}

// TestLetterNumberFindsTheLetter searches for the shipped letter the
// ways a reader writes its number and reference, which put the start of
// the letter first, and its date, which puts it in the first three (the
// colofon cites the letter with its date).
func TestLetterNumberFindsTheLetter(t *testing.T) {
	res := realIndex(t)
	for q, within := range map[string]int{"21/082": 1, "Lbr. 21/082": 1, "lbr 21-082": 1, "21-082": 1, "U202100853": 1, "TRE/U202100853": 1,
		"6 december 2021": 3, "2021-12-06": 3} {
		hits, _, err := res.Index.Search(context.Background(), res.Dict, q, within)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range hits {
			found = found || h.URL == "21-082/index.html"
		}
		if !found {
			t.Errorf("%q: the letter is not among the first %d results: %v", q, within, hits)
		}
	}
}

// TestLevelFourHeadingsAreUnits searches for the words of the shipped
// annex's level-4 heading: the result lands on that heading, not on the
// subsection above it.
func TestLevelFourHeadingsAreUnits(t *testing.T) {
	res := realIndex(t)
	hits, _, err := res.Index.Search(context.Background(), res.Dict, "positionering VNG gemeenten", 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].URL != "21-082/bijlage/index.html#inzet-en-positionering-vng-gemeenten" {
		t.Errorf("first result %v, want the level-4 heading", hits)
	}
}

// TestAbbreviationsFindTheirExpansions searches for an abbreviation the
// shipped letter never uses but writes in full: the passages that write
// "Wet gemeenschappelijke regelingen" are found by "Wgr".
func TestAbbreviationsFindTheirExpansions(t *testing.T) {
	res := realIndex(t)
	hits, _, err := res.Index.Search(context.Background(), res.Dict, "Wgr", 10)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, h := range hits {
		found[h.URL] = true
	}
	for _, want := range []string{"21-082/index.html#brief-sterke-lokale-democratie", "21-082/bijlage/index.html#handreikingen-gemeentewet-en-wet-gemeenschappelijke-regelingen"} {
		if !found[want] {
			t.Errorf("Wgr does not find %s: %v", want, hits)
		}
	}
}

// TestSynonymsAreUsed checks the shipped synoniemen.yaml: every entry
// has an effect on the shipped site (some passage mentions a word of a
// group, or what a one-way entry finds), and a reader's everyday word
// finds the passage that uses the official one.
func TestSynonymsAreUsed(t *testing.T) {
	units := siteUnits(t, realContent)
	var diags diag.List
	c := content.Load(os.DirFS(realContent), "content", &diags)
	if diags.Len() > 0 {
		t.Fatal(diags.Error())
	}
	if len(c.Synonyms.Groups) == 0 || len(c.Synonyms.OneWay) == 0 {
		t.Fatalf("the shipped synonyms have %d groups and %d one-way entries", len(c.Synonyms.Groups), len(c.Synonyms.OneWay))
	}
	for _, g := range c.Synonyms.Groups {
		used := false
		for _, u := range units {
			used = used || search.Mentions(u, g.Words)
		}
		if !used {
			t.Errorf("no passage mentions any of %v", g.Words)
		}
	}
	for _, g := range c.Synonyms.OneWay {
		used := false
		for _, u := range units {
			used = used || search.Mentions(u, g.Words[1:])
		}
		if !used {
			t.Errorf("no passage mentions what %q finds: %v", g.Words[0], g.Words[1:])
		}
	}
	res := realIndex(t)
	// Words the site never uses, each finding what uses its synonym.
	for q, want := range map[string]string{
		"salaris":   "21-082/index.html#brief-rechtspositie",
		"laptop":    "21-082/bijlage/index.html#ict-middelen",
		"handicap":  "21-082/bijlage/index.html#raadsleden-met-een-functionele-beperking",
		"nepnieuws": "21-082/bijlage/index.html#desinformatie",
	} {
		hits, _, err := res.Index.Search(context.Background(), res.Dict, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range hits {
			found = found || h.URL == want
		}
		if !found {
			t.Errorf("%q does not find %s in the first five: %v", q, want, hits)
		}
	}
}
