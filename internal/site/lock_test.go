package site

import "testing"

func TestLikenessFindsRenames(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		alike bool
	}{
		{"intimidatie-of-bedreiging", "intimidatie-en-bedreiging", true},
		{"loopbaanorientatie", "loopbaanorientatie-wethouders", true},
		{"21-082/", "21-083/", true},
		{"scholing", "opleiding", false},
		{"rechtspositie", "desinformatie", false},
	} {
		if got := likeness(c.a, c.b) > 0; got != c.alike {
			t.Errorf("likeness(%q, %q) = %v, want alike %v", c.a, c.b, likeness(c.a, c.b), c.alike)
		}
	}
}

func TestIncreasingKeepsTheLongestOrder(t *testing.T) {
	in := increasing([]int{2, 0, 1, 3}) // section 2 moved to the front
	if in[2] || !in[0] || !in[1] || !in[3] {
		t.Errorf("in place: %v, want all but 2", in)
	}
}
