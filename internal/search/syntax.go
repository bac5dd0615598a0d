package search

import (
	"strings"
	"unicode"

	"ledenbrief/internal/search/words"
)

// syntax is what a query says besides the words it scores with: phrases
// in double quotes ("Raad van State") that a passage must hold, and
// words after a minus (-woord) that it must not. The browser
// (assets/search.js, parseSyntax) reads a query the same way.
type syntax struct {
	text     string     // the query without its minus words and quotes: what is scored
	phrases  [][]string // the words of each phrase, lowercased
	excluded []string   // the words after a minus, lowercased
	open     bool       // the last phrase's quote is not closed
}

// parseSyntax reads q's phrases and minus words. Nothing in it is an
// error: a quote that is not closed runs to the end of the query, a
// minus alone or inside a word ("re-integratie") is no exclusion, and
// quotes typed as “ ” count as ".
func parseSyntax(q string) syntax {
	var s syntax
	var text strings.Builder
	quoted := false
	var phrase strings.Builder
	endPhrase := func() {
		if ws := queryWords(phrase.String()); len(ws) > 0 {
			s.phrases = append(s.phrases, ws)
		}
		phrase.Reset()
	}
	for _, field := range splitKeepingQuotes(q) {
		if field == `"` {
			if quoted {
				endPhrase()
			}
			quoted = !quoted
			text.WriteByte(' ')
			continue
		}
		if quoted {
			phrase.WriteString(field)
			text.WriteString(field)
			continue
		}
		for _, tok := range strings.FieldsFunc(field, unicode.IsSpace) {
			if len(tok) > 1 && tok[0] == '-' {
				s.excluded = append(s.excluded, queryWords(tok[1:])...)
				continue
			}
			text.WriteString(tok)
			text.WriteByte(' ')
		}
		text.WriteByte(' ')
	}
	if quoted {
		n := len(s.phrases)
		endPhrase()
		s.open = len(s.phrases) > n
	}
	s.text = text.String()
	return s
}

// splitKeepingQuotes cuts q at every double quote (" “ ” „), each quote
// a part of its own.
func splitKeepingQuotes(q string) []string {
	var out []string
	start := 0
	for i, r := range q {
		if r == '"' || r == '“' || r == '”' || r == '„' {
			out = append(out, q[start:i], `"`)
			start = i + len(string(r))
		}
	}
	return append(out, q[start:])
}

// queryWords returns the words of s as a query splits them, lowercased.
func queryWords(s string) []string {
	return words.WordRE.FindAllString(strings.ToLower(s), -1)
}
