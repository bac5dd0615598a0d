package build_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ledenbrief/internal/browsertest"
	"ledenbrief/internal/build"
)

// downloadRE matches a letter's offline copies and PDF.
var downloadRE = regexp.MustCompile(`^\d{2}-\d{3}/lbr-\d{2}-\d{3}\.(?:html|zip|pdf)$`)

// isDownload reports whether a file of the site is a letter's download
// rather than a page.
func isDownload(name string) bool { return downloadRE.MatchString(name) }

// TestEveryPageHasTheSitePages checks that every page of the shipped site
// links the colofon and the accessibility statement in its footer, and
// that every page but the home page has a breadcrumb trail home.
func TestEveryPageHasTheSitePages(t *testing.T) {
	out := builtReal(t)
	footer := regexp.MustCompile(`(?s)<footer class="site">.*</footer>`)
	pages := 0
	for name, data := range readTree(t, out) {
		if !strings.HasSuffix(name, ".html") || strings.Contains(string(data), `http-equiv="refresh"`) {
			continue
		}
		pages++
		f := footer.Find(data)
		for _, want := range []string{">Over deze site</a>", ">Toegankelijkheidsverklaring</a>"} {
			if !strings.Contains(string(f), want) {
				t.Errorf("%s: the footer has no %s", name, want)
			}
		}
		if name != "index.html" && name != "404.html" && !strings.Contains(string(data), `<nav class="breadcrumbs" aria-label="Kruimelpad">`) {
			t.Errorf("%s has no breadcrumb trail", name)
		}
	}
	if pages < 29 {
		t.Fatalf("checked %d pages", pages)
	}
}

// TestRestyledSiteHasTheSameHTML builds the shipped letter with a
// publisher's own style sheet and logo: apart from the links to those
// two files, every page is the same HTML, and the browser shows the
// publisher's colour.
func TestRestyledSiteHasTheSameHTML(t *testing.T) {
	plain := builtReal(t)
	content := copyContent(t)
	if err := os.WriteFile(filepath.Join(content, "huisstijl", "gemeente.css"), []byte(":root { --ledenbrief-link-color: #6b2c91; --ledenbrief-document-font-family: Georgia, serif; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	logo := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="5" fill="#6b2c91"/></svg>`
	if err := os.WriteFile(filepath.Join(content, "huisstijl", "wapen.svg"), []byte(logo), 0o644); err != nil {
		t.Fatal(err)
	}
	replaceIn(t, filepath.Join(content, "site.yaml"), "logo: huisstijl/beeldmerk.svg", "logo: huisstijl/wapen.svg\nstylesheet: huisstijl/gemeente.css")
	out := filepath.Join(t.TempDir(), "public")
	res, err := build.Run(build.Options{Content: content, Out: out})
	if err != nil || res.Diags.Len() > 0 {
		t.Fatalf("restyled build: %v %v", err, res.Diags.Error())
	}
	// The offline copies hold the style sheet and logo, so their sizes
	// on the letter page differ too.
	own := regexp.MustCompile(`<link rel=stylesheet href=[^>]*gemeente\.css>|<link rel="stylesheet" href="[^"]*gemeente\.css">|beeldmerk\.svg|wapen\.svg|<span class="?size"?>[^<]*</span>`)
	a, b := readTree(t, plain), readTree(t, out)
	for name, data := range a {
		if !strings.HasSuffix(name, ".html") || isDownload(name) {
			continue
		}
		if x, y := own.ReplaceAllString(string(data), ""), own.ReplaceAllString(string(b[name]), ""); x != y {
			t.Errorf("%s differs beyond the style sheet and the logo", name)
		}
	}
	if _, ok := b["media/huisstijl/gemeente.css"]; !ok {
		t.Fatal("the style sheet is not published")
	}

	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(fileURL(out, "21-082/index.html"))); err != nil {
		t.Fatal(err)
	}
	color, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("main a")).color`))
	if err != nil || color != "rgb(107, 44, 145)" {
		t.Errorf("links are %q (%v), want the publisher's rgb(107, 44, 145)", color, err)
	}
	for _, v := range browsertest.AxeViolations(t, ctx) {
		t.Errorf("restyled letter: %s", v)
	}
}

// TestAnnexTableOfContentsIsOneStepAway scrolls to the last section of
// the annex: on a wide screen the table of contents is in view beside
// it; on a phone, where it is folded, the section's "Naar inhoudsopgave"
// link opens it in one step.
func TestAnnexTableOfContentsIsOneStepAway(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtReal(t)
	annex := fileURL(out, "21-082/bijlage/index.html")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(annex+"#sterke-lokale-democratie")); err != nil {
		t.Fatal(err)
	}
	inView, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const r = document.querySelector("nav.toc").getBoundingClientRect();
		return scrollY > 1000 && r.top >= 0 && r.top < innerHeight && document.querySelector("nav.toc details").open;
	})()`))
	if err != nil || !inView {
		t.Errorf("1280 px: the table of contents is not in view beside a late section (%v)", err)
	}

	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 800)); err != nil {
		t.Fatal(err)
	}
	// A new document, not a jump within the open one.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(annex+"#sterke-lokale-democratie")); err != nil {
		t.Fatal(err)
	}
	folded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.querySelector("nav.toc details").open`))
	if err != nil || !folded {
		t.Errorf("390 px: the table of contents is not folded (%v)", err)
	}
	opened, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const sec = document.getElementById("sterke-lokale-democratie").closest("section");
		sec.querySelector("a.to-toc").click();
		const r = document.getElementById("lb_toc").getBoundingClientRect();
		return document.querySelector("nav.toc details").open && r.top >= 0 && r.bottom <= innerHeight;
	})()`))
	if err != nil || !opened {
		t.Errorf("390 px: Naar inhoudsopgave does not open the table of contents in view (%v)", err)
	}
}

// TestSitePagesAreSearchable finds the accessibility statement's section
// on reporting a problem by what a reader would type.
func TestSitePagesAreSearchable(t *testing.T) {
	res, err := build.Run(build.Options{Content: realContent, Check: true, KeepIndex: true})
	if err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	defer res.Index.Close()
	hits, _, err := res.Index.Search(context.Background(), res.Dict, "toegankelijkheid probleem melden", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].URL != "toegankelijkheidsverklaring/index.html#melden" {
		t.Errorf("first result %+v, want the statement's section on reporting a problem", hits)
	}
}

// TestLetterShowsWhereTopicsLead checks the letter's overview of where
// each topic block leads: the annex section of its "Hier" link and the
// handreikingen that section names.
func TestLetterShowsWhereTopicsLead(t *testing.T) {
	out := builtReal(t)
	page, err := os.ReadFile(filepath.Join(out, "21-082", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	nav := regexp.MustCompile(`(?s)<nav class="topics".*?</nav>`).Find(page)
	items := regexp.MustCompile(`(?s)<li>.*?</li>`).FindAll(nav, -1)
	if len(items) != 6 {
		t.Fatalf("the overview lists %d topics, want the 6 with a Hier link:\n%s", len(items), nav)
	}
	first := string(items[0])
	for _, want := range []string{`href="#brief-rechtspositie">Rechtspositie</a>`, `href="bijlage/index.html#rechtspositie">Rechtspositie politieke ambtsdragers</a>`, `href="../handreikingen/sollicitatieplicht-en-outplacement/index.html"`} {
		if !strings.Contains(first, want) {
			t.Errorf("the Rechtspositie topic does not lead to %s:\n%s", want, first)
		}
	}
}

// TestSectionNumbers turns numbering on: the annex shows 1, 1.1, … before
// its headings and in its table of contents, and nothing else of the
// page changes, ids least of all.
func TestSectionNumbers(t *testing.T) {
	plain := builtReal(t)
	content := copyContent(t)
	replaceIn(t, filepath.Join(content, "site.yaml"), "section_numbers: false", "section_numbers: true")
	out := filepath.Join(t.TempDir(), "public")
	if res, err := build.Run(build.Options{Content: content, Out: out}); err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	a, err := os.ReadFile(filepath.Join(plain, "21-082", "bijlage", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "21-082", "bijlage", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Replace(string(b), `<main id="lb_main" class="numbered">`, `<main id="lb_main">`, 1) != string(a) {
		t.Error("numbering changed more of the annex page than the class that turns it on")
	}
	// Computed styles give the counter expressions, not their values:
	// the numbered build must apply them, the plain one none.
	ctx := browsertest.New(t)
	const numbers = `[
		getComputedStyle(document.getElementById("integriteit"), "::before").content,
		getComputedStyle(document.querySelector("section:nth-of-type(2) h3"), "::before").content,
		getComputedStyle(document.querySelectorAll("nav.toc li")[1], "::before").content].join(" | ")`
	for _, c := range []struct{ site, want string }{
		{out, `counter(lb-section) " " | counter(lb-section) "." counter(lb-sub) " " | counters(lb-toc, ".") " "`},
		{plain, `none | none | none`},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(fileURL(c.site, "21-082/bijlage/index.html"))); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](numbers))
		if err != nil || got != c.want {
			t.Errorf("numbering %q (%v), want %q", got, err, c.want)
		}
	}
}
