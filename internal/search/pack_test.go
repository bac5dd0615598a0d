package search

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

var packedCall = regexp.MustCompile(`^(LB\.[a-z]+)\((.*,)?"([A-Za-z0-9+/=]*)"\);\n$`)

// unpack reverses pack: the function, the key arguments and the JSON.
func unpack(t *testing.T, script []byte) (fn, keys string, data []byte) {
	t.Helper()
	m := packedCall.FindSubmatch(script)
	if m == nil {
		t.Fatalf("not a packed call: %.80q", script)
	}
	z, err := base64.StdEncoding.DecodeString(string(m[3]))
	if err != nil {
		t.Fatal(err)
	}
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	data, err = io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(m[1]), string(m[2]), data
}

func TestPackRoundTrips(t *testing.T) {
	v := map[string]any{"tekst": strings.Repeat("Raadsleden krijgen een vergoeding. ", 50), "é": []int{1, 2, 3}}
	for _, keys := range [][]any{nil, {7}, {"ge"}} {
		script, err := pack("LB.docs", v, keys...)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(v)
		fn, k, data := unpack(t, script)
		if fn != "LB.docs" || !bytes.Equal(data, want) {
			t.Errorf("keys %v: got %s(%s) %.60s", keys, fn, k, data)
		}
		if len(script) >= len(want) {
			t.Errorf("packed %d bytes of repetitive JSON into %d", len(want), len(script))
		}
		if keys != nil {
			wk, _ := json.Marshal(keys[0])
			if k != string(wk)+"," {
				t.Errorf("keys %q, want %s", k, wk)
			}
		}
	}
}

func TestLeadKeepsWholeSentences(t *testing.T) {
	text := "Eerste zin over raadsleden. Tweede zin over wethouders!\nEen regel zonder punt\nDerde zin die te lang wordt om nog te passen."
	for _, c := range []struct {
		n    int
		want string
	}{
		{1000, text},
		{60, "Eerste zin over raadsleden. Tweede zin over wethouders! …"},
		{80, "Eerste zin over raadsleden. Tweede zin over wethouders!\nEen regel zonder punt …"},
		{20, "Eerste zin over …"},
	} {
		if got := lead(text, c.n); got != c.want {
			t.Errorf("lead(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	// A long word of multi-byte letters is never cut inside a letter.
	long := strings.Repeat("é", 400)
	if got := lead(long, 301); !utf8.ValidString(got) || len(got) > 301+len(" …") {
		t.Errorf("lead of one long word: %d bytes, valid %t", len(got), utf8.ValidString(got))
	}
}

// Unpack is unpack for the package's external tests.
func Unpack(t *testing.T, script []byte) (fn, keys string, data []byte) {
	t.Helper()
	return unpack(t, script)
}

// SurfaceWords is every word of x's units, for the same tests.
func SurfaceWords(x *Index) []string { return slices.Sorted(maps.Keys(x.collect.surfaces)) }

// TestEveryPairsFileIsWritten: an index without a single pair still has
// the pairs file a two-word query looks in.
func TestEveryPairsFileIsWritten(t *testing.T) {
	x, err := NewIndex(false)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	au, err := Analyze(Unit{ID: "a/#", Page: "a/", Label: "Integriteit", Title: "Integriteit", Ordinal: 0}, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Add([]*AnalyzedUnit{au}); err != nil {
		t.Fatal(err)
	}
	d, err := x.Dictionary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	w := NewStaticWriter(func(name string, _ []byte) error { files[name] = true; return nil })
	if err := w.Finish(d); err != nil {
		t.Fatal(err)
	}
	if !files[IndexDir+"q-0.js"] {
		t.Errorf("no pairs file among %v", files)
	}
}
