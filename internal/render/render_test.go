package render

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"ledenbrief"
	"ledenbrief/internal/content"
	"ledenbrief/internal/markdown"
	"ledenbrief/internal/site"
)

func TestTelURL(t *testing.T) {
	for in, want := range map[string]string{
		"070-373 83 93":    "tel:+31703738393",
		"+31 70 373 83 93": "tel:+31703738393",
		"0031 70 3738393":  "tel:0031703738393",
	} {
		if got := string(telURL(in)); got != want {
			t.Errorf("telURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestThemeOverride replaces one template and adds one asset; the other
// templates come from the embedded theme.
func TestThemeOverride(t *testing.T) {
	override := fstest.MapFS{
		"templates/guides.html": {Data: []byte(`{{define "main"}}<p>Eigen lijst</p>{{end}}`)},
		"assets/extra.js":       {Data: []byte("let  x = 1 ;\n")},
	}
	cfg := &content.Config{Title: "T", BaseURL: "https://example.org/", Language: "nl"}
	r, err := New(Overlay(ledenbrief.Theme, override), markdown.New(markdown.Options{}), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := r.Render(&b, &Page{Kind: site.KindGuides, Path: "handreikingen/", Title: "Handreikingen"}); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if !strings.Contains(html, "<p>Eigen lijst</p>") {
		t.Errorf("override template not used:\n%s", html)
	}
	if !strings.Contains(html, `<link rel="stylesheet" href="../assets/style.`) {
		t.Errorf("embedded layout or stylesheet link missing:\n%s", html)
	}
	names := map[string]bool{}
	for _, a := range r.Assets() {
		names[strings.SplitN(a.Name, ".", 2)[0]] = true
		if strings.HasPrefix(a.Name, "extra.") && string(a.Data) != "let x=1" {
			t.Errorf("extra.js not minified: %q", a.Data)
		}
	}
	if !names["style"] || !names["extra"] {
		t.Errorf("assets = %v, want style and extra", names)
	}
}
