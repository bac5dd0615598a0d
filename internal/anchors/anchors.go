// Package anchors keeps the ids a site publishes and the lock that keeps
// them published. A Registry holds the ids of one letter: every annex
// section, every heading of the letter and its annex, each on the page it
// lands on, and the aliases that keep old ids landing on their new place.
// It reports an id used twice, because a reader following a link must land
// on exactly one place. The Lock (lock.go) is the list of every anchor ever
// published. The package knows nothing of Markdown, HTML or URLs.
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
	ID      string
	Page    Page
	Title   string // text of the heading the id belongs to
	Section string // id of the annex section that holds it; "" on the letter page
	AliasOf string // the live id an alias stands for; "" for a live id
	Src     *diag.Source
	Offset  int
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
		switch {
		case a.AliasOf != "" && prev.AliasOf != "":
			diags.Add(a.Src, a.Offset, diag.AliasTwiceAt, a.ID, prev.Src.Path, line, col)
		case a.AliasOf != "":
			diags.Add(a.Src, a.Offset, diag.AliasIsLiveID, a.ID, prev.Src.Path, line, col)
		case prev.AliasOf != "":
			diags.Add(a.Src, a.Offset, diag.IDIsAlias, a.ID, prev.Src.Path, line, col)
		default:
			diags.Add(a.Src, a.Offset, diag.DuplicateID, a.ID, prev.Src.Path, line, col)
		}
		return false
	}
	p := &a
	r.byID[a.ID] = p
	r.order = append(r.order, p)
	return true
}

// Lookup returns the anchor with id, live or alias, or nil.
func (r *Registry) Lookup(id string) *Anchor {
	return r.byID[id]
}

// Live returns the live anchor that id names, following an alias, or nil.
func (r *Registry) Live(id string) *Anchor {
	a := r.byID[id]
	if a != nil && a.AliasOf != "" {
		return r.byID[a.AliasOf]
	}
	return a
}

// All returns the anchors in the order they were added.
func (r *Registry) All() []*Anchor {
	return r.order
}
