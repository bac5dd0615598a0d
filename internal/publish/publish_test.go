package publish

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"ledenbrief/internal/manifest"
)

// TestMain lets a test run a build in a child process that kills itself
// at one step of Commit (LEDENBRIEF_KILL_AT), as SIGKILL would.
func TestMain(m *testing.M) {
	if at := os.Getenv("LEDENBRIEF_KILL_AT"); at != "" {
		testHook = func(step string) {
			if step == at {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
			}
		}
		gen, _ := strconv.Atoi(os.Getenv("LEDENBRIEF_GEN"))
		if err := publishSite(os.Getenv("LEDENBRIEF_TARGET"), gen); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// site is what generation gen of a test site holds: every file names its
// generation, and each generation has a file of its own.
func site(gen int) map[string]string {
	files := map[string]string{"gen.txt": fmt.Sprint(gen), fmt.Sprintf("only-%d.txt", gen): "x"}
	for i := range 20 {
		files[fmt.Sprintf("page-%d/index.html", i)] = fmt.Sprintf("generation %d page %d", gen, i)
	}
	return files
}

func publishSite(target string, gen int) error {
	f, err := Open(target, filepath.Join(filepath.Dir(target), "content"), false)
	if err != nil {
		return err
	}
	defer f.Abandon()
	for name, text := range site(gen) {
		if err := f.WriteFile(name, []byte(text)); err != nil {
			return err
		}
	}
	return f.Commit(manifest.Manifest{}, nil)
}

// generation reads which complete generation dir holds, or fails.
func generation(t *testing.T, dir string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "gen.txt"))
	if err != nil {
		t.Fatalf("no complete site in %s: %v", dir, err)
	}
	gen, _ := strconv.Atoi(string(data))
	for name, text := range site(gen) {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil || string(got) != text {
			t.Fatalf("%s is a mixed site: %s of generation %d is %q (%v)", dir, name, gen, got, err)
		}
	}
	return gen
}

func leftovers(t *testing.T, target string) []string {
	t.Helper()
	found, _ := filepath.Glob(filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".*"))
	return found
}

func TestForeignFilesAreKeptAndOurOldOnesGo(t *testing.T) {
	target := filepath.Join(t.TempDir(), "html")
	os.MkdirAll(filepath.Join(target, ".well-known"), 0o755)
	os.MkdirAll(filepath.Join(target, "uploads", "2026"), 0o755) // empty folders someone made
	os.WriteFile(filepath.Join(target, "robots.txt"), []byte("User-agent: *"), 0o644)
	os.WriteFile(filepath.Join(target, ".well-known", "security.txt"), []byte("Contact: x"), 0o644)
	for gen := 1; gen <= 2; gen++ {
		if err := publishSite(target, gen); err != nil {
			t.Fatal(err)
		}
	}
	if generation(t, target) != 2 {
		t.Fatal("the second generation is not in place")
	}
	for _, keep := range []string{"robots.txt", ".well-known/security.txt", "uploads/2026", manifest.Name} {
		if _, err := os.Stat(filepath.Join(target, filepath.FromSlash(keep))); err != nil {
			t.Errorf("%s is gone: %v", keep, err)
		}
	}
	if _, err := os.Stat(filepath.Join(target, "only-1.txt")); err == nil {
		t.Error("a file of the first build that the second did not write is still there")
	}
	if l := leftovers(t, target); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

func TestAForeignFileInTheWayStopsThePublish(t *testing.T) {
	target := filepath.Join(t.TempDir(), "html")
	os.MkdirAll(target, 0o755)
	os.WriteFile(filepath.Join(target, "gen.txt"), []byte("someone else's"), 0o644)
	err := publishSite(target, 1)
	if err == nil || !strings.Contains(err.Error(), "it holds gen.txt, which ledenbrief did not write") {
		t.Fatalf("got %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(target, "gen.txt")); string(data) != "someone else's" {
		t.Error("the foreign file was changed")
	}
	if l := leftovers(t, target); len(l) > 0 {
		t.Errorf("left behind: %v", l)
	}
}

// TestKilledAtAnyStep kills publishing processes at every step of Commit
// and at random moments: the target always holds one complete generation,
// never none or a mix, and the next build removes what they left.
func TestKilledAtAnyStep(t *testing.T) {
	if testing.Short() {
		t.Skip("starts many processes")
	}
	target := filepath.Join(t.TempDir(), "public")
	if err := publishSite(target, 1); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 7))
	gen := 1
	for i, at := range []string{"kept", "exchanged", "kept", "exchanged", "random", "random", "random", "random", "random", "random"} {
		next := gen + 1
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "LEDENBRIEF_KILL_AT="+at, "LEDENBRIEF_TARGET="+target, "LEDENBRIEF_GEN="+strconv.Itoa(next))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if at == "random" {
			go func(d int) {
				for range d {
					syscall.Gettid() // a moment that varies from run to run
				}
				cmd.Process.Kill()
			}(r.IntN(200000))
		}
		cmd.Wait()
		switch got := generation(t, target); {
		case got == next:
			gen = next
		case got != gen:
			t.Fatalf("kill %d at %s: generation %d, want %d or %d", i, at, got, gen, next)
		}
	}
	if err := publishSite(target, gen+1); err != nil {
		t.Fatal(err)
	}
	if generation(t, target) != gen+1 {
		t.Error("the build after the kills did not publish")
	}
	if l := leftovers(t, target); len(l) > 0 {
		t.Errorf("leftovers of killed builds remain: %v", l)
	}
}

// TestMountPoint publishes twice into a folder that is a mount point, as
// a container volume is: it cannot be renamed, so the site is published
// into it, and foreign files there are kept.
func TestMountPoint(t *testing.T) {
	target := filepath.Join(t.TempDir(), "volume")
	os.MkdirAll(target, 0o755)
	if err := exec.Command("mount", "-t", "tmpfs", "tmpfs", target).Run(); err != nil {
		t.Skipf("cannot mount a tmpfs here (needs root): %v", err)
	}
	t.Cleanup(func() { exec.Command("umount", target).Run() })
	if !mountPoint(target) {
		t.Fatal("mountPoint does not see the mount")
	}
	os.WriteFile(filepath.Join(target, "robots.txt"), []byte("User-agent: *"), 0o644)
	for gen := 1; gen <= 2; gen++ {
		if err := publishSite(target, gen); err != nil {
			t.Fatalf("generation %d: %v", gen, err)
		}
		if generation(t, target) != gen {
			t.Fatalf("generation %d is not in place", gen)
		}
	}
	if _, err := os.Stat(filepath.Join(target, "only-1.txt")); err == nil {
		t.Error("a file of the first build that the second did not write is still there")
	}
	if _, err := os.Stat(filepath.Join(target, "robots.txt")); err != nil {
		t.Error("the foreign file is gone")
	}
	entries, _ := os.ReadDir(target)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".volume.tmp-") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestOutputOfAnOlderVersion(t *testing.T) {
	target := filepath.Join(t.TempDir(), "public")
	for _, name := range []string{"index.html", "feed.xml", "sitemap.xml", "search/meta.js", "21-082/index.html", "robots.txt"} {
		os.MkdirAll(filepath.Dir(filepath.Join(target, name)), 0o755)
		os.WriteFile(filepath.Join(target, name), []byte("old"), 0o644)
	}
	if err := publishSite(target, 1); err != nil {
		t.Fatal(err)
	}
	generation(t, target)
	for name, kept := range map[string]bool{"robots.txt": true, "21-082/index.html": false, "search/meta.js": false, "index.html": false} {
		if _, err := os.Stat(filepath.Join(target, name)); (err == nil) != kept {
			t.Errorf("%s: kept %v, want %v", name, err == nil, kept)
		}
	}
}

// TestUnchangedFilesAreLent publishes a site twice with the same bytes:
// the second build links the first's files instead of writing them, but
// not a file edited by hand since, and writing a lent file again in the
// same build leaves the first site's copy as it was.
func TestUnchangedFilesAreLent(t *testing.T) {
	target := filepath.Join(t.TempDir(), "html")
	files := map[string]string{"a.html": "same", "b/c.html": "same too", "edited.html": "as built", "again.html": "first"}
	build := func(write func(f *Folder)) *Folder {
		f, err := Open(target, filepath.Join(filepath.Dir(target), "content"), false)
		if err != nil {
			t.Fatal(err)
		}
		write(f)
		return f
	}
	first := build(func(f *Folder) {
		for name, text := range files {
			if err := f.WriteFile(name, []byte(text)); err != nil {
				t.Fatal(err)
			}
		}
	})
	if err := first.Commit(manifest.Manifest{}, nil); err != nil {
		t.Fatal(err)
	}
	inode := func(dir, name string) uint64 {
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return info.Sys().(*syscall.Stat_t).Ino
	}
	before := map[string]uint64{}
	for name := range files {
		before[name] = inode(target, name)
	}
	later := time.Now().Add(time.Minute)
	os.Chtimes(filepath.Join(target, "edited.html"), later, later) // edited by hand, to the same length

	second := build(func(f *Folder) {
		for name, text := range files {
			if err := f.WriteFile(name, []byte(text)); err != nil {
				t.Fatal(err)
			}
		}
	})
	staged := second.dir
	for _, name := range []string{"a.html", "b/c.html", "again.html"} {
		if inode(staged, name) != before[name] {
			t.Errorf("%s, unchanged, was written again instead of lent", name)
		}
	}
	if inode(staged, "edited.html") == before["edited.html"] {
		t.Error("a file changed after the build was lent")
	}
	if err := second.WriteFile("again.html", []byte("second")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(target, "again.html")); string(got) != "first" {
		t.Fatalf("writing a lent file again changed the published site's copy: %q", got)
	}
	if err := second.Commit(manifest.Manifest{}, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(target, "again.html")); string(got) != "second" {
		t.Errorf("again.html is %q after the second build", got)
	}
	if got, _ := os.ReadFile(filepath.Join(target, "b", "c.html")); string(got) != "same too" {
		t.Errorf("b/c.html is %q after the second build", got)
	}
	data, err := os.ReadFile(filepath.Join(target, manifest.Name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != len(files) {
		t.Errorf("the manifest lists %d files, want %d", len(m.Files), len(files))
	}
}
