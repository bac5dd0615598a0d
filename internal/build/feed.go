package build

import (
	"bytes"
	"encoding/xml"
	"time"

	"ledenbrief/internal/site"
)

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Link    atomLink `xml:"link"`
	Updated string   `xml:"updated"`
	Summary string   `xml:"summary,omitempty"`
}

type atom struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Links   []atomLink  `xml:"link"`
	Updated string      `xml:"updated"`
	Author  string      `xml:"author>name"`
	Entries []atomEntry `xml:"entry"`
}

// atomFeed lists the letters newest first with canonical URLs. Times come
// from the letters' dates, never from the clock, so the feed is stable.
func atomFeed(s *site.Site) ([]byte, error) {
	cfg := s.Content.Config
	f := atom{
		Lang:   cfg.Language,
		Title:  cfg.Title,
		ID:     cfg.BaseURL,
		Links:  []atomLink{{Href: cfg.BaseURL + "feed.xml", Rel: "self", Type: "application/atom+xml"}, {Href: cfg.BaseURL}},
		Author: cfg.Publisher,
	}
	f.Updated = "2000-01-01T00:00:00Z"
	letters := s.Published()
	if len(letters) > 0 {
		f.Updated = atomTime(letters[0].Meta.Date)
	}
	for _, l := range letters {
		url := cfg.BaseURL + site.LetterPath(l.Slug)
		f.Entries = append(f.Entries, atomEntry{
			Title:   l.Meta.Number + ": " + l.Meta.Subject,
			ID:      url,
			Link:    atomLink{Href: url},
			Updated: atomTime(l.Meta.Date),
			Summary: l.Meta.Summary,
		})
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type urlset struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

// sitemap lists every page by its canonical URL.
func sitemap(s *site.Site) []byte {
	base := s.Content.Config.BaseURL
	u := urlset{URLs: []sitemapURL{{Loc: base}, {Loc: base + site.GuidesPath}, {Loc: base + site.AbbreviationsPath}}}
	for _, l := range s.Published() {
		d := l.Meta.Date.Format(time.DateOnly)
		u.URLs = append(u.URLs, sitemapURL{Loc: base + site.LetterPath(l.Slug), LastMod: d})
		if len(l.Sections) > 0 {
			u.URLs = append(u.URLs, sitemapURL{Loc: base + site.AnnexPath(l.Slug), LastMod: d})
		}
		if l.Previous() != nil {
			u.URLs = append(u.URLs, sitemapURL{Loc: base + site.ChangesPath(l.Slug), LastMod: d})
		}
	}
	for _, sr := range s.Series {
		if n := sr.Newest(); !n.Meta.Draft {
			u.URLs = append(u.URLs, sitemapURL{Loc: base + sr.Path(), LastMod: n.Meta.Date.Format(time.DateOnly)})
		}
	}
	for _, g := range s.Guides {
		u.URLs = append(u.URLs, sitemapURL{Loc: base + g.Path()})
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", " ")
	_ = enc.Encode(u) // plain strings cannot fail to encode
	b.WriteByte('\n')
	return b.Bytes()
}
