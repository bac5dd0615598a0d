package site

import (
	"reflect"
	"testing"

	"ledenbrief/internal/markdown"
)

// TestParseCacheKeepsOutlines holds what the preview keeps of a document
// between builds: its outline, with the hash of its text, when it has no
// problems; the whole document when it has some, which only parsing
// reports. Each is found again by its source, and dropped by the first
// Prune after a build that did not use it.
func TestParseCacheKeepsOutlines(t *testing.T) {
	conv := markdown.New(markdown.Options{})
	c := NewParseCache()
	parse := c.parse(conv)
	good := []byte("## Doel {#doel}\n\nZie [Lbr. 21/082](21-082#rechtspositie). Hier leest u meer.\n")
	bad := []byte("## Kop {#1-fout}\n\n<div>html</div>\n")

	d := parse(good)
	if !reflect.DeepEqual(d, d.Outline()) {
		t.Errorf("a document without problems is kept whole, not as its outline")
	}
	if got, want := c.textHash(d), SectionTextHash(conv.Parse(good)); got != want {
		t.Errorf("the kept outline's text hash is %x, want the parsed document's %x", got, want)
	}
	b := parse(bad)
	if b.HasOutline() || reflect.DeepEqual(b, b.Outline()) {
		t.Errorf("a document with problems is not kept whole: %+v", b)
	}
	if parse(append([]byte(nil), good...)) != d || parse(bad) != b {
		t.Error("the same source is parsed again")
	}
	c.Prune()
	parse(good) // the next build uses only this one
	c.Prune()
	if c.lookup(good) != d {
		t.Error("a used document was dropped")
	}
	if c.lookup(bad) != nil {
		t.Error("a document no build used was kept")
	}
}
