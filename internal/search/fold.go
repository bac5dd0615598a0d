package search

import (
	"strings"

	"ledenbrief/internal/markdown"
)

// lower lowercases a token as bleve's lowercase filter does.
func lower(b []byte) string { return strings.ToLower(string(b)) }

// fold is the key under which words are compared regardless of accents
// and case: "Loopbaanoriëntatie" and "loopbaanorientatie" fold alike.
func fold(s string) string { return markdown.Fold(s) }
