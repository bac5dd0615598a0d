// Package letternumber is the grammar of VNG letter numbers, in one
// place: the number as the letter prints it ("Lbr. 21/082"), as users type
// it ("21-082", "21/082", "Lbr. 21-082"), and the folder it gives the
// letter ("21-082").
package letternumber

import (
	"strconv"
	"strings"
)

// FolderPattern is a letter folder as a regular expression, for patterns
// that name the site's folders.
const FolderPattern = `\d{2}-\d{3}`

// parse reads a letter number: strictly as a letter prints it, "Lbr.
// 21/082", or as a user may type it, with or without "Lbr.", with "/" or
// "-". It returns the letter's folder.
func parse(s string, strict bool) (string, bool) {
	if strict {
		rest, ok := strings.CutPrefix(s, "Lbr. ")
		if !ok || len(rest) != 6 || rest[2] != '/' {
			return "", false
		}
		s = rest
	} else {
		s = strings.TrimSpace(s)
		if rest, ok := strings.CutPrefix(s, "Lbr"); ok {
			s = strings.TrimLeft(strings.TrimPrefix(rest, "."), " \t")
		}
		if len(s) != 6 || (s[2] != '/' && s[2] != '-') {
			return "", false
		}
	}
	for i, c := range s {
		if i != 2 && (c < '0' || c > '9') {
			return "", false
		}
	}
	return s[:2] + "-" + s[3:], true
}

// Folder returns the folder of the letter numbered number, as the letter
// prints it ("Lbr. 21/082" → "21-082"); false when number is not written
// so.
func Folder(number string) (string, bool) { return parse(number, true) }

// Parse returns the folder of a letter number as a user types it:
// "22-010", "22/010", "Lbr. 22/010", "Lbr.22-010" or "Lbr 22-010" give
// "22-010".
func Parse(typed string) (string, bool) { return parse(typed, false) }

// IsFolder reports whether name is a letter folder, like 21-082.
func IsFolder(name string) bool {
	f, ok := parse(name, false)
	return ok && f == name
}

// Index is the letter's place in the numbering of all letters, from its
// folder: year × 1000 + number ("21-082" is 21082), below 100,000. It
// does not change when other letters are added or removed.
func Index(folder string) (int, bool) {
	if !IsFolder(folder) {
		return 0, false
	}
	year, err1 := strconv.Atoi(folder[:2])
	n, err2 := strconv.Atoi(folder[3:])
	return year*1000 + n, err1 == nil && err2 == nil
}

// Number is the number of the letter in folder, as the letter prints it:
// "21-082" gives "Lbr. 21/082".
func Number(folder string) string {
	return "Lbr. " + strings.Replace(folder, "-", "/", 1)
}
