package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestReport feeds a go test -json stream through the report: each
// package's result is printed as it finishes, a failed test with its
// output, every skipped test with the reason it gave, and the run fails.
func TestReport(t *testing.T) {
	stream := `{"Action":"start","Package":"a"}
{"Action":"run","Package":"a","Test":"TestBrowser"}
{"Action":"output","Package":"a","Test":"TestBrowser","Output":"=== RUN   TestBrowser\n"}
{"Action":"output","Package":"a","Test":"TestBrowser","Output":"    x_test.go:9: skipping: Chromium not found (install it, see .ci/run)\n"}
{"Action":"output","Package":"a","Test":"TestBrowser","Output":"--- SKIP: TestBrowser (0.00s)\n"}
{"Action":"skip","Package":"a","Test":"TestBrowser"}
{"Action":"pass","Package":"a","Elapsed":1.5}
{"Action":"start","Package":"b"}
{"Action":"output","Package":"b","Test":"TestSum","Output":"    sum_test.go:3: got 3, want 4\n"}
{"Action":"fail","Package":"b","Test":"TestSum","Elapsed":0.1}
{"Action":"fail","Package":"b","Elapsed":0.2}
{"Action":"skip","Package":"c"}
`
	var out bytes.Buffer
	r := &report{w: &out, running: map[string]time.Time{}, output: map[string][]string{}}
	if err := r.read(strings.NewReader(stream)); err != nil {
		t.Fatal(err)
	}
	if r.summary() {
		t.Error("a run with a failed test passed")
	}
	got := out.String()
	for _, want := range []string{
		"ok    a (1.5s)",
		"--- FAIL b TestSum (0.1s)\n    sum_test.go:3: got 3, want 4",
		"FAIL  b (0.2s)",
		"-     c (no tests)",
		"Skipped 1 tests:\n  a TestBrowser: x_test.go:9: skipping: Chromium not found (install it, see .ci/run)",
		"FAILED (1):\n  b TestSum",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q:\n%s", want, got)
		}
	}
}
