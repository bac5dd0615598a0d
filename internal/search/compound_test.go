package search_test

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestCompoundsOfTheLetter searches the shipped letter with parts of its
// compounds, and with compounds and word forms it never uses.
func TestCompoundsOfTheLetter(t *testing.T) {
	res := realIndex(t)
	for _, c := range []struct {
		q, want string // want: the first result's URL ends so
	}{
		// A part finds the compound: "modelgedragscodes", "complottheorieën",
		// "hennepkwekerijen" are all the text has.
		{"gedragscode", "#handreiking-en-modelgedragscode-integriteit"},
		{"complot", "#achtergrond"},
		{"informatiebeveiliging", "#ict-middelen"},
		// An unknown compound finds its parts; an unknown form its stem.
		{"complotdenkers", "#achtergrond"},
		// The annex section the letter's "Hier" link names for integrity.
		{"integriteits", "21-082/bijlage/index.html#integriteit"},
	} {
		hits, aq, err := res.Index.Search(context.Background(), res.Dict, c.q, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || !strings.HasSuffix(hits[0].URL, c.want) {
			t.Errorf("%q (analysed %+v): first result %v, want …%s", c.q, aq.Words, hits, c.want)
		}
	}
	// The expansions themselves: the compound is found with a lower
	// weight than the word typed; an unknown compound becomes its parts.
	terms := func(q string) []string {
		var out []string
		for _, w := range res.Dict.Analyze(q, false).Words {
			for _, e := range w.Terms {
				out = append(out, e.Term)
			}
		}
		return out
	}
	if got := terms("gedragscode"); !slices.Contains(got, "modelgedragscod") || !slices.Contains(got, "gedragscod") {
		t.Errorf("gedragscode expands to %v", got)
	}
	if got := terms("complotdenkers"); !slices.Equal(got, []string{"complot"}) {
		t.Errorf("complotdenkers is analysed as %v, want its part complot", got)
	}
	if got := terms("gedragsregels"); !slices.Equal(got, []string{"gedrag", "regel"}) {
		t.Errorf("gedragsregels is analysed as %v, want gedrag and regel", got)
	}
	// The word typed weighs more than its completions.
	exact, completions := 0.0, 0
	for _, w := range res.Dict.Analyze("bestuur", true).Words {
		for _, e := range w.Terms {
			if e.Term == "bestur" {
				exact = e.Boost
			} else if completions++; e.Boost >= 1 {
				t.Errorf("completion %s of bestuur weighs %v", e.Term, e.Boost)
			}
		}
	}
	if exact != 1 || completions == 0 {
		t.Errorf("bestuur: the word weighs %v, %d completions", exact, completions)
	}
}

// TestPhrases ranks a unit with the query's words next to each other
// above units where they are scattered.
func TestPhrases(t *testing.T) {
	res := realIndex(t)
	if got := res.Dict.Analyze("Raad van State", false).Pairs(); !slices.Equal(got, []string{"rad stat"}) {
		t.Errorf("Raad van State has pairs %v, want [rad stat]", got)
	}
	for _, c := range []struct{ q, want string }{
		{"Raad van State", "#wijzigingen-gemeentewet"},
		{"Openbare Orde en Veiligheid", "#impact-voor-gemeenten"},
		{"verklaring omtrent gedrag", "#wijzigingen-gemeentewet"},
	} {
		hits, _, err := res.Index.Search(context.Background(), res.Dict, c.q, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || !strings.HasSuffix(hits[0].URL, c.want) {
			t.Errorf("%q: first result %v, want …%s", c.q, hits, c.want)
		}
	}
}

// TestQuestionWords leaves the words that ask out of a query that has
// other words, keeps them in one that has none, and keeps a word still
// being typed.
func TestQuestionWords(t *testing.T) {
	res := realIndex(t)
	texts := func(q string, typing bool) []string {
		var out []string
		for _, w := range res.Dict.Analyze(q, typing).Words {
			out = append(out, w.Text)
		}
		return out
	}
	if got := texts("wanneer mag een raadslid niet meestemmen", false); !slices.Equal(got, []string{"raadslid", "meestemmen"}) {
		t.Errorf("a question is analysed as %v", got)
	}
	if got := texts("waar", false); !slices.Equal(got, []string{"waar"}) {
		t.Errorf("a query of one question word is analysed as %v", got)
	}
	if got := texts("raadsleden waar", true); !slices.Equal(got, []string{"raadsleden", "waar"}) {
		t.Errorf("a question word being typed is analysed as %v", got)
	}
}
