package build

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"time"

	"ledenbrief/internal/offline"
	"ledenbrief/internal/render"
	"ledenbrief/internal/search"
	"ledenbrief/internal/site"
)

// SiteZip is the zip of the whole site, at its top.
const SiteZip = "ledenbrieven.zip"

// offlineKit is what the offline copies of every letter share: the
// theme and the site's canonical address.
type offlineKit struct {
	s      *site.Site
	r      *render.Renderer
	assets map[string][]byte // "assets/style.3f2a9c1e.css" → content
	style  template.CSS      // the theme's style sheet, then the publisher's, to put inline
	engine template.JS       // the search engine, to put inline
	marker template.JS       // the page script (site.js), which marks a result's words, to put inline
	guides *guideUnits       // the handreikingen's units, analysed once for the site and every copy
}

func newOfflineKit(s *site.Site, r *render.Renderer, guides *guideUnits) (*offlineKit, error) {
	k := &offlineKit{s: s, r: r, assets: map[string][]byte{}, guides: guides}
	for _, a := range r.Assets() {
		k.assets["assets/"+a.Name] = a.Data
	}
	engine, ok := r.Asset("search.js")
	if !ok {
		return nil, fmt.Errorf("theme: offline copies need assets/search.js")
	}
	marker, ok := r.Asset("site.js")
	if !ok {
		return nil, fmt.Errorf("theme: offline copies need assets/site.js")
	}
	style, err := inlineStyle(s, r)
	if err != nil {
		return nil, err
	}
	// Escaped once here, not in every copy.
	k.style = template.CSS(bytes.ReplaceAll(style, []byte("</style"), []byte(`<\/style`)))
	k.engine, k.marker = script(engine.Data), script(marker.Data)
	return k, nil
}

// downloads is what the page of letter li offers: its copies, beside it.
// Their sizes are set when copies makes them.
func (k *offlineKit) downloads(li *site.LetterInfo) *render.Downloads {
	name := li.Path() + offline.DownloadName(li.Slug)
	return &render.Downloads{Zip: name + ".zip", HTML: name + ".html"}
}

// copies makes the offline copies of a resolved letter, whose letter and
// annex pages (annexPage nil when it has none) are as the site shows them,
// writes them where d says, and sets their sizes in d. The copies' pages
// are rendered from the same page data, with the links offline gives them.
//
// The single file holds everything the zip holds (pages, handreikingen,
// search) but the files of the content that the pages link to and do not
// show (a PDF, a spreadsheet): it links those online. So the zip is made
// only for a letter that links such files, and d.Zip is "" otherwise. At
// 1,000 generated letters the zips took 99.6 MB beside 159.9 MB of single
// files and 60 MB of pages.
func (k *offlineKit) copies(out *output, rl *site.Letter, units []*search.AnalyzedUnit, letterPage, annexPage *render.Page, d *render.Downloads) error {
	li := rl.Info
	guides := rl.LinkedGuides(k.s)
	c := &offline.Copy{
		Slug: li.Slug, Title: site.LetterTitle(li.Meta), BaseURL: k.s.Content.Config.BaseURL,
		Time:  time.Date(li.Meta.Date.Year(), li.Meta.Date.Month(), li.Meta.Date.Day(), 12, 0, 0, 0, time.UTC),
		Annex: annexPage != nil, Files: maps.Clone(k.assets), Media: contentMedia(k.s, out.rec),
	}
	guidePages := make([]*render.Page, len(guides))
	for i, rp := range guides {
		c.Guides = append(c.Guides, rp.Guide.Path())
		guidePages[i] = view(k.s, site.GuidePage(rp))
	}
	index, err := k.copyIndex(units, guides)
	if err != nil {
		return err
	}
	c.Files[search.MetaPath] = nil // the zip's, made only when there is one
	pages := append([]*render.Page{letterPage, annexPage}, guidePages...)
	single, online, err := k.single(c, li, pages, index)
	if err != nil {
		return err
	}
	d.HTMLSize = int64(len(single))
	if err := out.WriteFile(d.HTML, single); err != nil {
		return err
	}
	if len(online) == 0 {
		d.Zip = ""
		return nil
	}
	if c.Files[search.MetaPath], err = search.Packed(index); err != nil {
		return err
	}
	zip, err := k.zip(c, append(pages, k.searchPage()))
	if err != nil {
		return err
	}
	d.ZipSize = int64(len(zip))
	return out.WriteFile(d.Zip, zip)
}

// searchPage is the search page of a copy, whose search finds its letter
// only.
func (k *offlineKit) searchPage() *render.Page {
	p := view(k.s, site.SearchPage())
	p.InCopy = true
	return p
}

// copyIndex is the search index of a copy: the letter's units and those
// of the handreikingen it links, as analysed for the site.
func (k *offlineKit) copyIndex(units []*search.AnalyzedUnit, guides []*site.RefsPage) ([]byte, error) {
	analyzed := slices.Clone(units)
	for _, rp := range guides {
		au, err := k.guides.unit(rp.Guide, site.AnchorTexts(rp.Refs))
		if err != nil {
			return nil, err
		}
		analyzed = append(analyzed, au)
	}
	return k.searchIndex(analyzed)
}

// zip renders pages (nil ones left out) with the links of c's zip and
// packs them.
func (k *offlineKit) zip(c *offline.Copy, pages []*render.Page) ([]byte, error) {
	links := c.ZipLinks()
	files := map[string][]byte{}
	for _, p := range pages {
		if p == nil {
			continue
		}
		v := *p
		v.Linker, v.Downloads = links, nil
		var b bytes.Buffer
		if err := k.r.Render(&b, &v); err != nil {
			return nil, err
		}
		files[v.Path+"index.html"] = b.Bytes()
	}
	return c.Zip(files, links)
}

// searchIndex is the static search index of a copy, of the units
// analysed (the letter's and the handreikingen's), numbered from 0, as
// the single file holds it inline (see search.StaticBundle).
func (k *offlineKit) searchIndex(analyzed []*search.AnalyzedUnit) ([]byte, error) {
	units := make([]search.Unit, len(analyzed))
	for i, au := range analyzed {
		own := *au
		own.Ordinal = i
		analyzed[i], units[i] = &own, own.Unit
	}
	dict, err := search.BuildDictionary(analyzed)
	if err != nil {
		return nil, err
	}
	dict.NoteSynonyms(k.s.Content.Synonyms)
	return search.StaticBundle(dict, units)
}

// single renders the copy c of letter li as one HTML file, through the
// theme's layout like every page (kind offline), its parts the content of
// pages (the letter, its annex, its handreikingen; nil ones left out),
// with its style, the search engine and the letter's search index (index)
// inline. It also returns the content's files the file links online.
func (k *offlineKit) single(c *offline.Copy, li *site.LetterInfo, pages []*render.Page, index []byte) ([]byte, []string, error) {
	links := c.Document(true)
	doc, err := document(k.r, li, links, pages)
	if err != nil {
		return nil, nil, err
	}
	here, err := links.Here()
	if err != nil {
		return nil, nil, err
	}
	doc.Style = k.style
	doc.Scripts = []template.JS{script(append(append([]byte("window.LB_HERE="), here...), ';')), k.marker, k.engine, script(index)}
	var b bytes.Buffer
	page := &render.Page{Kind: site.KindOffline, Path: li.Path(), Title: site.LetterTitle(li.Meta), Document: doc}
	if err := k.r.Render(&b, page); err != nil {
		return nil, nil, err
	}
	return b.Bytes(), links.MediaOnline(), nil
}

// script is a script to put inline. Most need no escape (a copy's index,
// in base64, never holds '<'), and are not copied to find that out.
func script(js []byte) template.JS {
	if !bytes.Contains(js, []byte("</script")) {
		return template.JS(js)
	}
	return template.JS(bytes.ReplaceAll(js, []byte("</script"), []byte(`<\/script`)))
}

// document renders pages (the letter's, its annex's, then handreikingen;
// nil ones left out) as the parts of one document of letter li, with
// links. The caller adds style and scripts.
func document(r *render.Renderer, li *site.LetterInfo, links *offline.Document, pages []*render.Page) (*render.Document, error) {
	doc := &render.Document{Number: li.Meta.Number, Online: links.Online()}
	for _, p := range pages {
		if p == nil {
			continue
		}
		v := *p
		v.Linker, v.Downloads = links, nil
		part, err := r.Part(&v)
		if err != nil {
			return nil, err
		}
		switch v.Kind {
		case site.KindLetter:
			doc.Letter = part
		case site.KindAnnex:
			doc.Annex = part
		default:
			doc.Guides = append(doc.Guides, render.DocumentPart{ID: offline.GuideID(v.Path), HTML: part})
		}
	}
	return doc, nil
}

// inlineStyle is the style sheet a document that loads nothing carries
// inline: the theme's, then the publisher's, minified.
func inlineStyle(s *site.Site, r *render.Renderer) ([]byte, error) {
	style, ok := r.Asset("style.css")
	if !ok {
		return nil, fmt.Errorf("theme: a letter's documents need assets/style.css")
	}
	own := s.Content.Config.Stylesheet
	if own == "" {
		return style.Data, nil
	}
	data, err := fs.ReadFile(s.Content.FS, own)
	if err != nil {
		return nil, fmt.Errorf("copy %s: %w", own, err)
	}
	if data, err = r.MinifyCSS(data); err != nil {
		return nil, fmt.Errorf("copy %s: %w", own, err)
	}
	return append(append(bytes.Clone(style.Data), '\n'), data...), nil
}

// contentMedia reads a media file of the site (media/…) from the content
// folder, for a document that holds its images, and notes it in fr
// unless that is nil.
func contentMedia(s *site.Site, fr *fileRecorder) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		name := strings.TrimPrefix(p, "media/")
		if fr != nil {
			fr.read(name)
		}
		data, err := fs.ReadFile(s.Content.FS, name)
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", p, err)
		}
		return data, nil
	}
}
