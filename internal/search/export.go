package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/search"
)

// DocsPerShard is the number of units per text shard of the static index:
// showing ten results loads at most ten small files.
const DocsPerShard = 8

// MetaPath is where the static index starts, relative to the site root.
// Its name is fixed so that pages can point at it before the index is
// complete; it names the folder, hashed, that holds the shards.
const MetaPath = "search/meta.js"

// Export describes the written static index.
type Export struct {
	Meta  string // MetaPath
	Files int
	Bytes int
}

// meta is what the browser loads first: the statistics and parameters
// every query needs, and where the shards are.
type meta struct {
	Version      int                `json:"version"`
	Dir          string             `json:"dir"` // folder of the shards, relative to the site root
	N            int                `json:"n"`
	Fields       []string           `json:"fields"`
	Boost        []float64          `json:"boost"`
	Avg          []float64          `json:"avg"`
	K1           float64            `json:"k1"`
	B            float64            `json:"b"`
	Shards       []string           `json:"shards"`
	DocsPerShard int                `json:"docsPerShard"`
	Stop         []string           `json:"stop"`
	Expansion    map[string]float64 `json:"expansion"`
}

// WriteStatic writes the static index of d through write (a path relative
// to the site root, and the file's bytes): a meta script, one script per
// vocabulary shard with the words, terms and postings starting with its
// two letters, and text shards with the stored fields of DocsPerShard
// units each. Shard folders are named after a hash of their content, so
// that no browser cache mixes two builds.
func WriteStatic(d *Dictionary, write func(name string, data []byte) error) (Export, error) {
	files := map[string][]byte{}
	shards := map[string]*vocabShard{}
	shard := func(key string) *vocabShard {
		k := ShardKey(key)
		s := shards[k]
		if s == nil {
			s = &vocabShard{Vocab: map[string]any{}, Terms: map[string][]any{}}
			shards[k] = s
		}
		return s
	}
	for _, e := range d.Vocabulary() {
		if e.key == e.term {
			shard(e.key).Vocab[e.key] = e.df
		} else {
			shard(e.key).Vocab[e.key] = []any{e.term, e.df}
		}
	}
	for term, p := range d.Terms {
		rec := []any{p.DF}
		for _, list := range p.List {
			flat := make([]int, 0, 3*len(list))
			prev := 0
			for _, po := range list {
				flat = append(flat, po.Doc-prev, po.Freq, po.Len)
				prev = po.Doc
			}
			rec = append(rec, flat)
		}
		shard(fold(term)).Terms[term] = rec
	}
	keys := make([]string, 0, len(shards))
	for k := range shards {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		data, err := script("LB.shard", k, shards[k])
		if err != nil {
			return Export{}, err
		}
		files["v-"+hex.EncodeToString([]byte(k))+".js"] = data
	}
	for i := 0; i*DocsPerShard < len(d.Docs); i++ {
		end := min(len(d.Docs), (i+1)*DocsPerShard)
		rows := make([][]string, 0, end-i*DocsPerShard)
		for _, doc := range d.Docs[i*DocsPerShard : end] {
			u := Unit{Page: doc.Page, Anchor: doc.Anchor}
			rows = append(rows, []string{u.URL(), doc.Title, doc.Context, doc.Date, doc.Kind, doc.Body})
		}
		data, err := script("LB.docs", i, rows)
		if err != nil {
			return Export{}, err
		}
		files[fmt.Sprintf("d-%d.js", i)] = data
	}

	// The folder is named after a hash of every shard, in name order.
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n))
		h.Write(files[n])
	}
	dir := "search/" + hex.EncodeToString(h.Sum(nil)[:5]) + "/"

	stop := make([]string, 0, len(d.Stop))
	for w := range d.Stop {
		stop = append(stop, w)
	}
	slices.Sort(stop)
	m := meta{
		Version: 1, Dir: dir, N: d.N, Fields: Fields, Avg: d.Avg,
		K1: search.BM25_k1, B: search.BM25_b, Shards: keys, DocsPerShard: DocsPerShard, Stop: stop,
		Expansion: map[string]float64{"prefix": prefixBoost, "fuzzy": fuzzyBoost, "maxPrefix": maxPrefix, "maxFuzzy": maxFuzzy, "minPrefixLen": minPrefixLen},
	}
	for _, f := range Fields {
		m.Boost = append(m.Boost, FieldBoost[f])
	}
	metaData, err := script("LB.meta", m)
	if err != nil {
		return Export{}, err
	}
	ex := Export{Meta: MetaPath, Files: 1, Bytes: len(metaData)}
	for _, n := range names {
		if err := write(dir+n, files[n]); err != nil {
			return Export{}, err
		}
		ex.Files++
		ex.Bytes += len(files[n])
	}
	return ex, write(MetaPath, metaData)
}

// vocabShard is one vocabulary shard: folded words with their term
// (or just the document frequency when the word is the term), and terms
// with their document frequencies and postings per field.
type vocabShard struct {
	Vocab map[string]any   `json:"v"`
	Terms map[string][]any `json:"t"`
}

// script encodes a call of fn with JSON arguments, the form in which a
// page can load data with <script> from file://, where fetch() is blocked.
func script(fn string, args ...any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(fn)
	b.WriteByte('(')
	for i, a := range args {
		if i > 0 {
			b.WriteByte(',')
		}
		data, err := json.Marshal(a)
		if err != nil {
			return nil, fmt.Errorf("search: encode %s: %w", fn, err)
		}
		b.Write(data)
	}
	b.WriteString(");\n")
	return b.Bytes(), nil
}
