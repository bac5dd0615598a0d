package search

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"

	"ledenbrief/internal/search/words"
)

// BleveDictionary is the oracle of the static index: it indexes units in
// bleve and reads the index back, its statistics, term dictionaries and
// postings, as the static index was once made. When analysed is false,
// bleve analyses the units' text itself with the mapping's analyzers (no
// Analyze, no Collector involved); when true, the index is fed through
// Index.Add from Analyze, as a build feeds it.
func BleveDictionary(units []Unit, analysed bool) (*Dictionary, error) {
	x, err := NewIndex(false)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	if analysed {
		aus, err := AnalyzeAll(units, false)
		if err != nil {
			return nil, err
		}
		if err := x.Add(aus); err != nil {
			return nil, err
		}
	} else {
		b := x.Index.NewBatch()
		for _, u := range units {
			doc := document.NewDocument(u.ID)
			data := map[string]any{FieldTitle: u.Title, FieldBody: u.Body, FieldLinks: u.Links, FieldExtra: u.Extra, FieldPairs: u.pairsText()}
			if err := x.Index.Mapping().MapDocument(doc, data); err != nil {
				return nil, err
			}
			if err := b.IndexAdvanced(doc); err != nil {
				return nil, err
			}
		}
		if err := x.Index.Batch(b); err != nil {
			return nil, err
		}
	}
	if err := x.Flush(); err != nil {
		return nil, err
	}
	return readBack(x, units)
}

// readBack reads x, an index of units, back.
func readBack(x *Index, units []Unit) (*Dictionary, error) {
	adv, err := x.Index.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	d := &Dictionary{Terms: map[string]*Postings{}, Surfaces: map[string]string{}, Stop: stopWords()}
	n, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	d.N = int(n)
	byID := map[string]int{}
	var surfaces []string
	for _, u := range units {
		byID[u.ID] = u.Ordinal
		for _, text := range []string{u.Title, u.Body, u.Extra} {
			words.Each(text, func(w string) { surfaces = append(surfaces, w) })
		}
	}
	br := r.(index.BM25Reader)
	for fi, field := range Fields {
		card, err := br.FieldCardinality(field)
		if err != nil {
			return nil, err
		}
		avg := 0.0
		if d.N > 0 {
			avg = math.Ceil(float64(card) / float64(d.N))
		}
		d.Distinct, d.Avg = append(d.Distinct, card), append(d.Avg, avg)
		dict, err := r.FieldDict(field)
		if err != nil {
			return nil, err
		}
		for {
			entry, err := dict.Next()
			if err != nil {
				return nil, err
			}
			if entry == nil {
				break
			}
			p := d.Terms[entry.Term]
			if p == nil {
				p = newPostings()
				d.Terms[entry.Term] = p
			}
			df, list, err := readPostings(r, entry.Term, field, byID)
			if err != nil {
				return nil, err
			}
			p.set(fi, df, list)
		}
		dict.Close()
	}
	for _, p := range d.Terms {
		keepBest(p, d.Avg)
	}
	a := x.Index.Mapping().AnalyzerNamed(words.AnalyzerName)
	slices.Sort(surfaces)
	d.addSurfaces(a, slices.Compact(surfaces))
	d.buildVocabulary(d.wordTerms())
	return d, nil
}

// readPostings reads a term's postings in a field, and its document
// frequency.
func readPostings(r index.IndexReader, term, field string, byID map[string]int) (int, []Posting, error) {
	tfr, err := r.TermFieldReader(context.Background(), []byte(term), field, true, true, false)
	if err != nil {
		return 0, nil, err
	}
	defer tfr.Close()
	var list []Posting
	for {
		m, err := tfr.Next(nil)
		if err != nil {
			return 0, nil, err
		}
		if m == nil {
			break
		}
		ext, err := r.ExternalID(m.ID)
		if err != nil {
			return 0, nil, err
		}
		ord, ok := byID[ext]
		if !ok {
			return 0, nil, fmt.Errorf("document %q is no unit", ext)
		}
		list = append(list, Posting{Doc: int32(ord), Freq: int32(m.Freq), Len: int32(normLength(m.Norm))})
	}
	return int(tfr.Count()), list, nil
}
