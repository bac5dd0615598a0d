package build_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"ledenbrief/internal/build"
	"ledenbrief/internal/corpus"
	"ledenbrief/internal/site"
)

// scratchDir returns a temporary folder on tmpfs when there is one, so
// that a benchmark measures the build rather than the disk.
func scratchDir(b testing.TB) string {
	if info, err := os.Stat("/dev/shm"); err == nil && info.IsDir() {
		dir, err := os.MkdirTemp("/dev/shm", "ledenbrief-bench-")
		if err == nil {
			b.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return b.TempDir()
}

func TestGeneratedCorpusBuilds(t *testing.T) {
	dir := t.TempDir()
	if err := corpus.Write(filepath.Join(dir, "content"), 4); err != nil {
		t.Fatal(err)
	}
	res, err := build.Run(build.Options{Content: filepath.Join(dir, "content"), Out: filepath.Join(dir, "public")})
	if err != nil {
		t.Fatal(err)
	}
	if n := res.Diags.Len(); n > 0 {
		t.Fatalf("generated corpus has %d errors, first: %s", n, res.Diags.Sorted()[0])
	}
	// Letter and annex of each letter, the handreikingen, 4 index pages,
	// a "what changed" page for the 2nd and 3rd edition of the first
	// series, each of its 3 editions compared with the 2 others, a page
	// for each of the 2 series, and the archive of 2010.
	if want := 4*2 + corpus.Guides + 4 + 2 + 3*2 + 2 + 1; res.Pages != want {
		t.Errorf("built %d pages, want %d", res.Pages, want)
	}
}

// benchContent writes the benchmark corpus of LEDENBRIEF_BENCH_LETTERS
// letters (default 1000) into dir (see corpus.ForBenchmark).
func benchContent(b *testing.B, dir string) string {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("LEDENBRIEF_BENCH_LETTERS")); err == nil && v > 0 {
		n = v
	}
	contentDir := filepath.Join(dir, "content")
	which, err := corpus.ForBenchmark(contentDir, n)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("corpus: %s", which)
	return contentDir
}

// BenchmarkBuild builds the benchmark corpus (see benchContent) from
// scratch, writing to tmpfs when available. It reports pages/s, Markdown
// MB/s, the process's peak resident memory, the static search index's
// size and its largest file.
func BenchmarkBuild(b *testing.B) {
	dir := scratchDir(b)
	contentDir := benchContent(b, dir)
	var markdownBytes int64
	filepath.Walk(filepath.Join(contentDir, "brieven"), func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			markdownBytes += info.Size()
		}
		return err
	})
	out := filepath.Join(dir, "public")
	if os.Getenv("GOGC") == "" { // as the command runs
		defer debug.SetGCPercent(debug.SetGCPercent(build.GCPercent))
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(build.MemoryLimit))
	}
	b.ResetTimer()
	var pages int
	for b.Loop() {
		res, err := build.Run(build.Options{Content: contentDir, Out: out})
		if err != nil {
			b.Fatal(err)
		}
		if res.Diags.Len() > 0 {
			b.Fatalf("corpus has errors: %s", res.Diags.Sorted()[0])
		}
		pages = res.Pages
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(pages)/sec, "pages/s")
	b.ReportMetric(float64(markdownBytes)/1e6/sec, "MB/s")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MiB")
	}
	var index, largest int64
	filepath.WalkDir(filepath.Join(out, "search"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			index += info.Size()
			largest = max(largest, info.Size())
		}
		return err
	})
	b.ReportMetric(float64(index)/(1<<20), "index-MiB")
	b.ReportMetric(float64(largest)/1024, "largest-shard-KiB")
}

// TestGeneratedCorpusIsReproducible builds 200 generated letters with one
// and with eight threads: every byte of the output must be the same, the
// search index with its cut postings and hashed folder included.
func TestGeneratedCorpusIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 200 letters twice")
	}
	dir := t.TempDir()
	contentDir := filepath.Join(dir, "content")
	if err := corpus.Write(contentDir, 200); err != nil {
		t.Fatal(err)
	}
	var trees []map[string][]byte
	for _, procs := range []int{1, 8} {
		prev := runtime.GOMAXPROCS(procs)
		out := filepath.Join(dir, "public-"+strconv.Itoa(procs))
		res, err := build.Run(build.Options{Content: contentDir, Out: out})
		runtime.GOMAXPROCS(prev)
		if err != nil || res.Diags.Len() > 0 {
			t.Fatalf("build with %d threads: %v %v", procs, err, res.Diags.Sorted())
		}
		trees = append(trees, readTree(t, out))
	}
	if len(trees[0]) != len(trees[1]) {
		t.Fatalf("builds wrote %d and %d files", len(trees[0]), len(trees[1]))
	}
	for name, data := range trees[0] {
		other, ok := trees[1][name]
		switch {
		case !ok:
			t.Errorf("%s was written on 1 thread, not on 8", name)
		case string(other) != string(data):
			t.Errorf("%s differs between a build on 1 and on 8 threads", name)
		}
	}
}

// TestPagesStayBounded builds 600 generated letters and holds the bounds
// that keep pages small as a site grows: no page is larger than the
// largest annex page (a changes page, which may show a rewritten text
// twice, not larger than twice that), the home page lists at most
// site.HomeEntries letters, the feed at most site.FeedEntries, and the
// places that link to a handreiking are spread over pages of
// site.RefsPerPage.
func TestPagesStayBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 600 letters")
	}
	dir := t.TempDir()
	contentDir, out := filepath.Join(dir, "content"), filepath.Join(dir, "public")
	if err := corpus.Write(contentDir, 600); err != nil {
		t.Fatal(err)
	}
	if res, err := build.Run(build.Options{Content: contentDir, Out: out}); err != nil || res.Diags.Len() > 0 {
		t.Fatalf("build: %v %v", err, res.Diags.Sorted())
	}
	files := readTree(t, out)
	largestAnnex := 0
	for name, data := range files {
		if strings.HasSuffix(name, "/bijlage/index.html") {
			largestAnnex = max(largestAnnex, len(data))
		}
	}
	for name, data := range files {
		bound := largestAnnex
		if strings.HasSuffix(name, "/wijzigingen/index.html") {
			bound *= 2
		}
		if strings.HasSuffix(name, ".html") && !isDownload(name) && len(data) > bound {
			t.Errorf("%s is %d bytes, more than its bound (%d)", name, len(data), bound)
		}
	}
	if n := len(regexp.MustCompile(`<li>\s*<h3>`).FindAll(files["index.html"], -1)); n != site.HomeEntries {
		t.Errorf("the home page lists %d letters, want %d", n, site.HomeEntries)
	}
	if n := strings.Count(string(files["feed.xml"]), "<entry>"); n != site.FeedEntries {
		t.Errorf("the feed has %d entries, want %d", n, site.FeedEntries)
	}
	refPages := 0
	for name, data := range files {
		if strings.Contains(name, "/genoemd/") {
			refPages++
		}
		if strings.HasPrefix(name, "handreikingen/") && strings.Count(string(data), "<li><a href=") > site.RefsPerPage+20 {
			t.Errorf("%s lists more than %d places", name, site.RefsPerPage)
		}
	}
	if refPages == 0 {
		t.Error("no handreiking has a second page of places, though 600 letters link to 60 of them")
	}
}
