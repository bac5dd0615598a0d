// Package offline decides how the copies of a letter that a reader takes
// offline hold together: one self-contained HTML file with the letter,
// its annex, the handreikingen it links, the theme and its own search
// index, which can be attached to an e-mail or opened on a tablet (and,
// without the handreikingen, the document a letter's PDF is printed
// from); and, for a letter that links files of its own, a zip with all of
// that and those files, which works unzipped from file://.
//
// The build renders the copies' pages through the theme's templates, as
// every page; this package gives those pages their links (a render.Linker:
// ZipLinks for the pages of the zip, Document for the parts of one
// document), by the site's own URL code, and packs the zip. A link to a
// page of the copy stays inside the copy; a link to the rest of the site
// goes to the page's canonical address. Zips are deterministic (see
// publish.Zip).
package offline

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"mime"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"ledenbrief/internal/publish"
	"ledenbrief/internal/site"
)

// Copy is one letter and what its offline copies hold.
type Copy struct {
	Slug    string    // the letter's folder, "21-082"
	Title   string    // the letter's number and subject, the start page's title
	BaseURL string    // the site's canonical address, ending in "/"
	Time    time.Time // the time every zip entry carries
	// Annex says the letter has an annex page.
	Annex bool
	// Guides are the folders of the handreikingen the letter links to
	// ("handreikingen/h/"), whose pages the copies hold, sorted.
	Guides []string
	// Files are the theme's assets and the letter's search index
	// (search/meta.js), by site path.
	Files map[string][]byte
	// Media reads a file under media/ that a page shows or links to, by
	// its site path.
	Media func(sitePath string) ([]byte, error)
}

// letterPath and annexPath are the folders of the letter's pages.
func (c *Copy) letterPath() string { return site.LetterPath(c.Slug) }
func (c *Copy) annexPath() string  { return site.AnnexPath(c.Slug) }

// Folders are the folders of the pages of the copy's zip: the letter, its
// annex, its handreikingen and the search page.
func (c *Copy) Folders() []string {
	out := []string{c.letterPath()}
	if c.Annex {
		out = append(out, c.annexPath())
	}
	return append(append(out, c.Guides...), site.SearchPath)
}

// canonical is the address on the published site of the page or file at
// site path p (a folder ending in "/"), at fragment.
func (c *Copy) canonical(p, fragment string) string {
	s := c.BaseURL + p
	if fragment != "" {
		s += "#" + fragment
	}
	return s
}

// ZipLinks places the links of the pages of a copy's zip: links between
// the copy's pages, to its files and to media (which the zip then holds)
// stay relative; the rest of the site is reached online. It records the
// media the pages use; use it for one copy's pages, one at a time.
type ZipLinks struct {
	c       *Copy
	folders map[string]bool
	media   map[string]bool
}

// ZipLinks returns the links of the pages of c's zip.
func (c *Copy) ZipLinks() *ZipLinks {
	l := &ZipLinks{c: c, folders: map[string]bool{}, media: map[string]bool{}}
	for _, f := range c.Folders() {
		l.folders[f] = true
	}
	return l
}

// Page is a link to a page: within the copy, or online.
func (l *ZipLinks) Page(from, to, fragment string) string {
	if l.folders[to] {
		return site.Rel(from, to, fragment)
	}
	return l.c.canonical(to, fragment)
}

// File is a link to a file: the copy's own and media relative, the rest
// of the site online.
func (l *ZipLinks) File(from, p, fragment string, shown bool) string {
	_, own := l.c.Files[p]
	if strings.HasPrefix(p, "media/") {
		l.media[p], own = true, true
	}
	if !own {
		return l.c.canonical(p, fragment)
	}
	return site.RelFile(from, p, fragment)
}

// ID is the page's own id: every page of the zip is a document of its own.
func (l *ZipLinks) ID(from, id string) string { return id }

// Zip returns the copy as a zip that works unzipped: in its one top
// folder (ZipFolder), the site's folders as published, with an index.html
// that opens the letter. pages are the copy's pages by site path
// ("21-082/index.html"), rendered with links (whose media it adds).
func (c *Copy) Zip(pages map[string][]byte, links *ZipLinks) ([]byte, error) {
	files := map[string][]byte{"index.html": c.startPage()}
	maps.Copy(files, pages)
	maps.Copy(files, c.Files)
	for m := range links.media {
		data, err := c.Media(m)
		if err != nil {
			return nil, err
		}
		files[m] = data
	}
	var b bytes.Buffer
	z := publish.NewZip(&b, c.Time)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := z.Add(c.ZipFolder()+"/"+name, files[name]); err != nil {
			return nil, err
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// DownloadName is the name a letter's downloads are saved under, without
// extension: "lbr-21-082", after the number readers know.
func DownloadName(slug string) string { return "lbr-" + slug }

// ZipFolder is the one top folder of the copy's zip, named after the
// letter (DownloadName): two letters' copies unzipped in one place do not
// mix.
func (c *Copy) ZipFolder() string { return DownloadName(c.Slug) }

// startPage is the copy's index.html: it opens the letter.
func (c *Copy) startPage() []byte {
	to := html.EscapeString(c.letterPath() + "index.html")
	return []byte(`<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>` + html.EscapeString(c.Title) +
		`</title><meta http-equiv="refresh" content="0; url=` + to + `"></head><body><p><a href="` + to + `">` +
		html.EscapeString(c.Title) + "</a></p></body></html>\n")
}

// Document places the links of pages made parts of one document: the
// letter, its annex and (in the single file) its handreikingen. A link
// between the parts jumps within the document; images are inline; every
// other link goes online. Each part's own theme ids (lb_…) are made its
// own: the annex's start lb_b_, the n-th handreiking's lb_gn_. It is safe
// for concurrent use.
type Document struct {
	c      *Copy
	top    map[string]string // a part's folder → where it starts in the document
	prefix map[string]string // a part's folder → the prefix of its theme ids

	mu     sync.Mutex
	online map[string]bool // the files under media/ it links online
}

// Document returns the links of c as one document, with its
// handreikingen or without (the print).
func (c *Copy) Document(withGuides bool) *Document {
	d := &Document{c: c, top: map[string]string{c.letterPath(): "lb_title"}, prefix: map[string]string{}, online: map[string]bool{}}
	if c.Annex {
		d.top[c.annexPath()], d.prefix[c.annexPath()] = "bijlage", "lb_b_"
	}
	if withGuides {
		for i, g := range c.Guides {
			d.top[g], d.prefix[g] = GuideID(g), fmt.Sprintf("lb_g%d_", i)
		}
	}
	return d
}

// Page is a jump to a part, or a link online: a link to the letter or
// its annex keeps its fragment (their ids are unique in one letter), a
// link to a handreiking goes to where its part starts.
func (d *Document) Page(from, to, fragment string) string {
	top, ok := d.top[to]
	if !ok {
		return d.c.canonical(to, fragment)
	}
	if fragment == "" || (to != d.c.letterPath() && to != d.c.annexPath()) {
		fragment = top
	}
	return "#" + fragment
}

// File is an image inline (a data: URL), any other file online.
func (d *Document) File(from, p, fragment string, shown bool) string {
	if strings.HasPrefix(p, "media/") {
		if shown {
			if data, err := d.c.Media(p); err == nil {
				return dataURI(p, data)
			}
		}
		d.mu.Lock()
		d.online[p] = true
		d.mu.Unlock()
	}
	return d.c.canonical(p, fragment)
}

// MediaOnline lists the files of the content (under media/) that the
// document's parts link to online, sorted: what a reader of the document
// cannot open without the internet.
func (d *Document) MediaOnline() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Sorted(maps.Keys(d.online))
}

// ID is a theme id made the part's own.
func (d *Document) ID(from, id string) string {
	if prefix := d.prefix[from]; prefix != "" {
		return prefix + strings.TrimPrefix(id, "lb_")
	}
	return id
}

// Here maps the pages of the document to their places in it (JSON, by
// the pages' site paths), for the search engine: a result with a fragment
// goes to it, one without to the place its page starts.
func (d *Document) Here() ([]byte, error) {
	here := map[string]string{}
	for folder, top := range d.top {
		here[folder+"index.html"] = top
	}
	return json.Marshal(here)
}

// Online is the letter's address on the site.
func (d *Document) Online() string { return d.c.canonical(d.c.letterPath(), "") }

// GuideID is the id of a handreiking's part in the single file, from its
// page's folder: lb_h_ and the handreiking's id. The prefix keeps it
// apart from every id a letter has, aliases included (ids of content
// have no underscore).
func GuideID(folder string) string {
	return "lb_h_" + path.Base(folder)
}

// dataURI embeds a file as a data: URL.
func dataURI(name string, data []byte) string {
	t := mime.TypeByExtension(path.Ext(name))
	if t == "" {
		t = "application/octet-stream"
	}
	return "data:" + t + ";base64," + base64.StdEncoding.EncodeToString(data)
}
