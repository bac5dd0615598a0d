package markdown

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestBrowserFoldsAsGoDoes holds the fold table of the browser's search
// engine (assets/search.js, FOLD) to Go's (foldTable), letter for letter,
// and the engine's fold to the same special cases: a word folds alike on
// both sides, or the browser would look for a key the index does not have.
func TestBrowserFoldsAsGoDoes(t *testing.T) {
	js, err := os.ReadFile("../../assets/search.js")
	if err != nil {
		t.Fatal(err)
	}
	table := regexp.MustCompile(`(?s)var FOLD = \{(.*?)\};`).FindSubmatch(js)
	if table == nil {
		t.Fatal("assets/search.js has no FOLD table")
	}
	browser := map[rune]string{}
	for _, m := range regexp.MustCompile(`"(.)": "([a-z]+)"`).FindAllStringSubmatch(string(table[1]), -1) {
		browser[[]rune(m[1])[0]] = m[2]
	}
	for r, want := range foldTable {
		if got, ok := browser[r]; !ok || got != want {
			t.Errorf("%q folds to %q in Go, to %q in the browser", r, want, got)
		}
	}
	for r, got := range browser {
		if _, ok := foldTable[r]; !ok {
			t.Errorf("%q folds to %q in the browser only", r, got)
		}
	}
	// The cases the engine's fold handles before the table.
	body := regexp.MustCompile(`(?s)function fold\(s\) \{(.*?)\n  \}`).FindSubmatch(js)
	if body == nil {
		t.Fatal("assets/search.js has no function fold")
	}
	for _, want := range []string{`ch === "'"`, `ch === "\u2019"`, `ch === "\u00ad"`} {
		if !strings.Contains(string(body[1]), want) {
			t.Errorf("the browser's fold does not drop %s as Go's does", want)
		}
	}
	if got := Fold("RIEC’s Loopbaanoriëntatie ĳs\u00ad"); got != "riecs loopbaanorientatie ijs" {
		t.Errorf("Go folds to %q", got)
	}
}
