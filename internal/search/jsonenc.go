package search

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
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
	b = append(b, '{')
	for i, term := range slices.Sorted(maps.Keys(r)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, term)
		b = append(b, ':')
		b = append(b, r[term]...)
	}
	return append(b, '}')
}

// docRows are the rows of a text shard, nil where no unit has the number.
type docRows [][]string

func (rows docRows) appendJSON(b []byte) []byte {
	b = append(b, '[')
	for i, row := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendStrings(b, row)
	}
	return append(b, ']')
}

// vocabValue is a word of a vocabulary shard: its term (when the word is
// not its own term) and document frequency; JSON df, or [term, df].
type vocabValue struct {
	term string // "" when the word is its term
	df   int
}

func (sh *vocabShard) appendJSON(b []byte) []byte {
	b = append(b, `{"v":{`...)
	for i, k := range slices.Sorted(maps.Keys(sh.Vocab)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		v := sh.Vocab[k]
		if v.term == "" {
			b = strconv.AppendInt(b, int64(v.df), 10)
			continue
		}
		b = append(b, '[')
		b = appendJSONString(b, v.term)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(v.df), 10)
		b = append(b, ']')
	}
	b = append(b, `},"t":{`...)
	for i, k := range slices.Sorted(maps.Keys(sh.Terms)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, sh.Terms[k])
	}
	b = append(b, '}')
	if len(sh.Top) > 0 {
		b = append(b, `,"c":`...)
		b = docRows(sh.Top).appendJSON(b)
	}
	if len(sh.Compounds) > 0 {
		b = append(b, `,"x":{`...)
		for i, k := range slices.Sorted(maps.Keys(sh.Compounds)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendStrings(b, sh.Compounds[k])
		}
		b = append(b, '}')
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
	b = append(b, `,"v":{`...)
	for i, k := range slices.Sorted(maps.Keys(bd.Shards)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = bd.Shards[k].appendJSON(b)
	}
	b = append(b, `},"p":{`...)
	for i, k := range slices.Sorted(maps.Keys(bd.Postings)) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = bd.Postings[k].appendJSON(b)
	}
	b = append(b, `},"q":{`...)
	b = appendNumbered(b, bd.Pairs)
	b = append(b, `},"d":{`...)
	b = appendNumbered(b, bd.Docs)
	return append(b, "}}"...)
}

// appendNumbered appends the members of an object keyed by number, in the
// order of the keys as text (as encoding/json orders them).
func appendNumbered[V jsonAppender](b []byte, m map[int]V) []byte {
	keys := make([]string, 0, len(m))
	for n := range m {
		keys = append(keys, strconv.Itoa(n))
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		n, _ := strconv.Atoi(k)
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = m[n].appendJSON(b)
	}
	return b
}

// appendStrings appends a JSON array of strings (null for nil).
func appendStrings(b []byte, list []string) []byte {
	if list == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
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
