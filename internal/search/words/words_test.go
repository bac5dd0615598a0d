package words

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
		Each(text, func(w string) { got = append(got, w) })
		want := WordRE.FindAllString(strings.ToLower(text), -1)
		if !slices.Equal(got, want) {
			t.Errorf("Each(%q) = %q, want %q", text, got, want)
		}
	}
}
