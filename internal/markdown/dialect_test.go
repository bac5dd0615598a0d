package markdown

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"ledenbrief/internal/diag"
)

func TestSingleTildeIsATilde(t *testing.T) {
	c := New(Options{})
	for src, want := range map[string]string{
		"tussen 10~20 gemeenten en 5~8 provincies": "<p>tussen 10~20 gemeenten en 5~8 provincies</p>\n",
		"~circa~ honderd":                          "<p>~circa~ honderd</p>\n",
		"dit is ~~geschrapt~~ tekst":               "<p>dit is <del>geschrapt</del> tekst</p>\n",
		"drie ~~~tildes~~~ niet":                   "<p>drie ~~~tildes~~~ niet</p>\n",
	} {
		if got, _ := render(t, c, src); got != want {
			t.Errorf("%q renders %q, want %q", src, got, want)
		}
	}
}

func TestPlainTextDecodesEscapesAndEntities(t *testing.T) {
	c := New(Options{})
	html, d := render(t, c, "## foo *bar* \\*baz\\*\n\n## B&amp;W en &#252; `a\\*b`\n\n[De **wet** \\[art. 1\\]](https://example.org) en <https://example.org/x>\n")
	if h := d.Headings[0]; h.Text != "foo bar *baz*" || h.ID != "foo-bar-baz" {
		t.Errorf("first heading: text %q id %q", h.Text, h.ID)
	}
	if h := d.Headings[1]; h.Text != "B&W en ü a\\*b" || h.ID != "b-w-en-u-a-b" {
		t.Errorf("second heading: text %q id %q", h.Text, h.ID)
	}
	if !strings.Contains(html, `aria-label="Link naar dit kopje: foo bar *baz*"`) || !strings.Contains(html, `aria-label="Link naar dit kopje: B&amp;W en ü a\*b"`) {
		t.Errorf("aria-labels are not the headings' plain text:\n%s", html)
	}
	if l := d.Links[0]; l.Text != "De wet [art. 1]" {
		t.Errorf("link text %q", l.Text)
	}
	secs := d.Sections(2)
	if got := secs[len(secs)-1].Text; got != "De wet [art. 1] en https://example.org/x" {
		t.Errorf("section text %q", got)
	}
}

func TestAbbreviationsStayOutOfAddresses(t *testing.T) {
	c := New(Options{AllowHTML: true, Abbreviations: map[string]string{"VOG": "verklaring omtrent gedrag"}})
	html, _ := render(t, c, "Zie https://justis.nl/VOG/aanvragen of mail VOG@justis.nl of www.VOG.nl.\n\nEen <abbr title=\"eigen\">VOG</abbr> hier.\n\n## Daarna\n\nDe VOG.\n")
	if strings.Contains(html, "/<abbr") || strings.Contains(html, "<abbr title=\"verklaring omtrent gedrag\">VOG</abbr>@") || strings.Contains(html, "www.<abbr") {
		t.Errorf("abbreviation marked inside an address:\n%s", html)
	}
	if strings.Count(html, "<abbr") != 2 || !strings.Contains(html, `<abbr title="eigen">VOG</abbr>`) {
		t.Errorf("want the editor's own <abbr> untouched and one marked VOG after the heading:\n%s", html)
	}
}

func TestRawHTMLIsAProblemUnlessAllowed(t *testing.T) {
	src := "Tekst <span>x</span>.\n\n<div>\nblok\n</div>\n\n<!-- notitie -->\n"
	html, d := render(t, New(Options{}), src)
	if len(d.Problems) != 2 || d.Problems[0].Offset != 6 || d.Problems[1].Offset != strings.Index(src, "<div>") {
		t.Fatalf("problems %+v", d.Problems)
	}
	if strings.Contains(html, "notitie") {
		t.Errorf("a comment reached the page: %s", html)
	}
	if _, d := render(t, New(Options{AllowHTML: true}), src); len(d.Problems) != 0 {
		t.Errorf("with HTML allowed: problems %+v", d.Problems)
	}
}

func TestHeadingAttributes(t *testing.T) {
	c := New(Options{})
	for _, tc := range []struct {
		src, id, text string
		explicit      bool
		problem       string
	}{
		{"## Kosten {#k} ##", "k", "Kosten", true, ""},
		{"## Kosten ## {#k}", "k", "Kosten", true, ""},
		{"## Kosten {#k alias=\"oud\"}", "k", "Kosten", true, ""},
		{"## Kosten {.rood}", "kosten", "Kosten", false, `".rood" is not supported`},
		{"## Kosten {x=1}", "kosten", "Kosten", false, `"x=1" is not supported`},
		{"## Kosten {#}", "", "Kosten", true, "empty id"},
		{"## Kosten {zomaar tekst", "kosten-zomaar-tekst", "Kosten {zomaar tekst", false, ""},
	} {
		d := c.Parse([]byte(tc.src + "\n"))
		h := d.Headings[0]
		if h.ID != tc.id || h.Text != tc.text || h.Explicit != tc.explicit {
			t.Errorf("%s: id %q text %q explicit %t", tc.src, h.ID, h.Text, h.Explicit)
		}
		switch {
		case tc.problem == "" && len(d.Problems) > 0:
			t.Errorf("%s: problems %+v", tc.src, d.Problems)
		case tc.problem != "" && (len(d.Problems) != 1 || !strings.Contains(d.Problems[0].Msg.Text(diag.English), tc.problem)):
			t.Errorf("%s: problems %+v, want one saying %q", tc.src, d.Problems, tc.problem)
		}
	}
}

func TestPastedWordText(t *testing.T) {
	c := New(Options{})
	src := "## Onder\u00admijning\u200b en\u00a0bestuur\n\nDe onder\u00admijning van het\u00a0bestuur, \u201cnu\u201d \u2013 met &shy;bewust.\n"
	html, d := render(t, c, src)
	h := d.Headings[0]
	if h.ID != "ondermijning-en-bestuur" || h.Text != "Ondermijning en bestuur" {
		t.Errorf("heading id %q text %q", h.ID, h.Text)
	}
	if strings.Contains(html, "\u00adm") || strings.Contains(html, "\u200b") {
		t.Errorf("pasted invisible characters reached the page: %q", html)
	}
	if !strings.Contains(html, "het\u00a0bestuur") || !strings.Contains(html, "\u00adbewust") || !strings.Contains(html, "\u201cnu\u201d \u2013") {
		t.Errorf("what the editor meant was changed: %q", html)
	}
	if got := d.Sections(2)[0].Text; got != "De ondermijning van het bestuur, \u201cnu\u201d \u2013 met bewust." {
		t.Errorf("search text %q", got)
	}
}

// specExample is one example of the CommonMark spec as goldmark ships it.
type specExample struct {
	Markdown string `json:"markdown"`
	HTML     string `json:"html"`
	Example  int    `json:"example"`
	Section  string `json:"section"`
}

// TestCommonMarkSpec runs every example of the CommonMark spec of the
// goldmark version in go.mod through the converter with raw HTML allowed.
// The output must equal the spec's after removing only this dialect's
// documented additions: heading ids and permalinks, and HTML5 void
// elements (<br> rather than <br />).
func TestCommonMarkSpec(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/yuin/goldmark").Output()
	if err != nil {
		t.Fatalf("finding goldmark's module: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "_test", "spec.json"))
	if err != nil {
		t.Fatal(err)
	}
	var examples []specExample
	if err := json.Unmarshal(data, &examples); err != nil {
		t.Fatal(err)
	}
	c := New(Options{AllowHTML: true})
	headingID := regexp.MustCompile(`(<h[1-6]) id="[^"]*"`)
	permalink := regexp.MustCompile(` <a class="permalink" href="[^"]*" aria-label="[^"]*">#</a>`)
	void := regexp.MustCompile(`<((?:br|hr|img)[^>]*?) />`)
	passed := 0
	for _, ex := range examples {
		got, _ := render(t, c, ex.Markdown)
		got = permalink.ReplaceAllString(headingID.ReplaceAllString(got, "$1"), "")
		if want := void.ReplaceAllString(ex.HTML, "<$1>"); got != want {
			t.Errorf("example %d (%s):\n%q\ngives\n%q\nwant\n%q", ex.Example, ex.Section, ex.Markdown, got, want)
			continue
		}
		passed++
	}
	t.Logf("%d of %d CommonMark examples pass", passed, len(examples))
	if len(examples) < 600 {
		t.Errorf("only %d examples in the spec file", len(examples))
	}
}
