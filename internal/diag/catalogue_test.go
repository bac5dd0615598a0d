package diag

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// verbRE finds the formatting verbs of a message, %% left out.
var verbRE = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]`)

// TestCataloguesAreComplete holds both catalogues to every id: each has
// a text in Dutch and in English, with the same formatting verbs, so that
// no message falls back to its id or prints %!v(MISSING) in one language.
func TestCataloguesAreComplete(t *testing.T) {
	names := map[string]bool{}
	for _, id := range ids {
		if names[id.name] {
			t.Errorf("id %q is declared twice", id.name)
		}
		names[id.name] = true
		nl, okNL := dutch[id]
		en, okEN := english[id]
		if !okNL || !okEN {
			t.Errorf("%s: Dutch %t, English %t", id.name, okNL, okEN)
			continue
		}
		if v1, v2 := verbs(nl), verbs(en); !slices.Equal(v1, v2) {
			t.Errorf("%s: Dutch verbs %v, English %v", id.name, v1, v2)
		}
		if nl == en && verbRE.ReplaceAllString(nl, "") != "" && !strings.Contains(nl, "link") {
			t.Logf("%s: the same in both languages: %q", id.name, nl)
		}
	}
	if len(dutch) != len(ids) || len(english) != len(ids) {
		t.Errorf("%d ids, %d Dutch texts, %d English texts", len(ids), len(dutch), len(english))
	}
}

func verbs(format string) []string {
	var out []string
	for _, v := range verbRE.FindAllString(format, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	return out
}

// TestMessagesInsideMessages puts an argument that is itself a message
// (or an error holding one) in the reader's language.
func TestMessagesInsideMessages(t *testing.T) {
	m := M(FieldValue, M(FieldFM), "draft", M(ExpectedBool, "ja"))
	if got, want := m.Text(Dutch), `veld "draft": verwacht true (ja) of false (nee); nu staat er "ja"`; got != want {
		t.Errorf("Dutch: %s\nwant   %s", got, want)
	}
	if got, want := m.Text(English), `front matter field "draft": expected true or false, got "ja"`; got != want {
		t.Errorf("English: %s\nwant     %s", got, want)
	}
	if (Msg{}).Text(Dutch) != "" {
		t.Error("the zero Msg is not empty")
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"": Dutch, "nl": Dutch, "NL": Dutch, "en": English, " En ": English} {
		if got, err := ParseLang(in); err != nil || got != want {
			t.Errorf("ParseLang(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseLang("de"); err == nil {
		t.Error("ParseLang(de) accepted a language without a catalogue")
	}
}
