package search_test

import (
	"testing"

	"ledenbrief/internal/build"
	"ledenbrief/internal/search"
)

// realIndex builds the shipped letter's bleve index and its static form,
// closed when the test ends.
func realIndex(tb testing.TB) *build.Result {
	res, err := build.Run(build.Options{Content: realContent, Check: true, KeepIndex: true})
	if err != nil || res.Diags.Len() > 0 {
		tb.Fatalf("build: %v %v", err, res.Diags.Error())
	}
	tb.Cleanup(func() { res.Index.Close() })
	return res
}

// FuzzAnalyze feeds arbitrary queries to the query analysis: no panics,
// never more than MaxQueryWords words, every expansion a term of the index.
func FuzzAnalyze(f *testing.F) {
	for _, q := range []string{"hennepkwekerij", "integriteits wethouder", "de het een", "’s-Hertogenbosch RIEC's", "\xff\xfe", "a b c d e f g h i j k l m"} {
		f.Add(q, true)
	}
	res := realIndex(f)
	f.Fuzz(func(t *testing.T, q string, typing bool) {
		aq := res.Dict.Analyze(q, typing)
		if len(aq.Words) > search.MaxQueryWords {
			t.Fatalf("%d words analysed", len(aq.Words))
		}
		for _, w := range aq.Words {
			for _, e := range w.Terms {
				if res.Dict.Terms[e.Term] == nil {
					t.Fatalf("expansion %q of %q is not a term of the index", e.Term, w.Text)
				}
			}
		}
	})
}
