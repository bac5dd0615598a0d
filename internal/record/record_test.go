package record

import (
	"errors"
	"testing"
)

func TestRoundTripAndEveryCut(t *testing.T) {
	w := &Writer{}
	w.Uint(300)
	w.Int(-7)
	w.String("Lbr. 21/082")
	w.Bytes([]byte{0, 1, 2})
	w.String("")
	r := NewReader(w.B)
	if u, i, s, b, e := r.Uint(), r.Int(), r.String(), r.Bytes(), r.String(); u != 300 || i != -7 || s != "Lbr. 21/082" || string(b) != "\x00\x01\x02" || e != "" {
		t.Fatalf("read back %d %d %q %q %q", u, i, s, b, e)
	}
	if err := r.Done(); err != nil {
		t.Fatal(err)
	}
	// A record cut anywhere is an error, never a panic or a silent value.
	for n := range len(w.B) {
		r := NewReader(w.B[:n])
		_, _, _, _, _ = r.Uint(), r.Int(), r.String(), r.Bytes(), r.String()
		if err := r.Done(); !errors.Is(err, ErrDamaged) {
			t.Errorf("cut at %d of %d: %v", n, len(w.B), err)
		}
	}
	if err := NewReader(append(w.B, 0)).Done(); !errors.Is(err, ErrDamaged) {
		t.Errorf("a record with bytes left over: %v", err)
	}
}

func TestLenRefusesMoreThanTheRecordHolds(t *testing.T) {
	w := &Writer{}
	w.Uint(1 << 40)
	r := NewReader(w.B)
	if n := r.Len(); n != 0 || r.Err() == nil {
		t.Errorf("a count of 2^40 in a record of %d bytes: %d, %v", len(w.B), n, r.Err())
	}
}
