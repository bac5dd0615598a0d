package words

import (
	"os"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/registry"
)

func terms(a analysis.Analyzer, text string) string {
	var b strings.Builder
	for _, t := range a.Analyze([]byte(text)) {
		b.WriteString(string(t.Term))
		b.WriteByte(' ')
	}
	return b.String()
}

// TestAnalyzerIsBlevesDutch analyses the real letter's annex twice with
// the memoizing analyzer (cold and warm cache) and once with bleve's "nl":
// every term, in order, must be the same.
func TestAnalyzerIsBlevesDutch(t *testing.T) {
	cache := registry.NewCache()
	ours, err := cache.AnalyzerNamed(AnalyzerName)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := cache.AnalyzerNamed(nl.AnalyzerName)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := os.ReadDir("../../../content/brieven/21-082/bijlage")
	if len(files) == 0 {
		t.Fatal("no annex to analyse")
	}
	for _, f := range files {
		data, err := os.ReadFile("../../../content/brieven/21-082/bijlage/" + f.Name())
		if err != nil {
			t.Fatal(err)
		}
		want := terms(theirs, string(data))
		for round := range 2 {
			if got := terms(ours, string(data)); got != want {
				t.Fatalf("%s, round %d: the memoizing analyzer differs from bleve's nl", f.Name(), round)
			}
		}
	}
}
