package search

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestPhraseIndexAgreesWithScanning holds the one-pass phrase index to
// what scanning the text for each phrase finds (containsWords with the
// Dutch endings), on random texts of words, phrases, inflections and
// punctuation.
func TestPhraseIndexAgreesWithScanning(t *testing.T) {
	phrases := []string{"beloning", "ict-middelen", "raad van state", "vog", "wet open overheid", "laptop", "c++", "onkosten", "s", "raad"}
	parts := []string{"beloning", "beloningen", "beloning's", "ict", "-", "middelen", "raad", "van", "state", "staten", "vog", "vogs",
		"wet", "open", "overheid", "laptops", "c++", "onkostenvergoeding", "onkosten", "s", "'s", ",", ".", "(", ")", "é", "2021"}
	x := newPhraseIndex(phrases, true)
	exact := newPhraseIndex(phrases, false)
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var b strings.Builder
		for range 1 + r.IntN(12) {
			b.WriteString(parts[r.IntN(len(parts))])
			if r.IntN(3) > 0 {
				b.WriteString(" ")
			}
		}
		text := " " + strings.Join(strings.Fields(b.String()), " ") + " "
		got, gotExact := x.mentioned(text), exact.mentioned(text)
		for i, p := range phrases {
			if want := mentions(text, p); got[i] != want {
				t.Errorf("%q mentions %q: index says %v, scanning %v", text, p, got[i], want)
			}
			if want := containsWords(text, p); gotExact[i] != want {
				t.Errorf("%q contains %q: index says %v, scanning %v", text, p, gotExact[i], want)
			}
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

// TestUnitTextFoldsAsFieldsDo holds unitText's one pass to what it folds
// a unit's text to: strings.ToLower, then strings.Fields joined by single
// spaces, with a space at each end, on random texts of capitals, accents,
// Unicode spaces, letters whose lowercase is longer, and invalid UTF-8.
func TestUnitTextFoldsAsFieldsDo(t *testing.T) {
	parts := []string{"", "Wet", "GEMEENTE", "raad", " ", "  ", "\t", "\n", "\r\n", "\v\f", "\u00a0", "\u0085", "\u2028", "\u3000",
		"É", "ẞ", "İ", "Ⅻ", "ǅ", "\xff", "\xe2\x82", "2021", ",", "'s"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		var u Unit
		for _, field := range []*string{&u.Title, &u.Body, &u.Extra} {
			var b strings.Builder
			for range r.IntN(6) {
				b.WriteString(parts[r.IntN(len(parts))])
			}
			*field = b.String()
		}
		want := " " + strings.Join(strings.Fields(strings.ToLower(u.Title+"\n"+u.Body+"\n"+u.Extra)), " ") + " "
		if got := unitText(&u); got != want {
			t.Fatalf("unitText(%q, %q, %q) = %q, want %q", u.Title, u.Body, u.Extra, got, want)
		}
	}
}
