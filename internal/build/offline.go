package build

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"sync"
	"time"

	"ledenbrief/internal/content"
	"ledenbrief/internal/offline"
	"ledenbrief/internal/render"
	"ledenbrief/internal/search"
	"ledenbrief/internal/site"
)

// SiteZip is the zip of the whole site, at its top.
const SiteZip = "ledenbrieven.zip"

// offlineKit is what the offline copies of every letter share: the
// theme, the search page, and the site's canonical address.
type offlineKit struct {
	s          *site.Site
	r          *render.Renderer
	assets     map[string][]byte // "assets/style.3f2a9c1e.css" → content
	searchPage []byte
	style      []byte   // the theme's style sheet, then the publisher's
	engine     []byte   // the search engine
	guideUnits sync.Map // handreiking id → *search.AnalyzedUnit, analysed once for every copy
}

func newOfflineKit(s *site.Site, r *render.Renderer) (*offlineKit, error) {
	k := &offlineKit{s: s, r: r, assets: map[string][]byte{}}
	for _, a := range r.Assets() {
		k.assets["assets/"+a.Name] = a.Data
	}
	engine, ok := r.Asset("search.js")
	if !ok {
		return nil, fmt.Errorf("theme: offline copies need assets/search.js")
	}
	style, err := inlineStyle(s, r)
	if err != nil {
		return nil, err
	}
	k.style, k.engine = style, engine.Data
	var b bytes.Buffer
	searchPage := view(s, site.SearchPage())
	searchPage.InCopy = true
	if err := r.Render(&b, searchPage); err != nil {
		return nil, err
	}
	k.searchPage = b.Bytes()
	return k, nil
}

// downloads is what the page of letter li offers: its copies, beside it.
// Their sizes are set when copies makes them.
func (k *offlineKit) downloads(li *site.LetterInfo) *render.Downloads {
	name := li.Path() + offline.DownloadName(li.Slug)
	return &render.Downloads{Zip: name + ".zip", HTML: name + ".html"}
}

// copies makes the offline copies of a resolved letter from its pages as
// rendered (the letter page without downloads), writes them where d
// says, and sets their sizes in d.
func (k *offlineKit) copies(out *output, rl *site.Letter, units []search.Unit, letterPage, annexPage []byte, d *render.Downloads) error {
	li := rl.Info
	c := &offline.Copy{
		Slug: li.Slug, Title: site.LetterTitle(li.Meta), BaseURL: k.s.Content.Config.BaseURL,
		Time:  time.Date(li.Meta.Date.Year(), li.Meta.Date.Month(), li.Meta.Date.Day(), 12, 0, 0, 0, time.UTC),
		Pages: map[string][]byte{li.Path() + "index.html": letterPage, site.SearchPath + "index.html": k.searchPage},
		Files: map[string][]byte{},
	}
	if annexPage != nil {
		c.Pages[li.AnnexPath()+"index.html"] = annexPage
	}
	var analyzed []*search.AnalyzedUnit
	for _, u := range units {
		au, err := search.Analyze(u)
		if err != nil {
			return err
		}
		analyzed = append(analyzed, au)
	}
	var err error
	for _, rp := range rl.LinkedGuides(k.s) {
		g := rp.Guide
		var b bytes.Buffer
		if err := k.r.Render(&b, view(k.s, site.GuidePage(rp))); err != nil {
			return err
		}
		c.Pages[g.Path()+"index.html"] = b.Bytes()
		au, err := k.guideUnit(g)
		if err != nil {
			return err
		}
		analyzed = append(analyzed, au)
	}
	for p, data := range k.assets {
		c.Files[p] = data
	}
	c.Media = contentMedia(k.s)
	if c.Files[search.MetaPath], err = k.searchIndex(analyzed); err != nil {
		return err
	}
	zip, err := c.Zip()
	if err != nil {
		return err
	}
	single, err := k.single(c, li, c.Files[search.MetaPath])
	if err != nil {
		return err
	}
	d.ZipSize, d.HTMLSize = int64(len(zip)), int64(len(single))
	if err := out.WriteFile(d.Zip, zip); err != nil {
		return err
	}
	return out.WriteFile(d.HTML, single)
}

// searchIndex is the static search index of a copy, of the units
// analysed (the letter's and the handreikingen's), numbered from 0.
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
// theme's layout like every page (kind offline), with its style, the
// search engine and the letter's search index (index) inline.
func (k *offlineKit) single(c *offline.Copy, li *site.LetterInfo, index []byte) ([]byte, error) {
	parts, err := c.Single()
	if err != nil {
		return nil, err
	}
	script := func(js []byte) template.JS {
		return template.JS(bytes.ReplaceAll(js, []byte("</script"), []byte(`<\/script`)))
	}
	f := &render.Document{
		Number: li.Meta.Number, Online: parts.Online,
		Letter: template.HTML(parts.Letter), Annex: template.HTML(parts.Annex),
		Style:   template.CSS(bytes.ReplaceAll(k.style, []byte("</style"), []byte(`<\/style`))),
		Scripts: []template.JS{script(append(append([]byte("window.LB_HERE="), parts.Here...), ';')), script(k.engine), script(index)},
	}
	for _, g := range parts.Guides {
		f.Guides = append(f.Guides, render.DocumentPart{ID: g.ID, HTML: template.HTML(g.HTML)})
	}
	var b bytes.Buffer
	page := &render.Page{Kind: site.KindOffline, Path: li.Path(), Title: site.LetterTitle(li.Meta), Document: f}
	if err := k.r.Render(&b, page); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// inlineStyle is the style sheet a document that loads nothing carries
// inline: the theme's, then the publisher's.
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
	return append(append(bytes.Clone(style.Data), '\n'), data...), nil
}

// contentMedia reads a media file of the site (media/…) from the content
// folder, for a document that holds its images.
func contentMedia(s *site.Site) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		data, err := fs.ReadFile(s.Content.FS, strings.TrimPrefix(p, "media/"))
		if err != nil {
			return nil, fmt.Errorf("copy %s: %w", p, err)
		}
		return data, nil
	}
}

// guideUnit returns a handreiking's unit, analysed the first time.
func (k *offlineKit) guideUnit(g *site.Guide) (*search.AnalyzedUnit, error) {
	if au, ok := k.guideUnits.Load(g.ID); ok {
		return au.(*search.AnalyzedUnit), nil
	}
	units := []search.Unit{GuideUnit(g, content.KindLabel(g.Kind), 0)}
	search.AddAbbreviations(units, k.s.Content.Abbreviations)
	search.AddSynonyms(units, k.s.Content.Synonyms)
	au, err := search.Analyze(units[0])
	if err != nil {
		return nil, err
	}
	k.guideUnits.Store(g.ID, au)
	return au, nil
}
