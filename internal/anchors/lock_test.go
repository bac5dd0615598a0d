package anchors

import (
	"strings"
	"testing"

	"ledenbrief/internal/diag"
)

func TestKeys(t *testing.T) {
	for _, c := range []struct{ page, id, key string }{
		{"21-082/", "", "21-082"},
		{"21-082/", "brief-integriteit", "21-082#brief-integriteit"},
		{"21-082/bijlage/", "rechtspositie", "21-082/bijlage#rechtspositie"},
		{"handreikingen/handreiking-integriteit/", "", "handreikingen/handreiking-integriteit"},
	} {
		if got := Key(c.page, c.id); got != c.key {
			t.Errorf("Key(%q, %q) = %q, want %q", c.page, c.id, got, c.key)
		}
		if page, id := SplitKey(c.key); page != c.page || id != c.id {
			t.Errorf("SplitKey(%q) = %q, %q", c.key, page, id)
		}
	}
}

func TestParseLock(t *testing.T) {
	src := &diag.Source{Path: "content/anchors.lock", Text: []byte("# kop\n\n21-082\n21-082/bijlage#rechtspositie\r\n21-082\nHoofdletters#X\n21-082#\n")}
	var diags diag.List
	l := ParseLock(src, &diags)
	if l.Len() != 2 || !l.Has("21-082") || !l.Has("21-082/bijlage#rechtspositie") {
		t.Errorf("parsed %d keys: %v", l.Len(), l.keys)
	}
	var out strings.Builder
	diags.Print(&out, diag.English)
	want := "content/anchors.lock:6:1: malformed anchor \"Hoofdletters#X\": expected a page like 21-082/bijlage, optionally followed by #id\n" +
		"content/anchors.lock:7:1: malformed anchor \"21-082#\": expected a page like 21-082/bijlage, optionally followed by #id\n"
	if out.String() != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", out.String(), want)
	}
	missing := l.Missing(func(k string) bool { return k == "21-082" })
	if len(missing) != 1 || missing[0] != "21-082/bijlage#rechtspositie" {
		t.Errorf("Missing = %v", missing)
	}
}

func TestMergeAddsSortsAndNeverRemoves(t *testing.T) {
	var diags diag.List
	l := ParseLock(&diag.Source{Path: "a.lock", Text: []byte("b\na#x\n")}, &diags)
	file, added := l.Merge([]string{"c", "a#x", "a", "c"})
	if added != 2 {
		t.Errorf("added = %d, want 2", added)
	}
	body := strings.TrimPrefix(string(file), lockHeader)
	if body != "a\na#x\nb\nc\n" {
		t.Errorf("lock body = %q", body)
	}
	var none *diag.Source
	if empty := ParseLock(none, &diags); empty.Len() != 0 || diags.Len() != 0 {
		t.Error("a missing lock is not empty")
	}
}

// FuzzParseLock feeds arbitrary text to the lock parser: no panics, every
// key it keeps is well-formed, and a merged lock parses back to the same keys.
func FuzzParseLock(f *testing.F) {
	f.Add("# c\n21-082\n21-082/bijlage#rechtspositie\n")
	f.Add("\r\n\n#\nX Y\n21-082#\n")
	f.Fuzz(func(t *testing.T, text string) {
		var diags diag.List
		l := ParseLock(&diag.Source{Path: "a.lock", Text: []byte(text)}, &diags)
		for _, d := range diags.Sorted() {
			if d.Offset < 0 || d.Offset > len(text) {
				t.Fatalf("offset %d outside the file", d.Offset)
			}
		}
		file, _ := l.Merge(nil)
		var again diag.List
		back := ParseLock(&diag.Source{Path: "b.lock", Text: file}, &again)
		if again.Len() > 0 || back.Len() != l.Len() {
			t.Fatalf("merged lock does not parse back: %d keys → %d, %d errors", l.Len(), back.Len(), again.Len())
		}
	})
}
