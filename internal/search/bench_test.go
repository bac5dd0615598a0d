package search_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"ledenbrief/internal/browsertest"
	"ledenbrief/internal/build"
	"ledenbrief/internal/corpus"
	"ledenbrief/internal/search"
)

// BenchmarkIndex measures indexing alone: the units of a generated corpus
// analysed, indexed in bleve and collected, and exported as the static
// index. It reports
// units/s and the static index's bytes.
func BenchmarkIndex(b *testing.B) {
	n := corpus.BenchLetters()
	dir := filepath.Join(corpus.BenchDir(b), "content")
	which, err := corpus.ForBenchmark(dir, n)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("corpus: %s", which)
	_, letters := letterUnits(b, dir)
	units, bytes := 0, 0
	b.ResetTimer()
	for b.Loop() {
		idx, err := search.NewIndex(false)
		if err != nil {
			b.Fatal(err)
		}
		w := search.NewStaticWriter(func(string, []byte, [32]byte) error { return nil })
		units = 0
		for _, us := range letters {
			aus, err := search.AnalyzeAll(us, false)
			if err != nil {
				b.Fatal(err)
			}
			if err := idx.Add(aus); err != nil {
				b.Fatal(err)
			}
			if err := w.WriteDocs(us); err != nil {
				b.Fatal(err)
			}
			units += len(us)
		}
		d, err := idx.Dictionary(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Finish(d); err != nil {
			b.Fatal(err)
		}
		bytes = w.Bytes
		idx.Close()
	}
	b.ReportMetric(float64(units)*float64(b.N)/b.Elapsed().Seconds(), "units/s")
	b.ReportMetric(float64(bytes)/(1<<20), "static-MiB")
}

// BenchmarkBrowserSearch builds a generated corpus, opens it from file://
// in Chromium and types 24 queries key by key, each on a fresh page,
// waiting for the results of every key (as many as the field shows,
// LB.live). It reports what a reader gets:
// the bytes a first query loads (engine, meta, shards; median and largest
// of the 24) and the latency of every key, from the key to the results
// (median and p95).
func BenchmarkBrowserSearch(b *testing.B) {
	dir := corpus.BenchDir(b)
	which, err := corpus.ForBenchmark(filepath.Join(dir, "content"), corpus.BenchLetters())
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("corpus: %s", which)
	out := filepath.Join(dir, "public")
	if res, err := build.Run(build.Options{Content: filepath.Join(dir, "content"), Out: out}); err != nil || res.Diags.Len() > 0 {
		b.Fatalf("build: %v", err)
	}
	// The browser after the build: its time limit is for the searching.
	ctx := browsertest.New(b)
	root := (&url.URL{Scheme: "file", Path: filepath.ToSlash(out) + "/"}).String()
	queries := []string{"ondermijning gemeente", "integriteit", "weerbaarheid bestuurders", "hennepkwekerijen", "desinformatie", "loopbaanorie",
		"rechtspositie wethouders", "VOG", "verordening", "intimidatie agressie", "klantcontactcentra", "geheimhouding", "sollicitatieplicht",
		"criminaliteit netwerken", "gemeenteraad verkiezingen", "belangenverstrengeling", "dialoog", "preventie", "inwoners onrust", "ondermijing",
		"complotdenkers", "gedragsregels raadsleden", "Raad van State", "wanneer mag een raadslid niet meestemmen"}
	var lat []float64
	var firstKiB []float64
	type keyTime struct {
		prefix string
		ms     float64
	}
	var keys []keyTime
	kinds := map[string]int64{}
	var largest struct { // the query that loaded the most
		query string
		bytes int64
		kinds map[string]int64
	}
	for b.Loop() {
		lat, firstKiB, keys = lat[:0], firstKiB[:0], keys[:0]
		largest.bytes = 0
		clear(kinds)
		// Each query typed key by key on a fresh page, waiting for the
		// results of every key: the latency of every key, and the bytes
		// of engine and index the whole query loaded.
		for _, q := range queries {
			if err := chromedp.Do(ctx, chromedp.Navigate(root+"index.html"), chromedp.Click("#lb_q"), chromedp.Poll[chromedp.Void]("!!(window.LB && LB.search)")); err != nil {
				b.Fatal(err)
			}
			qs, _ := json.Marshal(q)
			raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(async () => {
				const q = Array.from(%s), times = [];
				for (let i = 1; i <= q.length; i++) {
					const t0 = performance.now();
					await LB.search(q.slice(0, i).join(""), true, LB.live);
					times.push(performance.now() - t0);
				}
				return JSON.stringify({times, scripts: [...document.querySelectorAll("script[src]")].map(s => s.src)});
			})()`, qs), chromedp.EvalAwaitPromise))
			if err != nil {
				b.Fatal(err)
			}
			var res struct {
				Times   []float64
				Scripts []string
			}
			json.Unmarshal([]byte(raw), &res)
			lat = append(lat, res.Times...)
			for i, ms := range res.Times {
				keys = append(keys, keyTime{string([]rune(q)[:i+1]), ms})
			}
			var bytes int64
			mine := map[string]int64{}
			for _, s := range res.Scripts {
				u, _ := url.Parse(s)
				if info, err := os.Stat(u.Path); err == nil {
					bytes += info.Size()
					kinds[filepath.Base(u.Path)[:2]] += info.Size()
					mine[filepath.Base(u.Path)[:2]] += info.Size()
				}
			}
			if bytes > largest.bytes {
				largest.query, largest.bytes, largest.kinds = q, bytes, mine
			}
			firstKiB = append(firstKiB, float64(bytes)/1024)
		}
	}
	b.Logf("bytes per kind of file, all %d queries: %v", len(queries), kinds)
	b.Logf("the largest first query, %q: %d bytes, %v", largest.query, largest.bytes, largest.kinds)
	slices.SortFunc(keys, func(x, y keyTime) int { return cmp.Compare(y.ms, x.ms) })
	b.Logf("slowest keys: %v", keys[:min(8, len(keys))])
	slices.Sort(firstKiB)
	b.ReportMetric(firstKiB[len(firstKiB)/2], "first-query-KiB")
	b.ReportMetric(firstKiB[len(firstKiB)-1], "max-first-query-KiB")
	slices.Sort(lat)
	b.ReportMetric(lat[len(lat)/2], "p50-ms")
	b.ReportMetric(lat[(len(lat)*95+99)/100-1], "p95-ms")
	var total int64
	filepath.WalkDir(filepath.Join(out, "search"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			total += info.Size()
		}
		return err
	})
	b.ReportMetric(float64(total)/(1<<20), "static-MiB")
}
