package letternumber

import "testing"

// TestGrammar holds every way a letter number is written to the folder it
// gives, and the ways it is not.
func TestGrammar(t *testing.T) {
	for _, tc := range []struct {
		s             string
		folder, typed string // "" when not accepted
	}{
		{"Lbr. 21/082", "21-082", "21-082"},
		{"21-082", "", "21-082"},
		{"21/082", "", "21-082"},
		{"Lbr.21-082", "", "21-082"},
		{"Lbr 21-082", "", "21-082"},
		{" Lbr. 22/010 ", "", "22-010"},
		{"Lbr. 21-082", "", "21-082"},
		{"Lbr. 21/82", "", ""},
		{"21-0821", "", ""},
		{"2a-082", "", ""},
		{"21_082", "", ""},
		{"", "", ""},
		{"Lbr. ２１/082", "", ""},
	} {
		if f, ok := Folder(tc.s); f != tc.folder || ok != (tc.folder != "") {
			t.Errorf("Folder(%q) = %q %v, want %q", tc.s, f, ok, tc.folder)
		}
		if f, ok := Parse(tc.s); f != tc.typed || ok != (tc.typed != "") {
			t.Errorf("Parse(%q) = %q %v, want %q", tc.s, f, ok, tc.typed)
		}
	}
	if !IsFolder("21-082") || IsFolder("21/082") || IsFolder("Lbr. 21/082") || IsFolder("21-08") {
		t.Error("IsFolder")
	}
	for folder, want := range map[string]int{"21-082": 21082, "00-001": 1, "99-999": 99999} {
		if got, ok := Index(folder); !ok || got != want {
			t.Errorf("Index(%q) = %d %v, want %d", folder, got, ok, want)
		}
	}
	if _, ok := Index("21/082"); ok {
		t.Error("Index of a number that is not a folder")
	}
	if got := Number("21-082"); got != "Lbr. 21/082" {
		t.Errorf("Number: %q", got)
	}
}
