package diag

import (
	"bytes"
	"strings"
	"testing"
)

func TestPositionCountsRunes(t *testing.T) {
	src := &Source{Path: "a.md", Text: []byte("eerste\nLoopbaanoriëntatie [Hier](#)\n")}
	off := bytes.Index(src.Text, []byte("[Hier]"))
	line, col := src.Position(off)
	if line != 2 || col != 20 {
		t.Errorf("Position = %d:%d, want 2:20 (ë is one column)", line, col)
	}
	if l, c := src.Position(-5); l != 1 || c != 1 {
		t.Errorf("negative offset gives %d:%d, want 1:1", l, c)
	}
	if l, _ := src.Position(1 << 20); l != 3 {
		t.Errorf("offset past the end gives line %d, want 3", l)
	}
}

func TestListSortsAndDeduplicates(t *testing.T) {
	a := &Source{Path: "b.md", Text: []byte("x\ny\n")}
	b := &Source{Path: "a.md", Text: []byte("x\n")}
	var l List
	l.Add(a, 2, UnknownID, "tweede", Msg{})
	l.Add(a, 0, UnknownID, "eerste", M(DidYouMean, "eerst"))
	l.Add(b, 0, InvalidUTF8)
	l.Add(a, 2, UnknownID, "tweede", Msg{})
	var out bytes.Buffer
	l.Print(&out, English)
	want := "a.md:1:1: invalid UTF-8: save the file as UTF-8\n" +
		"b.md:1:1: unknown id \"eerste\" (did you mean \"eerst\"?)\n" +
		"b.md:2:1: unknown id \"tweede\"\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	out.Reset()
	l.Print(&out, Dutch)
	if want := "b.md:1:1: onbekend id \"eerste\" (bedoelde u \"eerst\"?)\n"; !strings.Contains(out.String(), want) {
		t.Errorf("in Dutch:\n%s\nwant a line\n%s", out.String(), want)
	}
	if got := l.Summary(Dutch); got != "4 fouten in de inhoud" {
		t.Errorf("Summary(Dutch) = %q", got)
	}
	if l.Error() == nil || l.Error().Error() != "4 content errors" {
		t.Errorf("Error() = %v", l.Error())
	}
}

func TestPrintStopsAfterMaxPrinted(t *testing.T) {
	src := &Source{Path: "a.md", Text: []byte(strings.Repeat("[x](#y)\n", MaxPrinted+5))}
	var l List
	for i := range MaxPrinted + 5 {
		l.Add(src, i*8, UnknownID, "y", Msg{})
	}
	var b strings.Builder
	l.Print(&b, English)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != MaxPrinted+1 || lines[MaxPrinted] != "… and 5 more" || lines[MaxPrinted-1] != `a.md:1000:1: unknown id "y"` {
		t.Errorf("printed %d lines, last %q", len(lines), lines[len(lines)-1])
	}
}

// BenchmarkManyDiagnostics reports 100,000 problems in one file of
// 100,000 lines: positions come from a line index, so this is linear.
func BenchmarkManyDiagnostics(b *testing.B) {
	text := []byte(strings.Repeat("Zie [hier](#onbekend) voor meer.\n", 100_000))
	for b.Loop() {
		src := &Source{Path: "content/brieven/21-001/brief.md", Text: text}
		var l List
		for i := range 100_000 {
			l.Add(src, i*33+4, UnknownID, "onbekend", Msg{})
		}
		for _, d := range l.Sorted() {
			_ = d.String()
		}
	}
}
