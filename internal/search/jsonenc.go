package search

import (
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"
)

// jsonAppender is a value of the static index that writes its own JSON.
// The index has tens of thousands of small files and every letter's copy
// a bundle of them: encoding/json's reflection over their maps, and its
// check of every posting record it is handed, took a tenth of a build
// with copies. What these write is JSON that JSON.parse reads as
// encoding/json's output (only '<', '>' and '&' are left unescaped).
type jsonAppender interface {
	appendJSON(b []byte) []byte
}

// records are postings records by term (see postingsRecord), JSON made
// by this package.
type records map[string][]byte

func (r records) appendJSON(b []byte) []byte {
	return appendObject(b, r, func(b, rec []byte) []byte { return append(b, rec...) })
}

// docRows are the rows of a text shard, nil where no unit has the number.
type docRows [][]string

func (rows docRows) appendJSON(b []byte) []byte { return appendArray(b, rows, appendStrings) }

// vocabValue is a word of a vocabulary shard: its term (when the word is
// not its own term) and document frequency; JSON df, or [term, df].
type vocabValue struct {
	term string // "" when the word is its term
	df   int
}

func (v vocabValue) appendJSON(b []byte) []byte {
	if v.term == "" {
		return strconv.AppendInt(b, int64(v.df), 10)
	}
	b = append(b, '[')
	b = appendJSONString(b, v.term)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(v.df), 10)
	return append(b, ']')
}

func (sh *vocabShard) appendJSON(b []byte) []byte {
	b = append(b, `{"v":`...)
	b = appendObject(b, sh.Vocab, func(b []byte, v vocabValue) []byte { return v.appendJSON(b) })
	b = append(b, `,"t":`...)
	b = appendObject(b, sh.Terms, appendJSONString)
	if len(sh.Top) > 0 {
		b = append(b, `,"c":`...)
		b = docRows(sh.Top).appendJSON(b)
	}
	if len(sh.Compounds) > 0 {
		b = append(b, `,"x":`...)
		b = appendObject(b, sh.Compounds, appendStrings)
	}
	if sh.Split != "" {
		b = append(b, `,"s":`...)
		b = appendJSONString(b, sh.Split)
	}
	return append(b, '}')
}

func (bd *bundle) appendJSON(b []byte) []byte {
	m, _ := json.Marshal(bd.Meta) // a struct of strings, numbers and maps of them: it encodes
	b = append(b, `{"meta":`...)
	b = append(b, m...)
	b = append(b, `,"v":`...)
	b = appendObject(b, bd.Shards, func(b []byte, sh *vocabShard) []byte { return sh.appendJSON(b) })
	b = append(b, `,"p":`...)
	b = appendObject(b, bd.Postings, func(b []byte, r records) []byte { return r.appendJSON(b) })
	b = append(b, `,"q":`...)
	b = appendObject(b, byText(bd.Pairs), func(b []byte, r records) []byte { return r.appendJSON(b) })
	b = append(b, `,"d":`...)
	b = appendObject(b, byText(bd.Docs), func(b []byte, rows docRows) []byte { return rows.appendJSON(b) })
	if bd.Facets != nil {
		f, _ := json.Marshal(bd.Facets) // strings and numbers: it encodes
		b = append(b, `,"f":`...)
		b = append(b, f...)
	}
	if bd.Threads != nil {
		t, _ := json.Marshal(bd.Threads) // numbers and strings: it encodes
		b = append(b, `,"t":`...)
		b = append(b, t...)
	}
	return append(b, '}')
}

// appendObject appends m as a JSON object, its members in the order of
// their keys (as encoding/json orders them), each value written by value.
func appendObject[V any](b []byte, m map[string]V, value func(b []byte, v V) []byte) []byte {
	list := keyLists.Get().(*[]string)
	keys := (*list)[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = value(b, m[k])
	}
	clear(keys) // lets go of the keys
	*list = keys[:0]
	keyLists.Put(list)
	return append(b, '}')
}

// keyLists hold an object's keys while appendObject writes it (objects
// within it take lists of their own): a list made for every object was a
// twentieth of what a default build allocates.
var keyLists = sync.Pool{New: func() any { return new([]string) }}

// byText returns m keyed by its numbers as text, as JSON keys them.
func byText[V any](m map[int]V) map[string]V {
	out := make(map[string]V, len(m))
	for n, v := range m {
		out[strconv.Itoa(n)] = v
	}
	return out
}

// appendStrings appends a JSON array of strings (null for nil).
func appendStrings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	return appendArray(b, list, appendJSONString)
}

// appendArray appends list as a JSON array, each element written by elem.
func appendArray[V any](b []byte, list []V, elem func(b []byte, v V) []byte) []byte {
	b = append(b, '[')
	for i, v := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = elem(b, v)
	}
	return append(b, ']')
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, U+2028 and U+2029 too (JavaScript source
// before ES2019 ends a line there), and invalid UTF-8 as U+FFFD, as
// encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
