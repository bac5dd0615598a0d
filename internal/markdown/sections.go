package markdown

import (
	"strings"

	"github.com/yuin/goldmark/ast"
)

// Section is the plain text of a document between two headings, for
// search: what a reader would find under one anchor.
type Section struct {
	ID         string   // id of the heading that opens it, "" for text before the first heading
	Title      string   // that heading's text
	Text       string   // the text, one line per paragraph, list item or sub-heading
	Expansions []string // expansions of the abbreviations used in it, in order of first use
	// Listed are the lines of Text that are a list item holding nothing
	// but a link: the titles of what the section lists, in order.
	Listed []string
	// SearchWords are the words readers search with for the section, from
	// its heading's zoekwoorden attribute ({zoekwoorden="laptop, telefoon"}).
	SearchWords []string
}

// Sections splits d at every heading of level maxLevel or higher (a
// smaller number); deeper headings stay inside their section. Sections
// without text and without a heading are left out.
func (d *Doc) Sections(maxLevel int) []Section {
	var out []Section
	cur := Section{}
	var text strings.Builder
	flush := func() {
		cur.Text = strings.TrimSpace(cleanText(text.String()))
		if cur.ID != "" || cur.Text != "" {
			out = append(out, cur)
		}
		text.Reset()
	}
	for block := d.root.FirstChild(); block != nil; block = block.NextSibling() {
		if h, ok := block.(*ast.Heading); ok && h.Level <= maxLevel {
			flush()
			cur = Section{ID: headingID(h), Title: plainText(h, d.Source), SearchWords: headingSearchWords(h)}
			continue
		}
		writeBlockText(&text, block, d.Source, &cur.Expansions)
		cur.Listed = appendListed(cur.Listed, block, d.Source)
	}
	flush()
	return out
}

// appendListed appends to listed the text of every list item of block
// that holds nothing but a link.
func appendListed(listed []string, block ast.Node, src []byte) []string {
	_ = ast.Walk(block, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		item, ok := c.(*ast.ListItem)
		if !entering || !ok || item.ChildCount() != 1 {
			return ast.WalkContinue, nil
		}
		para := item.FirstChild()
		if para.ChildCount() == 1 {
			if _, ok := para.FirstChild().(*ast.Link); ok {
				listed = append(listed, cleanText(plainText(para, src)))
			}
		}
		return ast.WalkContinue, nil
	})
	return listed
}

// writeBlockText writes the plain text of a block (see plainText), each
// paragraph, heading and list item on a line of its own, and records
// abbreviation expansions.
func writeBlockText(b *strings.Builder, n ast.Node, src []byte, expansions *[]string) {
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		switch c := c.(type) {
		case *ast.Paragraph, *ast.TextBlock, *ast.Heading, *ast.ListItem:
			if !entering && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
				b.WriteByte('\n')
			}
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			if entering {
				for i := 0; i < c.Lines().Len(); i++ {
					seg := c.Lines().At(i)
					b.Write(seg.Value(src))
				}
				b.WriteByte('\n')
			}
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			if entering {
				b.WriteString(strings.TrimSpace(htmlText(c.Lines().Value(src))))
				b.WriteByte('\n')
			}
			return ast.WalkSkipChildren, nil
		case *abbrNode:
			if entering {
				*expansions = append(*expansions, c.Expansion)
			}
		default:
			return writeInline(b, c, src, entering), nil
		}
		return ast.WalkContinue, nil
	})
}
