// Package render writes the pages of a site as HTML through html/template,
// with the theme's templates and fingerprinted assets, minified. It owns
// the theme (embedded, overridable file by file from a folder) and the
// per-page helpers templates call; it does not decide what pages exist or
// where links go: that is the site package's job. A page shown away from
// its place in the site (in a letter's offline copy, or as a part of one
// document: Renderer.Part) is rendered from the same data with a Linker
// that places its links.
package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"

	"ledenbrief/internal/content"
	"ledenbrief/internal/diff"
	"ledenbrief/internal/manifest"
	"ledenbrief/internal/markdown"
	"ledenbrief/internal/site"
)

var kinds = []string{site.KindHome, site.KindLetter, site.KindAnnex, site.KindGuide, site.KindGuides, site.KindAbbreviations, site.KindSearch, site.KindChanges, site.KindSeries, site.KindRedirect, site.KindArchive, site.KindGuideRefs, site.KindPage, site.KindNotFound, site.KindOffline, site.KindPrint}

// Asset is a theme file as published: its fingerprinted name and content.
type Asset struct {
	Name string // "style.3f2a9c1e.css"
	Data []byte
}

// Renderer renders pages. It is safe for concurrent use.
type Renderer struct {
	templates map[string]*template.Template
	assets    map[string]Asset // by the theme's name for it, "style.css"
	minifier  *minify.M        // the theme's style sheets and scripts
	pageMin   *minify.M        // pages: their HTML, not their inline style and scripts (see New)
	conv      *markdown.Converter
	config    *content.Config
	pages     []*site.InfoPage
	sum       [32]byte // of the templates and assets, see Fingerprint
	concept   *Concept // set for a build with drafts
	siteZip   string   // the zip of the whole site, when the build writes one
}

// Concept describes a build that shows drafts: every page says it is a
// concept version, not for publishing, and names the drafts in it.
type Concept struct {
	Drafts []string // the numbers of the draft letters, "Lbr. 22/010"
}

// MarkConcept makes every page rendered from now on say that the site is
// a concept version with drafts (none, when the content has none now).
// Call it before rendering.
func (r *Renderer) MarkConcept(drafts []string) {
	r.concept = &Concept{Drafts: drafts}
}

// Fingerprint is a hash of the theme's templates and assets: the same
// for the same theme.
func (r *Renderer) Fingerprint() [32]byte { return r.sum }

// Overlay returns a file system that serves files from override when it
// has them and from base otherwise, so that a site can replace single
// templates or assets of the embedded theme. A nil override is allowed.
func Overlay(base, override fs.FS) fs.FS {
	if override == nil {
		return base
	}
	return overlay{base: base, override: override}
}

type overlay struct{ base, override fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	f, err := o.override.Open(name)
	if err == nil {
		if info, serr := f.Stat(); serr == nil && !info.IsDir() {
			return f, nil
		}
		f.Close()
	}
	return o.base.Open(name)
}

// ReadDir lists the union of both folders, so that a site may add assets.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	base, berr := fs.ReadDir(o.base, name)
	over, oerr := fs.ReadDir(o.override, name)
	if berr != nil && oerr != nil {
		return nil, berr
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range append(over, base...) {
		if !seen[e.Name()] {
			seen[e.Name()] = true
			out = append(out, e)
		}
	}
	return out, nil
}

// New loads the theme from theme (with folders templates/ and assets/).
// pages are the site pages, which the menu and the footer of every page
// may list.
func New(theme fs.FS, conv *markdown.Converter, config *content.Config, pages []*site.InfoPage) (*Renderer, error) {
	r := &Renderer{
		templates: map[string]*template.Template{},
		assets:    map[string]Asset{},
		minifier:  minify.New(),
		conv:      conv,
		config:    config,
		pages:     pages,
	}
	r.minifier.AddFunc("text/css", css.Minify)
	r.minifier.AddFunc("application/javascript", js.Minify)
	// A page's inline scripts are the theme's, minified once when the
	// theme is loaded, and a copy's search index: minifying them again in
	// every offline copy cost a tenth of a 5,000-letter build. Its inline
	// style is the theme's too (and the publisher's, minified once for
	// all copies, see MinifyCSS): minifying it again cost 3% of the CPU
	// of such a build.
	r.pageMin = minify.New()
	r.pageMin.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true})
	layout, err := fs.ReadFile(theme, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	sum := sha256.New()
	sum.Write(layout)
	for _, kind := range kinds {
		name := "templates/" + kind + ".html"
		text, err := fs.ReadFile(theme, name)
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		fmt.Fprintf(sum, "\x00%s\x00%d\x00", name, len(text))
		sum.Write(text)
		t, err := template.New("layout").Funcs(funcs).Parse(string(layout))
		if err == nil {
			_, err = t.New(kind).Parse(string(text))
		}
		if err != nil {
			return nil, fmt.Errorf("theme: %s: %w", name, err)
		}
		r.templates[kind] = t
	}
	if err := r.loadAssets(theme); err != nil {
		return nil, err
	}
	for _, a := range r.Assets() {
		fmt.Fprintf(sum, "\x00%s\x00%d\x00", a.Name, len(a.Data))
	}
	sum.Sum(r.sum[:0])
	return r, nil
}

// loadAssets minifies and fingerprints every file in assets/.
func (r *Renderer) loadAssets(theme fs.FS) error {
	entries, err := fs.ReadDir(theme, "assets")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("theme: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := fs.ReadFile(theme, "assets/"+e.Name())
		if err != nil {
			return fmt.Errorf("theme: %w", err)
		}
		ext := path.Ext(e.Name())
		if mediatype := mediaTypes[ext]; mediatype != "" {
			if data, err = r.minifier.Bytes(mediatype, data); err != nil {
				return fmt.Errorf("theme: minify assets/%s: %w", e.Name(), err)
			}
		}
		sum := sha256.Sum256(data)
		name := strings.TrimSuffix(e.Name(), ext) + "." + hex.EncodeToString(sum[:4]) + ext
		r.assets[e.Name()] = Asset{Name: name, Data: data}
	}
	return nil
}

var mediaTypes = map[string]string{".css": "text/css", ".js": "application/javascript"}

// MinifyCSS minifies a style sheet as the theme's is minified, for a page
// that carries it inline: Render leaves inline style as it is.
func (r *Renderer) MinifyCSS(data []byte) ([]byte, error) {
	return r.minifier.Bytes("text/css", data)
}

// Asset returns a published theme file by the theme's name for it.
func (r *Renderer) Asset(name string) (Asset, bool) {
	a, ok := r.assets[name]
	return a, ok
}

// Assets returns the published theme files.
func (r *Renderer) Assets() []Asset {
	out := make([]Asset, 0, len(r.assets))
	for _, a := range r.assets {
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y Asset) int { return strings.Compare(x.Name, y.Name) })
	return out
}

// Page is what a template sees: the page and helpers bound to its place
// in the site.
type Page struct {
	Kind        string
	Path        string // folder of the page, "" for home
	Title       string
	Description string
	Site        *content.Config
	Canonical   string // absolute URL of the page

	Home          []site.HomeEntry       // home: the latest letters
	Years         []site.ArchiveYear     // home: the archive's years
	Archive       *site.ArchivePage      // a page of the archive
	Refs          *site.RefsPage         // a handreiking's page, or a further page of its places
	Letter        *site.Letter           // letter and annex
	Changes       *site.Changes          // what changed in an edition
	Fates         map[string]*site.Fate  // the annex of an old edition: what became of its subsections, by id
	Series        *site.Series           // a series page
	Redirect      *site.Redirect         // an old address
	Guide         *site.Guide            // a handreiking
	Guides        []*site.Guide          // the handreikingen index
	Abbreviations []content.Abbreviation // the abbreviations page
	SitePage      *site.InfoPage         // a site page
	Downloads     *Downloads             // a letter page: its offline copies
	Document      *Document              // a letter's pages as one document: its offline single file, its print

	// Refresh, when set, is the folder of the page this one leads to at
	// once (a series' newest edition, the new address of an alias).
	Refresh string
	// Draft marks every page of a letter that is not published yet.
	Draft bool
	// InCopy marks a page made for a letter's offline copy, whose search
	// finds that letter only.
	InCopy bool

	// Linker, when set, places the page's links: it is shown away from
	// its place in the site.
	Linker Linker

	// Root is the relative path from the page to the site root; on a
	// page that may be shown at any address (site.KindNotFound, and the
	// single file of an offline copy) it is the site's canonical address,
	// and every link is absolute.
	Root string
	r    *Renderer
}

// Document is what a letter's pages made one document hold besides the
// layout every page has: the letter, its annex and (in the offline single
// file) the handreikingen it links, as parts of one document (see package
// offline), and its style and scripts inline, so that the file needs
// nothing else. The offline single file and the print document of a
// letter are such documents.
type Document struct {
	Number        string // the letter's number, for the breadcrumb trail
	Online        string // the letter's address on the site
	Letter, Annex template.HTML
	Guides        []DocumentPart
	Style         template.CSS
	Scripts       []template.JS
}

// DocumentPart is one handreiking in the single file.
type DocumentPart struct {
	ID   string
	HTML template.HTML
}

// Downloads are the offline copies a letter page offers, by their paths
// from the site root, with their sizes in bytes.
type Downloads struct {
	Zip, HTML, PDF             string // Zip is "" for a letter whose single file holds it all, PDF when the site is built without
	ZipSize, HTMLSize, PDFSize int64
}

// Linker places the links of a page shown away from its own place in the
// site: in a letter's offline copy, or as a part of one document (see
// package offline). A page without one links as the site does.
type Linker interface {
	// Page is the link from the page in folder from to the page in folder
	// to, at fragment.
	Page(from, to, fragment string) string
	// File is the link from the page in folder from to the file at site
	// path p, at fragment; shown says the page shows the file (an image)
	// rather than leads to it.
	File(from, p, fragment string, shown bool) string
	// ID is the id a theme's own element (lb_toc) takes in the page in
	// folder from, unique in the document the page is part of.
	ID(from, id string) string
}

// File returns the URL of the file at site path p.
func (p *Page) File(sitePath string) string {
	if p.Linker != nil {
		return p.Linker.File(p.Path, sitePath, "", false)
	}
	if p.anywhere() {
		return p.Root + sitePath
	}
	return site.RelFile(p.Path, sitePath, "")
}

// Link returns the URL of the page in folder to, with fragment: relative,
// or absolute on a page shown at any address.
func (p *Page) Link(to, fragment string) string {
	switch {
	case p.Linker != nil:
		return p.Linker.Page(p.Path, to, fragment)
	case p.anywhere():
		return p.Root + to + hashOf(fragment)
	}
	return site.Rel(p.Path, to, fragment)
}

// ID returns the id of the theme's own element named name ("toc" is
// lb_toc): in a part of one document, an id of that part's own.
func (p *Page) ID(name string) string {
	if p.Linker != nil {
		return p.Linker.ID(p.Path, "lb_"+name)
	}
	return "lb_" + name
}

// anywhere reports whether the page may be shown at any address: the 404
// page (at any depth of the site), the single file of an offline copy (on
// a reader's computer) and the print document (a file printed). Its links
// are absolute, its style inline.
func (p *Page) anywhere() bool {
	return p.Kind == site.KindNotFound || p.Kind == site.KindOffline || p.Kind == site.KindPrint
}

func hashOf(fragment string) string {
	if fragment == "" {
		return ""
	}
	return "#" + fragment
}

// Asset returns the URL of a theme asset by its unfingerprinted name.
func (p *Page) Asset(name string) (string, error) {
	a, ok := p.r.assets[name]
	if !ok {
		return "", fmt.Errorf("no asset %q in the theme", name)
	}
	return p.Root + "assets/" + a.Name, nil
}

// InlineAsset returns a theme asset's content, for a page that cannot
// link to it (site.KindNotFound: a relative link breaks at another depth).
func (p *Page) InlineAsset(name string) (template.CSS, error) {
	a, ok := p.r.assets[name]
	if !ok {
		return "", fmt.Errorf("no asset %q in the theme", name)
	}
	return template.CSS(a.Data), nil
}

// Media returns the URL of a content file published under media/, which
// the page shows.
func (p *Page) Media(name string) string {
	if p.Linker != nil {
		return p.Linker.File(p.Path, "media/"+name, "", true)
	}
	return p.Root + "media/" + name
}

// OfferSiteZip makes the pages rendered from now on offer name, a zip of
// the whole site at its top, for download (see Page.SiteZip). Call it
// before rendering.
func (r *Renderer) OfferSiteZip(name string) { r.siteZip = name }

// SiteZip is the name of the zip of the whole site that the build writes,
// "" when it writes none.
func (p *Page) SiteZip() string { return p.r.siteZip }

// Concept is set on every page of a build that shows drafts; nil on a
// publication.
func (p *Page) Concept() *Concept { return p.r.concept }

// MenuPages are the site pages listed in every page's main menu.
func (p *Page) MenuPages() []*site.InfoPage {
	return p.r.pagesWhere(func(sp *site.InfoPage) bool { return sp.Menu })
}

// FooterPages are the site pages listed in every page's footer.
func (p *Page) FooterPages() []*site.InfoPage {
	return p.r.pagesWhere(func(sp *site.InfoPage) bool { return sp.Footer })
}

func (r *Renderer) pagesWhere(keep func(*site.InfoPage) bool) []*site.InfoPage {
	var out []*site.InfoPage
	for _, sp := range r.pages {
		if keep(sp) {
			out = append(out, sp)
		}
	}
	return out
}

// Crumb is one step of a page's breadcrumb trail.
type Crumb struct {
	Title, Path string
}

// Breadcrumbs returns the trail from the home page to this page's parent;
// the page itself is the last step the template adds. Pages without a
// trail (home, pages that lead elsewhere at once) return nil.
func (p *Page) Breadcrumbs() []Crumb {
	home := Crumb{"Ledenbrieven", site.HomePath}
	switch p.Kind {
	case site.KindHome, site.KindSeries, site.KindRedirect, site.KindNotFound:
		return nil
	case site.KindAnnex, site.KindChanges:
		li := p.letterInfo()
		return []Crumb{home, {li.Meta.Number, li.Path()}}
	case site.KindGuide:
		return []Crumb{home, {"Handreikingen", site.GuidesPath}}
	case site.KindGuideRefs:
		return []Crumb{home, {"Handreikingen", site.GuidesPath}, {p.Refs.Guide.Title, p.Refs.Guide.Path()}}
	}
	return []Crumb{home}
}

// CrumbTitle is the last step of the breadcrumb trail: this page.
func (p *Page) CrumbTitle() string {
	switch p.Kind {
	case site.KindLetter:
		return p.Letter.Info.Meta.Number
	case site.KindAnnex:
		return "Bijlage"
	case site.KindChanges:
		return "Wijzigingen"
	case site.KindGuideRefs:
		return fmt.Sprintf("Genoemd in (%d)", p.Refs.N)
	case site.KindOffline:
		return p.Document.Number + " (offline kopie)"
	case site.KindPrint:
		return p.Document.Number
	}
	return p.Title
}

func (p *Page) letterInfo() *site.LetterInfo {
	if p.Letter != nil {
		return p.Letter.Info
	}
	return p.Changes.Owner
}

// Version is the version of ledenbrief that builds the site.
func (p *Page) Version() string { return manifest.Version() }

// Markdown renders a parsed document, its links placed as the page's;
// on the annex of an old edition, each subsection's heading is followed
// by what became of it (Fates).
func (p *Page) Markdown(d *markdown.Doc) (template.HTML, error) {
	b := pageBuffers.Get().(*bytes.Buffer)
	defer pageBuffers.Put(b)
	b.Reset()
	var err error
	if p.Linker == nil {
		err = p.r.conv.Render(b, d)
	} else {
		err = p.r.conv.RenderLinked(b, d, func(t markdown.Target, image bool) string {
			if t.File != "" {
				return p.Linker.File(p.Path, t.File, t.Fragment, image)
			}
			return p.Linker.Page(p.Path, t.Page, t.Fragment)
		})
	}
	if err != nil {
		return "", err
	}
	if p.Kind == site.KindAnnex && p.Fates != nil {
		return p.withFates(b.String(), d)
	}
	return template.HTML(b.String()), nil
}

// withFates puts the notice of each subsection's fate right after its
// heading in html, a rendering of d.
func (p *Page) withFates(html string, d *markdown.Doc) (template.HTML, error) {
	var out strings.Builder
	for _, h := range d.Headings {
		f := p.Fates[h.ID]
		open := fmt.Sprintf(`<h%d id="%s">`, h.Level, template.HTMLEscapeString(h.ID))
		start := strings.Index(html, open)
		if f == nil || start < 0 {
			continue
		}
		end := strings.Index(html[start:], fmt.Sprintf("</h%d>", h.Level))
		if end < 0 {
			continue
		}
		end += start + len("</hN>")
		out.WriteString(html[:end])
		if err := p.r.templates[p.Kind].ExecuteTemplate(&out, "fate", p.Fate(f)); err != nil {
			return "", err
		}
		html = html[end:]
	}
	out.WriteString(html)
	return template.HTML(out.String()), nil
}

// FateNote is what the theme's "fate" template shows: what became of a
// section of an old edition, with the page that shows it.
type FateNote struct {
	*site.Fate
	Page *Page
}

// Fate pairs what became of a section with this page, for the theme's
// "fate" template.
func (p *Page) Fate(f *site.Fate) FateNote { return FateNote{Fate: f, Page: p} }

// prepare binds page p to the renderer and the site's settings.
func (r *Renderer) prepare(p *Page) {
	p.r = r
	p.Site = r.config
	p.Root = site.Up(p.Path, "")
	if p.anywhere() {
		p.Root = r.config.BaseURL
	}
	p.Canonical = r.config.BaseURL + p.Path
}

// Render writes page p, minified, to w.
func (r *Renderer) Render(w io.Writer, p *Page) error {
	t := r.templates[p.Kind]
	if t == nil {
		return fmt.Errorf("no template for page kind %q", p.Kind)
	}
	r.prepare(p)
	b := pageBuffers.Get().(*bytes.Buffer)
	defer pageBuffers.Put(b)
	b.Reset()
	if err := t.ExecuteTemplate(b, "layout", p); err != nil {
		return fmt.Errorf("render %s: %w", p.Canonical, err)
	}
	if out, ok := w.(*bytes.Buffer); ok {
		// Minifying only shrinks a page: room for all of it at once, so
		// that an offline copy of a few hundred KB is not grown again and
		// again (a twentieth of what a default build allocated).
		out.Grow(b.Len())
	}
	return r.pageMin.Minify("text/html", w, b)
}

// pageBuffers hold a page before it is minified, and a page's parts
// before they are copied into it: grown again for every page, they were
// a seventh of what a default build allocates.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Part renders the content of page p (its template's "main") for a
// document made of several pages' content, without the layout every page
// has; the document's own layout is rendered by Render, not minified
// here.
func (r *Renderer) Part(p *Page) (template.HTML, error) {
	t := r.templates[p.Kind]
	if t == nil {
		return "", fmt.Errorf("no template for page kind %q", p.Kind)
	}
	r.prepare(p)
	b := pageBuffers.Get().(*bytes.Buffer)
	defer pageBuffers.Put(b)
	b.Reset()
	if err := t.ExecuteTemplate(b, "main", p); err != nil {
		return "", fmt.Errorf("render %s: %w", p.Canonical, err)
	}
	return template.HTML(b.String()), nil
}

// diffText writes one piece of a word-level difference. Inserted and
// deleted text also say so in words, for screen readers (which do not
// announce <ins> and <del>) and for print in black and white.
// Spacing around a change is written outside the element, where the
// minifier cannot fold it into the hidden label's own space.
func diffText(op diff.Op) template.HTML {
	trimmed := strings.TrimSpace(op.Text)
	if op.Kind == diff.Equal || trimmed == "" {
		return template.HTML(template.HTMLEscapeString(op.Text))
	}
	lead := op.Text[:strings.Index(op.Text, trimmed)]
	trail := op.Text[len(lead)+len(trimmed):]
	tag, label := "ins", "toegevoegd"
	if op.Kind == diff.Delete {
		tag, label = "del", "verwijderd"
	}
	return template.HTML(lead + "<" + tag + `><span class="vh">[` + label + ": </span>" + template.HTMLEscapeString(trimmed) + `<span class="vh">]</span></` + tag + ">" + trail)
}

var funcs = template.FuncMap{
	"diff":    diffText,
	"date":    content.DutchDate,
	"isodate": func(t time.Time) string { return t.Format(time.DateOnly) },
	// isoday reads a YYYY-MM-DD date that content loading checked.
	"isoday": func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t },
	"tel":    telURL,
	"kind":   content.KindLabel,
	"abbrid": func(term string) string { return "afk-" + markdown.Slug(term) },
	"size":   sizeText,
	// refsAnchor is where a page of a handreiking's places starts: its
	// own page has them under a heading, further pages from the top.
	"refsAnchor": func(n int) string {
		if n == 1 {
			return "lb_refs"
		}
		return ""
	},
}

// sizeText writes a file size as Dutch readers expect it: "820 bytes",
// "38 kB", "1,4 MB".
func sizeText(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d kB", (n+500)/1000)
	}
	return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/1e6), ".", ",", 1)
}

var nonDigit = regexp.MustCompile(`[^0-9+]`)

// telURL turns a Dutch phone number as printed ("070-373 83 93") into a
// tel: URL in international form.
func telURL(number string) template.URL {
	digits := nonDigit.ReplaceAllString(number, "")
	if strings.HasPrefix(digits, "0") && !strings.HasPrefix(digits, "00") {
		digits = "+31" + digits[1:]
	}
	return template.URL("tel:" + digits)
}
