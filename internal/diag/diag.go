// Package diag holds diagnostics: problems found in user content, kept as
// values (file, byte offset, message id and arguments) while a build runs
// and turned into "file:line:col: message" only when they are reported,
// in the reader's language.
//
// It owns position arithmetic, the ordering of reports and the catalogue
// of every message an editor can see, one per language (nl.go, en.go),
// each under a stable id (messages.go). It knows nothing of Markdown,
// front matter or the site beyond the words of those messages.
package diag

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Source is the text of one user file, kept so that byte offsets can be
// turned into line and column numbers when a diagnostic is printed.
type Source struct {
	// Path is the file's path relative to the content folder's parent,
	// as the user would type it (for example "content/brieven/21-082/brief.md").
	Path string
	// Text is the whole file.
	Text []byte

	once  sync.Once
	lines []int // byte offset of the start of each line, made on first use
}

// Position returns the 1-based line and column of byte offset off in s.
// Columns count runes, not bytes, so that editors land on the right letter in
// lines with diacritics. An offset outside the text is clamped. The line
// is found in an index of line starts made once per file, so that
// reporting many problems in one file stays linear.
func (s *Source) Position(off int) (line, col int) {
	off = max(0, min(off, len(s.Text)))
	s.once.Do(func() {
		s.lines = []int{0}
		for i, b := range s.Text {
			if b == '\n' {
				s.lines = append(s.lines, i+1)
			}
		}
	})
	i, found := slices.BinarySearch(s.lines, off)
	if !found {
		i--
	}
	return i + 1, 1 + utf8.RuneCount(s.Text[s.lines[i]:off])
}

// Line returns the text of 1-based line n, without its line ending.
func (s *Source) Line(n int) string {
	s.Position(0) // makes the index of line starts
	if n < 1 || n > len(s.lines) {
		return ""
	}
	end := len(s.Text)
	if n < len(s.lines) {
		end = s.lines[n] - 1
	}
	return strings.TrimRight(string(s.Text[s.lines[n-1]:end]), "\r\n")
}

// Diagnostic is one problem in user content.
type Diagnostic struct {
	Src    *Source // nil when the problem has no file (for example a missing folder)
	Offset int     // byte offset into Src.Text
	Msg    Msg
}

// String formats d as "file:line:col: message", in Dutch.
func (d Diagnostic) String() string { return d.Text(Dutch) }

// Text formats d as "file:line:col: message" in lang.
func (d Diagnostic) Text(lang Lang) string {
	if d.Src == nil {
		return d.Msg.Text(lang)
	}
	line, col := d.Src.Position(d.Offset)
	return fmt.Sprintf("%s:%d:%d: %s", d.Src.Path, line, col, d.Msg.Text(lang))
}

// List collects diagnostics from concurrent stages of a build. The zero
// value is ready to use.
type List struct {
	mu    sync.Mutex
	items []Diagnostic
}

// Add records the problem id, with its arguments, at byte offset off of
// src. An argument may itself be a Msg (or an error that is one): it is
// put in the reader's language with the rest.
func (l *List) Add(src *Source, off int, id ID, args ...any) {
	l.AddMsg(src, off, M(id, args...))
}

// AddMsg records the problem m at byte offset off of src.
func (l *List) AddMsg(src *Source, off int, m Msg) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, Diagnostic{Src: src, Offset: off, Msg: m})
}

// Append records the problems of other.
func (l *List) Append(other *List) {
	other.mu.Lock()
	items := append([]Diagnostic(nil), other.items...)
	other.mu.Unlock()
	l.mu.Lock()
	l.items = append(l.items, items...)
	l.mu.Unlock()
}

// Len reports how many problems have been recorded.
func (l *List) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.items)
}

// Sorted returns the diagnostics ordered by file, offset and message (as
// English text, so that the order is the same in every language), so
// that reports do not depend on the order in which workers finished.
func (l *List) Sorted() []Diagnostic {
	l.mu.Lock()
	out := slices.Clone(l.items)
	l.mu.Unlock()
	keys := make(map[*Diagnostic]string, len(out))
	key := func(d *Diagnostic) string {
		k, ok := keys[d]
		if !ok {
			k = d.Msg.Text(English)
			keys[d] = k
		}
		return k
	}
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := &out[i], &out[j]
		if c := strings.Compare(path(*a), path(*b)); c != 0 {
			return c
		}
		if a.Offset != b.Offset {
			return a.Offset - b.Offset
		}
		return strings.Compare(key(a), key(b))
	})
	sorted := make([]Diagnostic, 0, len(out))
	for n, i := range idx {
		if n > 0 {
			prev := &out[idx[n-1]]
			if path(*prev) == path(out[i]) && prev.Offset == out[i].Offset && key(prev) == key(&out[i]) {
				continue
			}
		}
		sorted = append(sorted, out[i])
	}
	return sorted
}

// MaxPrinted is how many diagnostics Print writes: beyond it a reader
// learns nothing new, and a terminal would scroll for minutes.
const MaxPrinted = 1000

// Print writes the diagnostics in lang, one per line, in sorted order:
// the first MaxPrinted, then how many more there are.
func (l *List) Print(w io.Writer, lang Lang) {
	all := l.Sorted()
	for i, d := range all {
		if i == MaxPrinted {
			fmt.Fprintln(w, M(MoreProblems, len(all)-MaxPrinted).Text(lang))
			return
		}
		fmt.Fprintln(w, d.Text(lang))
	}
}

// Record is a diagnostic as editor integrations read it: ledenbrief
// check --format json prints an array of them. File is empty, and Line
// and Col are 0, for a problem without a file.
type Record struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"` // always "error": every problem stops a build
	Code     string `json:"code"`     // the message's stable id, the same in every language
	Message  string `json:"message"`
	Source   string `json:"source,omitempty"` // the line the problem is on
}

// Records returns every diagnostic, in sorted order, as a Record with
// its message in lang.
func (l *List) Records(lang Lang) []Record {
	out := []Record{}
	for _, d := range l.Sorted() {
		r := Record{Severity: "error", Code: d.Msg.ID.Name(), Message: d.Msg.Text(lang)}
		if d.Src != nil {
			r.File = d.Src.Path
			r.Line, r.Col = d.Src.Position(d.Offset)
			r.Source = d.Src.Line(r.Line)
		}
		out = append(out, r)
	}
	return out
}

// Error summarises the list as an error, in English, or returns nil when
// it is empty; reports for an editor use Summary.
func (l *List) Error() error {
	if l.Len() == 0 {
		return nil
	}
	return errors.New(l.Summary(English))
}

// Summary says how many problems there are, in lang ("1 fout in de
// inhoud", "3 content errors"); "" when there are none.
func (l *List) Summary(lang Lang) string {
	switch n := l.Len(); n {
	case 0:
		return ""
	case 1:
		return M(OneProblem).Text(lang)
	default:
		return M(Problems, n).Text(lang)
	}
}

func path(d Diagnostic) string {
	if d.Src == nil {
		return ""
	}
	return d.Src.Path
}
