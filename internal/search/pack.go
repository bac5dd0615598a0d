package search

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
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
// the JSON of v (its own, for a jsonAppender), compressed with zlib and
// written as a string seven bits to a byte (appendSeven). A page can load
// it with <script> from file://, where fetch() is blocked, and search.js
// decodes and inflates it itself. On the Dutch text of the index this
// takes about half the bytes of plain JSON.
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
	b.Grow(len(utf8BOM) + len(fn) + z.Len()*8/7 + 32)
	b.WriteString(utf8BOM)
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
	b.Write(appendSeven(b.AvailableBuffer(), z.Bytes()))
	b.WriteString("\");\n")
	return b.Bytes(), nil
}

// utf8BOM starts every packed script: a browser then reads it as UTF-8
// whatever charset a server sends with it, which the two-byte characters
// of appendSeven need.
const utf8BOM = "\uFEFF"

// sevenBitExceptions are the 7-bit values a packed string never holds as
// a character of their own: NUL, the line ends, the quote and backslash
// that would end or escape a JavaScript string, and '<', so that the
// string could stand in an HTML <script> element too.
var sevenBitExceptions = [...]byte{0, '\n', '\r', '"', '<', '\\'}

// lastException marks the two-byte character of an exception that is the
// last group of the data (see appendSeven).
const lastException = len(sevenBitExceptions)

// appendSeven appends src to dst as the text of a JavaScript string
// literal that carries seven bits per byte (base64 carries six): src's
// bits, most significant first, are cut into groups of seven, the last
// padded with zeros. A group becomes the ASCII character of its value,
// unless that value is one of the sevenBitExceptions; then the exception's
// number and the next group (or lastException and the group itself, at
// the end) become one character of two bytes in UTF-8, U+0080 + number×128
// + group. The scheme is base122's (Kevin Albertson); search.js's unseven
// reverses it.
func appendSeven(dst, src []byte) []byte {
	var acc uint32 // the bits of src not yet cut, in its low n bits
	n, i := 0, 0
	group := func() (byte, bool) {
		if n < 7 {
			if i < len(src) {
				acc = acc<<8 | uint32(src[i])
				i++
				n += 8
			} else if n > 0 {
				g := byte(acc<<(7-n)) & 0x7f
				n = 0
				return g, true
			} else {
				return 0, false
			}
		}
		n -= 7
		g := byte(acc>>n) & 0x7f
		acc &= 1<<n - 1
		return g, true
	}
	for {
		g, ok := group()
		if !ok {
			return dst
		}
		k := slices.Index(sevenBitExceptions[:], g)
		if k < 0 {
			dst = append(dst, g)
			continue
		}
		next, ok := group()
		if !ok {
			k, next = lastException, g
		}
		dst = utf8.AppendRune(dst, rune(0x80+k<<7|int(next)))
	}
}

// unseven reverses appendSeven. It fails on a character appendSeven does
// not write.
func unseven(s []byte) ([]byte, error) {
	out := make([]byte, 0, len(s)*7/8+1)
	var acc uint32
	n := 0
	put := func(g byte) {
		acc = acc<<7 | uint32(g)
		n += 7
		if n >= 8 {
			n -= 8
			out = append(out, byte(acc>>n))
			acc &= 1<<n - 1
		}
	}
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		s = s[size:]
		switch v := int(r) - 0x80; {
		case r < 0x80:
			put(byte(r))
		case v < lastException<<7:
			put(sevenBitExceptions[v>>7])
			put(byte(v & 0x7f))
		case v < (lastException+1)<<7:
			put(byte(v & 0x7f))
		default:
			return nil, fmt.Errorf("search: U+%04X is not a character of a packed string", r)
		}
	}
	return out, nil
}

// Inline returns a script that pack wrote in the form an HTML document can
// hold inline: without its byte order mark, and its data in base64, since
// HTML allows no control characters and seven bits a byte need some.
// search.js reads both: a packed string starts with zlib's header, which
// appendSeven writes as a two-byte character and base64 as "e".
func Inline(script []byte) ([]byte, error) {
	s := bytes.TrimPrefix(script, []byte(utf8BOM))
	end := bytes.LastIndexByte(s, '"')
	start := bytes.LastIndexByte(s[:max(end, 0)], '"')
	if start < 0 {
		return nil, fmt.Errorf("search: not a packed script: %.40q", s)
	}
	z, err := unseven(s[start+1 : end])
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, start+1+base64.StdEncoding.EncodedLen(len(z))+len(s)-end)
	out = append(out, s[:start+1]...)
	out = base64.StdEncoding.AppendEncode(out, z)
	return append(out, s[end:]...), nil
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
