package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/klauspost/compress/zlib"

	"ledenbrief/internal/record"
)

// zlibWriters keep compressors for the files of a site's index, and
// fastWriters for the index of one letter, made for every letter of a site
// and never downloaded from a server: they compress three times as fast
// and an eighth larger.
//
// The compressors are klauspost/compress's, which write the same zlib
// format as the standard library's, faster. Measured on 400 files of a
// 5,000-letter site's index, its level 7 is 1.4 to 2.5 times as fast as
// the standard library's default level, whatever the kind of file, and
// smaller for every kind; on a letter's index (162 KB of JSON) its level
// 2 is twice as fast as the standard library's fastest level and 6%
// smaller.
var (
	zlibWriters = newCompressors(7)
	fastWriters = newCompressors(2)
)

// compressors keeps the zlib compressors of one level that are not in
// use, for the next file. Unlike a sync.Pool it keeps them across garbage
// collections: a compressor holds about a megabyte, which a sync.Pool let
// go at every collection, and a build collects every few hundred
// milliseconds.
type compressors struct {
	level int
	free  chan *zlib.Writer
}

// newCompressors keeps up to two compressors per CPU of level, a valid
// zlib level.
func newCompressors(level int) *compressors {
	return &compressors{level: level, free: make(chan *zlib.Writer, 2*runtime.GOMAXPROCS(0))}
}

// get returns a compressor that writes to w.
func (cs *compressors) get(w io.Writer) *zlib.Writer {
	select {
	case zw := <-cs.free:
		zw.Reset(w)
		return zw
	default:
		zw, _ := zlib.NewWriterLevel(w, cs.level) // a valid level: no error
		return zw
	}
}

// put keeps zw for the next file, unless enough are kept.
func (cs *compressors) put(zw *zlib.Writer) {
	select {
	case cs.free <- zw:
	default:
	}
}

var (
	// rawJSON holds a file's JSON until it is compressed: grown anew for
	// every file, it was a twentieth of what a default build allocates.
	rawJSON = sync.Pool{New: func() any { return new([]byte) }}
	// compressed holds a file's compressed bytes until they are written
	// out seven bits to a byte: grown anew for every file, they were a
	// fortieth of what a default build allocates.
	compressed = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// pack encodes a call of fn with keys as JSON arguments and then data:
// the JSON of v (its own, for a jsonAppender), compressed with zlib and
// written as a string seven bits to a byte (appendSeven). A page can load
// it with <script> from file://, where fetch() is blocked, and search.js
// decodes and inflates it itself. On the Dutch text of the index this
// takes about half the bytes of plain JSON.
func pack(fn string, v any, keys ...any) ([]byte, error) {
	return packWith(zlibWriters, false, fn, v, keys)
}

// packInline is pack of fn and v, without keys, with the fast
// compressors (a letter's bundle), in the form an HTML document holds
// inline (see Packed).
func packInline(fn string, v any) ([]byte, error) {
	return packWith(fastWriters, true, fn, v, nil)
}

// packWith encodes v and compresses it with the compressors of pool, as
// compress writes it.
func packWith(pool *compressors, inline bool, fn string, v any, keys []any) ([]byte, error) {
	raw, done, err := encodeJSON(fn, v)
	if err != nil {
		return nil, err
	}
	defer done()
	return compress(pool, fn, raw, keys, inline)
}

// encodeJSON returns the JSON of v (its own, for a jsonAppender), in a
// buffer to give back with done once it is compressed.
func encodeJSON(fn string, v any) (raw []byte, done func(), err error) {
	if a, ok := v.(jsonAppender); ok {
		buf := rawJSON.Get().(*[]byte)
		raw = a.appendJSON((*buf)[:0])
		*buf = raw
		return raw, func() { rawJSON.Put(buf) }, nil
	}
	if raw, err = json.Marshal(v); err != nil {
		return nil, nil, fmt.Errorf("search: encode %s: %w", fn, err)
	}
	return raw, func() {}, nil
}

// packKey is the memo's key of a packed call of fn with the JSON raw and
// keys: the packed file is a function of these.
func packKey(fn string, raw []byte, keys []any) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00", fn, len(raw))
	h.Write(raw)
	for _, k := range keys {
		data, _ := json.Marshal(k) // as in compress, where an error is reported
		h.Write(data)
		h.Write([]byte{0})
	}
	var key [32]byte
	h.Sum(key[:0])
	return key
}

// compress writes a call of fn with keys and the JSON raw, compressed:
// packed (see appendSeven), or inline, as an HTML document holds it (see
// Packed).
func compress(pool *compressors, fn string, raw []byte, keys []any, inline bool) ([]byte, error) {
	var err error
	z := compressed.Get().(*bytes.Buffer)
	defer compressed.Put(z)
	z.Reset()
	zw := pool.get(z)
	_, err = zw.Write(raw)
	if err == nil {
		err = zw.Close()
	}
	pool.put(zw)
	if err != nil {
		return nil, fmt.Errorf("search: compress %s: %w", fn, err)
	}
	var b bytes.Buffer
	b.Grow(len(utf8BOM) + len(fn) + z.Len()*4/3 + 32)
	if !inline {
		b.WriteString(utf8BOM)
	}
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
	if inline {
		b.Write(base64.StdEncoding.AppendEncode(b.AvailableBuffer(), z.Bytes()))
	} else {
		b.Write(appendSeven(b.AvailableBuffer(), z.Bytes()))
	}
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
	dst = slices.Grow(dst, len(src)*8/7+2)
	var acc uint32 // the bits of src not yet cut, in its low n bits
	n, i := 0, 0
	held := -1 // the number of an exception waiting for the next group
	for {
		var g byte
		switch {
		case n >= 7:
		case i < len(src):
			acc = acc<<8 | uint32(src[i])
			i++
			n += 8
		case n > 0: // the last group, padded
			acc <<= 7 - n
			n = 7
		default:
			if held >= 0 {
				dst = appendTwoByte(dst, lastException, sevenBitExceptions[held])
			}
			return dst
		}
		n -= 7
		g = byte(acc>>n) & 0x7f
		acc &= 1<<n - 1
		switch {
		case held >= 0:
			dst = appendTwoByte(dst, held, g)
			held = -1
		case sevenBitException[g] > 0:
			held = int(sevenBitException[g]) - 1
		default:
			dst = append(dst, g)
		}
	}
}

// sevenBitException holds, for each 7-bit value, its number in
// sevenBitExceptions plus one; zero for the others.
var sevenBitException = func() (t [128]int8) {
	for k, b := range sevenBitExceptions {
		t[b] = int8(k + 1)
	}
	return t
}()

// appendTwoByte appends the character U+0080 + k×128 + g in UTF-8, which
// takes two bytes for every exception number k and group g.
func appendTwoByte(dst []byte, k int, g byte) []byte {
	r := 0x80 + k<<7 | int(g)
	return append(dst, 0xc0|byte(r>>6), 0x80|byte(r&0x3f))
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

// Packed returns the packed script (see pack) of a script in the inline
// form, the one an HTML document can hold: without the byte order mark,
// and with the data in base64, since HTML allows no control characters
// and seven bits a byte need some. search.js reads both forms: a packed
// string starts with zlib's header, which appendSeven writes as a
// two-byte character and base64 as "e".
func Packed(inline []byte) ([]byte, error) {
	end := bytes.LastIndexByte(inline, '"')
	start := bytes.LastIndexByte(inline[:max(end, 0)], '"')
	if start < 0 {
		return nil, fmt.Errorf("search: not an inline script: %.40q", inline)
	}
	z, err := base64.StdEncoding.AppendDecode(nil, inline[start+1:end])
	if err != nil {
		return nil, fmt.Errorf("search: not an inline script: %w", err)
	}
	out := make([]byte, 0, len(utf8BOM)+start+1+len(z)*8/7+2+len(inline)-end)
	out = append(append(out, utf8BOM...), inline[:start+1]...)
	out = appendSeven(out, z)
	return append(out, inline[end:]...), nil
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

// PackMemo keeps what the packed files of the static index were, by what
// they pack (the call, its keys and its JSON, or the postings of a file's
// terms: see termsInput), so that a build packs again only the files
// whose content changed. A memo in memory (NewPackMemo), between the
// builds of a preview, keeps their bytes; one kept in the build cache
// (ReadPackMemo) keeps only their SHA-256 and size, and the build takes
// the files from its previous output (StaticWriter.Lend): a build then
// neither reads nor writes again the index's bytes (68 MB at 5,000
// letters) to change a few of its files. It is safe for concurrent use.
type PackMemo struct {
	mu        sync.Mutex
	keepBytes bool
	old       map[[32]byte]packedFile // what the memo was read with
	used      map[[32]byte]packedFile // what this build packed or took
}

// packedFile is a packed file as a memo knows it.
type packedFile struct {
	sum  [32]byte
	size int
	data []byte // nil unless the memo keeps bytes
}

// NewPackMemo returns an empty memo that keeps the files' bytes.
func NewPackMemo() *PackMemo {
	return &PackMemo{keepBytes: true, old: map[[32]byte]packedFile{}, used: map[[32]byte]packedFile{}}
}

// NewLendingMemo returns an empty memo that keeps the files' SHA-256 and
// size alone, as ReadPackMemo reads them.
func NewLendingMemo() *PackMemo {
	return &PackMemo{old: map[[32]byte]packedFile{}, used: map[[32]byte]packedFile{}}
}

func (m *PackMemo) get(key [32]byte) (packedFile, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.old[key]
	if ok {
		m.used[key] = f
	}
	return f, ok
}

func (m *PackMemo) put(key [32]byte, data []byte, sum [32]byte) {
	f := packedFile{sum: sum, size: len(data)}
	if m.keepBytes {
		f.data = data
	}
	m.mu.Lock()
	m.used[key] = f
	m.mu.Unlock()
}

// Next returns a memo holding what this build packed or took, for the
// next build.
func (m *PackMemo) Next() *PackMemo {
	m.mu.Lock()
	defer m.mu.Unlock()
	return &PackMemo{keepBytes: m.keepBytes, old: m.used, used: map[[32]byte]packedFile{}}
}

// Changed reports whether the build packed a file the memo did not hold
// or left one out: then it is worth keeping again.
func (m *PackMemo) Changed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.used) != len(m.old) {
		return true
	}
	for k := range m.used {
		if _, ok := m.old[k]; !ok {
			return true
		}
	}
	return false
}

// AppendRecord appends the files this build packed or took, in the order
// of their keys, each with its SHA-256 and size, as ReadPackMemo reads
// them.
func (m *PackMemo) AppendRecord(w *record.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := slices.SortedFunc(maps.Keys(m.used), func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	w.Uint(uint64(len(keys)))
	for _, k := range keys {
		f := m.used[k]
		w.Bytes(k[:])
		w.Bytes(f.sum[:])
		w.Uint(uint64(f.size))
	}
}

// ReadPackMemo reads a memo AppendRecord wrote: one that keeps no bytes.
func ReadPackMemo(r *record.Reader) (*PackMemo, error) {
	m := NewLendingMemo()
	for range r.Len() {
		var k [32]byte
		var f packedFile
		copy(k[:], r.Bytes())
		copy(f.sum[:], r.Bytes())
		f.size = int(r.Uint())
		m.old[k] = f
	}
	return m, r.Done()
}
