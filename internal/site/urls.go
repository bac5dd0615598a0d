package site

import (
	"path"
	"strings"
)

// Page paths: every page is a folder with an index.html, so canonical
// URLs are pretty ("/21-082/bijlage/") while links inside the site name the
// file, which is what a browser needs on file://.
const (
	HomePath          = ""
	GuidesPath        = "handreikingen/"
	AbbreviationsPath = "afkortingen/"
	SearchPath        = "zoeken/"
)

// NotFoundFile is the page servers show for an address the site does not
// have.
const NotFoundFile = "404.html"

// reservedFolders are the top-level folders the site writes, which a
// site page's id may not take.
var reservedFolders = map[string]bool{
	"handreikingen": true, "afkortingen": true, "zoeken": true, "archief": true, "reeks": true,
	"search": true, "assets": true, "media": true, "bijlage": true, "wijzigingen": true,
}

// PagePath is the folder of a site page.
func PagePath(id string) string { return id + "/" }

// LetterPath is the folder of a letter's page.
func LetterPath(slug string) string { return slug + "/" }

// AnnexPath is the folder of a letter's annex page.
func AnnexPath(slug string) string { return slug + "/bijlage/" }

// ChangesPath is the folder of the page that shows what changed in a
// letter against the previous edition of its series.
func ChangesPath(slug string) string { return slug + "/wijzigingen/" }

// ComparePath is the folder of the page that compares letter slug with
// another edition of its series, other: 25-903/wijzigingen/24-901/.
func ComparePath(slug, other string) string { return ChangesPath(slug) + other + "/" }

// SeriesPath is the folder of a series' page, which leads to its newest edition.
func SeriesPath(id string) string { return "reeks/" + id + "/" }

// GuidePath is the folder of a handreiking's page.
func GuidePath(id string) string { return "handreikingen/" + id + "/" }

// Rel returns a relative link from the page in folder from to the page in
// folder to, with the fragment if it is not empty. Links within one page are
// just the fragment. Every link names index.html so it also works from
// file://, where a folder does not open its index.
func Rel(from, to, fragment string) string {
	if from == to && fragment != "" {
		return "#" + fragment
	}
	return Up(from, to) + "index.html" + hash(fragment)
}

// RelFile returns a relative link from the page in folder from to the
// file at site path p ("media/kaart.png", "feed.xml"), with the fragment
// if it is not empty.
func RelFile(from, p, fragment string) string {
	dir := path.Dir(p) + "/"
	if dir == "./" {
		dir = ""
	}
	return Up(from, dir) + path.Base(p) + hash(fragment)
}

// Up returns the relative folder path from folder from to folder to,
// "" when they are the same.
func Up(from, to string) string {
	f := strings.Split(strings.TrimSuffix(from, "/"), "/")
	t := strings.Split(strings.TrimSuffix(to, "/"), "/")
	if from == "" {
		f = nil
	}
	if to == "" {
		t = nil
	}
	i := 0
	for i < len(f) && i < len(t) && f[i] == t[i] {
		i++
	}
	var b strings.Builder
	for range f[i:] {
		b.WriteString("../")
	}
	for _, seg := range t[i:] {
		b.WriteString(seg)
		b.WriteString("/")
	}
	return b.String()
}

func hash(fragment string) string {
	if fragment == "" {
		return ""
	}
	return "#" + fragment
}
