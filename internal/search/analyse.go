package search

import (
	"fmt"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	blevesize "github.com/blevesearch/bleve/v2/size"
	index "github.com/blevesearch/bleve_index_api"

	"ledenbrief/internal/record"
	"ledenbrief/internal/search/words"
)

// AnalyzedUnit is a unit with its text analysed as bleve indexes it: the
// one analysis of a passage, which feeds the bleve index (Index.Add), the
// site's static index and the static index of its letter's copies
// (Collector).
type AnalyzedUnit struct {
	Unit
	fields [numFields]fieldTerms // in Fields order
	words  []string              // the lowercased surface words, sorted
}

// fieldTerms is one analysed field: its distinct terms (in the order
// they first occur) with their frequencies, its length in tokens and, when analysed with positions,
// where each term occurs (what bleve keeps as term vectors, for
// highlighting).
type fieldTerms struct {
	terms  []string
	freq   []int32 // of terms[i]
	length int     // tokens
	locs   [][]tokenLocation
}

// tokenLocation is where one token of a term is: bleve's TokenLocation
// in a third of its memory.
type tokenLocation struct {
	start, end, position int32
}

var (
	analyzerOnce sync.Once
	analyzer     analysis.Analyzer
	analyzerErr  error
)

// theAnalyzer is the analyzer every word field is indexed with.
func theAnalyzer() (analysis.Analyzer, error) {
	analyzerOnce.Do(func() { analyzer, analyzerErr = registry.NewCache().AnalyzerNamed(words.AnalyzerName) })
	return analyzer, analyzerErr
}

// Analyze analyses a unit's fields with bleve's analyzers: the word
// fields with words.AnalyzerName, the pairs field from the same tokens as
// words.PairsAnalyzerName would make them. With positions it keeps where
// every term occurs, which an index that highlights (NewIndex with store)
// needs.
func Analyze(u Unit, positions bool) (*AnalyzedUnit, error) {
	a, err := theAnalyzer()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	au := &AnalyzedUnit{Unit: u}
	sc := scratches.Get().(*scratch)
	defer sc.done()
	seen := sc.seen
	var titleBody analysis.TokenStream
	if u.Title == "" {
		titleBody = a.Analyze([]byte(u.Label)) // as pairsText
	}
	for fi, text := range []string{u.Title, u.Body, u.Links, u.Extra} {
		words.Each(text, func(w string) {
			if _, ok := seen[w]; !ok {
				seen[w] = struct{}{}
				sc.words = append(sc.words, w)
			}
		})
		tokens := a.Analyze([]byte(text))
		if Fields[fi] == FieldTitle || Fields[fi] == FieldBody {
			titleBody = append(titleBody, tokens...)
		}
		au.fields[fi] = sc.countTerms(tokens, positions)
	}
	// What words.PairsAnalyzerName makes of u.pairsText(), from the tokens
	// already analysed. The pairs field keeps no term vectors.
	au.fields[slices.Index(Fields, FieldPairs)] = sc.countTerms(words.Pairs(titleBody), false)
	au.words = slices.Clone(sc.words)
	slices.Sort(au.words)
	return au, nil
}

// scratch is what Analyze counts a unit's words and terms in, reused
// from unit to unit: grown anew for every unit, its maps and lists were
// a fifth of what a build allocates.
type scratch struct {
	seen  map[string]struct{} // surface words
	words []string            // surface words, as first seen
	at    map[string]int      // a field's terms, by number
	terms []string            // a field's terms, as first seen
	freq  []int32             // of terms[i]
}

var scratches = sync.Pool{New: func() any {
	return &scratch{seen: map[string]struct{}{}, at: map[string]int{}}
}}

// scratchKeep is the most entries a scratch map keeps its room for:
// clearing a map costs as much as its room, which a few long passages
// would otherwise leave to every short one after them.
const scratchKeep = 2048

// done empties sc, and lets go of its strings, for the next unit.
func (sc *scratch) done() {
	sc.seen = emptied(sc.seen)
	clear(sc.words)
	sc.words = sc.words[:0]
	scratches.Put(sc)
}

// emptied returns m empty: cleared, or a new map when m grew past
// scratchKeep entries.
func emptied[V any](m map[string]V) map[string]V {
	if len(m) > scratchKeep {
		return map[string]V{}
	}
	clear(m)
	return m
}

// AnalyzeAll analyses units, each once (see Analyze).
func AnalyzeAll(units []Unit, positions bool) ([]*AnalyzedUnit, error) {
	out := make([]*AnalyzedUnit, len(units))
	for i, u := range units {
		au, err := Analyze(u, positions)
		if err != nil {
			return nil, err
		}
		out[i] = au
	}
	return out, nil
}

// countTerms counts the distinct terms of a field's tokens, in sc's
// lists, and returns them in lists of their own size.
func (sc *scratch) countTerms(tokens analysis.TokenStream, positions bool) fieldTerms {
	ft := fieldTerms{length: len(tokens)}
	if len(tokens) == 0 {
		return ft
	}
	for _, tok := range tokens {
		i, ok := sc.at[string(tok.Term)]
		if !ok {
			term := string(tok.Term)
			i = len(sc.terms)
			sc.at[term] = i
			sc.terms = append(sc.terms, term)
			sc.freq = append(sc.freq, 0)
			if positions {
				ft.locs = append(ft.locs, nil)
			}
		}
		sc.freq[i]++
		if positions {
			ft.locs[i] = append(ft.locs[i], tokenLocation{int32(tok.Start), int32(tok.End), int32(tok.Position)})
		}
	}
	ft.terms, ft.freq = slices.Clone(sc.terms), slices.Clone(sc.freq)
	sc.at = emptied(sc.at)
	clear(sc.terms)
	sc.terms, sc.freq = sc.terms[:0], sc.freq[:0]
	return ft
}

// frequencies is the field's analysis in bleve's form, as
// analysis.TokenFrequency makes it from the tokens.
func (ft *fieldTerms) frequencies(options index.FieldIndexingOptions) index.TokenFrequencies {
	out := make(index.TokenFrequencies, len(ft.terms))
	vectors := options.IncludeTermVectors() && ft.locs != nil
	for i, t := range ft.terms {
		tf := &index.TokenFreq{Term: []byte(t)}
		if vectors {
			locs := make([]index.TokenLocation, len(ft.locs[i]))
			tf.Locations = make([]*index.TokenLocation, len(locs))
			for j, l := range ft.locs[i] {
				locs[j] = index.TokenLocation{Start: int(l.start), End: int(l.end), Position: int(l.position)}
				tf.Locations[j] = &locs[j]
			}
		}
		if !options.SkipFreqNorm() {
			tf.SetFrequency(int(ft.freq[i]))
		}
		out[t] = tf
	}
	return out
}

// analysedField is a text field of a bleve document whose analysis is
// already done: when bleve asks it to analyse itself, it hands over the
// terms it was made with. It is how bleve indexes a passage without
// running the analyzer a second time.
type analysedField struct {
	name    string
	value   []byte // the text, stored when options say so
	options index.FieldIndexingOptions
	terms   *fieldTerms
	freqs   index.TokenFrequencies // set by Analyze
}

func (f *analysedField) Name() string                                     { return f.name }
func (f *analysedField) ArrayPositions() []uint64                         { return nil }
func (f *analysedField) Options() index.FieldIndexingOptions              { return f.options }
func (f *analysedField) Value() []byte                                    { return f.value }
func (f *analysedField) NumPlainTextBytes() uint64                        { return uint64(len(f.value)) }
func (f *analysedField) EncodedFieldType() byte                           { return 't' } // bleve's text field
func (f *analysedField) AnalyzedLength() int                              { return f.terms.length }
func (f *analysedField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }

// Analyze hands bleve the field's terms.
func (f *analysedField) Analyze() { f.freqs = f.terms.frequencies(f.options) }

// Size is the field's memory, for bleve's accounting of a batch.
func (f *analysedField) Size() int {
	n := blevesize.SizeOfPtr + len(f.name) + len(f.value) + 2*blevesize.SizeOfSlice
	for _, t := range f.terms.terms {
		n += len(t) + blevesize.SizeOfString + 4
	}
	if f.freqs != nil {
		n += f.freqs.Size()
	}
	return n
}

// AppendRecord appends the unit and its analysis to w, as ReadAnalyzed
// reads them: the build cache keeps a letter's analysis with its pages.
func (au *AnalyzedUnit) AppendRecord(w *record.Writer) {
	u := &au.Unit
	for _, s := range []string{u.ID, u.Page, u.Anchor, u.URL, u.Label, u.Title, u.Context, u.Body, u.Links, u.Extra, u.Letter, u.Series, u.Thread, u.Date, u.Kind} {
		w.String(s)
	}
	w.Int(int64(u.Ordinal))
	for _, ft := range au.fields {
		w.Uint(uint64(ft.length))
		w.Uint(uint64(len(ft.terms)))
		for i, t := range ft.terms {
			w.String(t)
			w.Uint(uint64(ft.freq[i]))
		}
		if ft.locs == nil {
			w.Uint(0)
			continue
		}
		w.Uint(1)
		for _, locs := range ft.locs {
			w.Uint(uint64(len(locs)))
			for _, l := range locs {
				w.Uint(uint64(l.start))
				w.Uint(uint64(l.end))
				w.Uint(uint64(l.position))
			}
		}
	}
	w.Uint(uint64(len(au.words)))
	for _, word := range au.words {
		w.String(word)
	}
}

// ReadAnalyzed reads a unit and its analysis that AppendRecord wrote.
func ReadAnalyzed(r *record.Reader) (*AnalyzedUnit, error) {
	au := &AnalyzedUnit{}
	readAnalyzed(r, &au.Unit, au)
	return au, r.Err()
}

// ReadUnit reads the unit of what AppendRecord wrote and passes over its
// analysis, without keeping it: for who needs the text only.
func ReadUnit(r *record.Reader) (Unit, error) {
	var u Unit
	readAnalyzed(r, &u, nil)
	return u, r.Err()
}

// readAnalyzed reads what AppendRecord wrote: the unit into u, and its
// analysis into au, unless au is nil.
func readAnalyzed(r *record.Reader, u *Unit, au *AnalyzedUnit) {
	for _, s := range []*string{&u.ID, &u.Page, &u.Anchor, &u.URL, &u.Label, &u.Title, &u.Context, &u.Body, &u.Links, &u.Extra, &u.Letter, &u.Series, &u.Thread, &u.Date, &u.Kind} {
		*s = r.String()
	}
	u.Ordinal = int(r.Int())
	for fi := range numFields {
		var ft *fieldTerms
		if au != nil {
			ft = &au.fields[fi]
		}
		length, n := r.Uint(), r.Len()
		if ft == nil {
			for range n {
				r.Bytes()
				r.Uint()
			}
			if r.Uint() != 0 {
				for range n {
					for range 3 * r.Len() {
						r.Uint()
					}
				}
			}
			continue
		}
		ft.length = int(length)
		if n > 0 {
			ft.terms, ft.freq = make([]string, n), make([]int32, n)
		}
		for i := range n {
			ft.terms[i] = r.String()
			ft.freq[i] = int32(r.Uint())
		}
		if r.Uint() == 0 {
			continue
		}
		ft.locs = make([][]tokenLocation, n)
		for i := range n {
			locs := make([]tokenLocation, r.Len())
			for j := range locs {
				locs[j] = tokenLocation{int32(r.Uint()), int32(r.Uint()), int32(r.Uint())}
			}
			ft.locs[i] = locs
		}
	}
	n := r.Len()
	if au == nil {
		for range n {
			r.Bytes()
		}
		return
	}
	if n > 0 {
		au.words = make([]string, n)
		for i := range au.words {
			au.words[i] = r.String()
		}
	}
}
