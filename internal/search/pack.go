package search

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// zlibWriters reuses compressors: each holds several hundred kilobytes
// of state, and the static index has tens of thousands of files.
// fastWriters compress a third faster and a tenth larger: for the index
// of one letter, made for every letter of a site and never downloaded
// from a server.
var (
	zlibWriters = sync.Pool{New: func() any { return zlib.NewWriter(nil) }}
	fastWriters = sync.Pool{New: func() any {
		w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed) // a valid level: no error
		return w
	}}
)

// pack encodes a call of fn with keys as JSON arguments and then data:
// the JSON of v (its own, for a jsonAppender), compressed with zlib and encoded in base64. A page can
// load it with <script> from file://, where fetch() is blocked, and the
// browser inflates it (DecompressionStream, or search.js's own inflate
// where that is missing). On the Dutch text of the index this takes
// about 60% of the bytes of plain JSON.
func pack(fn string, v any, keys ...any) ([]byte, error) {
	return packWith(&zlibWriters, fn, v, keys...)
}

// packWith is pack with the compressors of pool.
func packWith(pool *sync.Pool, fn string, v any, keys ...any) ([]byte, error) {
	var raw []byte
	var err error
	if a, ok := v.(jsonAppender); ok {
		raw = a.appendJSON(nil)
	} else if raw, err = json.Marshal(v); err != nil {
		return nil, fmt.Errorf("search: encode %s: %w", fn, err)
	}
	var z bytes.Buffer
	zw := pool.Get().(*zlib.Writer)
	zw.Reset(&z)
	_, err = zw.Write(raw)
	if err == nil {
		err = zw.Close()
	}
	pool.Put(zw)
	if err != nil {
		return nil, fmt.Errorf("search: compress %s: %w", fn, err)
	}
	var b bytes.Buffer
	b.Grow(len(fn) + base64.StdEncoding.EncodedLen(z.Len()) + 32)
	b.WriteString(fn)
	b.WriteByte('(')
	for _, k := range keys {
		data, err := json.Marshal(k)
		if err != nil {
			return nil, fmt.Errorf("search: encode %s: %w", fn, err)
		}
		b.Write(data)
		b.WriteByte(',')
	}
	b.WriteByte('"')
	enc := base64.NewEncoder(base64.StdEncoding, &b)
	enc.Write(z.Bytes())
	enc.Close()
	b.WriteString("\");\n")
	return b.Bytes(), nil
}

// lead returns the start of s that a result's snippet is cut from: whole
// sentences (or lines) while they fit in n bytes, followed by " …" when
// text was left out. A first sentence longer than n is cut at a word
// boundary instead.
func lead(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	end := 0 // the end of the last whole sentence within n bytes
	for i := 0; i < n; i++ {
		switch s[i] {
		case '\n':
			end = i
		case '.', '!', '?', ';', ':':
			if s[i+1] == ' ' || s[i+1] == '\n' {
				end = i + 1
			}
		}
	}
	if end == 0 {
		end = n
		for end > 0 && !utf8.RuneStart(s[end]) {
			end--
		}
		if i := strings.LastIndexAny(s[:end], " \n"); i > n/2 {
			end = i
		}
	}
	return strings.TrimSpace(s[:end]) + " …"
}
