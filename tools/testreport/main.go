// Command testreport reads the output of "go test -json" on stdin and
// prints what a person waiting for "make test" wants to see: each package
// as it finishes, a line every half minute naming the packages still
// running, the full output of every failed test, and at the end every
// skipped test with the reason it gave. It exits 1 when anything failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// event is one line of "go test -json" (see "go doc test2json").
type event struct {
	Action     string
	Package    string
	ImportPath string // build events
	Test       string
	Elapsed    float64
	Output     string
}

// skip is a test that was skipped, with the reason it printed.
type skip struct {
	pkg, test, reason string
}

// report gathers the events of one run.
type report struct {
	mu       sync.Mutex
	w        io.Writer
	running  map[string]time.Time // package → when it started
	output   map[string][]string  // package/test → its output so far
	skips    []skip
	failed   []string
	packages int
}

func main() {
	r := &report{w: os.Stdout, running: map[string]time.Time{}, output: map[string][]string{}}
	done := make(chan struct{})
	go r.tick(done, 30*time.Second)
	err := r.read(os.Stdin)
	close(done)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(1)
	}
	if !r.summary() {
		os.Exit(1)
	}
}

// read handles the events until the end of in.
func (r *report) read(in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			fmt.Fprintln(r.w, sc.Text()) // not JSON: go test's own message
			continue
		}
		r.handle(e)
	}
	return sc.Err()
}

func (r *report) handle(e event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := e.Package + " " + e.Test
	switch e.Action {
	case "start":
		r.running[e.Package] = time.Now()
	case "output", "build-output":
		if e.Action == "build-output" {
			key = e.ImportPath + " "
		}
		r.output[key] = append(r.output[key], e.Output)
	case "build-fail":
		r.failed = append(r.failed, e.ImportPath+" (build failed)")
		fmt.Fprintf(r.w, "FAIL  %s: build failed\n%s", e.ImportPath, strings.Join(r.output[e.ImportPath+" "], ""))
	case "skip":
		if e.Test != "" {
			r.skips = append(r.skips, skip{e.Package, e.Test, skipReason(r.output[key])})
		}
		r.finish(e, "skip")
	case "pass":
		r.finish(e, "ok")
	case "fail":
		if e.Test != "" {
			r.failed = append(r.failed, e.Package+" "+e.Test)
			fmt.Fprintf(r.w, "--- FAIL %s %s (%.1fs)\n%s", e.Package, e.Test, e.Elapsed, strings.Join(r.output[key], ""))
		}
		r.finish(e, "FAIL")
	}
	if e.Test != "" && e.Action != "output" && e.Action != "run" && e.Action != "pause" && e.Action != "cont" {
		delete(r.output, key)
	}
}

// finish prints a package's result line when e ends a package.
func (r *report) finish(e event, status string) {
	if e.Test != "" {
		return
	}
	delete(r.running, e.Package)
	r.packages++
	out := r.output[e.Package+" "]
	delete(r.output, e.Package+" ")
	switch {
	case status == "FAIL":
		if !slices.ContainsFunc(r.failed, func(f string) bool { return strings.HasPrefix(f, e.Package+" ") }) {
			r.failed = append(r.failed, e.Package)
			fmt.Fprint(r.w, strings.Join(out, "")) // a panic or a TestMain failure
		}
		fmt.Fprintf(r.w, "FAIL  %s (%.1fs)\n", e.Package, e.Elapsed)
	case status == "skip":
		fmt.Fprintf(r.w, "-     %s (no tests)\n", e.Package)
	default:
		fmt.Fprintf(r.w, "ok    %s (%.1fs)\n", e.Package, e.Elapsed)
	}
}

// skipReason is the message a skipped test gave: the last line of its
// output that is not the "--- SKIP" line itself.
func skipReason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "--- SKIP") || strings.HasPrefix(l, "=== ") {
			continue
		}
		return l
	}
	return "(no reason given)"
}

// tick prints, every interval until done, the packages still running.
func (r *report) tick(done <-chan struct{}, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			r.mu.Lock()
			var names []string
			for pkg, start := range r.running {
				names = append(names, fmt.Sprintf("%s (%.0fs)", pkg, time.Since(start).Seconds()))
			}
			slices.Sort(names)
			if len(names) > 0 {
				fmt.Fprintf(r.w, "...   running: %s\n", strings.Join(names, ", "))
			}
			r.mu.Unlock()
		}
	}
}

// summary prints the skipped tests and the failures, and reports whether
// the run passed.
func (r *report) summary() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	slices.SortFunc(r.skips, func(a, b skip) int {
		return strings.Compare(a.pkg+" "+a.test, b.pkg+" "+b.test)
	})
	if len(r.skips) > 0 {
		fmt.Fprintf(r.w, "\nSkipped %d tests:\n", len(r.skips))
		for _, s := range r.skips {
			fmt.Fprintf(r.w, "  %s %s: %s\n", s.pkg, s.test, s.reason)
		}
	} else {
		fmt.Fprintln(r.w, "\nNo test was skipped.")
	}
	if len(r.failed) > 0 {
		fmt.Fprintf(r.w, "\nFAILED (%d):\n  %s\n", len(r.failed), strings.Join(r.failed, "\n  "))
		return false
	}
	if r.packages == 0 {
		fmt.Fprintln(r.w, "no test results: did go test run?")
		return false
	}
	fmt.Fprintf(r.w, "PASS: %d packages\n", r.packages)
	return true
}
