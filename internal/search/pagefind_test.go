package search_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ledenbrief/internal/browsertest"
)

// TestRecallAgainstPagefind runs both query sets through Pagefind, indexing
// the same built site, and through our search, and checks that ours finds
// the right passage first at least as often. Pagefind's results are pages
// with sub-results (one per heading); like the comparison in
// shared/PEERS.md, each page's sub-results are re-sorted by their own
// score, and sub-results without an anchor are left out: Pagefind at its
// best. It needs Pagefind
// (LEDENBRIEF_PAGEFIND=path/to/pagefind; .ci/run installs it from npm).
func TestRecallAgainstPagefind(t *testing.T) {
	bin := os.Getenv("LEDENBRIEF_PAGEFIND")
	browsertest.Require(t, "Pagefind (LEDENBRIEF_PAGEFIND=path/to/pagefind)", bin)
	ctx := browsertest.New(t)
	out := builtSite(t)
	if msg, err := exec.Command(bin, "--site", out).CombinedOutput(); err != nil {
		t.Fatalf("pagefind: %v\n%s", err, msg)
	}
	// Pagefind's modules do not load from file://; serve the site.
	root := browsertest.ServeSubpath(t, out, "/")
	if err := chromedp.Do(ctx, chromedp.Navigate(root+"index.html")); err != nil {
		t.Fatal(err)
	}
	openSearch(t, ctx, out, "index.html") // our engine, from file://
	for _, file := range querySets {
		specs := readQueries(t, file)
		var qs []string
		for _, s := range specs {
			qs = append(qs, s.q)
		}
		ours := jsSearch(t, ctx, qs, 5)
		if err := chromedp.Do(ctx, chromedp.Navigate(root+"index.html")); err != nil {
			t.Fatal(err)
		}
		theirs := pagefindSearch(t, ctx, qs)
		openSearch(t, ctx, out, "index.html")
		var oursAt1, oursAt5, pfAt1, pfAt5 int
		for i, s := range specs {
			var urls []string
			for _, h := range ours[i] {
				urls = append(urls, h.URL)
			}
			r := rankOf(urls, s.want)
			oursAt1 += b2i(r == 1)
			oursAt5 += b2i(r >= 1 && r <= 5)
			r = rankOf(theirs[i], s.want)
			pfAt1 += b2i(r == 1)
			pfAt5 += b2i(r >= 1 && r <= 5)
		}
		n := float64(len(specs))
		t.Logf("%s (%d queries): ours recall@1 %.3f @5 %.3f; Pagefind recall@1 %.3f @5 %.3f",
			filepath.Base(file), len(specs), float64(oursAt1)/n, float64(oursAt5)/n, float64(pfAt1)/n, float64(pfAt5)/n)
		if oursAt1 < pfAt1 || oursAt5 < pfAt5 {
			t.Errorf("%s: Pagefind finds the right passage more often than we do", file)
		}
	}
}

// pagefindSearch returns, per query, Pagefind's sub-result URLs relative to
// the site root: pages in Pagefind's order, each page's sub-results by
// their own score.
func pagefindSearch(t *testing.T, ctx context.Context, queries []string) [][]string {
	qs, _ := json.Marshal(queries)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`import("/pagefind/pagefind.js").then(pf => { window.pf = pf; return pf.init(); })`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(async () => {
		const out = [];
		for (const q of %s) {
			const r = await pf.search(q);
			const pages = await Promise.all(r.results.slice(0, 5).map(x => x.data()));
			const urls = [];
			for (const p of pages) {
				// Sub-results without an anchor are the page's text before its
				// first heading (here: the table of contents); leave them out,
				// to Pagefind's advantage.
				const subs = (p.sub_results || []).filter(s => s.url.includes("#"))
					.map(s => ({url: s.url, score: (s.weighted_locations || []).reduce((a, l) => a + l.balanced_score, 0)}));
				subs.sort((a, b) => b.score - a.score);
				for (const s of subs) urls.push(s.url);
			}
			out.push(urls);
		}
		return JSON.stringify(out);
	})()`, qs), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var res [][]string
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatal(err)
	}
	// Pagefind links to folders ("/21-082/bijlage/#x"); ours name the file.
	for i := range res {
		for j, u := range res[i] {
			page, frag, hasFrag := strings.Cut(strings.TrimPrefix(u, "/"), "#")
			if page == "" || strings.HasSuffix(page, "/") {
				page += "index.html"
			}
			if hasFrag {
				page += "#" + frag
			}
			res[i][j] = page
		}
	}
	return res
}

// rankOf returns the 1-based rank of the first wanted URL, or 0.
func rankOf(urls, want []string) int {
	for i, u := range urls {
		if slices.Contains(want, u) {
			return i + 1
		}
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
