package search

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestHandJSONIsJSON parses what the static index's own encoders write
// and what encoding/json writes of the same values: they must read back
// the same, with every kind of character a text can hold in a key or a
// value (quotes, backslashes, control characters, line separators,
// invalid UTF-8, letters beyond ASCII).
func TestHandJSONIsJSON(t *testing.T) {
	odd := []string{`"aan" \ het`, "regel\nnieuw\r\t", "\x01\x1f", "café ëën", "a\u2028b\u2029", "bad \xff utf8", "<b>&amp;</b>", ""}
	sh := &vocabShard{
		Vocab:     map[string]vocabValue{},
		Terms:     map[string]string{},
		Top:       [][]string{{odd[0], odd[1]}, {"b", "c"}},
		Compounds: map[string][]string{odd[3]: {odd[4], odd[5]}},
		Split:     odd[6],
	}
	vocab := map[string]any{}
	for i, s := range odd {
		if i%2 == 0 {
			sh.Vocab[s], vocab[s] = vocabValue{df: i}, i
		} else {
			sh.Vocab[s], vocab[s] = vocabValue{term: odd[i-1], df: i}, []any{odd[i-1], i}
		}
		sh.Terms[s] = odd[len(odd)-1-i]
	}
	rows := docRows{{odd[0], odd[4]}, nil, {odd[5]}}
	recs := records{odd[1]: []byte(`[[1,0,0,0],[3,1,7],[],[],[]]`), "x": []byte(`[[0,0,0,1],[],[],[],[5,2,9]]`)}
	bd := &bundle{
		Meta:     meta{Version: 4, Fields: Fields, Stop: []string{"de"}},
		Shards:   map[string]*vocabShard{"ge": sh},
		Postings: map[string]records{"0a": recs},
		Pairs:    map[int]records{0: recs, 10: {}, 2: recs},
		Docs:     map[int]docRows{3: rows, 12: rows},
	}
	generic := func(sh *vocabShard) map[string]any {
		return map[string]any{"v": vocab, "t": sh.Terms, "c": sh.Top, "x": sh.Compounds, "s": sh.Split}
	}
	raws := map[string]json.RawMessage{}
	for k, v := range recs {
		raws[k] = v
	}
	for name, c := range map[string]struct {
		own  jsonAppender
		same any
	}{
		"a vocabulary shard": {sh, generic(sh)},
		"text rows":          {rows, [][]string(rows)},
		"postings":           {recs, raws},
		"a bundle": {bd, map[string]any{"meta": bd.Meta, "v": map[string]any{"ge": generic(sh)}, "p": map[string]any{"0a": raws},
			"q": map[string]any{"0": raws, "10": map[string]any{}, "2": raws}, "d": map[string]any{"3": [][]string(rows), "12": [][]string(rows)}}},
	} {
		var got, want any
		if err := json.Unmarshal(c.own.appendJSON(nil), &got); err != nil {
			t.Fatalf("%s: %v in %s", name, err, c.own.appendJSON(nil))
		}
		std, err := json.Marshal(c.same)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(std, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: reads back as\n%v\nencoding/json's as\n%v", name, got, want)
		}
	}
}
