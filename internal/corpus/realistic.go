package corpus

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// ErrNoGenerator says the realistic corpus cannot be made here: the
// benchmark corpus generator or python3 is missing.
var ErrNoGenerator = errors.New("corpus: gencorpus.py or python3 not found")

// Realistic writes n letters made by the project's benchmark corpus
// generator (shared/bench/gencorpus.py, recombining the real letter's
// sentences so that vocabulary grows with n as in real text) into dir as a
// content folder. The generator is found through LEDENBRIEF_GENCORPUS or
// in a folder shared/bench beside the repository or one of its parents;
// without it, or without python3, Realistic returns ErrNoGenerator.
func Realistic(dir string, n int) error {
	script := os.Getenv("LEDENBRIEF_GENCORPUS")
	if script == "" {
		script = findUp(filepath.Join("shared", "bench", "gencorpus.py"))
	}
	python, err := exec.LookPath("python3")
	if script == "" || err != nil {
		return ErrNoGenerator
	}
	seeds, _ := filepath.Glob(filepath.Join(filepath.Dir(script), "..", "seed", "*.txt"))
	if len(seeds) == 0 {
		return ErrNoGenerator
	}
	cmd := exec.Command(python, script, "both", "--seed", seeds[0], "--n", strconv.Itoa(n),
		"--json", filepath.Join(filepath.Dir(dir), "corpus.json"), "--adapter", "ledenbrief", "--out", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("corpus: %s: %v\n%s", script, err, out)
	}
	return nil
}

// findUp looks for rel in the working folder's parents (and beside them),
// returning the first path that exists.
func findUp(rel string) string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for range 8 {
		for _, p := range []string{filepath.Join(dir, rel), filepath.Join(dir, "..", rel)} {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
		dir = filepath.Dir(dir)
	}
	return ""
}

// BenchLetters is how many letters the benchmarks build: 1,000, or
// LEDENBRIEF_BENCH_LETTERS.
func BenchLetters() int {
	if n, err := strconv.Atoi(os.Getenv("LEDENBRIEF_BENCH_LETTERS")); err == nil && n > 0 {
		return n
	}
	return 1000
}

// BenchDir is a scratch folder for a benchmark, on tmpfs when there is
// one, removed when it ends.
func BenchDir(tb testing.TB) string {
	if dir, err := os.MkdirTemp("/dev/shm", "ledenbrief-bench-"); err == nil {
		tb.Cleanup(func() { os.RemoveAll(dir) })
		return dir
	}
	return tb.TempDir()
}

// ForBenchmark writes the corpus benchmarks run on into dir: the realistic
// one when the generator is there and LEDENBRIEF_BENCH_CORPUS is not
// "synthetic", else this package's. It says which it wrote.
func ForBenchmark(dir string, n int) (string, error) {
	if os.Getenv("LEDENBRIEF_BENCH_CORPUS") != "synthetic" {
		err := Realistic(dir, n)
		if err == nil {
			return fmt.Sprintf("%d letters from gencorpus.py", n), nil
		}
		if !errors.Is(err, ErrNoGenerator) {
			return "", err
		}
	}
	return fmt.Sprintf("%d letters from internal/corpus (gencorpus.py not found or not asked for)", n), Write(dir, n)
}
