package build_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"ledenbrief/internal/build"
	"ledenbrief/internal/corpus"
)

var (
	commandOnce sync.Once
	commandDir  string
	commandErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if commandDir != "" {
		os.RemoveAll(commandDir)
	}
	os.Exit(code)
}

// command returns the ledenbrief command, compiled once for the tests
// that run it as an editor does, each run a process of its own (the
// build cache is keyed by the program's own file).
func command(t *testing.T) string {
	t.Helper()
	commandOnce.Do(func() {
		if commandDir, commandErr = os.MkdirTemp("", "ledenbrief-command-"); commandErr != nil {
			return
		}
		exe := filepath.Join(commandDir, "ledenbrief")
		out, err := exec.Command("go", "build", "-o", exe, "ledenbrief/cmd/ledenbrief").CombinedOutput()
		if err != nil {
			commandErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if commandErr != nil {
		t.Fatal(commandErr)
	}
	return filepath.Join(commandDir, "ledenbrief")
}

// cacheLine is the summary line of a build with a cache, in English.
var cacheLine = regexp.MustCompile(`build cache .*: letters reused: (\d+), built: (\d+)`)

// runBuild runs ledenbrief build with args and returns how many letters
// it took from the cache and how many it built (-1 without a cache).
func runBuild(t *testing.T, args ...string) (reused, built int) {
	t.Helper()
	cmd := exec.Command(command(t), append([]string{"build", "--lang", "en"}, args...)...)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ledenbrief build %v: %v\n%s", args, err, msg)
	}
	m := cacheLine.FindSubmatch(msg)
	if m == nil {
		return -1, -1
	}
	reused, _ = strconv.Atoi(string(m[1]))
	built, _ = strconv.Atoi(string(m[2]))
	return reused, built
}

// sameTree reports every file in which folder got differs from want.
func sameTree(t *testing.T, what, got, want string) {
	t.Helper()
	g, w := readTree(t, got), readTree(t, want)
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for name := range w {
			if !yield(name) {
				return
			}
		}
	}) {
		if !bytes.Equal(g[name], w[name]) {
			t.Errorf("%s: %s differs from a build without cache", what, name)
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s: %s is left over", what, name)
		}
	}
}

// cacheEntries returns the files of the cache's entries of kind (letters,
// search: the buckets of every kind of build; words: the one bucket),
// sorted.
func cacheEntries(t *testing.T, dir, kind string) []string {
	t.Helper()
	var entries []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		// Entries are two folders down: bucket, then the key's first byte.
		rel, _ := filepath.Rel(dir, p)
		if strings.Count(rel, string(filepath.Separator)) == 2 && (strings.HasPrefix(rel, kind+"-") || strings.HasPrefix(rel, kind+string(filepath.Separator))) && !strings.HasPrefix(d.Name(), ".") {
			entries = append(entries, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(entries)
	return entries
}

// TestDamagedCacheEntriesAreBuiltAgain damages a warm cache as a full
// disk, a flipped bit or another version of ledenbrief would: an entry
// cut short, one with a byte changed, one made by another version and
// one that is not an entry at all. The next build detects each, builds
// those letters again and publishes what a build without cache does.
func TestDamagedCacheEntriesAreBuiltAgain(t *testing.T) {
	dir := t.TempDir()
	content, cache := filepath.Join(dir, "content"), filepath.Join(dir, "cache")
	if err := corpus.Write(content, 12); err != nil {
		t.Fatal(err)
	}
	out, ref := filepath.Join(dir, "public"), filepath.Join(dir, "ref")
	if reused, built := runBuild(t, "--content", content, "--out", out, "--cache", cache); reused != 0 || built != 12 {
		t.Fatalf("cold cache: %d letters reused, %d built; want 0 and 12", reused, built)
	}
	runBuild(t, "--content", content, "--out", ref, "--no-cache")
	// A letter has three entries: what it made, and apart from it the
	// bytes of its files and its analysed units, under sha256("files\x00"
	// + the first's key) and sha256("analysis\x00" + it).
	var entries, bytesOf, analysisOf []string
	all := cacheEntries(t, cache, "letters")
	beside := func(e string, kind string) string {
		key, err := hex.DecodeString(filepath.Base(filepath.Dir(e)) + filepath.Base(e))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(append([]byte(kind+"\x00"), key...))
		name := fmt.Sprintf("%x", sum)
		return filepath.Join(filepath.Dir(filepath.Dir(e)), name[:2], name[2:])
	}
	for _, e := range all {
		if data, analysis := beside(e, "files"), beside(e, "analysis"); slices.Contains(all, data) && slices.Contains(all, analysis) {
			entries, bytesOf, analysisOf = append(entries, e), append(bytesOf, data), append(analysisOf, analysis)
		}
	}
	if len(entries) != 12 || len(all) != 36 {
		t.Fatalf("%d cache entries for 12 letters, %d with their files' bytes and analysis: %v", len(all), len(entries), all)
	}
	damage := []func(data []byte) []byte{
		func(data []byte) []byte { return data[:len(data)/2] },                               // cut short
		func(data []byte) []byte { data[len(data)*2/3] ^= 0x20; return data },                // a byte flipped in a page
		func(data []byte) []byte { data[len("ledenbrief cache 1\n")+3] ^= 1; return data },   // another version's
		func([]byte) []byte { return []byte("not an entry") },                                // something else
		func(data []byte) []byte { return append(data, "and a tail written by someone"...) }, // grown
	}
	spoil := func(file string, f func([]byte) []byte) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, f(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The entries of five letters, the files' bytes of five others, and
	// the analysis of the last two.
	for i, f := range damage {
		spoil(entries[i], f)
		spoil(bytesOf[len(damage)+i], f)
	}
	const spoiltAnalyses = 2
	for i := range spoiltAnalyses {
		spoil(analysisOf[2*len(damage)+i], damage[i])
	}
	// The static index's entries (its segments, its packed files) too,
	// and the terms the analyser made of the words.
	for i, file := range cacheEntries(t, cache, "search") {
		spoil(file, damage[i%len(damage)])
	}
	words := cacheEntries(t, cache, "words")
	if len(words) != 1 {
		t.Fatalf("the words' terms are in %d entries, want 1: %v", len(words), words)
	}
	spoil(words[0], damage[1])
	// The segments are damaged, so the letters' units are collected
	// again, and read: the two whose analysis is damaged are built again.
	if reused, built := runBuild(t, "--content", content, "--out", out, "--cache", cache); reused != 12-len(damage)-spoiltAnalyses || built != len(damage)+spoiltAnalyses {
		t.Errorf("after damaging %d entries and %d analyses: %d letters reused, %d built", len(damage), spoiltAnalyses, reused, built)
	}
	sameTree(t, "after damaged entries", out, ref)
	// The bytes are read only for a file the output no longer holds as it
	// was built: into a new folder, the five letters whose bytes were
	// damaged are built again.
	fresh := filepath.Join(dir, "fresh")
	if reused, built := runBuild(t, "--content", content, "--out", fresh, "--cache", cache); reused != 12-len(damage) || built != len(damage) {
		t.Errorf("into a new folder after damaging the bytes of %d letters' files: %d letters reused, %d built", len(damage), reused, built)
	}
	sameTree(t, "into a new folder after damaged bytes", fresh, ref)
	if reused, built := runBuild(t, "--content", content, "--out", out, "--cache", cache); reused != 12 || built != 0 {
		t.Errorf("once repaired: %d letters reused, %d built; want 12 and 0", reused, built)
	}
	if err := os.RemoveAll(cache); err != nil {
		t.Fatal(err)
	}
	if reused, built := runBuild(t, "--content", content, "--out", out, "--cache", cache); reused != 0 || built != 12 {
		t.Errorf("after deleting the cache: %d letters reused, %d built; want 0 and 12", reused, built)
	}
	sameTree(t, "after deleting the cache", out, ref)
}

// TestBuildsShareACacheAtOnce runs two builds of one content folder into
// two folders with one cache at the same time, cold and then after an
// edit: both publish what a build without cache does, and the cache they
// leave serves a third build whole.
func TestBuildsShareACacheAtOnce(t *testing.T) {
	dir := t.TempDir()
	content, cache, ref := filepath.Join(dir, "content"), filepath.Join(dir, "cache"), filepath.Join(dir, "ref")
	if err := corpus.Write(content, 16); err != nil {
		t.Fatal(err)
	}
	for round, edit := range []func(){
		func() {},
		func() {
			letters, err := filepath.Glob(filepath.Join(content, "brieven", "*", "brief.md"))
			if err != nil || len(letters) == 0 {
				t.Fatal("no letters", err)
			}
			f := letters[len(letters)/2]
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, bytes.Replace(data, []byte("gemeenteraad,\n\n"), []byte("gemeenteraad,\n\nEen nieuwe zin. "), 1), 0o644); err != nil {
				t.Fatal(err)
			}
		},
	} {
		edit()
		os.RemoveAll(ref)
		runBuild(t, "--content", content, "--out", ref, "--no-cache")
		var wg sync.WaitGroup
		outs := []string{filepath.Join(dir, "a"), filepath.Join(dir, "b")}
		for _, out := range outs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				runBuild(t, "--content", content, "--out", out, "--cache", cache)
			}()
		}
		wg.Wait()
		for _, out := range outs {
			sameTree(t, fmt.Sprintf("round %d, %s", round, filepath.Base(out)), out, ref)
		}
		if reused, built := runBuild(t, "--content", content, "--out", outs[0], "--cache", cache); reused != 16 || built != 0 {
			t.Errorf("round %d: after two builds at once, a third reused %d letters and built %d; want 16 and 0", round, reused, built)
		}
	}
}

// TestCacheIsBesideTheContent checks where a build keeps its cache by
// default, that git leaves it alone, and that --no-cache writes none.
func TestCacheIsBesideTheContent(t *testing.T) {
	dir := t.TempDir()
	content := filepath.Join(dir, "content")
	if err := corpus.Write(content, 3); err != nil {
		t.Fatal(err)
	}
	runBuild(t, "--content", content, "--out", filepath.Join(dir, "nocache"), "--no-cache")
	if _, err := os.Stat(filepath.Join(dir, build.CacheDirName)); err == nil {
		t.Errorf("--no-cache wrote %s", build.CacheDirName)
	}
	if reused, built := runBuild(t, "--content", content, "--out", filepath.Join(dir, "public")); reused != 0 || built != 3 {
		t.Errorf("default cache, cold: %d reused, %d built", reused, built)
	}
	ignore, err := os.ReadFile(filepath.Join(dir, build.CacheDirName, ".gitignore"))
	if err != nil || !regexp.MustCompile(`(?m)^\*$`).Match(ignore) {
		t.Errorf("the cache's .gitignore does not ignore everything: %q, %v", ignore, err)
	}
	if reused, built := runBuild(t, "--content", content, "--out", filepath.Join(dir, "public")); reused != 3 || built != 0 {
		t.Errorf("default cache, warm: %d reused, %d built", reused, built)
	}
	// A cache that cannot be made (a file in its place) costs the build
	// its time, not its result.
	blocked := filepath.Join(dir, "blocked")
	if err := os.WriteFile(blocked, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	msg, err := exec.Command(command(t), "build", "--lang", "en", "--content", content, "--out", filepath.Join(dir, "blocked-out"), "--cache", blocked).CombinedOutput()
	if err != nil || !strings.Contains(string(msg), "warning: built without the build cache") {
		t.Errorf("a build whose cache is a file: %v\n%s", err, msg)
	}
	sameTree(t, "without its cache", filepath.Join(dir, "blocked-out"), filepath.Join(dir, "nocache"))
	// A build of another kind (here with the site's zip, which a theme
	// may offer on any page) makes its own entries.
	runBuild(t, "--content", content, "--out", filepath.Join(dir, "public"), "--site-zip")
	runBuild(t, "--content", content, "--out", filepath.Join(dir, "ref"), "--site-zip", "--no-cache")
	sameTree(t, "with --site-zip after a build without", filepath.Join(dir, "public"), filepath.Join(dir, "ref"))
}

// TestChangedMediaInvalidatesACopy builds the shipped letter, whose
// annex links a file of its own that its zip holds, with a cache; then
// writes other bytes into that file, under the same name and size: the
// next build with the cache builds the letter again and publishes what a
// build without cache does.
func TestChangedMediaInvalidatesACopy(t *testing.T) {
	content := attachTo(t, copyContent(t))
	cache, out, ref := t.TempDir(), filepath.Join(t.TempDir(), "public"), filepath.Join(t.TempDir(), "ref")
	build1 := func(dir, cache string) *build.Result {
		t.Helper()
		res, err := build.Run(build.Options{Content: content, Out: dir, Cache: cache})
		if err != nil || res.Diags.Len() > 0 {
			t.Fatalf("build into %s: %v %v", dir, err, res.Diags.Error())
		}
		return res
	}
	build1(out, cache)
	pdf := filepath.Join(content, "brieven", "21-082", "bijlage", "modelverordening.pdf")
	data, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pdf, bytes.ToUpper(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := build1(out, cache); res.Built != 1 {
		t.Errorf("after its file changed, %d letters were built, %d reused; want the letter built", res.Built, res.Reused)
	}
	build1(ref, "")
	sameTree(t, "after a file of the letter changed", out, ref)
}

// TestALetterAddedBeforeTheOthersBuildsOnlyItself adds a letter whose
// folder sorts before every other: no page of the others shows their
// place among the letters, so the next build with the cache builds the
// new letter only, and publishes what a build without cache does.
func TestALetterAddedBeforeTheOthersBuildsOnlyItself(t *testing.T) {
	dir := t.TempDir()
	content, cache := filepath.Join(dir, "content"), filepath.Join(dir, "cache")
	if err := corpus.Write(content, 12); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "public")
	runBuild(t, "--content", content, "--out", out, "--cache", cache)
	letters, err := os.ReadDir(filepath.Join(content, "brieven"))
	if err != nil {
		t.Fatal(err)
	}
	first := letters[0].Name()
	added := filepath.Join(content, "brieven", "09-001")
	if err := os.CopyFS(added, os.DirFS(filepath.Join(content, "brieven", first))); err != nil {
		t.Fatal(err)
	}
	brief := filepath.Join(added, "brief.md")
	data, err := os.ReadFile(brief)
	if err != nil {
		t.Fatal(err)
	}
	// A letter of its own: its number, kenmerk and date, in no series.
	for pattern, repl := range map[string]string{`(?m)^number: .*$`: "number: Lbr. 09/001", `(?m)^reference: .*$`: "reference: TRE/U09001", `(?m)^date: .*$`: "date: 2009-06-01", `(?m)^(series|aliases): .*\n`: ""} {
		data = regexp.MustCompile(pattern).ReplaceAll(data, []byte(repl))
	}
	if err := os.WriteFile(brief, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if reused, built := runBuild(t, "--content", content, "--out", out, "--cache", cache); reused != 12 || built != 1 {
		t.Errorf("after adding %s before %s: %d letters reused, %d built; want 12 and 1", filepath.Base(added), first, reused, built)
	}
	ref := filepath.Join(dir, "ref")
	runBuild(t, "--content", content, "--out", ref, "--no-cache")
	sameTree(t, "after a letter added first", out, ref)
}

// TestGroupedSegmentsFollowTheChange builds a site of more segments than
// a group holds, so that the cache keeps groups of segments as well:
// after a letter is edited, and after another is removed, a warm build
// builds only what changed and makes what a build without cache makes.
func TestGroupedSegmentsFollowTheChange(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a site of 300 letters four times")
	}
	dir := t.TempDir()
	content, cache := filepath.Join(dir, "content"), filepath.Join(dir, "cache")
	const letters = 300 // ten segments of 32
	if err := corpus.Write(content, letters); err != nil {
		t.Fatal(err)
	}
	out, ref := filepath.Join(dir, "public"), filepath.Join(dir, "ref")
	build := func(what string, wantReused, wantBuilt int) {
		t.Helper()
		if reused, built := runBuild(t, "--content", content, "--out", out, "--cache", cache, "--no-offline"); reused != wantReused || built != wantBuilt {
			t.Errorf("%s: %d letters reused, %d built; want %d and %d", what, reused, built, wantReused, wantBuilt)
		}
		if err := os.RemoveAll(ref); err != nil {
			t.Fatal(err)
		}
		runBuild(t, "--content", content, "--out", ref, "--no-cache", "--no-offline")
		sameTree(t, what, out, ref)
	}
	build("cold", 0, letters)
	if n := len(cacheEntries(t, cache, "search")); n < letters/32+3 {
		t.Errorf("%d entries of the static index in the cache: want ten segments, their groups and the packed files", n)
	}
	brief := filepath.Join(content, "brieven", "10-150", "brief.md")
	data, err := os.ReadFile(brief)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(brief, append(data, "\nEen zin over de waterschapsverkiezingen.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	// The letter is built again, and the two other editions of its
	// series, whose pages compare with it.
	build("after an edit", letters-3, 3)
	// A letter removed, its anchors released from the lock: the two
	// other editions of its series are built again.
	if err := os.RemoveAll(filepath.Join(content, "brieven", "10-290")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(content, "anchors.lock")); err != nil {
		t.Fatal(err)
	}
	build("after a letter was removed", letters-3, 2)
}

// TestAHandreikingsPagesFollowTheLettersThatCiteIt changes the date of a
// letter that links a handreiking, which the handreiking's page shows
// beside the place, by a day (its places keep their order): its page,
// kept in the cache on its own, is made again, as a build without cache
// makes it.
func TestAHandreikingsPagesFollowTheLettersThatCiteIt(t *testing.T) {
	dir := t.TempDir()
	content, cache := filepath.Join(dir, "content"), filepath.Join(dir, "cache")
	if err := corpus.Write(content, 12); err != nil {
		t.Fatal(err)
	}
	out, ref := filepath.Join(dir, "public"), filepath.Join(dir, "ref")
	runBuild(t, "--content", content, "--out", out, "--cache", cache, "--no-offline")
	brief := filepath.Join(content, "brieven", "10-005", "brief.md")
	data, err := os.ReadFile(brief)
	if err != nil {
		t.Fatal(err)
	}
	changed := regexp.MustCompile(`(?m)^date: .*$`).ReplaceAll(data, []byte("date: 2010-05-06"))
	if bytes.Equal(changed, data) {
		t.Fatal("the letter has no date to change")
	}
	if err := os.WriteFile(brief, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	runBuild(t, "--content", content, "--out", out, "--cache", cache, "--no-offline")
	runBuild(t, "--content", content, "--out", ref, "--no-cache", "--no-offline")
	sameTree(t, "after a date changed", out, ref)
	guides, err := filepath.Glob(filepath.Join(ref, "handreikingen", "*", "index.html"))
	if err != nil || len(guides) == 0 {
		t.Fatalf("no handreiking's page in %s: %v", ref, err)
	}
	cites := false
	for _, g := range guides {
		page, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		cites = cites || bytes.Contains(page, []byte("2010-05-06"))
	}
	if !cites {
		t.Error("no handreiking's page shows the letter's new date: the test changes nothing a page shows")
	}
}

// TestAnUnchangedSiteLendsItsSearchIndex builds a site again and again on
// one cache: when no letter changed since a build whose output is still
// there, the static search index is lent whole from it, not made again;
// after an edit, after the edit is undone (the cache knows that index,
// but the output holds another) and without the previous output, it is
// made again. Every output is what a build without cache makes.
func TestAnUnchangedSiteLendsItsSearchIndex(t *testing.T) {
	dir := t.TempDir()
	content, cache := filepath.Join(dir, "content"), filepath.Join(dir, "cache")
	if err := corpus.Write(content, 20); err != nil {
		t.Fatal(err)
	}
	out, ref := filepath.Join(dir, "public"), filepath.Join(dir, "ref")
	run := func(opts build.Options) *build.Result {
		t.Helper()
		opts.Content, opts.NoOffline = content, true
		res, err := build.Run(opts)
		if err != nil || res.Diags.Len() > 0 {
			t.Fatalf("build: %v %v", err, res.Diags.Records("en"))
		}
		return res
	}
	step := func(what string, wantLent bool) {
		t.Helper()
		res := run(build.Options{Out: out, Cache: cache})
		if res.SearchLent != wantLent {
			t.Errorf("%s: search index lent: %t, want %t", what, res.SearchLent, wantLent)
		}
		if err := os.RemoveAll(ref); err != nil {
			t.Fatal(err)
		}
		want := run(build.Options{Out: ref})
		if res.Units != want.Units {
			t.Errorf("%s: %d units indexed, a build without cache %d", what, res.Units, want.Units)
		}
		sameTree(t, what, out, ref)
	}
	step("cold", false)
	step("unchanged", true)
	brief := filepath.Join(content, "brieven", "10-005", "brief.md")
	data, err := os.ReadFile(brief)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(brief, append(bytes.Clone(data), "\nEen zin over de waterschapsverkiezingen.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	step("after an edit", false)
	step("unchanged after the edit", true)
	if err := os.WriteFile(brief, data, 0o644); err != nil {
		t.Fatal(err)
	}
	step("after the edit was undone", false)
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	step("without the previous output", false)
	step("unchanged again", true)
}

// TestCheckReadsTheCacheAndWritesNothing checks a site a build left its
// cache to: the check takes every letter from the cache and changes
// nothing in it, not a file, not a time. After an edit that breaks a link
// in a letter that did not change (the heading it leads to got another
// id), the letter with the link is checked again and its problem
// reported where it is.
func TestCheckReadsTheCacheAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	content, cache := filepath.Join(dir, "content"), filepath.Join(dir, "cache")
	letter := func(number, body string) string {
		return "---\nnumber: Lbr. " + number + "\nreference: R\ndate: 2021-01-05\nsubject: Proef\nto: Aan de leden\n---\nGeachte leden,\n\n" + body
	}
	files := map[string]string{
		"site.yaml":               "title: T\npublisher: VNG\nbase_url: https://example.org/\n",
		"brieven/21-001/brief.md": letter("21/001", "## Aanleiding {#brief-aanleiding}\n\nTekst.\n"),
		"brieven/21-002/brief.md": letter("21/002", "## Vervolg {#brief-vervolg}\n\nZie [de eerste](21-001#brief-aanleiding).\n"),
		"brieven/21-003/brief.md": letter("21/003", "## Los {#brief-los}\n\nTekst.\n"),
	}
	for name, text := range files {
		p := filepath.Join(content, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if reused, built := runBuild(t, "--content", content, "--out", filepath.Join(dir, "public"), "--cache", cache); reused != 0 || built != 3 {
		t.Fatalf("cold cache: %d letters reused, %d built", reused, built)
	}
	state := func() map[string]string {
		s := map[string]string{}
		filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
			if err == nil {
				info, _ := d.Info()
				s[p] = fmt.Sprint(info.Size(), info.ModTime().UnixNano(), info.Mode())
			}
			return err
		})
		return s
	}
	before := state()
	check := func() (string, error) {
		out, err := exec.Command(command(t), "check", "--lang", "en", "--content", content, "--cache", cache).CombinedOutput()
		return string(out), err
	}
	out, err := check()
	if err != nil || !strings.Contains(out, "letters as a build made them: 3, checked again: 0") {
		t.Fatalf("a check after the build: %v\n%s", err, out)
	}
	if after := state(); !reflect.DeepEqual(after, before) {
		for p, s := range after {
			if before[p] != s {
				t.Errorf("the check changed %s: %s, was %q", p, s, before[p])
			}
		}
		for p := range before {
			if _, ok := after[p]; !ok {
				t.Errorf("the check removed %s", p)
			}
		}
	}
	first := filepath.Join(content, "brieven", "21-001", "brief.md")
	if err := os.WriteFile(first, []byte(letter("21/001", "## Aanleiding {#brief-reden}\n\nTekst.\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(content, "anchors.lock")); err != nil { // the id is let go
		t.Fatal(err)
	}
	out, err = check()
	if err == nil || !strings.Contains(out, "brieven/21-002/brief.md:12:5: unknown id") || !strings.Contains(out, "brief-aanleiding") {
		t.Errorf("a check after the heading got another id: %v\n%s", err, out)
	}
	if after := state(); !reflect.DeepEqual(after, before) {
		t.Error("the check with a problem changed the cache")
	}
}

// TestProblemsAreFoundWithTheCache breaks a site whose build left its
// cache: a date that does not exist (a problem found when the content is
// read) and a link to an id that does not exist (found when the letter
// is built). Check and build read the cache all the same, and report
// exactly what they report without it: the letters the cache holds have
// no problems under their keys, so only the others are checked again.
func TestProblemsAreFoundWithTheCache(t *testing.T) {
	dir := t.TempDir()
	content, cache, out := filepath.Join(dir, "content"), filepath.Join(dir, "cache"), filepath.Join(dir, "public")
	if err := corpus.Write(content, 12); err != nil {
		t.Fatal(err)
	}
	runBuild(t, "--content", content, "--out", out, "--cache", cache)
	edit := func(slug string, change func(string) string) {
		p := filepath.Join(content, "brieven", slug, "brief.md")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		changed := change(string(data))
		if changed == string(data) {
			t.Fatalf("%s did not change", p)
		}
		if err := os.WriteFile(p, []byte(changed), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("10-003", func(s string) string {
		return regexp.MustCompile(`(?m)^date: .*$`).ReplaceAllString(s, "date: 2010-13-45")
	})
	edit("10-007", func(s string) string { return s + "\n[Hier](#bestaat-niet) leest u meer.\n" })
	run := func(args ...string) (stdout, stderr string) {
		var o, e bytes.Buffer
		cmd := exec.Command(command(t), append(args, "--lang", "en", "--content", content)...)
		cmd.Stdout, cmd.Stderr = &o, &e
		if err := cmd.Run(); err == nil {
			t.Fatalf("ledenbrief %v found no problem:\n%s%s", args, o.String(), e.String())
		}
		return o.String(), e.String()
	}
	withCache, _ := run("check", "--format", "json", "--cache", cache)
	without, _ := run("check", "--format", "json", "--no-cache")
	if withCache != without {
		t.Errorf("check with the cache reports\n%s\nwithout it\n%s", withCache, without)
	}
	for _, want := range []string{`"date-not-exist"`, `"unknown-id"`} {
		if !strings.Contains(without, want) {
			t.Errorf("check reports no %s:\n%s", want, without)
		}
	}
	_, text := run("check", "--cache", cache)
	m := regexp.MustCompile(`letters as a build made them: (\d+), checked again: (\d+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("check does not say what it read from the cache:\n%s", text)
	}
	t.Logf("check took %s letters from the cache and checked %s again", m[1], m[2])
	if reused, _ := strconv.Atoi(m[1]); reused == 0 {
		t.Error("check took no letter from the cache")
	}
	_, built := run("build", "--out", out, "--cache", cache)
	_, rebuilt := run("build", "--out", out, "--no-cache")
	if built != rebuilt {
		t.Errorf("build with the cache reports\n%s\nwithout it\n%s", built, rebuilt)
	}
}
