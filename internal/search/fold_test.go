package search

import (
	"slices"
	"strings"
	"testing"
)

// TestEachWordMatchesWordRE keeps the fast word splitter equal to the
// regular expression the browser uses.
func TestEachWordMatchesWordRE(t *testing.T) {
	for _, text := range []string{
		"De RIEC's en B&W, re-integratie (art. 3.2.11) — Loopbaanoriëntatie!",
		"eind'  'begin ’t is zo' x’ y'z",
		"€ 195 miljoen; 070-3738314; info@vng.nl",
		"",
	} {
		var got []string
		eachWord(text, func(w string) { got = append(got, w) })
		want := wordRE.FindAllString(strings.ToLower(text), -1)
		if !slices.Equal(got, want) {
			t.Errorf("eachWord(%q) = %q, want %q", text, got, want)
		}
	}
}

func TestContainsWords(t *testing.T) {
	for _, c := range []struct {
		text, phrase string
		want         bool
	}{
		{" de wet gemeenschappelijke regelingen. ", "wet gemeenschappelijke regelingen", true},
		{" de wet  gemeenschappelijke\nregelingen ", "wet gemeenschappelijke regelingen", false}, // AddAbbreviations folds spaces first
		{" de kieswet gemeenschappelijke regelingen ", "wet gemeenschappelijke regelingen", false},
		{" vogelaar en vog ", "vog", true},
		{" vogelaar ", "vog", false},
		{" b&w ", "b&w", true},
	} {
		if got := containsWords(c.text, c.phrase); got != c.want {
			t.Errorf("containsWords(%q, %q) = %v", c.text, c.phrase, got)
		}
	}
}
