// Package anchors keeps the registry of ids a letter publishes: every annex
// section, every heading of the letter and its annex, each on the page it
// lands on. It reports an id used twice, because a reader following a link
// must land on exactly one place. It knows nothing of Markdown or HTML.
package anchors

import (
	"ledenbrief/internal/diag"
)

// Page names which page of a letter an anchor is on.
type Page int

// The pages of a letter.
const (
	LetterPage Page = iota // the letter itself
	AnnexPage              // its bijlage
)

// Anchor is one published id.
type Anchor struct {
	ID     string
	Page   Page
	Title  string // text of the heading the id belongs to
	Src    *diag.Source
	Offset int
}

// Registry holds the anchors of one letter.
type Registry struct {
	byID  map[string]*Anchor
	order []*Anchor
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byID: map[string]*Anchor{}}
}

// Add registers a, reporting a duplicate id with the place it was first
// defined. It returns false for a duplicate.
func (r *Registry) Add(a Anchor, diags *diag.List) bool {
	if prev, ok := r.byID[a.ID]; ok {
		line, col := prev.Src.Position(prev.Offset)
		diags.Add(a.Src, a.Offset, "duplicate id %q: already used at %s:%d:%d; give one of them another id with {#…}", a.ID, prev.Src.Path, line, col)
		return false
	}
	p := &a
	r.byID[a.ID] = p
	r.order = append(r.order, p)
	return true
}

// Lookup returns the anchor with id, or nil.
func (r *Registry) Lookup(id string) *Anchor {
	return r.byID[id]
}

// All returns the anchors in the order they were added.
func (r *Registry) All() []*Anchor {
	return r.order
}
