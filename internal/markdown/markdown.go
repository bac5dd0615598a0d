// Package markdown turns the Markdown body of a letter, annex section or
// handreiking into HTML with goldmark. It owns the Markdown dialect: heading
// ids ({#id} or a Dutch slug) and their aliases ({#id alias="old-id"}),
// visible heading permalinks, abbreviations
// marked with <abbr> on first use per section, and raw HTML escaped unless
// allowed. It reports the document's headings and links with their byte
// offsets, and lets a caller rewrite link destinations between parsing and
// rendering; it does not know what an id refers to.
package markdown

import (
	"bytes"
	"html"
	"io"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options configure a Converter.
type Options struct {
	// AllowHTML passes raw HTML in Markdown through; otherwise it is shown
	// as text.
	AllowHTML bool
	// Abbreviations maps a term ("VOG") to its expansion. The first use of
	// a term in each section is marked up as <abbr title="…">.
	Abbreviations map[string]string
}

// Converter parses and renders Markdown. It is safe for concurrent use.
type Converter struct {
	md   goldmark.Markdown
	abbr *abbreviations
}

// New returns a Converter for opts.
func New(opts Options) *Converter {
	c := &Converter{abbr: newAbbreviations(opts.Abbreviations)}
	rendererOpts := []renderer.Option{
		renderer.WithNodeRenderers(util.Prioritized(&nodeRenderer{allowHTML: opts.AllowHTML}, 100)),
	}
	if opts.AllowHTML {
		rendererOpts = append(rendererOpts, ghtml.WithUnsafe())
	}
	c.md = goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough),
		goldmark.WithParserOptions(
			parser.WithAttribute(),
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(
				util.Prioritized(c.abbr, 100),      // mark abbreviations, then
				util.Prioritized(collector{}, 200), // record headings and links
			),
		),
		goldmark.WithRendererOptions(rendererOpts...),
	)
	return c
}

// Heading is a heading of a document.
type Heading struct {
	Level    int
	ID       string
	Text     string   // plain text, without markup
	Offset   int      // byte offset in the parsed source
	Explicit bool     // the id was written as {#id}
	Aliases  []string // old ids kept alive, from {#id alias="old other-old"}
}

// Link is a link or image of a document, in source order.
type Link struct {
	Dest    string // destination as written
	Text    string // plain link text (alt text for images)
	Offset  int    // byte offset of the link in the parsed source
	Section string // id of the nearest heading above the link, "" before the first one
	Image   bool
	node    ast.Node
}

// SetDest replaces the destination that will be rendered.
func (l *Link) SetDest(dest string) {
	switch n := l.node.(type) {
	case *ast.Link:
		n.Destination = []byte(dest)
	case *ast.Image:
		n.Destination = []byte(dest)
	}
}

// Doc is a parsed document.
type Doc struct {
	Source   []byte
	Headings []Heading
	Links    []*Link
	root     ast.Node
}

// Parse parses src. Offsets in the result are relative to src.
func (c *Converter) Parse(src []byte) *Doc {
	ctx := parser.NewContext(parser.WithIDs(headingIDs{}))
	c.md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	return ctx.Get(docKey).(*Doc)
}

// docKey holds the Doc that collector makes of a parsed document.
var docKey = parser.NewContextKey()

// collector is the AST transformer that records a document's headings
// and links, with their byte offsets, for the caller to resolve: link
// targets are ids of a whole letter, known only once all its documents
// are parsed, so links are rewritten with Link.SetDest before rendering.
type collector struct{}

var _ parser.ASTTransformer = collector{}

func (collector) Transform(root *ast.Document, reader text.Reader, pc parser.Context) {
	d := &Doc{Source: reader.Source(), root: root}
	d.collect()
	pc.Set(docKey, d)
}

// collect records headings and links in document order.
func (d *Doc) collect() {
	section := ""
	_ = ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			id, explicit := headingID(n, d.Source)
			section = id
			d.Headings = append(d.Headings, Heading{
				Level: n.Level, ID: id, Text: plainText(n, d.Source),
				Offset: blockOffset(n, d.Source), Explicit: explicit, Aliases: headingAliases(n),
			})
		case *ast.Link:
			d.Links = append(d.Links, &Link{Dest: string(n.Destination), Text: plainText(n, d.Source), Offset: n.Pos(), Section: section, node: n})
		case *ast.Image:
			d.Links = append(d.Links, &Link{Dest: string(n.Destination), Text: plainText(n, d.Source), Offset: n.Pos(), Section: section, Image: true, node: n})
		}
		return ast.WalkContinue, nil
	})
}

// headingID returns the id goldmark assigned and whether the editor wrote
// it. The explicit form leaves "{#" in the raw source line.
func headingID(h *ast.Heading, src []byte) (string, bool) {
	v, _ := h.AttributeString("id")
	id, _ := v.([]byte)
	explicit := false
	if h.Lines().Len() > 0 {
		seg := h.Lines().At(h.Lines().Len() - 1)
		line := src[seg.Start:]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		explicit = bytes.Contains(line, []byte("{#"))
	}
	return string(id), explicit
}

// headingAliases returns the ids of a heading's alias attribute, which
// keeps links to its earlier ids landing on it.
func headingAliases(h *ast.Heading) []string {
	v, ok := h.AttributeString("alias")
	if !ok {
		return nil
	}
	switch v := v.(type) {
	case []byte:
		return strings.Fields(string(v))
	case string:
		return strings.Fields(v)
	}
	return nil
}

// blockOffset is where a block's text starts. An empty heading after a
// tab (in a list or a quote) has a segment past the end of the source,
// because goldmark expands the tab; it is kept inside the source.
func blockOffset(n ast.Node, src []byte) int {
	if n.Lines().Len() > 0 {
		return min(n.Lines().At(0).Start, len(src))
	}
	if p := n.Pos(); p >= 0 {
		return min(p, len(src))
	}
	return 0
}

// plainText returns the text of n without markup.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.Label(src))
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// Render writes d as HTML, with the link destinations as last set.
func (c *Converter) Render(w io.Writer, d *Doc) error {
	return c.md.Renderer().Render(w, d.Source, d.root)
}

// nodeRenderer overrides how headings and raw HTML are written.
type nodeRenderer struct {
	allowHTML bool
}

func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, r.heading)
	reg.Register(kindAbbr, renderAbbr)
	if !r.allowHTML {
		reg.Register(ast.KindRawHTML, r.rawHTML)
		reg.Register(ast.KindHTMLBlock, r.htmlBlock)
	}
}

// heading writes <hN id> with a permalink, so that every section can be
// linked to by a reader as well as by an editor. Each alias becomes an
// empty element with the old id inside the heading, so that a link to the
// old id lands on exactly the same spot, without a script.
func (r *nodeRenderer) heading(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	tag := "h" + string(rune('0'+n.Level))
	if entering {
		w.WriteString("<" + tag)
		if id, ok := n.AttributeString("id"); ok {
			w.WriteString(` id="`)
			w.Write(util.EscapeHTML(id.([]byte)))
			w.WriteString(`"`)
		}
		w.WriteString(">")
		for _, alias := range headingAliases(n) {
			w.WriteString(`<span class="alias" id="`)
			w.WriteString(html.EscapeString(alias))
			w.WriteString(`"></span>`)
		}
		return ast.WalkContinue, nil
	}
	if id, ok := n.AttributeString("id"); ok {
		w.WriteString(` <a class="permalink" href="#`)
		w.Write(util.EscapeHTML(id.([]byte)))
		w.WriteString(`" aria-label="Link naar dit kopje: `)
		w.WriteString(html.EscapeString(plainText(n, src)))
		w.WriteString(`">#</a>`)
	}
	w.WriteString("</" + tag + ">\n")
	return ast.WalkContinue, nil
}

// rawHTML shows inline raw HTML as text.
func (r *nodeRenderer) rawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*ast.RawHTML)
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			w.Write(util.EscapeHTML(seg.Value(src)))
		}
	}
	return ast.WalkSkipChildren, nil
}

// htmlBlock shows a raw HTML block as a paragraph of text.
func (r *nodeRenderer) htmlBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*ast.HTMLBlock)
		w.WriteString("<p>")
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			w.Write(util.EscapeHTML(bytes.TrimRight(seg.Value(src), "\n")))
			if i < n.Lines().Len()-1 {
				w.WriteString("\n")
			}
		}
		if n.HasClosure() {
			w.WriteString("\n")
			w.Write(util.EscapeHTML(bytes.TrimRight(n.ClosureLine.Value(src), "\n")))
		}
		w.WriteString("</p>\n")
	}
	return ast.WalkSkipChildren, nil
}
