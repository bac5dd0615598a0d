package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"ledenbrief/internal/markdown"
)

// eachWord calls fn with every word of text, lowercased, as the browser
// splits a query into words: runs of letters and digits, joined by inner
// apostrophes ("riec's"). It matches wordRE, without its cost.
func eachWord(text string, fn func(string)) {
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	start := -1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isWord(r):
			if start < 0 {
				start = i
			}
		case start >= 0 && (r == '\'' || r == '’') && i+size < len(text):
			if next, _ := utf8.DecodeRuneInString(text[i+size:]); !isWord(next) {
				fn(strings.ToLower(text[start:i]))
				start = -1
			}
		case start >= 0:
			fn(strings.ToLower(text[start:i]))
			start = -1
		}
		i += size
	}
	if start >= 0 {
		fn(strings.ToLower(text[start:]))
	}
}

// fold is the key under which words are compared regardless of accents
// and case: "Loopbaanoriëntatie" and "loopbaanorientatie" fold alike.
func fold(s string) string { return markdown.Fold(s) }
