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

// TestPairsAreTheirOwn holds the pairs to what PairsAnalyzerName makes of
// a text, term by term, and holds each pair's term to its own bytes: the
// pairs share one allocation, and a filter that appends to one (as
// bleve's filters may) must not change the next.
func TestPairsAreTheirOwn(t *testing.T) {
	cache := registry.NewCache()
	words, err := cache.AnalyzerNamed(AnalyzerName)
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := cache.AnalyzerNamed(PairsAnalyzerName)
	if err != nil {
		t.Fatal(err)
	}
	text := []byte("De gemeenteraad stelt de begroting vast en controleert het college van burgemeester en wethouders")
	got, want := Pairs(words.Analyze(text)), pairs.Analyze(text)
	if len(got) != len(want) || len(got) < 3 {
		t.Fatalf("%d pairs, the pairs analyser makes %d", len(got), len(want))
	}
	for i := range want {
		if string(got[i].Term) != string(want[i].Term) || got[i].Start != want[i].Start || got[i].End != want[i].End {
			t.Errorf("pair %d is %q (%d-%d), the pairs analyser makes %q (%d-%d)", i, got[i].Term, got[i].Start, got[i].End, want[i].Term, want[i].Start, want[i].End)
		}
	}
	second := string(got[1].Term)
	got[0].Term = append(got[0].Term, "xyz"...)
	if string(got[1].Term) != second {
		t.Errorf("appending to the first pair changed the second: %q, was %q", got[1].Term, second)
	}
}
