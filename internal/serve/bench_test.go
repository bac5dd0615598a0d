package serve

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"ledenbrief/internal/build"
	"ledenbrief/internal/corpus"
)

// BenchmarkServeEdit measures the editor's loop on the benchmark corpus
// (LEDENBRIEF_BENCH_LETTERS, default 1000): the time from saving an edit
// of one annex section to the reload event, over 20 edits (median and
// p95), next to the time of the first, full build.
func BenchmarkServeEdit(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("LEDENBRIEF_BENCH_LETTERS")); err == nil && v > 0 {
		n = v
	}
	dir, err := os.MkdirTemp("/dev/shm", "ledenbrief-bench-")
	if err != nil {
		dir = b.TempDir()
	} else {
		b.Cleanup(func() { os.RemoveAll(dir) })
	}
	content := filepath.Join(dir, "content")
	which, err := corpus.ForBenchmark(content, n)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("corpus: %s", which)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := New(build.Options{Content: content, Out: filepath.Join(dir, "public")}, func(string, ...any) {})
	defer s.Close()
	start := time.Now()
	s.Rebuild(ctx)
	full := time.Since(start)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go s.Watch(ctx, content)
	go s.Serve(ctx, ln)
	resp, err := http.Get("http://" + ln.Addr().String() + Prefix + "events")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if ev, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events <- ev
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	sections, _ := filepath.Glob(filepath.Join(content, "brieven", "*", "bijlage", "*.md"))
	slices.Sort(sections)
	if len(sections) == 0 {
		b.Fatal("no annex sections")
	}
	var times []time.Duration
	b.ResetTimer()
	for i := range 20 {
		file := sections[(i*7919)%len(sections)]
		data, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		os.WriteFile(file, append(data, []byte(fmt.Sprintf("\nBewerking %d.\n", i))...), 0o644)
		select {
		case ev := <-events:
			if ev != "reload" {
				b.Fatalf("edit %d gave %q", i, ev)
			}
		case <-time.After(5 * time.Minute):
			b.Fatal("no reload")
		}
		times = append(times, time.Since(t0))
	}
	slices.Sort(times)
	// Memory the process took from the system, heap and all: the peak
	// of a Go process that never returns memory early.
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MiB")
	b.ReportMetric(full.Seconds(), "full-build-s")
	b.ReportMetric(times[len(times)/2].Seconds(), "edit-to-reload-p50-s")
	b.ReportMetric(times[(len(times)*95+99)/100-1].Seconds(), "edit-to-reload-p95-s")
}
