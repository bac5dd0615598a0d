package markdown

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestBrowserFoldsAsGoDoes holds the fold table of the browser's search
// engine (assets/search.js, FOLD) to the one generated from Go's
// (foldLetters), and the engine's fold to the same special cases: a word
// folds alike on both sides, or the browser would look for a key the
// index does not have.
func TestBrowserFoldsAsGoDoes(t *testing.T) {
	js, err := os.ReadFile("../../assets/search.js")
	if err != nil {
		t.Fatal(err)
	}
	generated, err := WithFoldTable(js)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(js, generated) {
		t.Error("assets/search.js's FOLD is not the table of internal/markdown/slug.go: run go generate in the module's root")
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

// TestFoldOfEveryASCIICharacter: a word of ASCII alone is folded as every
// other, letter by letter (Fold returns most of them without a copy):
// capitals to small letters, the apostrophe dropped, the rest kept.
func TestFoldOfEveryASCIICharacter(t *testing.T) {
	for c := rune(0); c < 0x80; c++ {
		want := string(c)
		switch {
		case c >= 'A' && c <= 'Z':
			want = string(c + 'a' - 'A')
		case c == '\'':
			want = ""
		}
		for _, word := range []string{"%c", "raads%clid", "wethouder%c"} {
			in := strings.Replace(word, "%c", string(c), 1)
			if got, exp := Fold(in), strings.Replace(word, "%c", want, 1); got != exp {
				t.Errorf("Fold(%q) = %q, want %q", in, got, exp)
			}
		}
	}
}
