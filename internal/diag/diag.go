// Package diag holds diagnostics: problems found in user content, kept as
// values (file, byte offset, message) while a build runs and turned into
// "file:line:col: message" only when they are reported.
//
// It owns position arithmetic and the ordering of reports; it knows nothing
// of Markdown, front matter or the site.
package diag

import (
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
	Msg    string
}

// String formats d as "file:line:col: message".
func (d Diagnostic) String() string {
	if d.Src == nil {
		return d.Msg
	}
	line, col := d.Src.Position(d.Offset)
	return fmt.Sprintf("%s:%d:%d: %s", d.Src.Path, line, col, d.Msg)
}

// List collects diagnostics from concurrent stages of a build. The zero
// value is ready to use.
type List struct {
	mu    sync.Mutex
	items []Diagnostic
}

// Add records a problem at byte offset off of src.
func (l *List) Add(src *Source, off int, format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, Diagnostic{Src: src, Offset: off, Msg: fmt.Sprintf(format, args...)})
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

// Sorted returns the diagnostics ordered by file, offset and message, so
// that reports do not depend on the order in which workers finished.
func (l *List) Sorted() []Diagnostic {
	l.mu.Lock()
	out := slices.Clone(l.items)
	l.mu.Unlock()
	slices.SortStableFunc(out, func(a, b Diagnostic) int {
		if c := strings.Compare(path(a), path(b)); c != 0 {
			return c
		}
		if a.Offset != b.Offset {
			return a.Offset - b.Offset
		}
		return strings.Compare(a.Msg, b.Msg)
	})
	return slices.CompactFunc(out, func(a, b Diagnostic) bool {
		return path(a) == path(b) && a.Offset == b.Offset && a.Msg == b.Msg
	})
}

// MaxPrinted is how many diagnostics Print writes: beyond it a reader
// learns nothing new, and a terminal would scroll for minutes.
const MaxPrinted = 1000

// Print writes the diagnostics, one per line, in sorted order: the first
// MaxPrinted, then how many more there are.
func (l *List) Print(w io.Writer) {
	all := l.Sorted()
	for i, d := range all {
		if i == MaxPrinted {
			fmt.Fprintf(w, "… and %d more\n", len(all)-MaxPrinted)
			return
		}
		fmt.Fprintln(w, d.String())
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
	Message  string `json:"message"`
	Source   string `json:"source,omitempty"` // the line the problem is on
}

// Records returns every diagnostic, in sorted order, as a Record.
func (l *List) Records() []Record {
	out := []Record{}
	for _, d := range l.Sorted() {
		r := Record{Severity: "error", Message: d.Msg}
		if d.Src != nil {
			r.File = d.Src.Path
			r.Line, r.Col = d.Src.Position(d.Offset)
			r.Source = d.Src.Line(r.Line)
		}
		out = append(out, r)
	}
	return out
}

// Error summarises the list as an error, or returns nil when it is empty.
func (l *List) Error() error {
	n := l.Len()
	switch n {
	case 0:
		return nil
	case 1:
		return fmt.Errorf("1 content error")
	}
	return fmt.Errorf("%d content errors", n)
}

func path(d Diagnostic) string {
	if d.Src == nil {
		return ""
	}
	return d.Src.Path
}
