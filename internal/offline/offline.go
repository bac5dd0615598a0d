// Package offline makes the copies of a letter that a reader takes
// offline, from its pages as the build rendered them: a zip with the
// letter, its annex, the handreikingen it links, the theme and its own
// search index, which works unzipped from file://; and one self-contained
// HTML file with all of that inside (styles, script, search index, images),
// which can be attached to an e-mail or opened on a tablet, put together
// by the theme's layout from the parts made here (Copy.Single). A link to
// a page of the copy stays inside the copy; a link to the rest of the
// site goes to the page's canonical address. Zips are deterministic (see
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
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"ledenbrief/internal/publish"
)

// Copy is one letter and what its offline copies hold, every file by its
// path from the site root ("21-082/bijlage/index.html").
type Copy struct {
	Slug    string    // the letter's folder, "21-082"
	Title   string    // the letter's number and subject, the single file's title
	BaseURL string    // the site's canonical address, ending in "/"
	Time    time.Time // the time every zip entry carries
	// Pages are the letter page (without its downloads), its annex, the
	// pages of the handreikingen it links and the search page.
	Pages map[string][]byte
	// Files are the theme's assets and the letter's search index
	// (search/meta.js).
	Files map[string][]byte
	// Media reads a file under media/ that a page shows or links to, by
	// its site path.
	Media func(sitePath string) ([]byte, error)
}

// ownNotices matches what each page carries for itself and the single
// file once for all its parts: the breadcrumb trail and the notice of a
// concept build.
var ownNotices = regexp.MustCompile(`(?s)<nav class="breadcrumbs".*?</nav>|<p class="notice concept-build".*?</p>`)

// mainOf returns the content of a page's <main>.
func mainOf(page []byte) ([]byte, bool) {
	start := bytes.Index(page, []byte(`<main id="lb_main"`))
	end := bytes.LastIndex(page, []byte(`</main>`))
	if start < 0 || end < start {
		return nil, false
	}
	open := bytes.IndexByte(page[start:], '>')
	if open < 0 || start+open+1 > end {
		return nil, false
	}
	return page[start+open+1 : end], true
}

// ownIDs gives the theme's own ids of a page (lb_…) a prefix, so that
// they do not repeat the letter page's in one document.
func ownIDs(part []byte, prefix string) []byte {
	for _, attr := range []string{`id="`, `aria-labelledby="`, `aria-describedby="`, `href="#`} {
		part = bytes.ReplaceAll(part, []byte(attr+"lb_"), []byte(attr+prefix))
	}
	return part
}

// letterPath and annexPath are the letter's pages in a copy.
func (c *Copy) letterPath() string { return c.Slug + "/index.html" }
func (c *Copy) annexPath() string  { return c.Slug + "/bijlage/index.html" }

// has reports whether the copy holds the file at site path p.
func (c *Copy) has(p string) bool {
	_, page := c.Pages[p]
	_, file := c.Files[p]
	return page || file
}

// relink rewrites every link of page, at site path from, with to: given
// the site path a link resolves to (a folder's index.html named) and its
// fragment, to returns the new link and true, or false to keep it. It
// scans the page once for the attributes that hold links (href, src,
// action, data-engine), as the build writes them: quoted.
func relink(page []byte, from string, to func(attr, target, fragment string) (string, bool)) []byte {
	dir := path.Dir(from)
	var out []byte
	last := 0
	for i := 0; ; {
		j := bytes.Index(page[i:], []byte(`="`))
		if j < 0 {
			break
		}
		j += i
		end := bytes.IndexByte(page[j+2:], '"')
		if end < 0 {
			break
		}
		end += j + 2
		i = end + 1
		k := j
		for k > 0 && (page[k-1] == '-' || 'a' <= page[k-1] && page[k-1] <= 'z') {
			k--
		}
		if k == 0 || page[k-1] != ' ' || !linkAttrs[string(page[k:j])] {
			continue
		}
		link, ok := resolve(dir, string(page[k:j]), html.UnescapeString(string(page[j+2:end])), to)
		if !ok {
			continue
		}
		out = append(append(out, page[last:j+2]...), html.EscapeString(link)...)
		last = end
	}
	if out == nil {
		return page
	}
	return append(out, page[last:]...)
}

// linkAttrs are the attributes whose values are links.
var linkAttrs = map[string]bool{"href": true, "src": true, "action": true, "data-engine": true}

// resolve finds where one link of a page in folder dir leads and asks to
// what to make of it.
func resolve(dir, attr, raw string, to func(attr, target, fragment string) (string, bool)) (string, bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" {
		return "", false // external, mail, telephone, or within the page
	}
	target := path.Clean(path.Join(dir, u.Path))
	if strings.HasSuffix(u.Path, "/") || target == "." {
		target = strings.TrimPrefix(target+"/index.html", "./")
	}
	if target == ".." || strings.HasPrefix(target, "../") {
		return "", false
	}
	return to(attr, target, u.Fragment)
}

// canonical is a site path's address on the published site.
func (c *Copy) canonical(target, fragment string) string {
	s := c.BaseURL + strings.TrimSuffix(target, "index.html")
	if fragment != "" {
		s += "#" + fragment
	}
	return s
}

// forCopy is the relinking of a zip: links into the copy stay, and so
// do links to media (which the zip then holds); the rest of the site is
// reached online.
func (c *Copy) forCopy(media map[string]bool) func(attr, target, fragment string) (string, bool) {
	return func(attr, target, fragment string) (string, bool) {
		switch {
		case c.has(target):
			return "", false
		case strings.HasPrefix(target, "media/"):
			media[target] = true
			return "", false
		}
		return c.canonical(target, fragment), true
	}
}

// DownloadName is the name a letter's downloads are saved under, without
// extension: "lbr-21-082", after the number readers know.
func DownloadName(slug string) string { return "lbr-" + slug }

// ZipFolder is the one top folder of the copy's zip, named after the
// letter (DownloadName): two letters' copies unzipped in one place do not
// mix.
func (c *Copy) ZipFolder() string { return DownloadName(c.Slug) }

// Zip returns the copy as a zip that works unzipped: in its one top
// folder (ZipFolder), the site's folders as published, with an index.html
// that opens the letter.
func (c *Copy) Zip() ([]byte, error) {
	files := map[string][]byte{"index.html": c.startPage()}
	media := map[string]bool{}
	for p, page := range c.Pages {
		files[p] = relink(page, p, c.forCopy(media))
	}
	for p, data := range c.Files {
		files[p] = data
	}
	for m := range media {
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

// startPage is the copy's index.html: it opens the letter.
func (c *Copy) startPage() []byte {
	to := html.EscapeString(c.letterPath())
	return []byte(`<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>` + html.EscapeString(c.Title) +
		`</title><meta http-equiv="refresh" content="0; url=` + to + `"></head><body><p><a href="` + to + `">` +
		html.EscapeString(c.Title) + "</a></p></body></html>\n")
}

// SingleParts are the pieces of the copy as one HTML file, which the
// theme's layout puts together (page kind "offline"): the main content of
// the letter, its annex and the handreikingen it links, each made one
// part of one document (its own ids prefixed where they would repeat
// another's, every link between them a jump within the file, images
// inlined, links to the rest of the site online).
type SingleParts struct {
	Letter []byte
	Annex  []byte // nil when the letter has no annex
	Guides []Part
	// Here maps the pages of the copy to their places in the file (JSON),
	// for the search engine: a result with a fragment goes to it, one
	// without to the place its page starts.
	Here []byte
	// Online is the letter's address on the site.
	Online string
}

// Part is one handreiking in the single file: its place (id) and content.
type Part struct {
	ID   string
	HTML []byte
}

// Single returns the pieces of the copy as one HTML file.
func (c *Copy) Single() (*SingleParts, error) {
	guides := c.guidePaths()
	fragmentOf := map[string]string{c.letterPath(): "lb_title", c.annexPath(): "bijlage"}
	for _, g := range guides {
		fragmentOf[g] = guideID(g)
	}
	to := func(attr, target, fragment string) (string, bool) {
		if top, ok := fragmentOf[target]; ok {
			if fragment == "" || (target != c.letterPath() && target != c.annexPath()) {
				fragment = top
			}
			return "#" + fragment, true
		}
		if attr == "src" && strings.HasPrefix(target, "media/") {
			if data, err := c.Media(target); err == nil {
				return dataURI(target, data), true
			}
		}
		return c.canonical(target, fragment), true
	}
	part := func(p, prefix string) ([]byte, error) {
		m, ok := mainOf(c.Pages[p])
		if !ok {
			return nil, fmt.Errorf("offline: %s is not a page of ledenbrief", p)
		}
		body := ownNotices.ReplaceAll(m, nil)
		if prefix != "" {
			body = ownIDs(body, prefix) // before the links to other parts become fragments
		}
		return relink(body, p, to), nil
	}
	var err error
	out := &SingleParts{Online: c.canonical(c.letterPath(), "")}
	if out.Letter, err = part(c.letterPath(), ""); err != nil {
		return nil, err
	}
	if _, ok := c.Pages[c.annexPath()]; ok {
		if out.Annex, err = part(c.annexPath(), "lb_b_"); err != nil {
			return nil, err
		}
	}
	for i, g := range guides {
		body, err := part(g, fmt.Sprintf("lb_g%d_", i))
		if err != nil {
			return nil, err
		}
		out.Guides = append(out.Guides, Part{ID: guideID(g), HTML: body})
	}
	if out.Here, err = json.Marshal(fragmentOf); err != nil {
		return nil, err
	}
	return out, nil
}

// guidePaths lists the handreiking pages of the copy, sorted.
func (c *Copy) guidePaths() []string {
	var out []string
	for p := range c.Pages {
		if strings.HasPrefix(p, "handreikingen/") {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// guideID is the id of a handreiking's section in the single file, from
// its page's path: lb_h_ and the handreiking's id. The prefix keeps it
// apart from every id a letter has, aliases included (ids of content
// have no underscore).
func guideID(p string) string {
	return "lb_h_" + path.Base(path.Dir(p))
}

// dataURI embeds a file as a data: URL.
func dataURI(name string, data []byte) string {
	t := mime.TypeByExtension(path.Ext(name))
	if t == "" {
		t = "application/octet-stream"
	}
	return "data:" + t + ";base64," + base64.StdEncoding.EncodeToString(data)
}
