package diag

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Lang is a language messages are reported in.
type Lang string

// The languages of the catalogue. Dutch, the editors' language, is the
// default (and the zero value's meaning).
const (
	Dutch   Lang = "nl"
	English Lang = "en"
)

// LangEnv is the environment variable that chooses the language of
// messages when no --lang flag does.
const LangEnv = "LEDENBRIEF_LANG"

// ParseLang returns the language named s ("nl" or "en", any case; ""
// means Dutch).
func ParseLang(s string) (Lang, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "nl":
		return Dutch, nil
	case "en":
		return English, nil
	}
	return Dutch, fmt.Errorf("unknown language %q: use nl or en", s)
}

// LangFromEnv returns the language LEDENBRIEF_LANG names, Dutch when it
// is unset or unknown.
func LangFromEnv() Lang {
	l, _ := ParseLang(os.Getenv(LangEnv))
	return l
}

// ID names one message of the catalogue. Its name is stable: it is
// printed as the "code" of check --format json, the same in every
// language, for editor integrations and for people who ask about one.
type ID struct{ name string }

// Name returns the id's stable name, like "unknown-id".
func (id ID) Name() string { return id.name }

// ids lists every id, so that a test can hold each catalogue complete.
var ids []ID

// def declares a message id.
func def(name string) ID {
	id := ID{name}
	ids = append(ids, id)
	return id
}

// Msg is a message of the catalogue with its arguments, put in words
// only when it is reported. It is an error, so that a check deep inside
// a package can return one and its caller report it in any language.
type Msg struct {
	ID   ID
	Args []any
}

// M returns the message id with args.
func M(id ID, args ...any) Msg { return Msg{ID: id, Args: args} }

// Error returns the message in English, as developers read errors.
func (m Msg) Error() string { return m.Text(English) }

// Later is an argument of a message worked out only when the message is
// put in words: a suggestion searches every known name, and of a build
// with thousands of mistakes only the first are printed.
type Later func() Msg

// Text returns the message in lang. Arguments that are messages (or
// errors that hold one, or Later) are put in lang too. The zero Msg is "".
func (m Msg) Text(lang Lang) string {
	if m.ID.name == "" {
		return ""
	}
	cat := dutch
	if lang == English {
		cat = english
	}
	format, ok := cat[m.ID]
	if !ok { // a test holds both catalogues complete
		format = m.ID.name
	}
	var args []any // m.Args with the messages among them in words, copied on the first
	for i, a := range m.Args {
		var inner Msg
		if later, ok := a.(Later); ok {
			inner = later()
		} else if err, ok := a.(error); !ok || !errors.As(err, &inner) {
			continue
		}
		if args == nil {
			args = slices.Clone(m.Args)
		}
		args[i] = inner.Text(lang)
	}
	if args == nil {
		args = m.Args
	}
	return fmt.Sprintf(format, args...)
}
