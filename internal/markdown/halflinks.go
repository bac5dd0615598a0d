package markdown

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/yuin/goldmark/ast"

	"ledenbrief/internal/diag"
)

// Half-written links: link syntax that Markdown does not read as a link,
// so that it would show on the page as text. Each pattern matches from
// the opening bracket of the link text.
var (
	// [tekst] (#doel): a space between the text and the address.
	spacedLinkRE = regexp.MustCompile(`^\[([^\[\]\n]+)\][ \t]+\(([^()\s]*)\)`)
	// [tekst](#doel without its closing parenthesis; the address ends at
	// the first space.
	openLinkRE = regexp.MustCompile(`^\[([^\[\]\n]+)\]\(([^()\s]*)`)
	// [tekst][doel] or [tekst][]: a reference link without a definition.
	referenceLinkRE = regexp.MustCompile(`^\[([^\[\]\n]+)\]\[([^\[\]\n]*)\]`)
	// [tekst] alone, where tekst is what a link says.
	bareLinkRE = regexp.MustCompile(`^\[([^\[\]\n]+)\]`)
)

// linkWords are link texts that are never meant as bracketed text: "[Hier]"
// alone is a link that lost its address. Brackets around anything else
// ("[1]", "[sic]", "[…]", a citation) are text.
var linkWords = map[string]bool{
	"hier": true, "klik hier": true, "lees hier": true, "lees meer": true,
	"meer": true, "meer informatie": true, "hier leest u meer": true,
}

// span is a byte range of the source that is not Markdown text: code,
// raw HTML, an autolink.
type span struct{ start, stop int }

// halfLinks reports every half-written link in the text of the document,
// with the link it most likely meant. linkAt holds the offsets at which a
// real link or image starts; verbatim the ranges of code and HTML, where
// brackets are what they are.
func (d *Doc) halfLinks(linkAt map[int]bool, verbatim []span) {
	slices.SortFunc(verbatim, func(a, b span) int { return a.start - b.start })
	src := d.Source
	for i := 0; i < len(src); i++ {
		if src[i] != '[' || linkAt[i] || i > 0 && src[i-1] == '\\' || inSpans(verbatim, i) {
			continue
		}
		rest := string(src[i:min(len(src), i+500)])
		if m := spacedLinkRE.FindStringSubmatch(rest); m != nil {
			d.Problems = append(d.Problems, Problem{i, diag.M(diag.LinkSpace, m[0], meant(m[1], m[2]))})
			i += len(m[0]) - 1
			continue
		}
		if m := openLinkRE.FindStringSubmatch(rest); m != nil {
			if strings.HasPrefix(rest[len(m[0]):], ")") {
				continue // a link after all, which another check reports
			}
			d.Problems = append(d.Problems, Problem{i, diag.M(diag.LinkUnclosed, m[0], meant(m[1], m[2]))})
			i += len(m[0]) - 1
			continue
		}
		if m := referenceLinkRE.FindStringSubmatch(rest); m != nil {
			target := m[2]
			if target == "" {
				target = Slug(m[1])
			}
			d.Problems = append(d.Problems, Problem{i, diag.M(diag.LinkReference, m[0], meant(m[1], "#"+strings.TrimPrefix(target, "#")))})
			i += len(m[0]) - 1
			continue
		}
		if m := bareLinkRE.FindStringSubmatch(rest); m != nil && !strings.HasPrefix(rest[len(m[0]):], ":") && linkWords[strings.ToLower(strings.Join(strings.Fields(m[1]), " "))] {
			d.Problems = append(d.Problems, Problem{i, diag.M(diag.LinkReferenceBare, m[0], m[1])})
			i += len(m[0]) - 1
		}
	}
}

// meant is the link an editor most likely meant with text and dest.
func meant(text, dest string) string {
	if dest == "" || dest == "#" {
		dest = "#rechtspositie"
	}
	return fmt.Sprintf("[%s](%s)", text, dest)
}

// inSpans tells whether offset lies in one of the sorted spans.
func inSpans(spans []span, offset int) bool {
	k, _ := slices.BinarySearchFunc(spans, offset, func(s span, off int) int {
		if s.stop <= off {
			return -1
		}
		if s.start > off {
			return 1
		}
		return 0
	})
	return k < len(spans) && spans[k].start <= offset && offset < spans[k].stop
}

// verbatimSpan is the source range of a node whose text is not Markdown,
// or false for any other node.
func verbatimSpan(n ast.Node, src []byte) (span, bool) {
	switch n := n.(type) {
	case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
		lines := n.Lines()
		if lines.Len() == 0 {
			return span{}, false
		}
		return span{lines.At(0).Start, lines.At(lines.Len() - 1).Stop}, true
	case *ast.CodeSpan:
		start, stop := -1, -1
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				if start < 0 {
					start = t.Segment.Start
				}
				stop = t.Segment.Stop
			}
		}
		if start < 0 {
			return span{}, false
		}
		return span{start, stop}, true
	case *ast.RawHTML:
		if n.Segments.Len() == 0 {
			return span{}, false
		}
		return span{n.Segments.At(0).Start, n.Segments.At(n.Segments.Len() - 1).Stop}, true
	case *ast.AutoLink:
		start := n.Pos()
		return span{start, start + len(n.URL(src)) + 2}, true
	}
	return span{}, false
}
