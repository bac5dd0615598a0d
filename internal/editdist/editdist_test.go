package editdist

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2},
		{"integriteid", "integriteit", 1},
		{"kitten", "sitting", 3},
		{"klantcontactcentrum", "klantcontactcentra", 2},
		{"loopbaanoriëntatie", "loopbaanorientatie", 1}, // one rune, two bytes
	} {
		if got := Distance(c.a, c.b); got != c.d {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}
