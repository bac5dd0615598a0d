package render

import (
	"strings"
	"testing"
)

func TestSitemapSplitsBeyondItsLimit(t *testing.T) {
	urls := []sitemapURL{{Loc: "https://e.org/a/"}, {Loc: "https://e.org/b/"}, {Loc: "https://e.org/c/"}}
	if files := sitemapFiles(urls, "https://e.org/", 3); len(files) != 1 || !strings.Contains(string(files["sitemap.xml"]), "<loc>https://e.org/c/</loc>") {
		t.Errorf("3 URLs within a limit of 3: %v", files)
	}
	files := sitemapFiles(urls, "https://e.org/", 2)
	index := string(files["sitemap.xml"])
	if len(files) != 3 || !strings.Contains(index, "<sitemapindex") || !strings.Contains(index, "<loc>https://e.org/sitemap-2.xml</loc>") {
		t.Fatalf("3 URLs over a limit of 2: index %s", index)
	}
	if n := strings.Count(string(files["sitemap-1.xml"]), "<url>"); n != 2 || !strings.Contains(string(files["sitemap-2.xml"]), "https://e.org/c/") {
		t.Errorf("the parts hold %d and %q", n, files["sitemap-2.xml"])
	}
}
