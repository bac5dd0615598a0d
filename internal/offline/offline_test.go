package offline

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestRelinkKeepsTheCopyAndSendsTheRestOnline rewrites the links of an
// annex page in a copy that holds the letter, the annex and one
// handreiking.
func TestRelinkKeepsTheCopyAndSendsTheRestOnline(t *testing.T) {
	c := &Copy{Slug: "21-082", BaseURL: "https://example.org/site/", Pages: map[string][]byte{
		"21-082/index.html": nil, "21-082/bijlage/index.html": nil, "handreikingen/h/index.html": nil,
	}, Files: map[string][]byte{"assets/style.1.css": nil}}
	page := `<link rel="stylesheet" href="../../assets/style.1.css"><a href="../index.html#brief-x">brief</a> <a href="../../handreikingen/h/index.html">h</a> ` +
		`<a href="../../handreikingen/andere/index.html#lb_refs">andere</a> <a href="../../index.html">home</a> <a href="#x">hier</a> ` +
		`<a href="https://wetten.overheid.nl/">wet</a> <a href="mailto:a@b.nl">mail</a> <form action="../../zoeken/index.html"> <img src="../../media/brieven/a.png"> <p>a="b"</p>`
	media := map[string]bool{}
	got := string(relink([]byte(page), "21-082/bijlage/index.html", c.forCopy(media)))
	want := `<link rel="stylesheet" href="../../assets/style.1.css"><a href="../index.html#brief-x">brief</a> <a href="../../handreikingen/h/index.html">h</a> ` +
		`<a href="https://example.org/site/handreikingen/andere/#lb_refs">andere</a> <a href="https://example.org/site/">home</a> <a href="#x">hier</a> ` +
		`<a href="https://wetten.overheid.nl/">wet</a> <a href="mailto:a@b.nl">mail</a> <form action="https://example.org/site/zoeken/"> <img src="../../media/brieven/a.png"> <p>a="b"</p>`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if !media["media/brieven/a.png"] || len(media) != 1 {
		t.Errorf("media %v, want the image", media)
	}
}

// TestZipIsDeterministic makes the same copy twice: the same bytes, the
// entries sorted, every entry with the copy's time.
func TestZipIsDeterministic(t *testing.T) {
	mk := func() []byte {
		c := &Copy{Slug: "21-082", Title: "Lbr. 21/082: Test", BaseURL: "https://example.org/", Time: time.Date(2021, 12, 6, 12, 0, 0, 0, time.UTC),
			Pages: map[string][]byte{"21-082/index.html": []byte(`<main id="lb_main"><a href="bijlage/index.html">b</a></main>`), "21-082/bijlage/index.html": []byte(`<main id="lb_main"></main>`)},
			Files: map[string][]byte{"search/meta.js": []byte("LB.bundle(\"x\");"), "assets/style.1.css": []byte("body{}")},
		}
		data, err := c.Zip()
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
	if got := strings.Join(names, " "); got != "lbr-21-082/21-082/bijlage/index.html lbr-21-082/21-082/index.html lbr-21-082/assets/style.1.css lbr-21-082/index.html lbr-21-082/search/meta.js" {
		t.Errorf("entries %s", got)
	}
}

// TestSingleFileJoinsThePages checks the parts of the joined document:
// the annex's own ids get a prefix so they do not repeat the letter's,
// links between the parts become fragments, a handreiking keeps its place
// (id), and no part keeps its own breadcrumb trail.
func TestSingleFileJoinsThePages(t *testing.T) {
	c := &Copy{Slug: "21-082", Title: "T", BaseURL: "https://example.org/", Pages: map[string][]byte{
		"21-082/index.html":          []byte(`<main id="lb_main"><h1 id="lb_title">Brief</h1><a href="bijlage/index.html#a">Hier</a> <a href="../handreikingen/h/index.html">h</a></main>`),
		"21-082/bijlage/index.html":  []byte(`<main id="lb_main"><nav class="breadcrumbs" aria-label="Kruimelpad"><ol></ol></nav><h2 id="lb_toc">Inhoud</h2><a href="#lb_toc">terug</a><a href="../index.html">brief</a><h2 id="a">A</h2></main>`),
		"handreikingen/h/index.html": []byte(`<main id="lb_main"><h1>H</h1><h2 id="lb_refs">Genoemd in</h2><a href="../../21-082/bijlage/index.html#a">A</a></main>`),
	}}
	parts, err := c.Single()
	if err != nil {
		t.Fatal(err)
	}
	var guides []string
	for _, g := range parts.Guides {
		guides = append(guides, g.ID+": "+string(g.HTML))
	}
	got := string(parts.Letter) + "\n" + string(parts.Annex) + "\n" + strings.Join(guides, "\n") + "\n" + string(parts.Here)
	for _, want := range []string{
		`<a href="#a">Hier</a> <a href="#lb_h_h">h</a>`,
		`<h2 id="lb_b_toc">Inhoud</h2><a href="#lb_b_toc">terug</a><a href="#lb_title">brief</a><h2 id="a">A</h2>`,
		`lb_h_h: <h1>H</h1><h2 id="lb_g0_refs">Genoemd in</h2><a href="#a">A</a>`,
		`{"21-082/bijlage/index.html":"bijlage","21-082/index.html":"lb_title","handreikingen/h/index.html":"lb_h_h"}`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the parts have no %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Kruimelpad") {
		t.Error("a part kept its own breadcrumb trail")
	}
	if parts.Online != "https://example.org/21-082/" {
		t.Errorf("online at %s", parts.Online)
	}
}
