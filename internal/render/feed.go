package render

import (
	"bytes"
	"encoding/xml"
	"fmt"
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

// Feed is the Atom feed of the latest site.FeedEntries published letters,
// newest first, with canonical URLs. Times come from the letters' dates,
// never from the clock, so the feed is stable.
func Feed(s *site.Site) []byte {
	cfg := s.Content.Config
	f := atom{
		Lang:   cfg.Language,
		Title:  cfg.Title,
		ID:     cfg.BaseURL,
		Links:  []atomLink{{Href: cfg.BaseURL + "feed.xml", Rel: "self", Type: "application/atom+xml"}, {Href: cfg.BaseURL}, {Href: cfg.BaseURL + "manifest.json", Rel: "related", Type: "application/json"}},
		Author: cfg.Publisher,
	}
	f.Updated = "2000-01-01T00:00:00Z"
	letters := s.Published()
	letters = letters[:min(len(letters), site.FeedEntries)]
	var updated time.Time // the latest date of a letter or a correction
	for _, l := range letters {
		url := cfg.BaseURL + site.LetterPath(l.Slug)
		f.Entries = append(f.Entries, atomEntry{
			Title:   site.LetterTitle(l.Meta),
			ID:      url,
			Link:    atomLink{Href: url},
			Updated: atomTime(l.Meta.Updated()),
			Summary: l.Meta.Summary,
		})
		if l.Meta.Updated().After(updated) {
			updated = l.Meta.Updated()
		}
	}
	if !updated.IsZero() {
		f.Updated = atomTime(updated)
	}
	return encodeXML(f)
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

// MaxSitemapURLs is how many URLs one sitemap file may hold (the sitemap
// protocol's limit).
const MaxSitemapURLs = 50000

// Sitemaps returns the sitemap files by name: "sitemap.xml" listing the
// pages that are in a sitemap (site.Page.InSitemap) by their canonical URL
// under base or, when there are more than MaxSitemapURLs, a sitemap index
// of sitemap-1.xml, sitemap-2.xml … that list them.
func Sitemaps(base string, pages []*site.Page) map[string][]byte {
	var urls []sitemapURL
	for _, p := range pages {
		if p.InSitemap() {
			urls = append(urls, sitemapURL{Loc: base + p.Path, LastMod: p.LastMod})
		}
	}
	return sitemapFiles(urls, base, MaxSitemapURLs)
}

// sitemapFiles writes urls as one sitemap.xml, or, beyond max, as
// sitemap-1.xml … of max URLs each with sitemap.xml their index.
func sitemapFiles(urls []sitemapURL, base string, max int) map[string][]byte {
	if len(urls) <= max {
		return map[string][]byte{"sitemap.xml": encodeXML(urlset{URLs: urls})}
	}
	out := map[string][]byte{}
	var index sitemapIndex
	for i := 0; i*max < len(urls); i++ {
		name := fmt.Sprintf("sitemap-%d.xml", i+1)
		out[name] = encodeXML(urlset{URLs: urls[i*max : min(len(urls), (i+1)*max)]})
		index.Sitemaps = append(index.Sitemaps, sitemapURL{Loc: base + name})
	}
	out["sitemap.xml"] = encodeXML(index)
	return out
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// encodeXML writes v as an indented XML document.
func encodeXML(v any) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", " ")
	_ = enc.Encode(v) // plain strings cannot fail to encode
	b.WriteByte('\n')
	return b.Bytes()
}
