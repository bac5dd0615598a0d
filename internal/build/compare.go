package build

import (
	"errors"
	"fmt"

	"ledenbrief/internal/diag"
	"ledenbrief/internal/site"
)

// ErrNotComparable is returned by Compare for two letters that are not
// editions of one series, or a letter with itself.
var ErrNotComparable = errors.New("not two editions of one series")

// Compare loads the content as a build's first pass does and compares
// two editions of one series, given by folder, exactly as the site's
// comparison page of a with b shows them: older to newer, whichever is
// given first. The problems of the content are added to diags; a letter
// that is not there is a *NoLetterError.
func Compare(opts Options, a, b string, diags *diag.List) (*site.Changes, error) {
	s, err := Index(opts, diags)
	if err != nil {
		return nil, err
	}
	var infos [2]*site.LetterInfo
	for i, slug := range []string{a, b} {
		if infos[i] = s.Info(slug); infos[i] == nil {
			return nil, &NoLetterError{Slug: slug}
		}
	}
	if infos[0] == infos[1] || infos[0].Series == nil || infos[0].Series != infos[1].Series {
		return nil, fmt.Errorf("%w: %s and %s", ErrNotComparable, infos[0].Meta.Number, infos[1].Meta.Number)
	}
	var parsed [2]*site.Letter
	for i, li := range infos {
		l, err := reload(s, li.Slug)
		if err != nil {
			return nil, err
		}
		parsed[i] = s.Parse(l)
	}
	return s.Compare(parsed[0], parsed[1]), nil
}

// NoLetterError is Compare's error for a letter the content does not have.
type NoLetterError struct {
	Slug string // the letter's folder
}

func (e *NoLetterError) Error() string { return "no letter " + e.Slug }
