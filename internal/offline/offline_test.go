package offline

import (
	"archive/zip"
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// testCopy is a copy of a letter with an annex and one handreiking.
func testCopy() *Copy {
	return &Copy{Slug: "21-082", Title: "Lbr. 21/082: Test", BaseURL: "https://example.org/site/", Time: time.Date(2021, 12, 6, 12, 0, 0, 0, time.UTC),
		Annex: true, Guides: []string{"handreikingen/h/"},
		Files: map[string][]byte{"search/meta.js": []byte("LB.bundle(\"x\");"), "assets/style.1.css": []byte("body{}")},
		Media: func(p string) ([]byte, error) {
			if p == "media/brieven/a.png" {
				return []byte("PNG"), nil
			}
			return nil, errors.New("no such file")
		},
	}
}

// TestZipLinksKeepTheCopyAndSendTheRestOnline places the links of the
// copy's annex page: the copy's pages, files and media relative, the rest
// of the site online.
func TestZipLinksKeepTheCopyAndSendTheRestOnline(t *testing.T) {
	l := testCopy().ZipLinks()
	from := "21-082/bijlage/"
	for _, c := range []struct{ got, want string }{
		{l.Page(from, "21-082/", "brief-x"), "../index.html#brief-x"},
		{l.Page(from, "21-082/bijlage/", "x"), "#x"},
		{l.Page(from, "handreikingen/h/", ""), "../../handreikingen/h/index.html"},
		{l.Page(from, "zoeken/", ""), "../../zoeken/index.html"},
		{l.Page(from, "handreikingen/andere/", "lb_refs"), "https://example.org/site/handreikingen/andere/#lb_refs"},
		{l.Page(from, "", ""), "https://example.org/site/"},
		{l.File(from, "media/brieven/a.png", "", true), "../../media/brieven/a.png"},
		{l.File(from, "search/meta.js", "", false), "../../search/meta.js"},
		{l.File(from, "feed.xml", "", false), "https://example.org/site/feed.xml"},
		{l.ID(from, "lb_toc"), "lb_toc"},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
	if !l.media["media/brieven/a.png"] || len(l.media) != 1 {
		t.Errorf("media %v, want the image", l.media)
	}
}

// TestDocumentJoinsThePages places the links of the parts of one
// document: links between the parts become jumps, a handreiking is
// reached where its part starts, images are inline, each part's theme ids
// its own; the print document, without handreikingen, sends them online.
func TestDocumentJoinsThePages(t *testing.T) {
	c := testCopy()
	d := c.Document(true)
	for _, tc := range []struct{ got, want string }{
		{d.Page("21-082/", "21-082/bijlage/", "a"), "#a"},
		{d.Page("21-082/bijlage/", "21-082/", ""), "#lb_title"},
		{d.Page("21-082/", "21-082/bijlage/", ""), "#bijlage"},
		{d.Page("21-082/", "handreikingen/h/", "x"), "#lb_h_h"},
		{d.Page("21-082/", "22-001/", "x"), "https://example.org/site/22-001/#x"},
		{d.File("21-082/", "media/brieven/a.png", "", true), "data:image/png;base64,UE5H"},
		{d.File("21-082/", "media/brieven/a.png", "", false), "https://example.org/site/media/brieven/a.png"},
		{d.ID("21-082/", "lb_title"), "lb_title"},
		{d.ID("21-082/bijlage/", "lb_toc"), "lb_b_toc"},
		{d.ID("handreikingen/h/", "lb_refs"), "lb_g0_refs"},
		{d.Online(), "https://example.org/site/21-082/"},
		{c.Document(false).Page("21-082/", "handreikingen/h/", ""), "https://example.org/site/handreikingen/h/"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
	here, err := d.Here()
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"21-082/bijlage/index.html":"bijlage","21-082/index.html":"lb_title","handreikingen/h/index.html":"lb_h_h"}`; string(here) != want {
		t.Errorf("here = %s, want %s", here, want)
	}
	// Only the linked file went online; the image shown is inside.
	if got := d.MediaOnline(); !slices.Equal(got, []string{"media/brieven/a.png"}) {
		t.Errorf("media online %v, want the one linked, not shown", got)
	}
	if got := c.Document(true).MediaOnline(); len(got) != 0 {
		t.Errorf("a document that linked nothing has media online: %v", got)
	}
}

// TestZipIsDeterministic makes the same copy twice: the same bytes, the
// entries sorted, every entry with the copy's time, the media the pages
// use inside.
func TestZipIsDeterministic(t *testing.T) {
	mk := func() []byte {
		c := testCopy()
		links := c.ZipLinks()
		links.File("21-082/", "media/brieven/a.png", "", true)
		pages := map[string][]byte{"21-082/index.html": []byte(`<a href="bijlage/index.html">b</a>`), "21-082/bijlage/index.html": []byte(`<p>bijlage</p>`)}
		data, err := c.Zip(pages, links)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	a, b := mk(), mk()
	if !bytes.Equal(a, b) {
		t.Fatal("two zips of the same copy differ")
	}
	r, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
		if !f.Modified.Equal(time.Date(2021, 12, 6, 12, 0, 0, 0, time.UTC)) {
			t.Errorf("%s has time %v", f.Name, f.Modified)
		}
	}
	if got := strings.Join(names, " "); got != "lbr-21-082/21-082/bijlage/index.html lbr-21-082/21-082/index.html lbr-21-082/assets/style.1.css lbr-21-082/index.html lbr-21-082/media/brieven/a.png lbr-21-082/search/meta.js" {
		t.Errorf("entries %s", got)
	}
}
