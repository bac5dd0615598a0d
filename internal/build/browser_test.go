package build_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"ledenbrief/internal/browsertest"
	"ledenbrief/internal/build"
)

// builtReal builds the shipped content once per test into a fresh folder.
func builtReal(t *testing.T) string {
	out := filepath.Join(t.TempDir(), "public")
	buildReal(t, out)
	return out
}

func fileURL(dir, page string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(dir, page))}).String()
}

// TestBrowserHierLinksFromFile opens the letter from file://, follows each
// "Hier" link as a reader would, and checks it lands on the annex section
// of the same topic with its heading in view and not covered (by the
// table of contents that stays beside the text), on a wide screen and on
// a phone.
func TestBrowserHierLinksFromFile(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtReal(t)
	for _, width := range []int64{1280, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)); err != nil {
			t.Fatal(err)
		}
		followHierLinks(t, ctx, fileURL(out, "21-082/index.html"), width)
	}
}

func followHierLinks(t *testing.T, ctx context.Context, letter string, width int64) {
	want := []string{
		"Rechtspositie politieke ambtsdragers", "Bestuurlijke integriteit", "Ondermijning",
		"Desinformatie", "Weerbaar bestuur", "Sterke lokale democratie",
	}
	for i, section := range want {
		if err := chromedp.Do(ctx, chromedp.Navigate(letter)); err != nil {
			t.Fatal(err)
		}
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll("a")].filter(a => a.textContent === "Hier").length`))
		if err != nil || n != len(want) {
			t.Fatalf("letter has %d Hier links (err %v), want %d", n, err, len(want))
		}
		click := fmt.Sprintf(`[...document.querySelectorAll("a")].filter(a => a.textContent === "Hier")[%d].click()`, i)
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](click)); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.WaitReady("#lb_toc")); err != nil {
			t.Fatalf("Hier link %d did not open the annex: %v", i+1, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
			return el ? el.tagName + " " + el.firstChild.textContent.trim() : "no element for " + location.hash;
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if got != "H2 "+section {
			t.Errorf("%d px: Hier link %d landed on %q, want the heading %q", width, i+1, got, section)
		}
		// The browser scrolls to the fragment once the page is laid out:
		// on a busy machine, after the table of contents is there.
		_, _ = chromedp.Run(ctx, chromedp.Poll[bool](`(() => {
			const h = document.getElementById(decodeURIComponent(location.hash.slice(1)));
			const r = h ? h.getBoundingClientRect() : null;
			return r !== null && r.top >= 0 && r.bottom <= innerHeight;
		})()`, chromedp.WithPollingTimeout(5*time.Second)))
		seen, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const h = document.getElementById(decodeURIComponent(location.hash.slice(1)));
			const r = h.getBoundingClientRect();
			if (r.top < 0 || r.bottom > innerHeight) return "out of view: top " + r.top + ", bottom " + r.bottom;
			const at = document.elementFromPoint(r.left + 5, r.top + r.height / 2);
			return h.contains(at) ? "" : "covered by " + (at ? at.tagName + "." + at.className : "nothing");
		})()`))
		if err != nil || seen != "" {
			t.Errorf("%d px: Hier link %d: heading %q %s %v", width, i+1, section, seen, err)
		}
	}
}

// crawl visits every page reachable from start (by links and form
// actions) and checks that every internal link opens a page (not a folder listing or an error) and that
// every fragment names an element on its page. It returns the pages seen.
func crawl(t *testing.T, ctx context.Context, start, root string) []string {
	type pageInfo struct {
		Here  string   `json:"here"`
		Title string   `json:"title"`
		Main  bool     `json:"main"`
		IDs   []string `json:"ids"`
		Links []string `json:"links"`
	}
	const probe = `JSON.stringify({
		here: location.href.split("#")[0],
		title: document.title,
		main: !!document.querySelector("main"),
		ids: [...document.querySelectorAll("[id]")].map(e => e.id),
		links: [...document.querySelectorAll("a[href]:not([download])")].map(a => a.href)
			.concat([...document.querySelectorAll("form[action]")].map(f => f.action)),
	})`
	seen := map[string]*pageInfo{}
	queue := []string{start}
	var fragments [][2]string // page, fragment
	for len(queue) > 0 {
		page := queue[0]
		queue = queue[1:]
		if seen[page] != nil {
			continue
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
			t.Fatalf("open %s: %v", page, err)
		}
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](probe))
		if err != nil {
			t.Fatal(err)
		}
		var info pageInfo
		if err := json.Unmarshal([]byte(raw), &info); err != nil {
			t.Fatal(err)
		}
		seen[page] = &info
		if !info.Main || info.Title == "" {
			t.Errorf("%s is not a page of the site (title %q)", page, info.Title)
			continue
		}
		for _, link := range info.Links {
			if !strings.HasPrefix(link, root) {
				continue // external: mailto:, tel:, https://…
			}
			target, frag, _ := strings.Cut(link, "#")
			if target == info.Here { // within the page (a server may show index.html as its folder)
				target = page
			}
			if u, err := url.Parse(target); err == nil && u.Scheme == "file" && strings.HasPrefix(target, root+"media/") {
				if _, err := os.Stat(u.Path); err != nil { // a file of the content, which a page links
					t.Errorf("%s links to %s: %v", page, link, err)
				}
				continue
			}
			if !strings.HasSuffix(target, ".html") && !strings.HasSuffix(target, ".xml") && !strings.HasSuffix(target, ".json") {
				t.Errorf("%s links to %s, which is not a file (it fails on file://)", page, link)
				continue
			}
			if u, err := url.Parse(target); err == nil && u.Scheme == "file" && !strings.HasSuffix(target, ".html") {
				if _, err := os.Stat(u.Path); err != nil {
					t.Errorf("%s links to %s: %v", page, link, err)
				}
			}
			if strings.Contains(target, "/reeks/") {
				continue // leads on to the newest edition at once; see TestBrowserOldAddressesLand
			}
			if strings.HasSuffix(target, ".html") {
				queue = append(queue, target)
				if frag != "" {
					fragments = append(fragments, [2]string{target, frag})
				}
			}
		}
	}
	for _, f := range fragments {
		if info := seen[f[0]]; info != nil && !slices.Contains(info.IDs, f[1]) {
			t.Errorf("broken fragment: %s has no element #%s", f[0], f[1])
		}
	}
	pages := make([]string, 0, len(seen))
	for p := range seen {
		pages = append(pages, p)
	}
	return pages
}

// TestBrowserNavigation crawls the site from file:// and from a server
// under a subpath: every navigation link and fragment must work in both.
func TestBrowserNavigation(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtReal(t)
	t.Run("file", func(t *testing.T) {
		root := fileURL(out, "") + "/"
		pages := crawl(t, ctx, root+"index.html", root)
		if len(pages) < 27 {
			t.Errorf("reached %d pages from the home page, want all 27", len(pages))
		}
	})
	t.Run("subpath", func(t *testing.T) {
		root := browsertest.ServeSubpath(t, out, "/intranet/griffie/ledenbrieven/")
		pages := crawl(t, ctx, root+"index.html", root)
		if len(pages) < 27 {
			t.Errorf("reached %d pages from the home page, want all 27", len(pages))
		}
	})
}

// TestAccessibility runs axe-core's WCAG 2.1 A and AA rules on every
// kind of page of the shipped site (home, letter, annex, handreikingen,
// site pages, search, archive, the 404 page), in the light and the dark
// colour scheme, at a desktop and a phone width: no violations allowed.
func TestAccessibility(t *testing.T) {
	browsertest.Require(t, "axe-core (LEDENBRIEF_AXE=path/to/axe.min.js)", os.Getenv("LEDENBRIEF_AXE"))
	ctx := browsertest.New(t)
	out := builtReal(t)
	pages := []string{"index.html", "21-082/index.html", "21-082/bijlage/index.html", "handreikingen/handreiking-integriteit/index.html",
		"handreikingen/collectieve-norm/index.html", "handreikingen/index.html", "afkortingen/index.html", "zoeken/index.html",
		"archief/2021/index.html", "over-deze-site/index.html", "toegankelijkheidsverklaring/index.html", "404.html", "21-082/lbr-21-082.html"}
	for _, scheme := range []string{"light", "dark"} {
		if err := browsertest.ColorScheme(ctx, scheme); err != nil {
			t.Fatal(err)
		}
		for _, width := range []int64{1280, 390} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800)); err != nil {
				t.Fatal(err)
			}
			for _, page := range pages {
				if err := chromedp.Do(ctx, chromedp.Navigate(fileURL(out, page))); err != nil {
					t.Fatal(err)
				}
				if scheme == "dark" {
					bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
					if err != nil || bg == "rgb(255, 255, 255)" {
						t.Fatalf("%s: the dark colour scheme is not applied (background %q, %v)", page, bg, err)
					}
				}
				for _, v := range browsertest.AxeViolations(t, ctx) {
					t.Errorf("%s (%s, %d px): %s", page, scheme, width, v)
				}
			}
		}
	}
}

// TestNuHTMLChecker validates every page with the W3C Nu HTML checker.
func TestNuHTMLChecker(t *testing.T) {
	out := builtReal(t)
	if msg := browsertest.NuErrors(t, "--skip-non-html", "--also-check-css", out); msg != "" {
		t.Errorf("Nu HTML checker:\n%s", msg)
	}
}

// TestReadableOnAPhone opens the pages at 320 px, the width WCAG 1.4.10
// (reflow) asks for: nothing may stick out sideways, the search button
// included, so a reader never has to scroll horizontally.
func TestReadableOnAPhone(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtReal(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 740)); err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"index.html", "21-082/index.html", "21-082/bijlage/index.html", "handreikingen/handreiking-integriteit/index.html", "afkortingen/index.html",
		"zoeken/index.html", "over-deze-site/index.html", "toegankelijkheidsverklaring/index.html", "404.html", "21-082/lbr-21-082.html"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(fileURL(out, page))); err != nil {
			t.Fatal(err)
		}
		w, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
		if err != nil {
			t.Fatal(err)
		}
		if w[0] > w[1] {
			t.Errorf("%s is %d px wide on a %d px screen", page, w[0], w[1])
		}
	}
}

// exampleContent is the fictional series of three editions in testdata.
const exampleContent = "../../testdata/voorbeeldreeks/content"

// builtExample builds the example series once per test into a fresh folder.
func builtExample(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	buildOK(t, build.Options{Content: exampleContent, Out: out})
	return out
}

// TestBrowserOldAddressesLand follows old addresses as a reader with an
// old link would, from file:// and under a subpath: an aliased fragment
// scrolls to exactly where the renamed heading is, and a page kept for an
// old letter number, an old handreiking id or a series leads on to the
// right page and fragment.
func TestBrowserOldAddressesLand(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtExample(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 640)); err != nil {
		t.Fatal(err)
	}
	roots := map[string]string{
		"file":    fileURL(out, "") + "/",
		"subpath": browsertest.ServeSubpath(t, out, "/intranet/griffie/ledenbrieven/"),
	}
	for name, root := range roots {
		t.Run(name, func(t *testing.T) {
			scroll := func(page string) (target, heading string, y int) {
				t.Helper()
				if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
					t.Fatal(err)
				}
				if err := chromedp.Do(ctx, chromedp.Navigate(root+page)); err != nil {
					t.Fatal(err)
				}
				got, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`(() => {
					const t = document.querySelector(":target");
					const h = t && t.closest("h2, h3, h4");
					return [t ? t.id : "", h ? h.id : "", Math.round(scrollY)];
				})()`))
				if err != nil {
					t.Fatal(err)
				}
				return got[0].(string), got[1].(string), int(got[2].(float64))
			}
			for _, c := range []struct{ old, live string }{
				{"24-907/bijlage/index.html#onkosten", "onkostenvergoeding"}, // {#… alias="onkosten"}
				{"24-907/bijlage/index.html#scholing", "opleiding"},          // aliases: [scholing]
			} {
				target, heading, y := scroll(c.old)
				_, _, liveY := scroll(strings.SplitN(c.old, "#", 2)[0] + "#" + c.live)
				if target == "" || heading != c.live {
					t.Errorf("%s landed on #%s in heading #%s, want the heading #%s", c.old, target, heading, c.live)
				}
				if y == 0 || y != liveY {
					t.Errorf("%s scrolled to %d px, the live id to %d px", c.old, y, liveY)
				}
			}
			for _, c := range []struct{ old, want string }{
				{"25-930/bijlage/index.html#vergoeding", "25-903/bijlage/index.html#vergoeding"},
				{"25-930/index.html", "25-903/index.html"},
				{"handreikingen/regeling-vergoedingen/index.html", "handreikingen/modelregeling-vergoedingen/index.html"},
				{"reeks/voorbeeld-vergoedingen/index.html", "25-903/index.html"},
			} {
				if err := chromedp.Do(ctx, chromedp.Navigate(root+c.old)); err != nil {
					t.Fatal(err)
				}
				want := root + c.want
				if href := settledURL(ctx, want); strings.Replace(href, "/#", "/index.html#", 1) != want && href+"index.html" != want {
					t.Errorf("%s led to %s, want %s", c.old, href, want)
				}
			}
		})
	}
}

// settledURL waits, up to a few seconds, for the page to arrive at want
// (a page that leads on navigates after it loaded) and returns where it
// is. A server may show a folder's index.html as the folder.
func settledURL(ctx context.Context, want string) string {
	href := ""
	for range 50 {
		href, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.href : ""`))
		if href == want || strings.Replace(href, "/#", "/index.html#", 1) == want || href+"index.html" == want {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	return href
}

// TestExampleSeriesAccessibleAndValid runs axe-core on the pages that
// only editions have (notices, version switchers, what changed, any two
// compared), in the light and the dark colour scheme, and the
// Nu HTML checker on the whole example site, its series and redirect
// pages included, and crawls it: every link and fragment must land.
func TestExampleSeriesAccessibleAndValid(t *testing.T) {
	out := builtExample(t)
	ctx := browsertest.New(t)
	root := fileURL(out, "") + "/"
	if pages := crawl(t, ctx, root+"index.html", root); len(pages) < 12 {
		t.Errorf("reached %d pages of the example, want at least 12", len(pages))
	}
	if os.Getenv("LEDENBRIEF_AXE") != "" || os.Getenv("CI") == "true" {
		browsertest.Require(t, "axe-core (LEDENBRIEF_AXE=path/to/axe.min.js)", os.Getenv("LEDENBRIEF_AXE"))
		pages := []string{"index.html", "24-901/index.html", "24-901/bijlage/index.html", "25-903/wijzigingen/index.html", "24-907/wijzigingen/index.html",
			"25-903/wijzigingen/24-901/index.html", "24-901/wijzigingen/25-903/index.html"}
		for _, scheme := range []string{"light", "dark"} {
			if err := browsertest.ColorScheme(ctx, scheme); err != nil {
				t.Fatal(err)
			}
			for _, page := range pages {
				if err := chromedp.Do(ctx, chromedp.Navigate(fileURL(out, page))); err != nil {
					t.Fatal(err)
				}
				for _, v := range browsertest.AxeViolations(t, ctx) {
					t.Errorf("%s (%s): %s", page, scheme, v)
				}
			}
		}
	}
	if msg := browsertest.NuErrors(t, "--skip-non-html", "--also-check-css", out); msg != "" {
		t.Errorf("Nu HTML checker:\n%s", msg)
	}
}

// TestPrintReadsLikeThePaperLetter looks at the annex as printed: no
// navigation or search, the table of contents kept, external links with
// their address, headings kept with what follows.
func TestPrintReadsLikeThePaperLetter(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtReal(t)
	printMedia := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})
	if err := chromedp.Do(ctx, chromedp.Navigate(fileURL(out, "21-082/bijlage/index.html")), printMedia); err != nil {
		t.Fatal(err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify((() => {
		const shown = sel => { const el = document.querySelector(sel); return !!el && getComputedStyle(el).display !== "none"; };
		const ext = [...document.querySelectorAll(".annex-section a[href^='http']")][0];
		return {
			toc: shown("nav.toc"), search: shown("form[role=search]"), nav: shown("header.site nav"), permalink: shown(".permalink"),
			url: ext ? getComputedStyle(ext, "::after").content : "",
			h3: getComputedStyle(document.querySelector(".annex-section h3")).breakAfter,
		};
	})())`))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		TOC, Search, Nav, Permalink bool
		URL, H3                     string
	}
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	if !got.TOC || got.Search || got.Nav || got.Permalink {
		t.Errorf("printed: table of contents %t, search %t, navigation %t, permalinks %t", got.TOC, got.Search, got.Nav, got.Permalink)
	}
	if !strings.Contains(got.URL, "http") {
		t.Errorf("an external link prints as %q, without its address", got.URL)
	}
	if got.H3 != "avoid" {
		t.Errorf("a subsection heading may end a printed page (break-after: %s)", got.H3)
	}
}

// TestSearchShowsTheCurrentEditionFirst searches the example series, in
// bleve and in the browser from file://: a section of the series is one
// result, the newest edition's (the € 1.310 of 25/903 for "vergoeding"),
// with the other editions that match named after it, the same in both;
// a word only an old edition has finds that edition; and the offline copy
// of an old edition finds its own text.
func TestSearchShowsTheCurrentEditionFirst(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	res, err := build.Run(build.Options{Content: exampleContent, Out: out, KeepIndex: true})
	if err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	defer res.Index.Close()
	type hit struct {
		URL  string
		Also []string
	}
	bleveHits := func(q string) []hit {
		results, _, err := res.Index.Search(context.Background(), res.Dict, q, 10)
		if err != nil {
			t.Fatal(err)
		}
		var hits []hit
		for _, r := range results {
			h := hit{URL: r.URL}
			for _, a := range r.Also {
				h.Also = append(h.Also, a.Letter+" "+a.URL)
			}
			hits = append(hits, h)
		}
		return hits
	}
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(fileURL(out, "index.html")), chromedp.Click("#lb_q"), chromedp.Poll[chromedp.Void]("!!(window.LB && LB.search)")); err != nil {
		t.Fatal(err)
	}
	browserHits := func(q string) []hit {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`LB.search(`+strconv.Quote(q)+`, false, 10).then(r => JSON.stringify(r.hits.map(h => ({URL: h.url, Also: (h.also || []).map(a => a.letter + " " + a.url)}))))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		var hits []hit
		if err := json.Unmarshal([]byte(raw), &hits); err != nil {
			t.Fatal(err)
		}
		for i := range hits {
			if len(hits[i].Also) == 0 {
				hits[i].Also = nil
			}
		}
		return hits
	}
	for _, q := range []string{"vergoeding", "onkostenvergoeding", "opleiding raadsleden", "ondersteuning fracties", "1.200", "raadsleden"} {
		b, w := bleveHits(q), browserHits(q)
		if !reflect.DeepEqual(b, w) {
			t.Errorf("%q: bleve %v, browser %v", q, b, w)
		}
		seen := map[string]bool{}
		for _, h := range b {
			if seen[h.URL] {
				t.Errorf("%q: %s twice", q, h.URL)
			}
			seen[h.URL] = true
		}
	}
	first := bleveHits("vergoeding")
	if len(first) == 0 || !strings.HasPrefix(first[0].URL, "25-903/") {
		t.Errorf("vergoeding: first %v, want the newest edition's", first)
	}
	i := slices.IndexFunc(first, func(h hit) bool { return strings.HasSuffix(h.URL, "#vergoeding") })
	if i < 0 || first[i].URL != "25-903/bijlage/index.html#vergoeding" ||
		!reflect.DeepEqual(first[i].Also, []string{"Lbr. 24/901 24-901/bijlage/index.html#vergoeding", "Lbr. 24/907 24-907/bijlage/index.html#vergoeding"}) {
		t.Errorf("vergoeding: %v, want 25/903's Vergoeding, also in 24/901 and 24/907", first)
	}
	for _, h := range first {
		if strings.HasPrefix(h.URL, "24-90") && !strings.Contains(h.URL, "#ondersteuning") {
			t.Errorf("vergoeding: the old edition's %s is a result of its own", h.URL)
		}
	}
	if old := bleveHits("1.200"); len(old) == 0 || !strings.HasPrefix(old[0].URL, "24-90") {
		t.Errorf("1.200, only in the old editions: %v", old)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys("#lb_q", "vergoeding"), chromedp.Poll[chromedp.Void](`!!document.querySelector("#lb_results .search-also")`)); err != nil {
		t.Fatal(err)
	}
	if also, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#lb_results .search-also")].map(e => e.textContent).join("|")`)); err != nil || !strings.Contains(also, "ook in Lbr. 24/901, Lbr. 24/907") {
		t.Errorf("the results under the field say %q, want ook in Lbr. 24/901, Lbr. 24/907", also)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(fileURL(out, "24-901/lbr-24-901.html")), chromedp.Click("#lb_q"), chromedp.Poll[chromedp.Void]("!!(window.LB && LB.search)")); err != nil {
		t.Fatal(err)
	}
	if own := browserHits("vergoeding"); len(own) == 0 || own[0].Also != nil || !strings.Contains(own[0].URL, "vergoeding") {
		t.Errorf("the offline copy of 24/901 finds %v for vergoeding, want its own section", own)
	}
}
