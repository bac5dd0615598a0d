package diff

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// texts rebuilds the old and the new text from a script.
func texts(ops []Op) (old, new string) {
	var o, n strings.Builder
	for _, op := range ops {
		if op.Kind != Insert {
			o.WriteString(op.Text)
		}
		if op.Kind != Delete {
			n.WriteString(op.Text)
		}
	}
	return o.String(), n.String()
}

func TestWordsMarksExactlyTheChangedWords(t *testing.T) {
	old := "Raadsleden krijgen een vergoeding van € 100 per maand.\nDe griffie helpt."
	new := "Raadsleden krijgen een hogere vergoeding van € 120 per maand.\nDe griffie helpt."
	ops := Words(old, new)
	var ins, del []string
	for _, op := range ops {
		switch op.Kind {
		case Insert:
			ins = append(ins, op.Text)
		case Delete:
			del = append(del, op.Text)
		}
	}
	if strings.Join(ins, "|") != "hogere |120" || strings.Join(del, "|") != "100" {
		t.Errorf("inserted %q, deleted %q; script %+v", ins, del, ops)
	}
	if o, n := texts(ops); o != old || n != new {
		t.Errorf("script does not rebuild the texts: %q / %q", o, n)
	}
	if paras := Paragraphs(ops); len(paras) != 2 {
		t.Errorf("got %d paragraphs, want 2", len(paras))
	}
}

func TestWordsAlwaysRebuildsBothTexts(t *testing.T) {
	words := strings.Fields("de het raad wethouder integriteit griffie\n , . bijlage brief vergoeding")
	r := rand.New(rand.NewPCG(1, 2))
	gen := func() string {
		var b strings.Builder
		for range r.IntN(60) {
			b.WriteString(words[r.IntN(len(words))])
			b.WriteString([]string{" ", " ", "\n", "  "}[r.IntN(4)])
		}
		return b.String()
	}
	for range 2000 {
		a, b := gen(), gen()
		ops := Words(a, b)
		if o, n := texts(ops); o != a || n != b {
			t.Fatalf("Words(%q, %q) rebuilds %q and %q", a, b, o, n)
		}
		if a == b && Changed(ops) {
			t.Fatalf("equal texts reported as changed: %+v", ops)
		}
	}
}

func TestWordsReplacesWhollyBeyondTheEditLimit(t *testing.T) {
	var a, b strings.Builder
	for i := range maxEdits {
		a.WriteString("oud")
		b.WriteString("nieuw")
		if i%7 == 0 {
			a.WriteString(" ")
			b.WriteString(" ")
		}
	}
	ops := Words(a.String(), b.String())
	if o, n := texts(ops); o != a.String() || n != b.String() {
		t.Fatal("the fallback script does not rebuild the texts")
	}
}

func TestWordsShowsARewrittenParagraphWhole(t *testing.T) {
	ops := Words("Kort.\nDe raad besluit over de begroting.\nSlot.", "Kort.\nWethouders krijgen een nieuwe rechtspositie per januari.\nSlot.")
	want := []Op{{Equal, "Kort.\n"}, {Delete, "De raad besluit over de begroting.\n"}, {Insert, "Wethouders krijgen een nieuwe rechtspositie per januari.\n"}, {Equal, "Slot."}}
	if len(ops) != len(want) {
		t.Fatalf("got %+v, want %+v", ops, want)
	}
	for i := range ops {
		if ops[i] != want[i] {
			t.Errorf("op %d = %+v, want %+v", i, ops[i], want[i])
		}
	}
}

// BenchmarkWords compares a section of 60 paragraphs with 40 words changed.
func BenchmarkWords(b *testing.B) {
	old := strings.Repeat(strings.Repeat("De raad stelt de vergoeding vast en de griffie voert uit. ", 5)+"\n", 60)
	new := strings.Replace(old, "griffie", "secretaris", 40)
	for b.Loop() {
		Words(old, new)
	}
}

func TestWithContextLeavesOutUnchangedRuns(t *testing.T) {
	ops := Words("a\nb\nc\nd\ne\nf\ng", "a\nb\nc\nD\ne\nf\ng")
	got := WithContext(Paragraphs(ops), 1)
	var shape []string
	for _, e := range got {
		if e.Skipped > 0 {
			shape = append(shape, fmt.Sprintf("…%d", e.Skipped))
		} else {
			o, n := texts(e.Ops)
			shape = append(shape, o+"/"+n)
		}
	}
	// The rewritten paragraph shows as deleted and inserted, with one
	// unchanged paragraph on each side.
	if got := strings.Join(shape, " "); got != "…2 c/c d/ /D e/e …2" {
		t.Errorf("excerpts: %s", got)
	}
}
