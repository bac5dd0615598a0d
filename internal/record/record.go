// Package record writes and reads the compact binary records the build
// cache keeps: unsigned and signed varints, strings and byte strings,
// appended to a slice and read back in the same order. A Reader that
// runs out of bytes or meets a length that cannot be stops with an
// error instead of panicking, so a damaged record is an error, never a
// wrong value of the right size.
package record

import (
	"encoding/binary"
	"errors"
)

// Writer appends values to a record.
type Writer struct{ B []byte }

// Uint appends v.
func (w *Writer) Uint(v uint64) { w.B = binary.AppendUvarint(w.B, v) }

// Int appends v.
func (w *Writer) Int(v int64) { w.B = binary.AppendVarint(w.B, v) }

// String appends s with its length.
func (w *Writer) String(s string) {
	w.Uint(uint64(len(s)))
	w.B = append(w.B, s...)
}

// Bytes appends b with its length.
func (w *Writer) Bytes(b []byte) {
	w.Uint(uint64(len(b)))
	w.B = append(w.B, b...)
}

// Reader reads a record's values in the order they were written. After
// the first error every read returns a zero value; Err tells.
type Reader struct {
	b   []byte
	err error
}

// NewReader reads record b.
func NewReader(b []byte) *Reader { return &Reader{b: b} }

// ErrDamaged is the error of a record that ends early or holds a length
// beyond its end.
var ErrDamaged = errors.New("damaged record")

// Err is the first error met, or nil.
func (r *Reader) Err() error { return r.err }

// Done reports an error unless the whole record was read.
func (r *Reader) Done() error {
	if r.err == nil && len(r.b) > 0 {
		r.err = ErrDamaged
	}
	return r.err
}

// Uint reads an unsigned varint.
func (r *Reader) Uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = ErrDamaged
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Int reads a signed varint.
func (r *Reader) Int() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = ErrDamaged
		return 0
	}
	r.b = r.b[n:]
	return v
}

// Len reads a count of things that each take at least one byte of the
// rest of the record, so that a damaged count cannot ask for more memory
// than the record holds.
func (r *Reader) Len() int {
	n := r.Uint()
	if n > uint64(len(r.b)) {
		r.err = ErrDamaged
		return 0
	}
	return int(n)
}

// Bytes reads a byte string; it shares the record's memory.
func (r *Reader) Bytes() []byte {
	n := r.Len()
	if r.err != nil {
		return nil
	}
	b := r.b[:n:n]
	r.b = r.b[n:]
	return b
}

// String reads a string.
func (r *Reader) String() string { return string(r.Bytes()) }
