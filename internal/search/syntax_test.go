package search

import (
	"reflect"
	"testing"
)

// TestParseSyntax reads phrases and minus words as a reader means them,
// and answers every malformed query.
func TestParseSyntax(t *testing.T) {
	for q, want := range map[string]syntax{
		`"Raad van State" advies`:       {phrases: [][]string{{"raad", "van", "state"}}},
		`“Raad van State”`:              {phrases: [][]string{{"raad", "van", "state"}}},
		`integriteit -gemeentewet -VOG`: {excluded: []string{"gemeentewet", "vog"}},
		`re-integratie wethouder`:       {},
		`"raad van`:                     {phrases: [][]string{{"raad", "van"}}, open: true},
		`- -- "" "`:                     {},
		`-"raad" x`:                     {phrases: [][]string{{"raad"}}},
	} {
		got := parseSyntax(q)
		got.text = ""
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %+v, want %+v", q, got, want)
		}
	}
	if got := queryWords(parseSyntax(`"Raad van State" -advies re-integratie`).text); !reflect.DeepEqual(got, []string{"raad", "van", "state", "re", "integratie"}) {
		t.Errorf("scored words %v", got)
	}
}
