// Package diff computes word-level differences between two texts, as the
// "what changed" pages of a letter show them. It owns tokenising into
// words and spacing, the edit script (Myers' algorithm on words) and
// splitting a script into paragraphs; it knows nothing of HTML or letters.
package diff

import (
	"strings"
	"unicode"
)

// A paragraph here is a line of the texts: the callers give each
// paragraph, list item and heading a line of its own.

// Kind says whether a piece of text is in both versions, only in the new
// one or only in the old one.
type Kind int

// The kinds of an Op.
const (
	Equal  Kind = iota // in both texts
	Insert             // only in the new text
	Delete             // only in the old text
)

// Op is a run of text of one kind. A script of Ops, read in order with
// Delete skipped, gives the new text; with Insert skipped, the old one.
type Op struct {
	Kind Kind
	Text string
}

// maxEdits bounds the work of one comparison of two paragraphs: ones
// further apart than this many word edits are shown as wholly replaced,
// which is what a reader would make of them anyway, and keeps time and
// memory bounded (the algorithm needs memory proportional to the square
// of the edits).
const maxEdits = 4000

// Words returns the word-level edit script that turns old into new.
// Paragraphs (lines) are matched first, so that the cost stays that of
// the paragraphs that changed; within a changed paragraph, words are
// compared. Words are runs of letters, digits and punctuation; spacing is
// kept but never reported as a change on its own. A paragraph rewritten
// beyond recognition (fewer than a third of its words kept) is shown as
// deleted and inserted whole rather than as a patchwork.
func Words(old, new string) []Op {
	a, b := lines(old), lines(new)
	var ops []Op
	script := myers(a, b)
	if script == nil { // more changed paragraphs than maxEdits
		script = replace(a, b)
	}
	for i := 0; i < len(script); {
		if script[i].Kind == Equal {
			ops = append(ops, script[i])
			i++
			continue
		}
		var del, ins []string
		for ; i < len(script) && script[i].Kind != Equal; i++ {
			if script[i].Kind == Delete {
				del = append(del, script[i].Text)
			} else {
				ins = append(ins, script[i].Text)
			}
		}
		ops = append(ops, changedParagraphs(del, ins)...)
	}
	return merge(ops)
}

// changedParagraphs compares a run of deleted paragraphs with the run of
// inserted ones that replaced it, pair by pair, word by word.
func changedParagraphs(del, ins []string) []Op {
	var ops []Op
	n := min(len(del), len(ins))
	for i := range n {
		ops = append(ops, paragraph(del[i], ins[i])...)
	}
	for _, p := range del[n:] {
		ops = append(ops, Op{Delete, p})
	}
	for _, p := range ins[n:] {
		ops = append(ops, Op{Insert, p})
	}
	return ops
}

// paragraph is the word-level script between two versions of a paragraph.
func paragraph(old, new string) []Op {
	a, b := tokens(old), tokens(new)
	if rewritten(a, b) {
		return []Op{{Delete, old}, {Insert, new}}
	}
	script := myers(a, b)
	if script == nil || !alike(script, len(a)+len(b)) {
		return []Op{{Delete, old}, {Insert, new}}
	}
	return absorbSpaces(script)
}

// rewritten is a quick test, linear in the words, for a paragraph that
// was rewritten rather than edited: fewer than a quarter of its pairs of
// neighbouring words survive. Edited text keeps most pairs; two unrelated
// texts share few, however many single words they have in common, and
// comparing them word by word would cost the most and show the least.
func rewritten(a, b []string) bool {
	pairs := func(toks []string) map[[2]string]int {
		m := map[[2]string]int{}
		prev := ""
		for _, t := range toks {
			if strings.TrimSpace(t) == "" {
				continue
			}
			m[[2]string{prev, t}]++
			prev = t
		}
		return m
	}
	pa, pb := pairs(a), pairs(b)
	shared, total := 0, 0
	for k, n := range pa {
		shared += min(n, pb[k])
		total += n
	}
	for _, n := range pb {
		total += n
	}
	return total > 8 && 4*2*shared < total
}

// alike reports whether a script keeps at least a third of the words.
func alike(script []Op, total int) bool {
	kept := 0
	for _, op := range script {
		if op.Kind == Equal && strings.TrimSpace(op.Text) != "" {
			kept += 2
		}
	}
	return total == 0 || 3*kept >= total/2
}

// replace is the script that deletes all of a and inserts all of b.
func replace(a, b []string) []Op {
	var ops []Op
	for _, t := range a {
		ops = append(ops, Op{Delete, t})
	}
	for _, t := range b {
		ops = append(ops, Op{Insert, t})
	}
	return ops
}

// lines splits s after each line break.
func lines(s string) []string {
	out := strings.SplitAfter(s, "\n")
	if out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return out
}

// tokens splits s into words, runs of spaces, and line breaks.
func tokens(s string) []string {
	var out []string
	start := 0
	class := func(r rune) int {
		switch {
		case r == '\n':
			return 2
		case unicode.IsSpace(r):
			return 1
		}
		return 0
	}
	prev := -1
	for i, r := range s {
		c := class(r)
		if i > start && (c != prev || c == 2) {
			out = append(out, s[start:i])
			start = i
		}
		prev = c
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// myers returns the shortest edit script from a to b, or nil when it needs
// more than maxEdits edits (and a and b are not both empty).
func myers(a, b []string) []Op {
	n, m := len(a), len(b)
	if n == 0 && m == 0 {
		return []Op{}
	}
	limit := min(n+m, maxEdits)
	off := limit + 1
	v := make([]int, 2*limit+3)
	var trace [][]int
	for d := 0; d <= limit; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace, d)
			}
		}
	}
	return nil
}

// backtrack walks the saved frontiers back from (len(a), len(b)) to build
// the script. trace[d] holds v[-d-1 … d+1] as it was before round d.
func backtrack(a, b []string, trace [][]int, last int) []Op {
	var rev []Op
	x, y := len(a), len(b)
	for d := last; d > 0; d-- {
		vd := trace[d] // v before round d: the frontier of round d-1
		at := func(k int) int { return vd[k+d+1] }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, Op{Equal, a[x]})
		}
		if x == prevX {
			y--
			rev = append(rev, Op{Insert, b[y]})
		} else {
			x--
			rev = append(rev, Op{Delete, a[x]})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, Op{Equal, a[x]})
	}
	out := make([]Op, len(rev))
	for i, op := range rev {
		out[len(rev)-1-i] = op
	}
	return out
}

// absorbSpaces turns spacing that only separates two changes into part
// of both, so that "oude woorden" → "nieuwe termen" reads as one deleted
// and one inserted phrase instead of alternating words.
func absorbSpaces(ops []Op) []Op {
	for i := 1; i+1 < len(ops); i++ {
		if ops[i].Kind != Equal || strings.TrimSpace(ops[i].Text) != "" || strings.Contains(ops[i].Text, "\n") {
			continue
		}
		if ops[i-1].Kind != Equal && ops[i+1].Kind != Equal {
			sp := ops[i].Text
			ops[i] = Op{Delete, sp}
			ops = append(ops[:i+1], append([]Op{{Insert, sp}}, ops[i+1:]...)...)
			i++
		}
	}
	// Group each run of changes as all deletions, then all insertions.
	out := make([]Op, 0, len(ops))
	for i := 0; i < len(ops); {
		if ops[i].Kind == Equal {
			out = append(out, ops[i])
			i++
			continue
		}
		j := i
		for j < len(ops) && ops[j].Kind != Equal {
			j++
		}
		for _, k := range []Kind{Delete, Insert} {
			for _, op := range ops[i:j] {
				if op.Kind == k {
					out = append(out, op)
				}
			}
		}
		i = j
	}
	return out
}

// merge joins neighbouring ops of the same kind.
func merge(ops []Op) []Op {
	var out []Op
	for _, op := range ops {
		if n := len(out); n > 0 && out[n-1].Kind == op.Kind {
			out[n-1].Text += op.Text
			continue
		}
		out = append(out, op)
	}
	return out
}

// Paragraphs splits a script at its line breaks, so that each paragraph
// of the texts can be shown as one. A line break that was inserted or
// deleted still separates paragraphs.
func Paragraphs(ops []Op) [][]Op {
	var out [][]Op
	var cur []Op
	for _, op := range ops {
		parts := strings.Split(op.Text, "\n")
		for i, p := range parts {
			if i > 0 {
				out = append(out, cur)
				cur = nil
			}
			if p != "" {
				cur = append(cur, Op{op.Kind, p})
			}
		}
	}
	out = append(out, cur)
	var kept [][]Op
	for _, p := range out {
		if len(p) > 0 {
			kept = append(kept, p)
		}
	}
	return kept
}

// Changed reports whether a script has any insertion or deletion.
func Changed(ops []Op) bool {
	for _, op := range ops {
		if op.Kind != Equal {
			return true
		}
	}
	return false
}

// Excerpt is a paragraph of a script to show, or the place of a run of
// unchanged paragraphs that are left out.
type Excerpt struct {
	Ops     []Op
	Skipped int // when not 0, this many unchanged paragraphs are left out here
}

// WithContext keeps the changed paragraphs of paras and context unchanged
// ones around each, and replaces every other run of unchanged paragraphs
// by one Excerpt that counts them: a reader sees what changed and where,
// and a page of changes stays as small as the changes.
func WithContext(paras [][]Op, context int) []Excerpt {
	keep := make([]bool, len(paras))
	for i, p := range paras {
		if Changed(p) {
			for j := max(0, i-context); j <= min(len(paras)-1, i+context); j++ {
				keep[j] = true
			}
		}
	}
	var out []Excerpt
	for i, p := range paras {
		switch {
		case keep[i]:
			out = append(out, Excerpt{Ops: p})
		case len(out) > 0 && out[len(out)-1].Skipped > 0:
			out[len(out)-1].Skipped++
		default:
			out = append(out, Excerpt{Skipped: 1})
		}
	}
	return out
}
