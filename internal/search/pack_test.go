package search

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

var packedCall = regexp.MustCompile("^\uFEFF(LB\\.[a-z]+)\\((.*,)?\"([^\"\\\\\\n\\r<\\x00]*)\"\\);\\n$")

// unpack reverses pack: the function, the key arguments and the JSON.
func unpack(t *testing.T, script []byte) (fn, keys string, data []byte) {
	t.Helper()
	m := packedCall.FindSubmatch(script)
	if m == nil {
		t.Fatalf("not a packed call: %.80q", script)
	}
	z, err := unseven(m[3])
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

// TestSevenBitsRoundTrip: every byte string comes back, whatever its
// length and wherever its exceptions fall (at the end too), as a string a
// JavaScript literal and an HTML script element can hold, in at most 8/7
// of its bytes and a character.
func TestSevenBitsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var cases [][]byte
	for n := range 40 {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		cases = append(cases, b)
	}
	// Data whose last group is an exception of its own: 7 bytes are 8
	// groups, the last the low 7 bits of the seventh byte, the others
	// none; and one whose exception is followed by padding only.
	for _, e := range sevenBitExceptions {
		cases = append(cases, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, e}, []byte{e << 1})
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	cases = append(cases, all)
	for _, c := range cases {
		s := appendSeven(nil, c)
		if got, err := unseven(s); err != nil || !bytes.Equal(got, c) {
			t.Errorf("%x came back as %x (%v)", c, got, err)
		}
		if !utf8.Valid(s) || bytes.ContainsAny(s, "\x00\n\r\"<\\") {
			t.Errorf("%x: %q cannot stand in a script's string", c, s)
		}
		if len(s) > len(c)*8/7+2 {
			t.Errorf("%d bytes took %d", len(c), len(s))
		}
	}
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

// UnpackInline is Unpack for a script in the inline form (see Packed).
func UnpackInline(t *testing.T, script []byte) (fn string, data []byte) {
	t.Helper()
	m := regexp.MustCompile(`^(LB\.[a-z]+)\("([A-Za-z0-9+/=]*)"\);?\n?$`).FindSubmatch(script) // a page's minifier drops the ";\n"
	if m == nil {
		t.Fatalf("not an inline packed call: %.80q", script)
	}
	z, err := base64.StdEncoding.DecodeString(string(m[2]))
	if err != nil {
		t.Fatal(err)
	}
	r, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	if data, err = io.ReadAll(r); err != nil {
		t.Fatal(err)
	}
	return string(m[1]), data
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
	var mu sync.Mutex
	w := NewStaticWriter(func(name string, _ []byte, _ [32]byte) error {
		mu.Lock()
		defer mu.Unlock()
		files[name] = true
		return nil
	})
	if err := w.Finish(d); err != nil {
		t.Fatal(err)
	}
	if !files[IndexDir+"q-0.js"] {
		t.Errorf("no pairs file among %v", files)
	}
}

// TestPairKeysTellAFilesPairsApart: a file's keys are as long as it takes
// to tell its pairs apart, and no shorter than asked.
func TestPairKeysTellAFilesPairsApart(t *testing.T) {
	var pairs []string
	for i := range 300 {
		pairs = append(pairs, fmt.Sprintf("raadslid %d", i))
	}
	for _, min := range []int{1, 2, minPairKey} {
		keys, err := pairKeys(pairs, min)
		if err != nil {
			t.Fatal(err)
		}
		n := len(keys[0])
		seen := map[string]bool{}
		shorter := map[string]bool{}
		for i, p := range pairs {
			k := keys[i]
			if len(k) != n || !strings.HasPrefix(fmt.Sprintf("%016x", pairHash64(p)), k) || seen[k] {
				t.Fatalf("min %d: %q has key %q (length %d), seen before: %t", min, p, k, n, seen[k])
			}
			seen[k] = true
			shorter[k[:n-1]] = true
		}
		if n < min || (n > min && len(shorter) == len(pairs)) {
			t.Errorf("min %d: keys of %d digits", min, n)
		}
	}
}
