package search_test

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ledenbrief/internal/browsertest"
	"ledenbrief/internal/build"
	"ledenbrief/internal/corpus"
)

// TestResultsPageNarrowsAndSorts opens the results page of a generated
// site of several years and series from file://: every filter's count is
// what choosing it gives, each filter keeps only its passages, the date
// order is newest first, a choice goes into the address (which opens the
// same list), and axe finds nothing in either colour scheme.
func TestResultsPageNarrowsAndSorts(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := corpus.Write(content, 40); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	if res, err := build.Run(build.Options{Content: content, Out: out, NoOffline: true}); err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	ctx := browsertest.New(t)
	page := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(out, "zoeken", "index.html"))}).String()
	open := func(query string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(page+"?"+query), chromedp.WaitVisible("#lb_search_page .search-status")); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	// options reads a filter's values and counts as the page shows them.
	options := func(dim string) map[string]int {
		raw := evalString(t, ctx, `JSON.stringify([...document.querySelectorAll("#lb_f_`+dim+` option")].map(o => [o.value, o.textContent]))`)
		var pairs [][2]string
		json.Unmarshal([]byte(raw), &pairs)
		out := map[string]int{}
		for _, p := range pairs {
			i := strings.LastIndex(p[1], "(")
			n, err := strconv.Atoi(strings.TrimSuffix(p[1][i+1:], ")"))
			if err != nil {
				t.Fatalf("option %q has no count", p[1])
			}
			out[p[0]] = n
		}
		return out
	}
	total := func() int {
		status := evalString(t, ctx, `document.querySelector("#lb_search_page .search-status").textContent`)
		n, err := strconv.Atoi(strings.Fields(status)[0])
		if err != nil {
			t.Fatalf("status %q", status)
		}
		return n
	}
	// engine runs the page's own search with a narrowing, all results.
	type hit struct{ URL, Date, Context string }
	engine := func(narrow string) []hit {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`LB.search("gemeente", false, 100000, `+narrow+`).then(r => JSON.stringify(r.hits.map(h => ({URL: h.url, Date: h.date, Context: h.context}))))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		var hits []hit
		json.Unmarshal([]byte(raw), &hits)
		return hits
	}

	open("q=gemeente")
	all := total()
	kinds, years, series := options("soort"), options("jaar"), options("reeks")
	if len(years) < 2 || len(series) < 3 || kinds["brief"] == 0 || kinds["bijlage"] == 0 || kinds["handreiking"] == 0 {
		t.Fatalf("filters: kinds %v, %d years, %d series", kinds, len(years), len(series))
	}
	if kinds[""] != all || years[""] > all || series[""] > all {
		t.Errorf("the 'all' counts %d, %d, %d; %d results", kinds[""], years[""], series[""], all)
	}
	for _, browser := range []string{"light", "dark"} {
		if err := browsertest.ColorScheme(ctx, browser); err != nil {
			t.Fatal(err)
		}
		for _, v := range browsertest.AxeViolations(t, ctx) {
			t.Errorf("results page with filters, %s: %s", browser, v)
		}
	}
	nuCheckPage(t, ctx, "the results page with filters")

	checkDim := func(dim string, counts map[string]int, belongs func(h hit, v string) bool) {
		for v, n := range counts {
			if v == "" {
				continue
			}
			open("q=gemeente&" + dim + "=" + url.QueryEscape(v))
			if got := total(); got != n {
				t.Errorf("%s=%s: %d results, the filter said %d", dim, v, got, n)
			}
			for _, h := range engine(`{` + dim + `: "` + v + `"}`) {
				if !belongs(h, v) {
					t.Errorf("%s=%s keeps %+v", dim, v, h)
				}
			}
		}
	}
	checkDim("soort", kinds, func(h hit, v string) bool {
		switch v {
		case "handreiking":
			return strings.HasPrefix(h.URL, "handreikingen/")
		case "bijlage":
			return strings.Contains(h.URL, "/bijlage/")
		case "brief":
			return !strings.Contains(h.URL, "/bijlage/") && !strings.HasPrefix(h.URL, "handreikingen/") && h.Date != ""
		}
		return !strings.HasPrefix(h.URL, "handreikingen/") && h.Date == ""
	})
	checkDim("jaar", years, func(h hit, v string) bool { return strings.HasPrefix(h.Date, v+"-") })
	some := map[string]int{}
	for _, v := range slices.Sorted(maps.Keys(series))[:3] {
		some[v] = series[v]
	}
	checkDim("reeks", some, func(h hit, v string) bool { return h.Date != "" })

	byDate := engine(`{sorteer: "datum"}`)
	if len(byDate) != all {
		t.Errorf("sorted by date: %d results, %d unsorted", len(byDate), all)
	}
	dates := make([]string, len(byDate))
	for i, h := range byDate {
		dates[i] = h.Date
	}
	if !slices.IsSortedFunc(dates, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("not newest first: %v", dates)
	}

	// A choice goes into the address, and the list box keeps the focus.
	open("q=gemeente")
	if err := chromedp.Do(ctx, chromedp.Focus("#lb_f_soort"), chromedp.SetValue("#lb_f_soort", "bijlage")); err != nil {
		t.Fatal(err)
	}
	evalString(t, ctx, `String(document.getElementById("lb_f_soort").dispatchEvent(new Event("change", {bubbles: true})))`)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`/[?&]soort=bijlage/.test(location.search) && document.activeElement && document.activeElement.id === "lb_f_soort"`)); err != nil {
		t.Errorf("choosing bijlage: address %s, focus on %s", evalString(t, ctx, `location.search`), evalString(t, ctx, `document.activeElement.id`))
	}
	if got := total(); got != kinds["bijlage"] {
		t.Errorf("after choosing bijlage %d results, want %d", got, kinds["bijlage"])
	}
}

// nuCheckPage validates the page as the browser holds it now, results and
// filters included, with the W3C Nu HTML checker.
func nuCheckPage(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(file, []byte("<!DOCTYPE html>\n"+evalString(t, ctx, `document.documentElement.outerHTML`)), 0o644); err != nil {
		t.Fatal(err)
	}
	if msg := browsertest.NuErrors(t, file); msg != "" {
		t.Errorf("Nu HTML checker on %s:\n%s", what, msg)
	}
}
