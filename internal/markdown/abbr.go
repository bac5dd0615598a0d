package markdown

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// kindAbbr is the node kind of an abbreviation marked up with <abbr>.
var kindAbbr = ast.NewNodeKind("Abbr")

// abbrNode wraps the text of an abbreviation's first use in a section.
type abbrNode struct {
	ast.BaseInline
	Expansion string
}

func (n *abbrNode) Kind() ast.NodeKind { return kindAbbr }

func (n *abbrNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Expansion": n.Expansion}, nil)
}

func renderAbbr(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(`<abbr title="`)
		w.Write(util.EscapeHTML([]byte(node.(*abbrNode).Expansion)))
		w.WriteString(`">`)
	} else {
		w.WriteString("</abbr>")
	}
	return ast.WalkContinue, nil
}

// abbreviations finds the terms of a glossary in text. Terms are found
// by their first byte and compared directly, which is much faster than
// one regular expression of all terms on text of this size.
type abbreviations struct {
	expansions map[string]string
	byFirst    [256][]string // terms by first byte, longest first
	any        bool
}

func newAbbreviations(m map[string]string) *abbreviations {
	a := &abbreviations{expansions: m}
	for t := range m {
		if t != "" {
			a.byFirst[t[0]] = append(a.byFirst[t[0]], t)
			a.any = true
		}
	}
	for i := range a.byFirst {
		slices.SortFunc(a.byFirst[i], func(x, y string) int {
			if len(x) != len(y) {
				return len(y) - len(x)
			}
			return strings.Compare(x, y)
		})
	}
	return a
}

var _ parser.ASTTransformer = (*abbreviations)(nil)

// Transform marks abbreviations as a goldmark AST transformer.
func (a *abbreviations) Transform(root *ast.Document, reader text.Reader, _ parser.Context) {
	a.mark(root, reader.Source())
}

// mark wraps the first use of each term in every section of root (a
// section starts at each heading) in an abbrNode. Text in headings, links,
// code and an editor's own <abbr> is left alone, and so are URLs and
// e-mail addresses in the text.
func (a *abbreviations) mark(root ast.Node, src []byte) {
	if !a.any {
		return
	}
	var texts []*ast.Text
	seen := map[string]bool{}
	inAbbr := false // inside <abbr>…</abbr> written as raw HTML
	flush := func() {
		for _, t := range texts {
			a.markText(t, src, seen)
		}
		texts = texts[:0]
	}
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			flush()
			clear(seen)
			return ast.WalkSkipChildren, nil
		case *ast.Link, *ast.AutoLink, *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.Image:
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			tag := bytes.ToLower(n.Segments.Value(src))
			switch {
			case bytes.HasPrefix(tag, []byte("<abbr")):
				inAbbr = true
			case bytes.HasPrefix(tag, []byte("</abbr")):
				inAbbr = false
			}
		case *ast.Text:
			if !inAbbr {
				texts = append(texts, n)
			}
		}
		return ast.WalkContinue, nil
	})
	flush()
}

// markText splits t around the first unseen term it contains, repeatedly.
func (a *abbreviations) markText(t *ast.Text, src []byte, seen map[string]bool) {
	for {
		seg := t.Segment
		val := seg.Value(src)
		start, end, term := a.find(val, seen)
		if term == "" {
			return
		}
		seen[term] = true
		parent := t.Parent()
		if start > 0 {
			before := ast.NewTextSegment(text.NewSegment(seg.Start, seg.Start+start))
			parent.InsertBefore(parent, t, before)
		}
		abbr := &abbrNode{Expansion: a.expansions[term]}
		abbr.AppendChild(abbr, ast.NewTextSegment(text.NewSegment(seg.Start+start, seg.Start+end)))
		parent.InsertBefore(parent, t, abbr)
		t.Segment = seg.WithStart(seg.Start + end)
		if t.Segment.Len() == 0 && !t.SoftLineBreak() && !t.HardLineBreak() {
			parent.RemoveChild(parent, t)
			return
		}
	}
}

// find returns the first occurrence in val of a term not yet seen that
// stands as a word of its own, outside URLs and e-mail addresses.
func (a *abbreviations) find(val []byte, seen map[string]bool) (start, end int, term string) {
	for i := 0; i < len(val); i++ {
		for _, t := range a.byFirst[val[i]] {
			if len(val)-i < len(t) || string(val[i:i+len(t)]) != t || seen[t] || !wordBoundary(val, i, i+len(t)) || inAddress(val, i) {
				continue
			}
			return i, i + len(t), t
		}
	}
	return 0, 0, ""
}

// inAddress reports whether position i of val is inside a URL or an
// e-mail address: a run of non-space characters with "://", "www." or
// an "@" between letters.
func inAddress(val []byte, i int) bool {
	start := bytes.LastIndexFunc(val[:i], unicode.IsSpace) + 1
	end := bytes.IndexFunc(val[i:], unicode.IsSpace)
	if end < 0 {
		end = len(val)
	} else {
		end += i
	}
	word := bytes.ToLower(val[start:end])
	if bytes.Contains(word, []byte("://")) || bytes.HasPrefix(bytes.TrimLeft(word, "(<\"'"), []byte("www.")) {
		return true
	}
	at := bytes.IndexByte(word, '@')
	return at > 0 && at < len(word)-1 && bytes.IndexByte(word[at:], '.') > 0
}

func wordBoundary(val []byte, start, end int) bool {
	if start > 0 {
		r, _ := utf8.DecodeLastRune(val[:start])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	if end < len(val) {
		r, _ := utf8.DecodeRune(val[end:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}
