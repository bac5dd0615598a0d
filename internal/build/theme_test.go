package build_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ledenbrief/internal/build"
)

// TestThemeReachesTheSingleFile overrides the theme's layout (a line
// added), the annex's template (a line added) and style sheet (a rule
// added) with --theme: they show on every page, in each letter's
// single-file copy, its zip and in the document its PDF is printed from,
// which are rendered through the same templates.
func TestThemeReachesTheSingleFile(t *testing.T) {
	theme := t.TempDir()
	layout, err := os.ReadFile("../../templates/layout.html")
	if err != nil {
		t.Fatal(err)
	}
	style, err := os.ReadFile("../../assets/style.css")
	if err != nil {
		t.Fatal(err)
	}
	const mark = `<p class="eigen-thema">Griffie Voorbeeldstad</p>`
	marked := strings.Replace(string(layout), `<main id="lb_main"`, mark+"\n"+`<main id="lb_main"`, 1)
	if marked == string(layout) {
		t.Fatal("the layout has no <main id=\"lb_main\"")
	}
	annex, err := os.ReadFile("../../templates/annex.html")
	if err != nil {
		t.Fatal(err)
	}
	const annexMark = `<p class="eigen-bijlage">Toelichting van de griffie</p>`
	annexMarked := strings.Replace(string(annex), `{{define "main"}}`, `{{define "main"}}`+annexMark, 1)
	if annexMarked == string(annex) {
		t.Fatal(`the annex template has no {{define "main"}}`)
	}
	for name, data := range map[string]string{
		"templates/layout.html": marked,
		"templates/annex.html":  annexMarked,
		"assets/style.css":      string(style) + "\n.eigen-thema{color:#6b2c91}\n",
	} {
		p := filepath.Join(theme, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "public")
	res, err := build.Run(build.Options{Content: attachTo(t, copyContent(t)), Out: out, ThemeDir: theme, Document: "21-082"})
	if err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	if !strings.Contains(string(res.Document), mark) || !strings.Contains(string(res.Document), annexMark) || !strings.Contains(string(res.Document), ".eigen-thema{color:#6b2c91}") {
		t.Error("the print document does not show the theme's templates and style sheet")
	}
	for _, page := range []string{"index.html", "21-082/index.html", "21-082/bijlage/index.html", "21-082/lbr-21-082.html"} {
		html, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(html), mark) {
			t.Errorf("%s does not show the theme's layout", page)
		}
	}
	single, _ := os.ReadFile(filepath.Join(out, "21-082", "lbr-21-082.html"))
	if !strings.Contains(string(single), ".eigen-thema{color:#6b2c91}") {
		t.Error("the single file does not carry the theme's style sheet")
	}
	unzipped := t.TempDir()
	unzip(t, filepath.Join(out, "21-082", "lbr-21-082.zip"), unzipped)
	for name, html := range map[string]string{
		"the annex page":       readFile(t, filepath.Join(out, "21-082", "bijlage", "index.html")),
		"the single file":      string(single),
		"the zip's annex page": readFile(t, filepath.Join(unzipped, "lbr-21-082", "21-082", "bijlage", "index.html")),
	} {
		if !strings.Contains(html, annexMark) {
			t.Errorf("%s does not show the theme's annex template", name)
		}
	}
}
