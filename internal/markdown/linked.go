package markdown

import (
	"bufio"
	"io"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// Linker gives the destination of a resolved link (see Link.Target) in a
// document rendered away from its page; image says the link shows the
// file in the page rather than leading to it.
type Linker func(t Target, image bool) string

// RenderLinked writes d as HTML like Render, with the destination of
// every resolved link given by link instead of the one set for the site's
// page: for a page shown in a letter's offline copy, or as a part of one
// document. It is safe to render one Doc with different linkers at once.
func (c *Converter) RenderLinked(w io.Writer, d *Doc, link Linker) error {
	bw := bufWriter(w)
	defer putBufWriter(bw)
	lw := &linkedWriter{Writer: bw, link: link, targets: map[ast.Node]Target{}}
	for _, l := range d.Links {
		if l.Target.resolved {
			lw.targets[l.node] = l.Target
		}
	}
	return c.linked.Render(lw, d.Source, d.root)
}

// linkedWriter carries one RenderLinked call's links to linkedRenderer,
// which finds it as the writer it writes to.
type linkedWriter struct {
	*bufio.Writer
	link    Linker
	targets map[ast.Node]Target
}

// destination is where link or image node n leads in this rendering.
func (lw *linkedWriter) destination(n ast.Node, dest []byte, image bool) []byte {
	if t, ok := lw.targets[n]; ok {
		return []byte(lw.link(t, image))
	}
	if ghtml.IsDangerousURL(dest) {
		return nil
	}
	return dest
}

// linkedRenderer writes links and images with the destinations of a
// RenderLinked call, otherwise as goldmark's HTML renderer does.
type linkedRenderer struct{}

func (linkedRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, renderLinkedLink)
	reg.Register(ast.KindImage, renderLinkedImage)
}

func renderLinkedLink(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	if !entering {
		w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	w.WriteString(`<a href="`)
	w.Write(util.EscapeHTML(util.URLEscape(w.(*linkedWriter).destination(n, n.Destination, false), true)))
	w.WriteByte('"')
	writeTitleAndAttributes(w, n, n.Title, linkAttributeFilter)
	w.WriteByte('>')
	return ast.WalkContinue, nil
}

// namedLinkRenderer writes links as goldmark's HTML renderer does, with
// the accessible name SetName gives them.
type namedLinkRenderer struct{ unsafe bool }

func (r namedLinkRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindLink, r.link)
}

func (r namedLinkRenderer) link(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Link)
	if !entering {
		w.WriteString("</a>")
		return ast.WalkContinue, nil
	}
	w.WriteString(`<a href="`)
	if dest := util.URLEscape(n.Destination, true); r.unsafe || !ghtml.IsDangerousURL(dest) {
		w.Write(util.EscapeHTML(dest))
	}
	w.WriteByte('"')
	if n.Title != nil {
		w.WriteString(` title="`)
		ghtml.DefaultWriter.Write(w, n.Title) // as goldmark's: escapes and entities resolved
		w.WriteByte('"')
	}
	if n.Attributes() != nil {
		ghtml.RenderAttributes(w, n, linkAttributeFilter)
	}
	w.WriteByte('>')
	return ast.WalkContinue, nil
}

// linkAttributeFilter is goldmark's, with the accessible name SetName gives.
var linkAttributeFilter = ghtml.LinkAttributeFilter.ExtendString("aria-label")

func renderLinkedImage(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	w.WriteString(`<img src="`)
	w.Write(util.EscapeHTML(util.URLEscape(w.(*linkedWriter).destination(n, n.Destination, true), true)))
	w.WriteString(`" alt="`)
	w.Write(util.EscapeHTML([]byte(plainText(n, src))))
	w.WriteByte('"')
	writeTitleAndAttributes(w, n, n.Title, ghtml.ImageAttributeFilter)
	w.WriteByte('>')
	return ast.WalkSkipChildren, nil
}

// writeTitleAndAttributes writes a link's or image's title and the
// attributes filter allows, as goldmark's HTML renderer does.
func writeTitleAndAttributes(w util.BufWriter, n ast.Node, title []byte, filter util.BytesFilter) {
	if title != nil {
		w.WriteString(` title="`)
		w.Write(util.EscapeHTML(title))
		w.WriteByte('"')
	}
	if n.Attributes() != nil {
		ghtml.RenderAttributes(w, n, filter)
	}
}
