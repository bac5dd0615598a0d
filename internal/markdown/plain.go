package markdown

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// invisible reports the characters that text pasted from a word
// processor carries without a reader seeing them: the soft hyphen and
// zero-width spaces and joiners. They would split or change words in
// search and in ids, so they are dropped from the text (an editor who
// wants a soft hyphen writes &shy;).
func invisible(r rune) bool {
	switch r {
	case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return false
}

// nonBreakingSpace reports the spaces that must not break a line; they
// stay on the page but count as spaces in search and ids.
func nonBreakingSpace(r rune) bool {
	return r == '\u00a0' || r == '\u202f' || r == '\u2007'
}

// mayHold reports whether b may hold an invisible character or a
// non-breaking space: all are encoded with a lead byte 0xC2, 0xE2 or 0xEF.
func mayHold(b []byte) bool {
	return bytes.IndexByte(b, 0xc2) >= 0 || bytes.IndexByte(b, 0xe2) >= 0 || bytes.IndexByte(b, 0xef) >= 0
}

// cleanText drops invisible characters and makes non-breaking spaces
// plain spaces.
func cleanText(s string) string {
	if !mayHold([]byte(s)) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case invisible(r):
			return -1
		case nonBreakingSpace(r):
			return ' '
		}
		return r
	}, s)
}

// dropInvisible is the AST transformer that removes invisible characters
// from the text of a document by splitting its text nodes around them,
// so that offsets into the source stay true.
type dropInvisible struct{}

var _ parser.ASTTransformer = dropInvisible{}

func (dropInvisible) Transform(root *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var texts []*ast.Text
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); ok && entering && mayHold(t.Segment.Value(src)) {
			texts = append(texts, t)
		}
		return ast.WalkContinue, nil
	})
	for _, t := range texts {
		seg := t.Segment
		v := seg.Value(src)
		from := 0 // start of the text not yet given a node of its own
		for i := 0; i < len(v); {
			r, size := utf8.DecodeRune(v[i:])
			if invisible(r) {
				if i > from {
					t.Parent().InsertBefore(t.Parent(), t, ast.NewTextSegment(text.NewSegment(seg.Start+from, seg.Start+i)))
				}
				from = i + size
			}
			i += size
		}
		t.Segment = seg.WithStart(seg.Start + from)
	}
}

// plainText returns the text of inline content as a reader sees it:
// backslash escapes and entities decoded, markup and raw HTML left out,
// line breaks as spaces, invisible characters dropped and non-breaking
// spaces made plain. Ids, labels, heading and link texts and search all
// take their text from it.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		return writeInline(&b, c, src, entering), nil
	})
	return strings.TrimSpace(cleanText(b.String()))
}

// writeInline writes the plain text of one inline node, for an ast.Walk.
func writeInline(b *strings.Builder, n ast.Node, src []byte, entering bool) ast.WalkStatus {
	if !entering {
		return ast.WalkContinue
	}
	switch n := n.(type) {
	case *ast.Text:
		writeDecoded(b, n.Segment.Value(src))
		if n.SoftLineBreak() || n.HardLineBreak() {
			b.WriteByte(' ')
		}
	case *ast.String:
		b.Write(n.Value)
	case *ast.CodeSpan:
		// Code is literal: no escapes or entities; a line break is a space.
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				b.Write(bytes.ReplaceAll(t.Segment.Value(src), []byte("\n"), []byte(" ")))
			} else if s, ok := c.(*ast.String); ok {
				b.Write(s.Value)
			}
		}
		return ast.WalkSkipChildren
	case *ast.AutoLink:
		b.Write(n.Label(src))
	case *ast.RawHTML:
		return ast.WalkSkipChildren
	}
	return ast.WalkContinue
}

// writeDecoded writes Markdown text to b with its backslash escapes and
// entities decoded, exactly as goldmark renders them.
func writeDecoded(b *strings.Builder, v []byte) {
	if bytes.IndexByte(v, '\\') < 0 && bytes.IndexByte(v, '&') < 0 {
		b.Write(v) // most text: no string of its own first
		return
	}
	var out bytes.Buffer
	w := bufWriter(&out)
	ghtml.DefaultWriter.Write(w, v)
	w.Flush()
	putBufWriter(w)
	b.WriteString(html.UnescapeString(out.String()))
}

// tagRE matches an HTML tag or comment, for the text of raw HTML blocks.
var tagRE = regexp.MustCompile(`<!--[\s\S]*?-->|<[^>]*>`)

// htmlText returns the text of raw HTML: tags left out, entities decoded.
func htmlText(v []byte) string {
	return html.UnescapeString(tagRE.ReplaceAllString(string(v), ""))
}

// minNamingWords is how many words a link text needs to name where the
// link leads; a shorter one ("Hier", "deze") gets its sentence
// (Link.Sentence).
const minNamingWords = 2

// linkSentence returns the plain text of the sentence of the block that
// holds link n: from the end of the sentence before the link to the end
// of the one the link is in.
func linkSentence(n *ast.Link, src []byte) string {
	block := n.Parent()
	for block != nil && block.Type() != ast.TypeBlock {
		block = block.Parent()
	}
	if block == nil {
		return ""
	}
	var before, link, after strings.Builder
	w := &before
	_ = ast.Walk(block, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if c == n {
			if entering {
				w = &link
			} else {
				w = &after
			}
		}
		return writeInline(w, c, src, entering), nil
	})
	head, tail := cleanText(before.String()), cleanText(after.String())
	if i := strings.LastIndexAny(head, ".!?;:"); i >= 0 {
		head = head[i+1:]
	}
	if i := strings.IndexAny(tail, ".!?;:"); i >= 0 {
		tail = tail[:i+1]
	}
	return strings.Join(strings.Fields(head+cleanText(link.String())+tail), " ")
}
