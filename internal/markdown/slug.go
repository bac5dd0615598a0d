package markdown

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Slug derives a stable anchor id from heading text the Dutch way:
// diacritics are folded (Loopbaanoriëntatie → loopbaanorientatie, één →
// een), letters are lowercased, and every run of other characters becomes
// one hyphen. The result only ever contains a–z, 0–9 and single inner
// hyphens.
func Slug(s string) string {
	var b strings.Builder
	pendingHyphen := false
	for _, r := range s {
		folded, ok := fold(r)
		if !ok {
			pendingHyphen = b.Len() > 0
			continue
		}
		if pendingHyphen {
			b.WriteByte('-')
			pendingHyphen = false
		}
		b.WriteString(folded)
	}
	return b.String()
}

// fold maps one rune to its lowercase ASCII spelling, reporting false for
// runes that separate words.
func fold(r rune) (string, bool) {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return string(r), true
	case r >= 'A' && r <= 'Z':
		return string(r + 'a' - 'A'), true
	case r == '\'' || r == '’' || r == '\u00ad': // "RIEC's" → "riecs"; soft hyphen is invisible
		return "", true
	}
	if s, ok := foldTable[unicode.ToLower(r)]; ok {
		return s, true
	}
	return "", false
}

// folded reports whether Fold would return s as it is: all ASCII, no
// capital and no apostrophe (the ASCII that fold changes).
func folded(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' || c == '\'' {
			return false
		}
	}
	return true
}

// foldLetters are the letters that fold to another spelling, in the
// order the browser's search engine lists them: its table (FOLD in
// assets/search.js) is generated from this one (FoldTableJS, go generate).
var foldLetters = []struct {
	letter rune
	to     string
}{
	{'à', "a"}, {'á', "a"}, {'â', "a"}, {'ã', "a"}, {'ä', "a"}, {'å', "a"}, {'æ', "ae"},
	{'ç', "c"}, {'è', "e"}, {'é', "e"}, {'ê', "e"}, {'ë', "e"},
	{'ì', "i"}, {'í', "i"}, {'î', "i"}, {'ï', "i"}, {'ĳ', "ij"},
	{'ñ', "n"}, {'ò', "o"}, {'ó', "o"}, {'ô', "o"}, {'õ', "o"}, {'ö', "o"}, {'ø', "o"}, {'œ', "oe"},
	{'ù', "u"}, {'ú', "u"}, {'û', "u"}, {'ü', "u"}, {'ý', "y"}, {'ÿ', "y"}, {'ß', "ss"},
	{'š', "s"}, {'ž', "z"}, {'č', "c"}, {'ł', "l"},
}

// foldTable is foldLetters by letter.
var foldTable = func() map[rune]string {
	m := make(map[rune]string, len(foldLetters))
	for _, f := range foldLetters {
		m[f.letter] = f.to
	}
	return m
}()

// FoldTableJS is the body of the browser's fold table (FOLD in
// assets/search.js), generated from foldLetters: the browser must fold a
// word as Go does, or it looks for a key the index does not have.
func FoldTableJS() string {
	var b strings.Builder
	for i, f := range foldLetters {
		switch {
		case i%8 == 0:
			b.WriteString("\n    ")
		default:
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%q: %q", string(f.letter), f.to)
		if i < len(foldLetters)-1 {
			b.WriteString(",")
		}
	}
	return b.String() + "\n  "
}

// WithFoldTable returns the browser's search engine js with its fold
// table (the object literal of "var FOLD = {…};") generated anew.
func WithFoldTable(js []byte) ([]byte, error) {
	before, rest, ok := bytes.Cut(js, []byte("var FOLD = {"))
	if !ok {
		return nil, errors.New("the search engine has no var FOLD = {")
	}
	_, after, ok := bytes.Cut(rest, []byte("};"))
	if !ok {
		return nil, errors.New("the search engine's FOLD table has no end")
	}
	var b bytes.Buffer
	b.Write(before)
	b.WriteString("var FOLD = {" + FoldTableJS() + "};")
	b.Write(after)
	return b.Bytes(), nil
}

// Fold returns s with the same diacritic folding and lowercasing as Slug
// but with spacing kept, for comparing text regardless of accents.
func Fold(s string) string {
	if folded(s) {
		return s // most words of an index: no copy, no allocation
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f, ok := fold(r); ok {
			b.WriteString(f)
		} else {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
