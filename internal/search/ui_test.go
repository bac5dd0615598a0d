package search_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"ledenbrief/internal/browsertest"
)

// loadedSearchFiles returns the search files (engine and index) the page
// has loaded so far, by path relative to the site root. It reads the
// page's script elements: file:// loads leave no resource timing entries.
func loadedSearchFiles(t *testing.T, ctx context.Context, root string) []string {
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify([...document.querySelectorAll("script[src]")].map(s => s.src))`))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	json.Unmarshal([]byte(raw), &names)
	var out []string
	for _, n := range names {
		rel := strings.TrimPrefix(strings.SplitN(n, "?", 2)[0], root)
		if strings.HasPrefix(rel, "search/") || strings.HasPrefix(rel, "assets/search.") {
			out = append(out, rel)
		}
	}
	return out
}

func evalString(t *testing.T, ctx context.Context, expr string) string {
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return s
}

// searchAndFollow types a query into the search field of page the way a
// reader does, checks the results, and follows the first one with the
// keyboard. It returns the bytes of search files the first query loaded.
func searchAndFollow(t *testing.T, ctx context.Context, root, page, dir string) int64 {
	if err := chromedp.Do(ctx, chromedp.Navigate(root+page)); err != nil {
		t.Fatal(err)
	}
	if files := loadedSearchFiles(t, ctx, root); len(files) > 0 {
		t.Errorf("the page loaded search files before the search field was used: %v", files)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click("#lb_q"),
		chromedp.SendKeys("#lb_q", "hennepkwekerij"),
		chromedp.WaitVisible("#lb_results li a"),
	); err != nil {
		t.Fatalf("no results after typing: %v", err)
	}
	if live := evalString(t, ctx, `document.querySelector("#lb_results").getAttribute("aria-live")`); live != "polite" {
		t.Errorf("results region has aria-live=%q", live)
	}
	if label := evalString(t, ctx, `document.querySelector("label[for=lb_q]").textContent`); label == "" {
		t.Error("the search field has no label")
	}
	first := evalString(t, ctx, `document.querySelector("#lb_results li a").textContent`)
	if first != "Ondermijning" {
		t.Errorf("first result is %q, want Ondermijning", first)
	}
	if mark := evalString(t, ctx, `(document.querySelector("#lb_results li mark") || {}).textContent || ""`); !strings.HasPrefix(strings.ToLower(mark), "hennepkwekerij") {
		t.Errorf("snippet marks %q, want the matched word", mark)
	}
	if os.Getenv("LEDENBRIEF_AXE") != "" || os.Getenv("CI") == "true" {
		for _, v := range browsertest.AxeViolations(t, ctx) {
			t.Errorf("with results shown: %s", v)
		}
	}
	var bytes int64
	for _, f := range loadedSearchFiles(t, ctx, root) {
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			t.Fatalf("loaded %s, which is not in the output: %v", f, err)
		}
		bytes += info.Size()
	}

	// Arrow down reaches the first result, Enter follows it.
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
		t.Fatal(err)
	}
	if active := evalString(t, ctx, `document.activeElement.textContent`); active != "Ondermijning" {
		t.Fatalf("after ArrowDown the focus is on %q", active)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitReady("#lb_toc")); err != nil {
		t.Fatal(err)
	}
	landed := evalString(t, ctx, `(() => { const el = document.getElementById(location.hash.slice(1)); return location.pathname.replace(/index\.html$/, "").split("/").slice(-3).join("/") + location.hash + " " + (el ? el.firstChild.textContent.trim() : "-"); })()`)
	if landed != "21-082/bijlage/#ondermijning Ondermijning" {
		t.Errorf("following the result landed on %q", landed)
	}
	return bytes
}

func TestSearchFieldFromFile(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtSite(t)
	root := (&url.URL{Scheme: "file", Path: filepath.ToSlash(out) + "/"}).String()
	n := searchAndFollow(t, ctx, root, "21-082/index.html", out)
	t.Logf("first query from file:// loaded %d bytes of search code and index", n)
	// The budget of a first query on the real letter (issue 11).
	if n > 66<<10 {
		t.Errorf("the first query loaded %d bytes, more than 66 KB", n)
	}
}

// TestSearchFieldUnderSubpath searches a copy served under a subpath by
// a server that calls every script ISO-8859-1: the index files' byte
// order mark makes the browser read them as UTF-8 all the same.
func TestSearchFieldUnderSubpath(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtSite(t)
	root := browsertest.ServeSubpathAsLatin1(t, out, "/intranet/griffie/ledenbrieven/")
	searchAndFollow(t, ctx, root, "handreikingen/index.html", out)
}

// TestSearchKeyboardAndMessages checks Escape and the no-results message.
func TestSearchKeyboardAndMessages(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtSite(t)
	root := (&url.URL{Scheme: "file", Path: filepath.ToSlash(out) + "/"}).String()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(root+"index.html"),
		chromedp.Click("#lb_q"),
		chromedp.SendKeys("#lb_q", "qqxyzzy"),
		chromedp.WaitVisible("#lb_results .search-status"),
	); err != nil {
		t.Fatal(err)
	}
	if msg := evalString(t, ctx, `document.querySelector("#lb_results").textContent`); !strings.Contains(msg, "Geen resultaten voor “qqxyzzy”") {
		t.Errorf("no-results message is %q", msg)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	if html := evalString(t, ctx, `document.querySelector("#lb_results").innerHTML`); html != "" {
		t.Errorf("Escape left the results: %q", html)
	}
	if active := evalString(t, ctx, `document.activeElement.id`); active != "lb_q" {
		t.Errorf("after Escape the focus is on %q, want the search field", active)
	}
}

// TestSearchPageWithMalformedQuery opens the search page with a query
// string that is not valid percent-encoding, as a mangled link would: the
// page takes the query as written and searches, without a script error.
func TestSearchPageWithMalformedQuery(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtSite(t)
	root := (&url.URL{Scheme: "file", Path: filepath.ToSlash(out) + "/"}).String()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(root+"zoeken/index.html?q=%25zz%E0%A4%A+hennep"),
		chromedp.WaitVisible("#lb_search_page .search-status"),
	); err != nil {
		t.Fatalf("no answer to a malformed query: %v", err)
	}
	if v := evalString(t, ctx, `document.querySelector("#lb_q").value`); !strings.Contains(v, "hennep") {
		t.Errorf("the search field holds %q", v)
	}
}

// TestSearchResultsPage opens the search page with a query in its
// address, from file://, as a bookmark or a shared link would: the page
// lists the ranked results ten at a time with "Meer resultaten" for the
// rest, says which word a misspelt one was taken for, and offers ways on
// when nothing is found; axe finds nothing on it.
func TestSearchResultsPage(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtSite(t)
	page := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(out, "zoeken", "index.html"))}).String()
	open := func(q string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(page+"?q="+url.QueryEscape(q)), chromedp.WaitVisible("#lb_search_page .search-status")); err != nil {
			t.Fatalf("%q: no results page: %v", q, err)
		}
	}
	open("raadsleden")
	total := evalString(t, ctx, `document.querySelector("#lb_search_page .search-status").textContent`)
	if n := evalString(t, ctx, `String(document.querySelectorAll("#lb_search_page .search-hits li").length)`); n != "10" || !strings.Contains(total, "resultaten voor “raadsleden”") {
		t.Fatalf("the page lists %s results (%s), want the first ten", n, total)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#lb_search_page button.more"), chromedp.WaitVisible("#lb_search_page .search-hits li:nth-child(11)")); err != nil {
		t.Fatalf("Meer resultaten shows no more: %v", err)
	}
	if focused := evalString(t, ctx, `document.activeElement === document.querySelectorAll("#lb_search_page .search-hits li a")[10] ? "yes" : "no"`); focused != "yes" {
		t.Error("the first new result does not take the focus")
	}
	if v := evalString(t, ctx, `document.getElementById("lb_q").value`); v != "raadsleden" {
		t.Errorf("the search field holds %q", v)
	}
	for _, v := range browsertest.AxeViolations(t, ctx) {
		t.Errorf("results page: %s", v)
	}

	open("ondremijning")
	if status := evalString(t, ctx, `document.querySelector("#lb_search_page .search-status").textContent`); !strings.Contains(status, "resultaten voor “ondermijning”") {
		t.Errorf("a misspelt word: %q", status)
	}
	// A word the text never uses, found through a synonym, says so; the
	// text's own word does not.
	open("salaris")
	if status := evalString(t, ctx, `document.querySelector("#lb_search_page .search-status").textContent`); !strings.Contains(status, "“salaris” staat niet in de tekst; resultaten voor “beloning”") {
		t.Errorf("a synonym: %q", status)
	}
	open("beloning")
	if text := evalString(t, ctx, `document.getElementById("lb_search_page").textContent`); strings.Contains(text, "staat niet in de tekst") {
		t.Errorf("the text's own word: %q", text)
	}
	open("xyzzyqq")
	if text := evalString(t, ctx, `document.getElementById("lb_search_page").textContent`); !strings.Contains(text, "Geen resultaten") || !strings.Contains(text, "alle handreikingen") {
		t.Errorf("nothing found: %q", text)
	}
}

// TestFieldShowsTheFirstFewAndLeadsToAll types a question with many
// results: the list under the field shows the first few (LB.live, each a
// file to load while typing) and a link to all of them, which opens the
// results page with the same question and count.
func TestFieldShowsTheFirstFewAndLeadsToAll(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtSite(t)
	page := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(out, "21-082", "index.html"))}).String()
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.Click("#lb_q"), chromedp.SendKeys("#lb_q", "raadsleden"),
		chromedp.Poll[chromedp.Void](`!!document.querySelector("#lb_results .search-all a")`)); err != nil {
		t.Fatalf("no link to all results: %v", err)
	}
	live := evalString(t, ctx, `String(LB.live)`)
	if n := evalString(t, ctx, `String(document.querySelectorAll("#lb_results .search-hits > li").length)`); n != live || live != "5" {
		t.Errorf("the field shows %s results while typing, LB.live is %s; want 5", n, live)
	}
	all := evalString(t, ctx, `document.querySelector("#lb_results .search-all a").textContent`)
	if err := chromedp.Do(ctx, chromedp.Click("#lb_results .search-all a"), chromedp.WaitVisible("#lb_search_page .search-status")); err != nil {
		t.Fatal(err)
	}
	status := evalString(t, ctx, `document.querySelector("#lb_search_page .search-status").textContent`)
	total := strings.Fields(strings.TrimPrefix(all, "Alle "))[0]
	if !strings.HasPrefix(status, total+" resultaten voor “raadsleden”") {
		t.Errorf("the link says %q; the results page says %q", all, status)
	}
}

// TestFieldWaitsForAThirdLetter types two letters: the list under the
// field stays empty and no file of the index is loaded (one or two
// letters would load the index of every word they start); the third
// letter shows results, and Enter searches two letters at once.
func TestFieldWaitsForAThirdLetter(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtSite(t)
	page := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(out, "21-082", "index.html"))}).String()
	index := `String([...document.querySelectorAll("script[src]")].filter(s => s.src.includes("/search/index/")).length)`
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.Click("#lb_q"), chromedp.Poll[chromedp.Void]("!!(window.LB && LB.search)"),
		chromedp.SendKeys("#lb_q", "ra"), chromedp.Sleep(300*time.Millisecond)); err != nil { // time for what they would load
		t.Fatal(err)
	}
	if n := evalString(t, ctx, `String(document.getElementById("lb_results").children.length)`); n != "0" {
		t.Errorf("two letters show %s elements under the field; want none", n)
	}
	if n := evalString(t, ctx, index); n != "0" {
		t.Errorf("two letters loaded %s files of the index; want none", n)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys("#lb_q", "a"), chromedp.Poll[chromedp.Void](`!!document.querySelector("#lb_results .search-hits li")`)); err != nil {
		t.Fatalf("three letters show no results: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue("#lb_q", "ra"), chromedp.SendKeys("#lb_q", "\r"), chromedp.Poll[chromedp.Void](`!!document.querySelector("#lb_results .search-status")`)); err != nil {
		t.Fatalf("Enter after two letters shows nothing: %v", err)
	}
}
