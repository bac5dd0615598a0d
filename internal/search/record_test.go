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
