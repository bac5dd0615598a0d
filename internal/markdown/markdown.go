// Package markdown turns the Markdown body of a letter, annex section or
// handreiking into HTML with goldmark. It owns the Markdown dialect:
// CommonMark with tables and ~~strikethrough~~ (a single tilde is a
// tilde), heading ids ({#id} or a Dutch slug of the heading's plain text)
// and their aliases ({#id alias="old-id"}), visible heading permalinks,
// abbreviations marked with <abbr> on first use per section, invisible
// characters of pasted text dropped, and raw HTML a problem unless
// allowed. It reports the document's headings, links and problems with
// their byte offsets, and lets a caller rewrite link destinations between
// parsing and rendering; it does not know what an id refers to.
package markdown

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"html"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"ledenbrief/internal/diag"
	"ledenbrief/internal/record"
)

// Options configure a Converter.
type Options struct {
	// AllowHTML passes raw HTML in Markdown through; otherwise it is a
	// Problem (and shown as text), except comments, which are left out.
	AllowHTML bool
	// Abbreviations maps a term ("VOG") to its expansion. The first use of
	// a term in each section is marked up as <abbr title="…">.
	Abbreviations map[string]string
}

// Converter parses and renders Markdown. It is safe for concurrent use.
type Converter struct {
	sum    [32]byte // see Fingerprint
	md     goldmark.Markdown
	linked renderer.Renderer // md's renderer, with the links of RenderLinked
	abbr   *abbreviations
}

// New returns a Converter for opts.
func New(opts Options) *Converter {
	c := &Converter{abbr: newAbbreviations(opts.Abbreviations)}
	h := sha256.New()
	fmt.Fprintf(h, "allow_html=%t\x00", opts.AllowHTML)
	for _, t := range slices.Sorted(maps.Keys(opts.Abbreviations)) {
		fmt.Fprintf(h, "%s\x00%s\x00", t, opts.Abbreviations[t])
	}
	h.Sum(c.sum[:0])
	rendererOpts := []renderer.Option{
		renderer.WithNodeRenderers(util.Prioritized(&nodeRenderer{allowHTML: opts.AllowHTML}, 100)),
	}
	if opts.AllowHTML {
		rendererOpts = append(rendererOpts, ghtml.WithUnsafe())
	}
	rendererOpts = append(rendererOpts, renderer.WithNodeRenderers(util.Prioritized(extension.NewStrikethroughHTMLRenderer(), 500)))
	c.md = c.goldmark(opts, append(rendererOpts, renderer.WithNodeRenderers(util.Prioritized(namedLinkRenderer{unsafe: opts.AllowHTML}, 50))))
	c.linked = c.goldmark(opts, append(rendererOpts, renderer.WithNodeRenderers(util.Prioritized(linkedRenderer{}, 50)))).Renderer()
	return c
}

// goldmark returns the project's Markdown dialect, rendered with
// rendererOpts.
func (c *Converter) goldmark(opts Options, rendererOpts []renderer.Option) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.Table),
		goldmark.WithParserOptions(
			parser.WithAttribute(),
			parser.WithInlineParsers(util.Prioritized(strikethroughParser{}, 500)),
			parser.WithASTTransformers(
				util.Prioritized(dropInvisible{}, 50),                       // clean pasted text,
				util.Prioritized(c.abbr, 100),                               // mark abbreviations, then
				util.Prioritized(collector{allowHTML: opts.AllowHTML}, 200), // give ids, record headings and links
			),
		),
		goldmark.WithRendererOptions(rendererOpts...),
	)
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
	Dest string // destination as written
	Text string // plain link text (alt text for images)
	// Sentence is, for a link whose text is too short to say where it
	// leads ("Hier"), the plain text of the sentence that holds it ("Hier
	// leest u meer over integriteit."); "" for other links.
	Sentence string
	Offset   int    // byte offset of the link in the parsed source
	Section  string // id of the nearest heading above the link, "" before the first one
	Image    bool
	// Target is where the link leads in the site, once SetTarget has
	// resolved it; the zero Target for a link that leaves the site.
	Target Target
	node   ast.Node
}

// AnchorText is what the link says of where it leads, as search
// indexes it for its target: its sentence when its own text is too short
// to say it, else its text.
func (l *Link) AnchorText() string {
	if l.Sentence != "" {
		return l.Sentence
	}
	return l.Text
}

// Target is a place in the site a link leads to: a page (its folder,
// "21-082/bijlage/", "" for the home page) or a file the site publishes
// (its path, "media/kaart.png"), and a fragment.
type Target struct {
	Page     string
	File     string // set for a file; Page is then unused
	Fragment string
	resolved bool
}

// Resolved reports whether the target was set: the link stays in the site.
func (t Target) Resolved() bool { return t.resolved }

// PageTarget is the target of a link to a page of the site.
func PageTarget(folder, fragment string) Target {
	return Target{Page: folder, Fragment: fragment, resolved: true}
}

// FileTarget is the target of a link to a file the site publishes.
func FileTarget(sitePath, fragment string) Target {
	return Target{File: sitePath, Fragment: fragment, resolved: true}
}

// SetTarget records where the link leads and the destination the site's
// page renders for it (relative to that page).
func (l *Link) SetTarget(t Target, href string) {
	l.Target = t
	switch n := l.node.(type) {
	case *ast.Link:
		n.Destination = []byte(href)
	case *ast.Image:
		n.Destination = []byte(href)
	}
}

// SetName gives the link an accessible name (aria-label) that says
// where it leads, for a link whose text does not ("Hier"); the name
// starts with the text, so what sighted readers see is in it.
func (l *Link) SetName(name string) {
	if n, ok := l.node.(*ast.Link); ok {
		n.SetAttributeString("aria-label", []byte(name))
	}
}

// Doc is a parsed document.
type Doc struct {
	Source   []byte
	Headings []Heading
	Links    []*Link
	// AutoLinks are the addresses written as <https://…> (or
	// <naam@voorbeeld.nl>): always external, never resolved.
	AutoLinks []*Link
	Problems  []Problem // what the editor must change, in source order
	root      ast.Node
}

// Problem is a mistake in a document's Markdown.
type Problem struct {
	Offset int // byte offset in the parsed source
	Msg    diag.Msg
}

// Fingerprint is a hash of the converter's options: documents parsed by
// converters with the same fingerprint are the same.
func (c *Converter) Fingerprint() [32]byte { return c.sum }

// AppendOutline appends the document's outline to w, as ReadOutline
// reads it: its headings and links (autolinks too), what a first pass
// over a letter reads. The build cache keeps it, so that a letter whose
// files did not change is not parsed again; a document with problems
// has none (HasOutline).
func (d *Doc) AppendOutline(w *record.Writer) {
	w.Uint(uint64(len(d.Headings)))
	for _, h := range d.Headings {
		w.Uint(uint64(h.Level))
		w.String(h.ID)
		w.String(h.Text)
		w.Uint(uint64(h.Offset))
		w.Uint(boolBit(h.Explicit))
		w.Uint(uint64(len(h.Aliases)))
		for _, a := range h.Aliases {
			w.String(a)
		}
	}
	for _, links := range [][]*Link{d.Links, d.AutoLinks} {
		w.Uint(uint64(len(links)))
		for _, l := range links {
			w.String(l.Dest)
			w.String(l.Text)
			w.String(l.Sentence)
			w.Uint(uint64(l.Offset))
			w.String(l.Section)
			w.Uint(boolBit(l.Image))
		}
	}
}

// HasOutline reports whether the document's outline is all a first pass
// needs of it: a document with problems must be parsed to report them.
func (d *Doc) HasOutline() bool { return len(d.Problems) == 0 }

func boolBit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// Outline returns the document reduced to its outline, as ReadOutline
// reads what AppendOutline wrote: its source, headings and links,
// without the parsed tree, which is most of a document's memory. The
// preview keeps every letter's outline for its first pass.
func (d *Doc) Outline() *Doc {
	o := &Doc{Source: d.Source, Links: outlineLinks(d.Links), AutoLinks: outlineLinks(d.AutoLinks)}
	if len(d.Headings) > 0 {
		o.Headings = d.Headings
	}
	return o
}

// outlineLinks returns copies of links with what an outline keeps of
// them: not their place in the tree, nor where they were resolved to.
func outlineLinks(links []*Link) []*Link {
	var kept []*Link
	for _, l := range links {
		kept = append(kept, &Link{Dest: l.Dest, Text: l.Text, Sentence: l.Sentence, Offset: l.Offset, Section: l.Section, Image: l.Image})
	}
	return kept
}

// ReadOutline reads an outline AppendOutline wrote, of the document src.
// The document it returns has headings and links only: it cannot be
// rendered, nor its sections read.
func ReadOutline(r *record.Reader, src []byte) (*Doc, error) {
	d := &Doc{Source: src}
	if n := r.Len(); n > 0 {
		d.Headings = make([]Heading, n)
		for i := range d.Headings {
			h := &d.Headings[i]
			h.Level, h.ID, h.Text, h.Offset, h.Explicit = int(r.Uint()), r.String(), r.String(), int(r.Uint()), r.Uint() == 1
			for range r.Len() {
				h.Aliases = append(h.Aliases, r.String())
			}
		}
	}
	for _, links := range []*[]*Link{&d.Links, &d.AutoLinks} {
		for range r.Len() {
			*links = append(*links, &Link{Dest: r.String(), Text: r.String(), Sentence: r.String(), Offset: int(r.Uint()), Section: r.String(), Image: r.Uint() == 1})
		}
	}
	return d, r.Err()
}

// Parse parses src. Offsets in the result are relative to src.
func (c *Converter) Parse(src []byte) *Doc {
	ctx := parser.NewContext()
	c.md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	return ctx.Get(docKey).(*Doc)
}

// docKey holds the Doc that collector makes of a parsed document.
var docKey = parser.NewContextKey()

// collector is the AST transformer that gives every heading its id and
// records a document's headings, links and problems, with their byte
// offsets, for the caller to resolve: link targets are ids of a whole
// letter, known only once all its documents are parsed, so links are
// resolved with Link.SetTarget before rendering.
type collector struct {
	allowHTML bool
}

var _ parser.ASTTransformer = collector{}

func (c collector) Transform(root *ast.Document, reader text.Reader, pc parser.Context) {
	d := &Doc{Source: reader.Source(), root: root}
	d.collect(c.allowHTML)
	pc.Set(docKey, d)
}

// allowedSchemes are the schemes an autolink <…> may have.
var allowedSchemes = map[string]bool{"http": true, "https": true, "mailto": true, "tel": true}

// collect records headings, links and problems in document order.
func (d *Doc) collect(allowHTML bool) {
	section := ""
	linkAt := map[int]bool{}
	var verbatim []span
	_ = ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if s, ok := verbatimSpan(n, d.Source); ok {
			verbatim = append(verbatim, s)
		}
		switch n := n.(type) {
		case *ast.Heading:
			explicit := d.headingAttributes(n)
			id := headingID(n)
			if !explicit {
				id = Slug(plainText(n, d.Source))
				n.SetAttributeString("id", []byte(id))
			}
			section = id
			d.Headings = append(d.Headings, Heading{
				Level: n.Level, ID: id, Text: plainText(n, d.Source),
				Offset: blockOffset(n, d.Source), Explicit: explicit, Aliases: headingAliases(n),
			})
		case *ast.Link:
			linkAt[n.Pos()] = true
			l := &Link{Dest: string(n.Destination), Text: plainText(n, d.Source), Offset: n.Pos(), Section: section, node: n}
			if len(strings.Fields(l.Text)) < minNamingWords {
				l.Sentence = linkSentence(n, d.Source)
			}
			d.Links = append(d.Links, l)
		case *ast.Image:
			linkAt[n.Pos()], linkAt[n.Pos()+1] = true, true // at ! or [
			d.Links = append(d.Links, &Link{Dest: string(n.Destination), Text: plainText(n, d.Source), Offset: n.Pos(), Section: section, Image: true, node: n})
		case *ast.AutoLink:
			dest := string(n.URL(d.Source))
			d.AutoLinks = append(d.AutoLinks, &Link{Dest: dest, Text: string(n.Label(d.Source)), Offset: n.Pos(), Section: section, node: n})
			// <javascript:…> would become a link that leads nowhere.
			if scheme, _, _ := strings.Cut(dest, ":"); n.AutoLinkType == ast.AutoLinkURL && !allowedSchemes[strings.ToLower(scheme)] {
				d.Problems = append(d.Problems, Problem{n.Pos(), diag.M(diag.LinkScheme, diag.M(diag.WhatLink), dest)})
			}
		case *ast.RawHTML:
			// A closing tag is not reported again after its opening one.
			if v := n.Segments.Value(d.Source); !allowHTML && !isComment(v) && !bytes.HasPrefix(v, []byte("</")) {
				d.rawHTMLProblem(n.Segments.At(0).Start, n.Segments.Value(d.Source))
			}
		case *ast.HTMLBlock:
			if !allowHTML && n.HTMLBlockType != ast.HTMLBlockType2 && n.Lines().Len() > 0 {
				d.rawHTMLProblem(n.Lines().At(0).Start, n.Lines().Value(d.Source))
			}
		}
		return ast.WalkContinue, nil
	})
	d.halfLinks(linkAt, verbatim)
	slices.SortStableFunc(d.Problems, func(a, b Problem) int { return a.Offset - b.Offset })
}

// headingID returns the id of a heading.
func headingID(h *ast.Heading) string {
	v, _ := h.AttributeString("id")
	id, _ := v.([]byte)
	return string(id)
}

// headingAttributes completes and checks a heading's attribute block and
// reports whether it gives the id. goldmark reads {…} only at the very
// end of the line; before a closing sequence of #s (## Kosten {#k} ##),
// which CommonMark strips first, it is read here. A heading takes an id
// and aliases; anything else, or an empty id, is a problem.
func (d *Doc) headingAttributes(h *ast.Heading) bool {
	if h.Attributes() == nil && h.Lines().Len() > 0 {
		last := h.Lines().At(h.Lines().Len() - 1)
		line := last.Value(d.Source)
		if i := bytes.LastIndexByte(line, '{'); i >= 0 && bytes.HasSuffix(line, []byte("}")) {
			r := text.NewReader(line[i:])
			if attrs, ok := parser.ParseAttributes(r); ok && r.Peek() == text.EOF {
				for _, a := range attrs {
					h.SetAttribute(a.Name, a.Value)
				}
				last = last.WithStop(last.Start + i)
				last = last.TrimRightSpace(d.Source)
				h.Lines().Set(h.Lines().Len()-1, last)
				// The heading's text node still covers the block: cut it too.
				if t, ok := h.LastChild().(*ast.Text); ok && t.Segment.Stop > last.Stop {
					t.Segment = t.Segment.WithStop(max(last.Stop, t.Segment.Start))
				}
			}
		}
	}
	explicit := false
	for _, a := range h.Attributes() {
		switch string(a.Name) {
		case "id":
			explicit = true
			if v, _ := a.Value.([]byte); len(v) == 0 {
				d.Problems = append(d.Problems, Problem{blockOffset(h, d.Source), diag.M(diag.EmptyHeadingID)})
			}
		case "alias", "zoekwoorden":
		default:
			d.Problems = append(d.Problems, Problem{blockOffset(h, d.Source), diag.M(diag.HeadingAttribute, attrText(a))})
		}
	}
	return explicit
}

// attrText shows an attribute about as the editor wrote it.
func attrText(a ast.Attribute) string {
	v := fmt.Sprint(a.Value)
	if b, ok := a.Value.([]byte); ok {
		v = string(b)
	}
	if string(a.Name) == "class" {
		return "." + strings.ReplaceAll(v, " ", " .")
	}
	return string(a.Name) + "=" + v
}

// isComment reports whether raw HTML is only an HTML comment: an
// editor's note, left out of the page.
func isComment(v []byte) bool {
	v = bytes.TrimSpace(v)
	return bytes.HasPrefix(v, []byte("<!--")) && bytes.HasSuffix(v, []byte("-->"))
}

// rawHTMLProblem reports raw HTML in a site that does not allow it, with
// the Markdown to write instead where there is one.
func (d *Doc) rawHTMLProblem(offset int, v []byte) {
	tag := strings.ToLower(string(htmlTagRE.Find(v)))
	show := strings.TrimSpace(string(v))
	if i := strings.IndexByte(show, '\n'); i >= 0 {
		show = show[:i] + " …"
	}
	if len(show) > 60 {
		show = show[:strings.LastIndexByte(show[:57], ' ')+1] + "…"
	}
	hint, ok := markdownFor[strings.TrimPrefix(strings.TrimPrefix(tag, "<"), "/")]
	if !ok {
		hint = diag.HTMLOther
	}
	d.Problems = append(d.Problems, Problem{offset, diag.M(diag.RawHTML, show, diag.M(hint))})
}

// htmlTagRE finds the first tag name of raw HTML.
var htmlTagRE = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9-]*`)

// markdownFor says how to write common HTML elements in Markdown.
var markdownFor = map[string]diag.ID{
	"b": diag.HTMLBold, "strong": diag.HTMLBold, "i": diag.HTMLItalic, "em": diag.HTMLItalic,
	"a":    diag.HTMLLink,
	"br":   diag.HTMLBreak,
	"p":    diag.HTMLParagraph,
	"div":  diag.HTMLParagraph,
	"span": diag.HTMLSpan,
	"abbr": diag.HTMLAbbr,
	"ul":   diag.HTMLList, "ol": diag.HTMLNumbered, "li": diag.HTMLItem,
	"h1": diag.HTMLH1, "h2": diag.HTMLH2, "h3": diag.HTMLH3, "h4": diag.HTMLH4,
	"del": diag.HTMLDel, "s": diag.HTMLDel,
	"code":  diag.HTMLCode,
	"img":   diag.HTMLImg,
	"table": diag.HTMLTable, "tr": diag.HTMLTable, "td": diag.HTMLTable,
	"hr": diag.HTMLRule,
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

// headingSearchWords returns the words of a heading's zoekwoorden
// attribute, split at commas.
func headingSearchWords(h *ast.Heading) []string {
	v, ok := h.AttributeString("zoekwoorden")
	if !ok {
		return nil
	}
	var s string
	switch v := v.(type) {
	case []byte:
		s = string(v)
	case string:
		s = v
	}
	var out []string
	for _, w := range strings.Split(s, ",") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
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

// Render writes d as HTML, with the link destinations as last set.
func (c *Converter) Render(w io.Writer, d *Doc) error {
	bw := bufWriter(w)
	defer putBufWriter(bw)
	return c.md.Renderer().Render(bw, d.Source, d.root)
}

// bufWriters are the buffered writers goldmark renders through (it
// flushes them at the end): made for every page, they were a fiftieth
// of what a 10,000-letter build allocates.
var bufWriters = sync.Pool{New: func() any { return bufio.NewWriter(nil) }}

// bufWriter returns a buffered writer to w from bufWriters.
func bufWriter(w io.Writer) *bufio.Writer {
	bw := bufWriters.Get().(*bufio.Writer)
	bw.Reset(w)
	return bw
}

// putBufWriter returns bw, flushed, to bufWriters.
func putBufWriter(bw *bufio.Writer) {
	bw.Reset(nil)
	bufWriters.Put(bw)
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

// rawHTML shows inline raw HTML as text (a build reports it as a
// problem), and leaves out comments.
func (r *nodeRenderer) rawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if n := node.(*ast.RawHTML); entering && !isComment(n.Segments.Value(src)) {
		for i := 0; i < n.Segments.Len(); i++ {
			seg := n.Segments.At(i)
			w.Write(util.EscapeHTML(seg.Value(src)))
		}
	}
	return ast.WalkSkipChildren, nil
}

// htmlBlock shows a raw HTML block as a paragraph of text (a build
// reports it as a problem), and leaves out comments.
func (r *nodeRenderer) htmlBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if n := node.(*ast.HTMLBlock); entering && n.HTMLBlockType != ast.HTMLBlockType2 {
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
