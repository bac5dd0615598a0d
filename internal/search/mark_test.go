package search_test

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ledenbrief/internal/browsertest"
	"ledenbrief/internal/markdown"
)

// layoutOf is where every block of the page's main text is, from the top
// of the document: what marks must not move.
const layoutOf = `JSON.stringify([...document.querySelectorAll("main h1, main h2, main h3, main h4, main p, main li")].map(e => Math.round(e.getBoundingClientRect().top + scrollY)))`

// marksOf describes the marks on the page: their words, and whether each
// is in the section that starts at the element with id and ends at the
// next heading of its level.
func marksOf(t *testing.T, ctx context.Context, id string) (words []string, outside int) {
	t.Helper()
	raw := evalString(t, ctx, `(() => {
		const start = document.getElementById(`+"`"+id+"`"+`), level = +start.tagName[1];
		let end = start.nextElementSibling;
		while (end && !(/^H[1-6]$/.test(end.tagName) && +end.tagName[1] <= level)) end = end.nextElementSibling;
		const marks = [...document.querySelectorAll("mark.lb-found")];
		const out = marks.filter(m => !(start.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING) ||
			(end && (end.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING))).length;
		return marks.map(m => m.textContent.toLowerCase()).join("|") + "#" + out;
	})()`)
	list, n, _ := strings.Cut(raw, "#")
	if list != "" {
		words = strings.Split(list, "|")
	}
	if n != "0" {
		outside = 1
	}
	return words, outside
}

// TestResultWordsAreMarkedWhereYouLand follows a search result from
// file:// and over http, and in the single-file copy: the query's words
// are marked in the section it leads to, in view, without moving
// anything; the marks go when asked; a page opened without a query has
// none; axe finds nothing in either colour scheme.
func TestResultWordsAreMarkedWhereYouLand(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtSite(t)
	fileRoot := (&url.URL{Scheme: "file", Path: filepath.ToSlash(out) + "/"}).String()
	annex := fileRoot + "21-082/bijlage/index.html"

	if err := chromedp.Do(ctx, chromedp.Navigate(annex+"#ondermijning"), chromedp.WaitReady("#ondermijning")); err != nil {
		t.Fatal(err)
	}
	plain := evalString(t, ctx, layoutOf)
	if n := evalString(t, ctx, `String(document.querySelectorAll("mark, button.lb-unmark").length)`); n != "0" {
		t.Errorf("a page opened without a query has %s marks or buttons", n)
	}
	// The field's hint names the query syntax, and the field points to it.
	if hint := evalString(t, ctx, `document.getElementById(document.getElementById("lb_q").getAttribute("aria-describedby")).textContent`); !strings.Contains(hint, `"Raad van State"`) || !strings.Contains(hint, "-woord") {
		t.Errorf("the hint under the search field says %q", hint)
	}
	// site.js folds a word to mark as the index folded it.
	for _, w := range []string{"Loopbaanoriëntatie RIEC’s re\u00adintegratie", "àáâãäåæçèéêëìíîïĳñòóôõöøœùúûüýÿßšžčł", "ÀÉÏÕÜÆŒØŁ"} {
		if got, want := evalString(t, ctx, `LB_fold("`+w+`")`), markdown.Fold(strings.ReplaceAll(w, `\u00ad`, "\u00ad")); got != want {
			t.Errorf("LB_fold(%q) = %q, Go folds %q", w, got, want)
		}
	}

	for name, root := range map[string]string{"file": fileRoot, "http": browsertest.ServeSubpath(t, out, "/griffie/brieven/")} {
		t.Run(name, func(t *testing.T) {
			if err := chromedp.Do(ctx,
				chromedp.Navigate(root+"index.html"),
				chromedp.Click("#lb_q"),
				chromedp.SendKeys("#lb_q", "hennepkwekerij"),
				chromedp.WaitVisible("#lb_results li a"),
				chromedp.KeyEvent(kb.ArrowDown),
				chromedp.KeyEvent(kb.Enter),
				chromedp.WaitVisible("mark.lb-found"),
			); err != nil {
				t.Fatalf("following a result: %v", err)
			}
			words, outside := marksOf(t, ctx, "ondermijning")
			if len(words) < 2 || outside > 0 {
				t.Errorf("marks %v, %d outside the section", words, outside)
			}
			for _, w := range words {
				if !strings.HasPrefix(w, "hennepkwekerij") {
					t.Errorf("marked %q", w)
				}
			}
			if got := evalString(t, ctx, layoutOf); got != plain {
				t.Errorf("the marks moved the page:\n%s\nwithout them\n%s", got, plain)
			}
			if seen := evalString(t, ctx, `(() => { const r = document.querySelector("mark.lb-found").getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight ? "yes" : "no"; })()`); seen != "yes" {
				t.Error("the first mark is not in view")
			}
			if id := evalString(t, ctx, `location.hash`); id != "#ondermijning" {
				t.Errorf("landed on %s", id)
			}
			for _, scheme := range []string{"light", "dark"} {
				if err := browsertest.ColorScheme(ctx, scheme); err != nil {
					t.Fatal(err)
				}
				for _, v := range browsertest.AxeViolations(t, ctx) {
					t.Errorf("%s, words marked: %s", scheme, v)
				}
			}
			if name == "file" {
				nuCheckPage(t, ctx, "a page with marked words")
			}
			if err := chromedp.Do(ctx, chromedp.Click("button.lb-unmark")); err != nil {
				t.Fatal(err)
			}
			if n := evalString(t, ctx, `String(document.querySelectorAll("mark.lb-found, button.lb-unmark").length) + location.search`); n != "0" {
				t.Errorf("after Markering weghalen: %s marks and buttons left (and address query)", n)
			}
		})
	}

	t.Run("single file", func(t *testing.T) {
		copies, _ := filepath.Glob(filepath.Join(out, "21-082", "lbr-*.html"))
		if len(copies) != 1 {
			t.Fatalf("single-file copies: %v", copies)
		}
		u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(copies[0])}).String()
		if err := chromedp.Do(ctx,
			chromedp.Navigate(u),
			chromedp.Click("#lb_q"),
			chromedp.SendKeys("#lb_q", "hennepkwekerij"),
		); err != nil {
			t.Fatal(err)
		}
		// Click once the list is the whole word's, not a shorter start's.
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`/“hennepkwekerij”/.test((document.querySelector("#lb_results .search-status") || {}).textContent)`)); err != nil {
			t.Fatal(err)
		}
		// A link within the file moves no document: chromedp's WaitVisible
		// does not see what changes after it, a poll does.
		if err := chromedp.Do(ctx, chromedp.Click("#lb_results li a")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll("mark.lb-found").length > 0`)); err != nil {
			t.Fatalf("following a result in the copy marks nothing: %v", err)
		}
		if words, outside := marksOf(t, ctx, "ondermijning"); len(words) < 2 || outside > 0 {
			t.Errorf("marks %v, %d outside the section", words, outside)
		}
		if n := evalString(t, ctx, `String(document.querySelector("#lb_results").childElementCount)`); n != "0" {
			t.Error("the list of results stays open over the passage")
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
			t.Fatal(err)
		}
		if n := evalString(t, ctx, `String(document.querySelectorAll("mark.lb-found, button.lb-unmark").length)`); n != "0" {
			t.Errorf("after Escape: %s marks and buttons left", n)
		}
	})
}
