package diag

import (
	"bytes"
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
	l.Add(a, 2, "second")
	l.Add(a, 0, "first")
	l.Add(b, 0, "other file")
	l.Add(a, 2, "second")
	var out bytes.Buffer
	l.Print(&out)
	want := "a.md:1:1: other file\nb.md:1:1: first\nb.md:2:1: second\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	if l.Error() == nil || l.Error().Error() != "4 content errors" {
		t.Errorf("Error() = %v", l.Error())
	}
}
