package search

import (
	"reflect"
	"testing"

	"ledenbrief/internal/record"
)

// TestAnalysisRecordRoundTrip reads back a unit with its analysis, with
// and without positions, whole (ReadAnalyzed) and its unit alone
// (ReadUnit).
func TestAnalysisRecordRoundTrip(t *testing.T) {
	u := Unit{ID: "21-082/bijlage/#ondermijning", Page: "21-082/bijlage/", Anchor: "ondermijning", Title: "Ondermijning",
		Body: "Raadsleden worden bedreigd; de burgemeester en de raad zoeken weerbaarheid.", Extra: "VNG\nVereniging van Nederlandse Gemeenten",
		Letter: "Lbr. 21/082", Date: "2021-12-06", Kind: "bijlage", Ordinal: 1234}
	for _, positions := range []bool{false, true} {
		au, err := Analyze(u, positions)
		if err != nil {
			t.Fatal(err)
		}
		w := &record.Writer{}
		au.AppendRecord(w)
		r := record.NewReader(w.B)
		got, err := ReadAnalyzed(r)
		if err != nil || r.Done() != nil {
			t.Fatalf("positions %t: %v %v", positions, err, r.Err())
		}
		if !reflect.DeepEqual(got, au) {
			t.Errorf("positions %t: read back\n%+v\nwant\n%+v", positions, got, au)
		}
		// Two records one after the other: ReadUnit reads the first
		// one's unit and passes over all of its analysis.
		au.AppendRecord(w)
		r = record.NewReader(w.B)
		for i := range 2 {
			unit, err := ReadUnit(r)
			if err != nil || unit != u {
				t.Errorf("positions %t: unit %d read alone as %+v, %v", positions, i, unit, err)
			}
		}
		if r.Done() != nil {
			t.Errorf("positions %t: ReadUnit left bytes unread: %v", positions, r.Done())
		}
	}
}

// TestSurfaceTermsRoundTrip keeps what the analyser made of a unit's
// words (AppendSurfaceTerms) and loads it back (LoadSurfaceTerms): a
// dictionary then maps the words to the terms it did when it analysed
// them. A record cut short loads nothing.
func TestSurfaceTermsRoundTrip(t *testing.T) {
	surfaceTerms.Clear() // as in a new process
	u := Unit{ID: "a", Page: "a/", Title: "Weerbaarheidsverhogende gemeenteraadsvergaderingen",
		Body: "Kwartiermakers onderzochten ondermijningsbestendigheid.", Ordinal: 1}
	au, err := Analyze(u, false)
	if err != nil {
		t.Fatal(err)
	}
	want, err := BuildDictionary([]*AnalyzedUnit{au})
	if err != nil {
		t.Fatal(err)
	}
	w := &record.Writer{}
	if !AppendSurfaceTerms(w) {
		t.Fatal("words were analysed, but none are kept")
	}
	if AppendSurfaceTerms(&record.Writer{}) {
		t.Error("nothing was analysed since, yet the words are kept again")
	}
	kept := map[string]any{}
	surfaceTerms.Range(func(k, v any) bool { kept[k.(string)] = v; return true })
	for word := range kept { // as in a new process
		surfaceTerms.Delete(word)
	}
	if err := LoadSurfaceTerms(record.NewReader(w.B[:len(w.B)-3])); err == nil {
		t.Error("a record cut short loads")
	}
	if _, ok := surfaceTerms.Load("ondermijningsbestendigheid"); ok {
		t.Error("a record cut short loaded some words")
	}
	if err := LoadSurfaceTerms(record.NewReader(w.B)); err != nil {
		t.Fatal(err)
	}
	for word, term := range kept {
		if got, _ := surfaceTerms.Load(word); got != term {
			t.Errorf("%q loads as %q, was analysed as %q", word, got, term)
		}
	}
	got, err := BuildDictionary([]*AnalyzedUnit{au})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Surfaces, want.Surfaces) || len(got.Surfaces) < 4 {
		t.Errorf("surfaces from the kept words %v, analysed %v", got.Surfaces, want.Surfaces)
	}
	if AppendSurfaceTerms(&record.Writer{}) {
		t.Error("every word was loaded, yet they are kept again")
	}
}
