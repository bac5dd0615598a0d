package search_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ledenbrief/internal/browsertest"
	"ledenbrief/internal/build"
	"ledenbrief/internal/corpus"
	"ledenbrief/internal/search"
	"ledenbrief/internal/search/words"
)

const realContent = "../../content"

// querySets are the query files: queries.txt was used to tune the
// ranking; the others were written blind (each file's head says when).
var querySets = []string{
	"testdata/queries.txt", "testdata/queries-unseen.txt",
	"testdata/queries-everyday.txt", "testdata/queries-terms.txt",
	"testdata/queries-everyday2.txt", "testdata/queries-everyday3.txt",
}

// querySpec is one line of a query file.
type querySpec struct {
	q    string
	want []string
}

func readQueries(t *testing.T, file string) []querySpec {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []querySpec
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, want, ok := strings.Cut(line, "|")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		spec := querySpec{q: strings.TrimSpace(q)}
		for _, w := range strings.Split(want, ",") {
			spec.want = append(spec.want, strings.TrimSpace(w))
		}
		out = append(out, spec)
	}
	return out
}

// builtSite builds the shipped content and returns the output folder.
func builtSite(t *testing.T) string {
	out := filepath.Join(t.TempDir(), "public")
	res, err := build.Run(build.Options{Content: realContent, Out: out})
	if err != nil {
		t.Fatal(err)
	}
	if res.Diags.Len() > 0 {
		t.Fatal(res.Diags.Sorted()[0])
	}
	return out
}

// jsHit is a result as the browser's engine returns it.
type jsHit struct {
	URL   string  `json:"url"`
	Score float64 `json:"score"`
}

// openSearch opens a page from file:// and starts the search engine the
// way a reader does: by focusing the search field.
func openSearch(t *testing.T, ctx context.Context, out, page string) {
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(filepath.Join(out, page))}).String()
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.Focus("#lb_q")); err != nil {
		t.Fatalf("open %s: %v", page, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool]("!!(window.LB && LB.search)")); err != nil {
		t.Fatalf("search engine did not start on %s: %v", page, err)
	}
}

// jsSearch runs queries through the page's engine, as typed and submitted.
func jsSearch(t *testing.T, ctx context.Context, queries []string, limit int) [][]jsHit {
	return jsSearchAs(t, ctx, queries, limit, false)
}

// jsSearchAs is jsSearch, with typing: as the live results under the
// field show them while the last word may still grow.
func jsSearchAs(t *testing.T, ctx context.Context, queries []string, limit int, typing bool) [][]jsHit {
	qs, _ := json.Marshal(queries)
	expr := fmt.Sprintf(`Promise.all(%s.map(q => LB.search(q, %t, %d))).then(rs => JSON.stringify(rs.map(r => r.hits.map(h => ({url: h.url, score: h.score})))))`, qs, typing, limit)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var hits [][]jsHit
	if err := json.Unmarshal([]byte(raw), &hits); err != nil {
		t.Fatal(err)
	}
	return hits
}

// TestQuerySetRecall runs the query sets through the exported index with
// the page's own JavaScript, from file://, and checks recall at 1 and 5:
// submitted (the search page), and as typed (the live results under the
// field, where the last word is also completed).
func TestQuerySetRecall(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtSite(t)
	openSearch(t, ctx, out, "index.html")
	for _, file := range querySets {
		for _, typing := range []bool{false, true} {
			name := filepath.Base(file) + map[bool]string{false: "/submitted", true: "/typed"}[typing]
			t.Run(name, func(t *testing.T) { checkRecall(t, ctx, readQueries(t, file), typing, recallFloor[file]) })
		}
	}
}

// recallFloor is, per query set, the recall at 1 and at 5 below which a
// change has made search worse: the tuned set, the first unseen one and
// the set of the letter's own terms must stay high; the everyday sets,
// written blind and hard, guard what synonyms, stemming, compounds and
// phrases reach today. The third everyday set was measured before
// issue 23's changes at R@1 0.61, R@5 0.80 (submitted); after its
// generic changes at 0.69, 0.80; with zoekwoorden written partly from its
// misses (so no longer blind) at 0.80, 0.94.
var recallFloor = map[string][2]float64{
	"testdata/queries.txt":           {0.95, 1},
	"testdata/queries-unseen.txt":    {0.9, 1},
	"testdata/queries-everyday.txt":  {0.6, 0.85},
	"testdata/queries-terms.txt":     {0.9, 1},
	"testdata/queries-everyday2.txt": {0.65, 0.95},
	"testdata/queries-everyday3.txt": {0.75, 0.9},
}

func checkRecall(t *testing.T, ctx context.Context, specs []querySpec, typing bool, floor [2]float64) {
	if len(specs) < 30 {
		t.Fatalf("only %d queries", len(specs))
	}
	qs := make([]string, len(specs))
	for i, s := range specs {
		qs[i] = s.q
	}
	results := jsSearchAs(t, ctx, qs, 5, typing)
	at1, at5, mrr := 0, 0, 0.0
	for i, s := range specs {
		rank := 0
		for r, h := range results[i] {
			if slices.Contains(s.want, h.URL) {
				rank = r + 1
				break
			}
		}
		switch {
		case rank == 1:
			at1++
			fallthrough
		case rank > 0:
			at5++
			mrr += 1 / float64(rank)
		default:
			got := make([]string, len(results[i]))
			for r, h := range results[i] {
				got[r] = h.URL
			}
			t.Logf("miss: %q: got %v", s.q, got)
		}
		if rank > 1 {
			t.Logf("rank %d: %q", rank, s.q)
		}
	}
	n := float64(len(specs))
	t.Logf("%d queries: recall@1 %.3f, recall@5 %.3f, MRR %.3f", len(specs), float64(at1)/n, float64(at5)/n, mrr/n)
	if float64(at1)/n < floor[0] || float64(at5)/n < floor[1] {
		t.Errorf("recall@1 %.3f (want ≥ %.2f), recall@5 %.3f (want ≥ %.2f)", float64(at1)/n, floor[0], float64(at5)/n, floor[1])
	}
}

// TestStaticAgreesWithBleve compares, for every query of the sets and a few
// more, the browser's analysis (typed and submitted) and top five, from the
// exported index, with the Go analysis and bleve's own search of the index
// it was derived from: same words and expansions, same documents, same scores.
func TestStaticAgreesWithBleve(t *testing.T) {
	t.Run("shards-by-two-letters", func(t *testing.T) { staticAgreesWithBleve(t) })
	// With tiny vocabulary shards, every common start is split, down to
	// several letters: completions and typo corrections must still agree.
	t.Run("shards-split", func(t *testing.T) {
		defer func(n int) { search.VocabShardBytes = n }(search.VocabShardBytes)
		search.VocabShardBytes = 300
		out := staticAgreesWithBleve(t)
		shards, _ := filepath.Glob(filepath.Join(out, "search", "*", "v-*.js"))
		split := 0
		for _, f := range shards {
			script, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, data := search.Unpack(t, script); strings.Contains(string(data), `"s":"`) {
				split++
			}
		}
		if split == 0 {
			t.Errorf("none of %d vocabulary shards was split", len(shards))
		}
	})
}

func staticAgreesWithBleve(t *testing.T) string {
	ctx := browsertest.New(t)
	out := builtSite(t)
	openSearch(t, ctx, out, "index.html")
	agreesWithBleve(t, ctx, realIndex(t), agreementQueries(t))
	return out
}

// TestStaticAgreesWithBleveOnALargeSite is TestStaticAgreesWithBleve on
// 1,000 generated letters (gencorpus.py's when it is there): bleve holds
// them in many segments, the static index in thousands of files, and the
// postings of common terms are cut to their best.
func TestStaticAgreesWithBleveOnALargeSite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 1,000 letters")
	}
	ctx := browsertest.New(t)
	dir := t.TempDir()
	which, err := corpus.ForBenchmark(filepath.Join(dir, "content"), 1000)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("corpus: %s", which)
	out := filepath.Join(dir, "public")
	res, err := build.Run(build.Options{Content: filepath.Join(dir, "content"), Out: out, NoOffline: true, KeepIndex: true})
	if err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	defer res.Index.Close()
	openSearch(t, ctx, out, "index.html")
	qs := agreementQueries(t)
	analysesAsBleve(t, ctx, res, qs)
	// The static index keeps a word's best postings only (see
	// search.MaxPostings): a passage among a common word's thousand others
	// keeps its score for that word only where it is among the best for a
	// field of it. Rankings of queries that combine such words may differ
	// below the first places; how many agree in full is measured.
	js := jsSearch(t, ctx, qs, 5)
	agree, first := 0, 0
	for i, q := range qs {
		if rankingDiff(t, res, q, js[i], 1) == "" {
			first++
		}
		if d := rankingDiff(t, res, q, js[i], 5); d != "" {
			t.Log(d)
		} else {
			agree++
		}
	}
	t.Logf("of %d queries, %d have bleve's first result first, %d bleve's top five", len(qs), first, agree)
	if first*100 < len(qs)*minLargeSiteFirst || agree*100 < len(qs)*minLargeSiteTopFive {
		t.Errorf("of %d queries, %d have bleve's first result first (want %d%%), %d bleve's top five (want %d%%)",
			len(qs), first, minLargeSiteFirst, agree, minLargeSiteTopFive)
	}
}

// The shares of queries, in percent, that rank on 1,000 generated letters
// as bleve does, at least: the first result, and the top five. Measured
// when they were set: 55% and 40% on gencorpus.py's letters, 72% and 70%
// on internal/corpus's. The third everyday set's long questions (issue
// 23) lowered gencorpus.py's to 51% and 37% before any ranking change,
// and the links field to 51% and 35%. They hold what is reached; they are
// to rise when the browser can load the rest of a word's postings.
const (
	minLargeSiteFirst   = 50
	minLargeSiteTopFive = 34
)

// agreementQueries are the queries of every set and a few more.
func agreementQueries(t *testing.T) []string {
	var qs []string
	for _, file := range querySets {
		for _, s := range readQueries(t, file) {
			qs = append(qs, s.q)
		}
	}
	qs = append(qs, `"Raad van State"`, `“Raad van State”`, `integriteit -gemeentewet`, `"raad van state`, `-`, `""`, `"xyzzy integriteit"`,
		`"ondermijnende criminaliteit" -drugs`, `wethouder -raadslid -wethouders`, `re-integratie -xyzzy`, `"integriteit"`, `"de het"`, "verdient", "bedreigd", "beveiligd", "bedreigd -intimidatie",
		"ondermijning integriteit", "raadsleden", "gemeente", "hennep", "wethouders en burgemeesters", "xyzzy",
		"Loopbaanoriëntatie", "RIEC's", "de het een", "integ", "burgemeestr", "ICT-middelen", "070 373",
		"21/082", "Lbr. 21/082", "U202100853", "6 december 2021", "Wgr", "wgr raadsleden", "salaris", "laptop raadslid", "nepnieuws", "handicap",
		"gedragscode", "complot", "complotdenkers", "integriteits", "gedragsregels", "weerbaarheidscan", "samenwerkingsverbanden",
		"raad van state", `"Raad van State"`, `"verklaring omtrent gedrag" wethouder`, "a b c d e f g h i j complotdenkers", "complotdenkers gedragsregels b c d e f g h i j", "bestuur", "model gedragscodes",
		"ge", "gem", "geme", "ver", "verk", "verki", "be", "bes", "bestu", "on", "ond", "onder", "raa", "raads", "wet", "weth", "int", "inte")
	return qs
}

// agreesWithBleve compares, for every query, the analysis (typed and
// submitted) and top five of the engine of the page open in ctx with the
// Go analysis and bleve's own search of res's index.
func agreesWithBleve(t *testing.T, ctx context.Context, res *build.Result, qs []string) {
	analysesAsBleve(t, ctx, res, qs)
	js := jsSearch(t, ctx, qs, 5)
	for i, q := range qs {
		if d := rankingDiff(t, res, q, js[i], 5); d != "" {
			t.Error(d)
		}
	}
}

// analysesAsBleve holds the analysis of every query (typed and submitted)
// by the engine of the page open in ctx to the Go analysis of res.
func analysesAsBleve(t *testing.T, ctx context.Context, res *build.Result, qs []string) {
	qsJSON, _ := json.Marshal(qs)
	for _, typing := range []bool{false, true} {
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`Promise.all(%s.map(q => LB.analyze(q, %t))).then(ws => JSON.stringify(ws))`, qsJSON, typing), chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		var browser []search.Query
		if err := json.Unmarshal([]byte(raw), &browser); err != nil {
			t.Fatal(err)
		}
		for i, q := range qs {
			goq, js := res.Dict.Analyze(q, typing), browser[i]
			if !slices.EqualFunc(goq.Words, js.Words, func(a, b search.Word) bool { return a.Text == b.Text && slices.Equal(a.Terms, b.Terms) }) ||
				!slices.EqualFunc(goq.Phrases, js.Phrases, slices.Equal) || !slices.Equal(goq.Exclude, js.Exclude) {
				t.Errorf("%q (typing %t): Go analyses %+v, the browser %+v", q, typing, goq, js)
			}
		}
	}
}

// rankingDiff compares the browser's top n for q (js, its top five) with
// bleve's and describes the first difference ("" when there is none).
func rankingDiff(t *testing.T, res *build.Result, q string, js []jsHit, n int) string {
	// One more than shown, to see a tie across the cut.
	more, _, err := res.Index.Search(context.Background(), res.Dict, q, 6)
	if err != nil {
		t.Fatal(err)
	}
	hits := more[:min(5, len(more))]
	if len(hits) != len(js) {
		return fmt.Sprintf("%q: bleve has %d results, the browser %d", q, len(hits), len(js))
	}
	for r := range hits[:min(n, len(hits))] {
		b, s := hits[r], js[r]
		if math.Abs(b.Score-s.Score) > 1e-9*math.Max(1, b.Score) {
			return fmt.Sprintf("%q rank %d: bleve %s %.12f, browser %s %.12f", q, r+1, b.URL, b.Score, s.URL, s.Score)
		}
		// Scores equal to rounding (summed in another order) are a tie
		// whose order neither engine can promise.
		same := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Max(1, x) }
		tied := (r > 0 && same(hits[r-1].Score, b.Score)) || (r+1 < len(more) && same(more[r+1].Score, b.Score))
		if b.URL != s.URL && !tied {
			return fmt.Sprintf("%q rank %d: bleve %s, browser %s", q, r+1, b.URL, s.URL)
		}
	}
	return ""
}

// TestStemmerIsBleves holds the browser's Dutch stemmer equal to bleve's
// on every word of the shipped site, of a generated one, of the Dutch
// manuals in docs/, and on words made to reach each rule of the algorithm.
func TestStemmerIsBleves(t *testing.T) {
	ctx := browsertest.New(t)
	out := builtSite(t)
	openSearch(t, ctx, out, "index.html")
	surfaces := search.SurfaceWords(realIndex(t).Index)
	gen := t.TempDir()
	if err := corpus.Write(gen, 20); err != nil {
		t.Fatal(err)
	}
	res, err := build.Run(build.Options{Content: gen, Check: true, KeepIndex: true})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Index.Close()
	surfaces = append(surfaces, search.SurfaceWords(res.Index)...)
	// The editors' manual and the theme guide are Dutch prose too.
	docs, _ := filepath.Glob("../../docs/*.md")
	for _, f := range docs {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		surfaces = append(surfaces, regexp.MustCompile(`\p{L}+`).FindAllString(strings.ToLower(string(text)), -1)...)
	}
	slices.Sort(surfaces)
	surfaces = slices.Compact(surfaces)
	surfaces = append(surfaces, "mogelijkheden", "ongelijkheden", "lijkbaar", "eerbaarheid", "kinderen", "gemene", "gemen", "huizen", "yoghurt",
		"maaien", "kooien", "haya", "ïen", "èèn", "café", "naïeve", "zeeën", "aardig", "zwijgend", "heerlijk", "ontvankelijkheid",
		"vriendelijkheden", "lezingen", "eindig", "vindbaar", "drinkbaar", "drinkbare", "zegt", "zette", "bedden", "rijkdom", "a", "ja", "aa")
	js, _ := json.Marshal(surfaces)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`JSON.stringify(%s.map(LB.stem))`, js)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, w := range surfaces {
		if want := words.Stem(w); got[i] != want {
			if bad++; bad <= 20 {
				t.Errorf("%q: bleve stems %q, the browser %q", w, want, got[i])
			}
		}
	}
	t.Logf("%d surfaces, %d stemmed differently", len(surfaces), bad)
}
